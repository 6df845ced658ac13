"""A batch of trips planned in parallel on Dask, one output row per trip.

Each task plans a chunk of trips with a service of its own process and carries plain
data only: the trips as text and the data folder (None: the bundled data). The
catalog — parsed opening hours included, which do not pickle — is built on each worker
from the data files the first time a task needs it and kept for the worker's life (so
is the planner and its expanded timetables): once per worker and data folder.

A trip that cannot be planned (an unknown place, a time without its offset, an
unknown mode or document) gives its row an ``error`` and the batch goes on.

Each trip is planned with the data's processing times (at their medians; crossing
reports are not read on the workers); with ``samples`` > 0 the row also gets the Monte
Carlo spread of its arrival (P10, P50, P90) and the chance of passing the gate the day
it is reached. The trip on CSV line L uses seed ``seed + L``, so a row does not depend
on which worker planned it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from overland import limits
from overland.errors import InputError, OverlandError
from overland.model.catalog import Catalog
from overland.model.crossing import Mode
from overland.planner.search import check_documents
from overland.planner.trip import Plan
from overland.timing.clocks import parse_time


class Service(Protocol):
    """What a batch needs of the service (:class:`overland.service.Overland`)."""

    @property
    def catalog(self) -> Catalog: ...

    def plan(self, origin: str, destination: str, depart: datetime, **options: Any) -> Plan: ...


ServiceFactory = Callable[..., Any]  # (data=..., use_reports=...) -> a Service

_SERVICES: dict[str | None, Service] = {}
_LOADS: Counter[str | None] = Counter()
_LOCK = threading.Lock()


def worker_service(factory: ServiceFactory, data_dir: str | None) -> Service:
    """This process's service of ``data_dir`` (None: the bundled data), made once with ``factory`` and kept."""
    with _LOCK:
        service = _SERVICES.get(data_dir)
        if service is None:
            service = factory(data=data_dir, use_reports=False)
            service.catalog  # noqa: B018  (load it now, once)
            _SERVICES[data_dir] = service
            _LOADS[data_dir] += 1
        return service


def catalog_loads() -> dict[str | None, int]:
    """How often this process has loaded each data folder's catalog (1 each: once per worker)."""
    return dict(_LOADS)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _in(column: str, check: Callable[[], Any]) -> Any:
    """``check()``, its error prefixed with the column it is about."""
    try:
        return check()
    except OverlandError as error:
        raise InputError(f"{column}: {error}") from None


def empty_row(trip: dict[str, Any], error: str | None = None) -> dict[str, Any]:
    """The output row of a trip with no plan (yet): its inputs, no figures, ``error``."""
    return {
        **trip, "crossing": None, "direction": None, "arrive": None, "hours": None, "nights": None,
        "waiting_hours": None, "blockers": [], "arrive_p10": None, "arrive_p50": None, "arrive_p90": None,
        "hours_p90": None, "p_gate_same_day": None, "error": error,
    }  # fmt: skip


def plan_trip(service: Service, trip: dict[str, Any], *, samples: int = 0, seed: int = 0) -> dict[str, Any]:
    """The output row of one trip (its input columns, then the plan's figures or the error)."""
    catalog = service.catalog
    row = empty_row(trip)
    try:
        origin, destination, via = trip["from"], trip["to"], trip["via"] or None
        for column in ("from", "to"):
            if not trip[column]:
                msg = f"{column}: empty: give a place id (see `overland places`)"
                raise InputError(msg)
            _in(column, lambda c=column: catalog.place(trip[c]))  # type: ignore[misc]
        if not trip["depart"]:
            msg = "depart: empty: give the departure, e.g. 2026-11-27T07:00+06:00"
            raise InputError(msg)
        depart = _in("depart", lambda: parse_time(trip["depart"], hint_clock=catalog.clock_of(origin), where=origin))
        if via is not None:
            _in("via", lambda: catalog.crossing(via))
        has = trip["has"]
        documents = None if has in ("", "all") else _split(has)
        if documents is not None:
            _in("has", lambda: check_documents(catalog, documents))
        mode = trip["mode"] or "own-car"
        _in("mode", lambda: Mode.parse(mode))
        result = service.plan(
            origin, destination, depart, via=via, mode=mode, documents=documents,
            carrying=_split(trip["carrying"]), samples=samples, seed=seed + int(trip.get("line") or 0),
        )  # fmt: skip
    except OverlandError as error:
        row["error"] = str(error)
        return row
    except Exception as error:  # noqa: BLE001  (an unexpected failure stays in its row; the batch goes on)
        row["error"] = f"{type(error).__name__}: {error}"
        return row
    row.update(
        crossing=result.via,
        direction=result.direction,
        arrive=result.arrive.isoformat() if result.arrive else None,
        hours=round((result.arrive - result.depart).total_seconds() / 3600, 2) if result.arrive else None,
        nights=result.night_count,
        waiting_hours=round(result.waiting_hours, 2),
        blockers=[f"{b.stage}: {b.reason}" for b in result.blockers],
    )
    spread = result.distribution
    if spread is not None:
        row.update(
            {
                f"arrive_{k}": a.isoformat() if a else None
                for k, a in zip(("p10", "p50", "p90"), spread.arrive, strict=True)
            },
            hours_p90=round(spread.hours.p90, 2) if spread.hours.p90 is not None else None,
            p_gate_same_day=spread.p_gate_same_day,
        )
    return row


def plan_chunk(
    trips: list[dict[str, Any]], factory: ServiceFactory, data_dir: str | None, samples: int = 0, seed: int = 0
) -> list[dict[str, Any]]:
    """The worker task: the rows of a chunk of trips, with this worker's service (made by ``factory``,
    the service class itself: Dask sends it by reference)."""
    service = worker_service(factory, data_dir)
    return [plan_trip(service, trip, samples=samples, seed=seed) for trip in trips]


def run(
    trips: list[dict[str, Any]],
    client: Any,
    *,
    factory: ServiceFactory,
    data_dir: str | None = None,
    samples: int = 0,
    seed: int = 0,
    on_rows: Callable[[list[dict[str, Any]]], None] | None = None,
) -> list[dict[str, Any]]:
    """Plan every trip on the Dask ``client``; the rows in the trips' order."""
    from overland.distributed.batch import run_batch

    if isinstance(samples, bool) or not 0 <= samples <= limits.MAX_PLAN_SAMPLES:
        msg = f"samples must be between 0 and {limits.MAX_PLAN_SAMPLES:,}, not {samples:,}"
        raise InputError(msg)
    return run_batch(trips, client, plan_chunk, (factory, data_dir, samples, seed), failed=empty_row, on_rows=on_rows)
