"""``overland data audit``: the claims checked, and the assumed values plans depend on most.

Reads the seed documents and the data files' line maps (the outside world), runs the pure
checks of :mod:`overland.model.audit` with today's date from the service's clock and, unless
told not to, the sensitivity of :mod:`overland.planner.sensitivity` from today's midnight
(UTC), then points each finding at its file and line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from overland import limits
from overland.errors import InputError
from overland.model.audit import ClaimAudit, Finding, audit_claims
from overland.model.claims import Loc

if TYPE_CHECKING:
    from overland.io.data_files import YamlDoc
    from overland.model.catalog import Catalog
    from overland.planner.sensitivity import Dependence, Sensitivity


@dataclass(frozen=True)
class DataAudit:
    """The audit of one data folder: the claims checked, and (when asked) the sensitivity.

    ``files`` maps a record's file (``places``, ``legs``, ``travellers``, a crossing id) to its
    path; ``lines`` maps (file, field path) to the line of each claim the sensitivity ranks.
    """

    data_dir: Path | None
    claims: ClaimAudit
    sensitivity: Sensitivity | None
    files: dict[str, Path]
    lines: dict[tuple[str, Loc], int]

    @property
    def ok(self) -> bool:
        """True when nothing fails the audit (warnings aside)."""
        return not self.claims.errors

    def location(self, origin: str, path: Loc) -> tuple[Path | None, int | None]:
        """(file, line) of the claim at ``path`` in ``origin`` (None when the data came from code)."""
        return self.files.get(origin), self.lines.get((origin, path))

    def as_json(self, show: Callable[[Path], str] = str) -> dict[str, Any]:
        """The audit as plain data; ``show`` writes a file's path (e.g. relative to the working folder)."""
        claims = self.claims

        def finding(f: Finding) -> dict[str, Any]:
            return {**f.as_json(), "file": show(Path(f.file)) if f.file else None}

        payload: dict[str, Any] = {
            "data": show(self.data_dir) if self.data_dir else None,
            "today": claims.today.isoformat(),
            "ok": self.ok,
            "claims": {
                "total": {s.value: n for s, n in claims.total.items()},
                "by_file": {
                    (show(self.files[o]) if o in self.files else o): {s.value: n for s, n in by.items()}
                    for o, by in claims.counts.items()
                },
            },
            "seed_quotes_checked": claims.seed_quotes,
            "errors": [finding(f) for f in claims.errors],
            "warnings": [finding(f) for f in claims.warnings],
            "sensitivity": None,
        }
        if self.sensitivity is not None:
            s = self.sensitivity
            payload["sensitivity"] = {
                "start": s.start.isoformat(), "days": s.days, "every_hours": s.every_hours,
                "shift_minutes": s.shift_minutes, "factors": list(s.factors), "departures_per_trip": s.departures,
                "trips": [t.as_json() for t in s.trips],
                "values": [self._dependence(d, s.factors, show) for d in s.values],
            }  # fmt: skip
        return payload

    def _dependence(self, d: Dependence, factors: tuple[float, ...], show: Callable[[Path], str]) -> dict[str, Any]:
        file, line = self.location(d.ref.origin, d.ref.path)
        return {
            "what": d.what, "value": d.value, "file": show(file) if file else None, "line": line,
            "field": d.ref.where, "reason": d.reason, "trips": [t.label for t in d.trips],
            "departures": d.departures,
            "changed": {f"{f:g}": n for f, n in zip(factors, d.changed, strict=True)},
            "mean_shift_hours": {f"{f:g}": (round(h, 2) if h is not None else None)
                                 for f, h in zip(factors, d.shift_hours, strict=True)},
        }  # fmt: skip


def check_options(*, days: int, every_hours: float, shift_minutes: float) -> None:
    """The sensitivity's sample must be one the audit can plan in reasonable time."""
    if isinstance(days, bool) or not 1 <= days <= limits.MAX_AUDIT_DAYS:
        msg = f"days must be between 1 and {limits.MAX_AUDIT_DAYS}, not {days}"
        raise InputError(msg)
    if not every_hours >= limits.MIN_AUDIT_STEP_HOURS:
        msg = f"every must be at least {limits.MIN_AUDIT_STEP_HOURS} hour, not {every_hours:g}"
        raise InputError(msg)
    if days * 24 / every_hours > limits.MAX_AUDIT_DEPARTURES:
        msg = (
            f"{days} days every {every_hours:g} h is more than {limits.MAX_AUDIT_DEPARTURES:,} departures per trip: "
            "use a longer step or fewer days"
        )
        raise InputError(msg)
    if not 0 < shift_minutes <= 24 * 60:
        msg = f"shift must be more than 0 and at most 1440 minutes, not {shift_minutes:g}"
        raise InputError(msg)


class DataHost(Protocol):
    """What the audit needs of the service that owns the data (:class:`overland.service.Overland`)."""

    @property
    def catalog(self) -> Catalog: ...

    @property
    def data_folder(self) -> Path | None: ...

    def today(self) -> date: ...


def run(
    service: DataHost,
    *,
    today: date | None = None,
    sensitivity: bool = True,
    days: int = 365,
    every_hours: float = 25,
    shift_minutes: float = 30,
    progress: Callable[[int, int], None] | None = None,
) -> DataAudit:
    """The audit of ``service``'s data (see :meth:`Overland.audit`)."""
    from overland.io.data_files import data_docs
    from overland.io.seeds import read_seeds

    if sensitivity:
        check_options(days=days, every_hours=every_hours, shift_minutes=shift_minutes)
    catalog = service.catalog
    day = today if today is not None else service.today()
    data_dir = service.data_folder
    docs: dict[str, YamlDoc] = data_docs(data_dir) if data_dir is not None else {}
    checked = audit_claims(catalog, read_seeds(data_dir), day)
    findings = tuple(
        replace(f, file=str(docs[f.origin].path), line=_line(docs[f.origin], f.path, f.key)) if f.origin in docs else f
        for f in checked.findings
    )
    checked = replace(checked, findings=findings)
    ranked = None
    lines: dict[tuple[str, Loc], int] = {}
    if sensitivity:
        from overland.planner.sensitivity import sensitivity as measure

        start = datetime.combine(day, time(0), tzinfo=UTC)
        ranked = measure(
            catalog, start, days=days, every_hours=every_hours, shift_minutes=shift_minutes, progress=progress
        )
        for d in ranked.values:
            doc = docs.get(d.ref.origin)
            if doc is not None:
                lines[(d.ref.origin, d.ref.path)] = doc.line_of(d.ref.path)
    return DataAudit(
        data_dir=data_dir, claims=checked, sensitivity=ranked,
        files={origin: doc.path for origin, doc in docs.items()}, lines=lines,
    )  # fmt: skip


def _line(doc: YamlDoc, path: Loc, key: str) -> int:
    """The line of the field ``key`` of the claim at ``path`` (a single claim may be written as a mapping
    or as a list of one), else the claim's own line."""
    for loc in ((*path, key), (*path, 0, key)):
        if loc in doc.lines:
            return doc.lines[loc]
    return doc.line_of(path)
