"""A batch of trips planned in parallel on Dask, one output row per trip.

Each task plans a chunk of trips with :func:`overland.plan` and carries plain data
only: the trips as text and the data folder (None: the bundled data). The catalog —
parsed opening hours included, which do not pickle — is built on each worker from
the data files the first time a task needs it and kept for the worker's life (so is
the planner and its expanded timetables): once per worker and data folder.

A trip that cannot be planned (an unknown place, a time without its offset, an
unknown mode or document) gives its row an ``error`` and the batch goes on.

Each trip is planned with the data's processing times (at their medians); with
``samples`` > 0 the row also gets the Monte Carlo spread of its arrival (P10, P50, P90)
and the chance of passing the gate the day it is reached. The trip on CSV line L uses
seed ``seed + L``, so a row does not depend on which worker planned it.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from overland.errors import InputError, OverlandError

_CATALOGS: dict[str | None, Any] = {}
_LOADS: Counter = Counter()
_LOCK = threading.Lock()
MAX_CHUNK = 200  # trips per task
CHUNKS_PER_WORKER = 4


def worker_catalog(data_dir: str | None) -> Any:
    """The catalog of ``data_dir`` (None: the bundled data), loaded once per process and kept."""
    with _LOCK:
        catalog = _CATALOGS.get(data_dir)
        if catalog is None:
            from overland.facade import load_catalog

            catalog = load_catalog(data_dir)
            _CATALOGS[data_dir] = catalog
            _LOADS[data_dir] += 1
        return catalog


def catalog_loads() -> dict[str | None, int]:
    """How often this process has loaded each data folder's catalog (1 each: once per worker)."""
    return dict(_LOADS)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _depart(text: str, catalog: Any, origin: str) -> datetime:
    from overland.timing.clocks import offset_label, zone

    if not text:
        msg = "empty: give the departure, e.g. 2026-11-27T07:00+06:00"
        raise InputError(msg)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        msg = f"time {text!r} is not ISO 8601: write e.g. 2026-11-27T07:00+06:00"
        raise InputError(msg) from None
    if moment.tzinfo is None:
        hint = ""
        if origin in catalog.places:
            clock = catalog.clock_of(origin)
            hint = f" ({origin} keeps {clock}, {offset_label(moment.replace(tzinfo=zone(clock)))})"
        msg = f"time {text!r} has no UTC offset: say which clock you mean, e.g. {moment:%Y-%m-%dT%H:%M}+06:00{hint}"
        raise InputError(msg)
    return moment


def _in(column: str, check: Callable[[], Any]) -> Any:
    """``check()``, its error prefixed with the column it is about."""
    try:
        return check()
    except OverlandError as error:
        raise InputError(f"{column}: {error}") from None


def _empty(trip: dict[str, Any]) -> dict[str, Any]:
    return {
        **trip, "crossing": None, "direction": None, "arrive": None, "hours": None, "nights": None,
        "waiting_hours": None, "blockers": [], "arrive_p10": None, "arrive_p50": None, "arrive_p90": None,
        "hours_p90": None, "p_gate_same_day": None, "error": None,
    }  # fmt: skip


def plan_trip(trip: dict[str, Any], catalog: Any, *, samples: int = 0, seed: int = 0) -> dict[str, Any]:
    """The output row of one trip (its input columns, then the plan's figures or the error)."""
    from overland.facade import _mode, plan
    from overland.planner.search import check_documents

    row = _empty(trip)
    try:
        origin, destination, via = trip["from"], trip["to"], trip["via"] or None
        for column in ("from", "to"):
            if not trip[column]:
                msg = f"{column}: empty: give a place id (see `overland places`)"
                raise InputError(msg)
            _in(column, lambda c=column: catalog.place(trip[c]))
        depart = _in("depart", lambda: _depart(trip["depart"], catalog, origin))
        if via is not None:
            _in("via", lambda: catalog.crossing(via))
        has = trip["has"]
        documents = None if has in ("", "all") else _split(has)
        if documents is not None:
            _in("has", lambda: check_documents(catalog, documents))
        mode = trip["mode"] or "own-car"
        _in("mode", lambda: _mode(mode))
        result = plan(
            origin, destination, depart, via=via, mode=mode, documents=documents,
            carrying=_split(trip["carrying"]), samples=samples, seed=seed + int(trip.get("line") or 0),
            catalog=catalog,
        )  # fmt: skip
    except OverlandError as error:
        row["error"] = str(error)
        return row
    except Exception as error:  # an unexpected failure stays in its row; the batch goes on
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
            {f"arrive_{k}": a.isoformat() if a else None for k, a in zip(("p10", "p50", "p90"), spread.arrive, strict=True)},
            hours_p90=round(spread.hours.p90, 2) if spread.hours.p90 is not None else None,
            p_gate_same_day=spread.p_gate_same_day,
        )
    return row


def plan_chunk(trips: list[dict[str, Any]], data_dir: str | None, samples: int = 0, seed: int = 0) -> list[dict[str, Any]]:
    """The worker task: the rows of a chunk of trips, with this worker's catalog."""
    catalog = worker_catalog(data_dir)
    return [plan_trip(trip, catalog, samples=samples, seed=seed) for trip in trips]


def chunks(trips: list[dict[str, Any]], workers: int) -> list[list[dict[str, Any]]]:
    """Trips cut into about ``CHUNKS_PER_WORKER`` tasks per worker (at most ``MAX_CHUNK`` trips each)."""
    size = max(1, min(MAX_CHUNK, math.ceil(len(trips) / max(1, workers * CHUNKS_PER_WORKER))))
    return [trips[i : i + size] for i in range(0, len(trips), size)]


def run_batch(
    trips: list[dict[str, Any]],
    client: Any,
    *,
    data_dir: str | None = None,
    samples: int = 0,
    seed: int = 0,
    on_rows: Callable[[list[dict[str, Any]]], None] | None = None,
) -> list[dict[str, Any]]:
    """Plan every trip on the Dask ``client``; the rows in the trips' order.

    ``on_rows(rows)`` is told of each chunk's rows as it finishes. A chunk whose task
    failed (its worker died) gives each of its trips that error.
    """
    from overland.distributed.cluster import run_tasks
    from overland.distributed.sweep import describe_error

    workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
    parts = chunks(trips, workers)
    rows: list[dict[str, Any] | None] = [None] * len(trips)
    starts = [sum(len(p) for p in parts[:i]) for i in range(len(parts))]
    for i, result, error in run_tasks(client, plan_chunk, [(part, data_dir, samples, seed) for part in parts]):
        if error is not None:
            result = [{**_empty(trip), "error": describe_error(error)} for trip in parts[i]]
        rows[starts[i] : starts[i] + len(result)] = result
        if on_rows is not None:
            on_rows(result)
    return [row for row in rows if row is not None]
