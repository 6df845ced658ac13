"""A maintainer's checks over the claims of a catalog: statuses, quotes, the periods claims hold.

Pure: the seed documents' texts and today's date come in as arguments.

- **counts** of claims by status, file by file;
- a ``sourced`` claim **without a quote** is an error (the words of the source are what a
  reader checks the value against);
- a **seed quote** must be the seed's own words: each part of the quote, split at ``...``
  or ``…``, must appear in the seed text. Both are compared with runs of white space
  (spaces, line breaks) counted as one space; nothing else is normalised (typographic
  quotes, apostrophes and dashes must match as written);
- a claim whose ``valid_until`` is past has **ended**, one whose ``valid_until`` falls within
  :data:`SOON_DAYS` days **ends soon** (warnings); an ended claim the tools still use (a
  fact's default, or a record of its own) is an **expired default**, an error: the planner
  does not read the validity, so it would plan with a value that no longer holds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from overland.model.catalog import Catalog
from overland.model.claims import ClaimRef, Loc, claims, dotted
from overland.model.provenance import Status

SOON_DAYS = 90  # a claim whose validity ends within this many days "ends soon"
SEED_PREFIX = "seed:"
_ELLIPSIS = re.compile(r"\.\.\.|…")


class Kind(StrEnum):
    """What a finding is about."""

    misquote = "misquote"  # a part of a seed quote is not in the seed
    unquoted = "unquoted"  # a sourced claim without a quote
    no_seed = "no-seed"  # a seed is quoted but its text was not given: the quote cannot be checked
    expired_default = "expired-default"  # an ended claim the tools still use
    ended = "ended"  # an ended claim the tools do not use
    ends_soon = "ends-soon"  # a claim whose validity ends within SOON_DAYS days


ERRORS = frozenset({Kind.misquote, Kind.unquoted, Kind.no_seed, Kind.expired_default})


@dataclass(frozen=True)
class Finding:
    """One thing the audit found about one claim.

    ``origin`` and ``path`` say where (the file, as in :class:`~overland.model.catalog.Problem`,
    and the claim's field path in it), ``key`` which field of the claim (``quote``, ``source``,
    ``valid_until``); ``file`` and ``line`` are filled in by whoever read the files.
    ``missing`` is the part of a quote not found in its seed; ``until`` the claim's last day.
    """

    kind: Kind
    origin: str
    path: Loc
    key: str
    message: str
    missing: str | None = None
    until: date | None = None
    in_use: bool = False
    file: str | None = None
    line: int | None = None

    @property
    def error(self) -> bool:
        """True for a finding that fails the audit (a warning does not)."""
        return self.kind in ERRORS

    @property
    def where(self) -> str:
        """``file:line`` when known, else the origin."""
        if self.file is None:
            return self.origin
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    @property
    def field(self) -> str:
        """The field path of what is wrong, e.g. ``stages.kg-post.distances_km.torugart-pass[0].quote``."""
        return dotted((*self.path, self.key))

    def as_json(self) -> dict:
        return {
            "kind": self.kind.value, "severity": "error" if self.error else "warning",
            "file": self.file, "line": self.line, "origin": self.origin, "field": self.field,
            "message": self.message, "missing": self.missing,
            "valid_until": self.until.isoformat() if self.until else None, "in_use": self.in_use,
        }  # fmt: skip


@dataclass(frozen=True)
class ClaimAudit:
    """What the checks found: counts by file and status, and the findings, errors first."""

    today: date
    counts: dict[str, dict[Status, int]]  # origin -> status -> claims
    findings: tuple[Finding, ...]
    seed_quotes: int  # seed quotes checked against their seed

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.error]

    @property
    def total(self) -> dict[Status, int]:
        """Claims by status over every file."""
        total: Counter[Status] = Counter()
        for by_status in self.counts.values():
            total.update(by_status)
        return {status: total[status] for status in Status}


def normalised(text: str) -> str:
    """``text`` with every run of white space (spaces, tabs, line breaks) as one space, ends trimmed."""
    return " ".join(text.split())


def quote_parts(quote: str) -> list[str]:
    """The parts of a quote between its ellipses (``...`` or ``…``), white space normalised, empty ones left out."""
    return [part for part in (normalised(p) for p in _ELLIPSIS.split(quote)) if part]


def missing_parts(quote: str, seed: str) -> list[str]:
    """The parts of ``quote`` not found word for word in ``seed`` (both white-space normalised)."""
    text = normalised(seed)
    return [part for part in quote_parts(quote) if part not in text]


def seed_of(source: str | None) -> str | None:
    """The seed file a source names (``seed:<file>``), or None for a URL or no source."""
    if source is not None and source.startswith(SEED_PREFIX):
        return source.removeprefix(SEED_PREFIX)
    return None


def audit_claims(catalog: Catalog, seeds: Mapping[str, str], today: date) -> ClaimAudit:
    """Check every claim of ``catalog``; ``seeds`` maps a seed file name to its text."""
    return audit_refs(claims(catalog), seeds, today)


def audit_refs(refs: Iterable[ClaimRef], seeds: Mapping[str, str], today: date) -> ClaimAudit:
    """Check the claims ``refs`` (see :func:`audit_claims`)."""
    counts: dict[str, Counter[Status]] = {}
    findings: list[Finding] = []
    checked = 0
    normalised_seeds = {name: normalised(text) for name, text in seeds.items()}
    soon = today + timedelta(days=SOON_DAYS)
    for ref in refs:
        counts.setdefault(ref.origin, Counter())[ref.claim.status] += 1
        for kind, key, message, extra in _check(ref, normalised_seeds, today, soon):
            findings.append(Finding(kind, ref.origin, ref.path, key, message, in_use=ref.in_use, **extra))
        if seed_of(ref.claim.source) in normalised_seeds and ref.claim.quote:
            checked += 1
    order = list(Kind)
    findings.sort(key=lambda f: (not f.error, order.index(f.kind)))
    return ClaimAudit(
        today=today,
        counts={origin: {status: by[status] for status in Status} for origin, by in counts.items()},
        findings=tuple(findings),
        seed_quotes=checked,
    )


def _check(ref: ClaimRef, seeds: Mapping[str, str], today: date, soon: date) -> Iterator[tuple[Kind, str, str, dict]]:
    """(kind, field of the claim, message, extra fields) of each thing wrong or worth knowing about one claim."""
    claim = ref.claim
    if claim.status is Status.sourced and not (claim.quote or "").strip():
        yield Kind.unquoted, "source", f"sourced from {claim.source} without a quote of its words", {}
    seed = seed_of(claim.source)
    if seed is not None and claim.quote:
        text = seeds.get(seed)
        if text is None:
            yield Kind.no_seed, "quote", f"quotes seed {seed}, whose text is missing: the quote was not checked", {}
        else:
            for part in quote_parts(claim.quote):
                if part not in text:
                    yield Kind.misquote, "quote", f"not in seed {seed}: {part!r}", {"missing": part}
    until = claim.valid_until
    if until is not None and until < today:
        if ref.in_use:
            message = f"ended on {until} but is still the one the tools use"
            yield Kind.expired_default, "valid_until", message, {"until": until}
        else:
            yield Kind.ended, "valid_until", f"ended on {until}", {"until": until}
    elif until is not None and until <= soon:
        days = (until - today).days
        message = f"ends on {until}, in {days} day{'s' if days != 1 else ''}"
        yield Kind.ends_soon, "valid_until", message, {"until": until}
