"""The Python facade: what the CLI and, later, the HTTP API call.

>>> import overland
>>> from datetime import datetime
>>> schedule = overland.hours("torugart/gate", datetime.fromisoformat("2026-11-27T12:30+08:00"), days=5)
>>> schedule.windows[0][0].isoformat()
'2026-11-27T14:00:00+08:00'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from overland.errors import InputError
from overland.io.data_files import load_catalog as _load_catalog
from overland.model.catalog import Catalog
from overland.timing.windows import Schedule, stage_schedule

if TYPE_CHECKING:
    from overland.planner.calibration import Observation
    from overland.sim.capacity import CapacityResult, RateResult
    from overland.sim.corridor import CorridorReport
    from overland.sim.kpis import Report
    from overland.sim.scenario import Scenario, TerminalParams

MAX_DAYS = 366
MAX_SIM_DAYS = 3660
MAX_REPLICATIONS = 1000
MAX_SAMPLES = 1_000_000


@cache
def _bundled_catalog() -> Catalog:
    return _load_catalog()


def load_catalog(data_dir: str | Path | None = None) -> Catalog:
    """The validated crossing data: the bundled data (loaded once), or the data under ``data_dir``."""
    if data_dir is None:
        return _bundled_catalog()
    return _load_catalog(Path(data_dir))


def hours(stage: str, start: datetime, *, days: int = 7, catalog: Catalog | None = None) -> Schedule:
    """The open windows of ``stage`` (``crossing/stage``) for ``days`` days from ``start``.

    ``start`` must carry its UTC offset. Closed days come with their reason.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        msg = f"start {start.isoformat()} has no UTC offset: give the clock, e.g. +08:00 for Beijing time"
        raise InputError(msg)
    if not 1 <= days <= MAX_DAYS:
        msg = f"days must be between 1 and {MAX_DAYS}, not {days}"
        raise InputError(msg)
    catalog = catalog or load_catalog()
    crossing, stage_id, _ = catalog.stage(stage)
    return stage_schedule(crossing, stage_id, catalog.countries, start, start + timedelta(days=days))


_PLANNERS: dict[int, tuple[Catalog, object]] = {}


def _planner(catalog: Catalog):
    """The planner of ``catalog``, kept so its timetables are expanded only once."""
    from overland.planner.search import Planner

    kept = _PLANNERS.get(id(catalog))
    if kept is None or kept[0] is not catalog:
        kept = (catalog, Planner(catalog))
        _PLANNERS[id(catalog)] = kept
    return kept[1]


def plan(
    origin: str,
    destination: str,
    depart: datetime,
    *,
    via: str | None = None,
    mode: str = "own-car",
    documents: list[str] | None = None,
    carrying: list[str] = (),
    samples: int = 0,
    seed: int = 0,
    catalog: Catalog | None = None,
    observations: Sequence[Observation] | None = None,
    observed_as_of: date | None = None,
):
    """Plan a trip door to door: when each stage opens, where you sleep, what stops you.

    ``documents`` lists the document ids you hold (None: every document the route asks
    for); ``carrying`` lists items such as ``drone``. Returns a :class:`Plan`; with
    ``samples`` > 0 its ``distribution`` holds the Monte Carlo view (arrival quantiles,
    the chances of passing the gate the day you reach it, of a closed day, of arriving
    after dark, each stage's waits), the same for the same ``seed``.

    ``observations`` (what crossing reports saw, see :func:`observations`) calibrate the
    processing times of the stages they concern for the traveller's mode: the data's
    time blended with the reports, a report ``observed_as_of`` minus the half-life (180
    days) old weighing half a new one (default: today). ``Plan.observations`` then says
    which stages of the plan used them and how many.
    """
    _check_samples(samples, allow_zero=True)
    from overland.planner.search import check_documents
    from overland.planner.trip import Traveller

    catalog = catalog or load_catalog()
    travel_mode = _mode(mode)
    if documents is not None:
        check_documents(catalog, list(documents))
    catalog.place(origin)
    catalog.place(destination)
    traveller = Traveller(
        mode=travel_mode,
        documents=frozenset(documents) if documents is not None else None,
        carrying=frozenset(carrying),
    )
    calibration = None
    if observations:
        calibration = _calibrated(catalog, tuple(observations), observed_as_of or date.today(), travel_mode)
        catalog = calibration.catalog
    result = _planner(catalog).plan(origin, destination, depart, traveller, via=via, samples=samples, seed=seed)
    if calibration is not None and calibration.stages:
        passed = {stage: i for i, stage in enumerate(dict.fromkeys(e.stage for e in result.events if e.stage))}
        used = sorted((s for s in calibration.stages if s.stage in passed), key=lambda s: passed[s.stage])
        result = replace(result, observations=tuple(used))
    return result


_CALIBRATED: dict[tuple, object] = {}
_CALIBRATED_SIZE = 8


def _calibrated(catalog: Catalog, observations: tuple[Observation, ...], as_of: date, mode):
    """The catalog calibrated with ``observations`` for ``mode``, kept so its planner is built once."""
    from overland.planner.calibration import calibrate

    key = (id(catalog), hash(observations), as_of, mode)
    kept = _CALIBRATED.get(key)
    if kept is not None and kept[0] is catalog and kept[1] == observations:
        return kept[2]
    calibration = calibrate(catalog, observations, as_of=as_of, modes=[mode])
    if len(_CALIBRATED) >= _CALIBRATED_SIZE:
        stale = _CALIBRATED.pop(next(iter(_CALIBRATED)))
        _PLANNERS.pop(id(stale[2].catalog), None)
    _CALIBRATED[key] = (catalog, observations, calibration)
    return calibration


def observations(*, crossing: str | None = None, database_url: str | None = None) -> list[Observation]:
    """What the reports in the database saw at each stage (hidden reports left out), for :func:`plan`.

    The database is ``database_url``, else ``OVERLAND_DATABASE_URL``, else the SQLite file in
    the user's data directory; with no such file there are no observations (and nothing is created).
    """
    from overland.store.location import database_exists

    if not database_exists(database_url):
        return []
    from overland.store.db import open_store
    from overland.store.reports import observations as stored

    store = open_store(database_url)
    try:
        with store.session() as session:
            return stored(session, crossing=crossing)
    finally:
        store.close()


MAX_SCAN_DAYS = 31
MAX_SCAN_SAMPLES = 20_000_000  # departures × samples in one scan


def when(
    origin: str,
    destination: str,
    start: datetime,
    end: datetime,
    *,
    every_minutes: int = 30,
    samples: int = 1000,
    seed: int = 0,
    confidence: float = 0.9,
    arrive_by: datetime | None = None,
    via: str | None = None,
    mode: str = "own-car",
    documents: list[str] | None = None,
    carrying: list[str] = (),
    catalog: Catalog | None = None,
    progress: Callable[[int], None] | None = None,
):
    """The best departure between ``start`` and ``end``: Monte Carlo arrivals for a departure
    every ``every_minutes``, the best ones and, with ``arrive_by``, the latest that still
    arrives by it with probability ``confidence``. Returns a
    :class:`~overland.planner.departures.DepartureScan`.
    """
    from overland.planner.departures import candidates, scan
    from overland.planner.search import check_documents
    from overland.planner.trip import Traveller

    for name, moment in (("start", start), ("end", end), ("arrive-by", arrive_by)):
        if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
            msg = f"{name} {moment.isoformat()} has no UTC offset: give the clock, e.g. +06:00 for Kyrgyz time"
            raise InputError(msg)
    if end < start:
        msg = f"the span ends ({end.isoformat()}) before it starts ({start.isoformat()})"
        raise InputError(msg)
    if end - start > timedelta(days=MAX_SCAN_DAYS):
        msg = f"the span is {(end - start).days} days: scan at most {MAX_SCAN_DAYS} days at a time"
        raise InputError(msg)
    if not 5 <= every_minutes <= 1440:
        msg = f"every must be between 5 minutes and a day, not {every_minutes} minutes"
        raise InputError(msg)
    if not 0 < confidence < 1:
        msg = f"confidence must be between 0 and 1 (e.g. 0.9), not {confidence:g}"
        raise InputError(msg)
    _check_samples(samples)
    departures = candidates(start, end, timedelta(minutes=every_minutes))
    if len(departures) * samples > MAX_SCAN_SAMPLES:
        msg = (f"{len(departures)} departures × {samples:,} samples is more than {MAX_SCAN_SAMPLES:,}: "
               "use fewer samples, a shorter span or a longer --every")
        raise InputError(msg)
    catalog = catalog or load_catalog()
    if documents is not None:
        check_documents(catalog, list(documents))
    catalog.place(origin)
    catalog.place(destination)
    traveller = Traveller(mode=_mode(mode), documents=frozenset(documents) if documents is not None else None,
                          carrying=frozenset(carrying))
    return scan(_planner(catalog), origin, destination, departures, traveller, samples=samples, seed=seed,
                confidence=confidence, arrive_by=arrive_by, via=via, every_minutes=every_minutes, progress=progress)


def _check_samples(samples: int, *, allow_zero: bool = False) -> None:
    low = 0 if allow_zero else 1
    if not low <= samples <= MAX_SAMPLES:
        msg = f"samples must be between {low} and {MAX_SAMPLES:,}, not {samples:,}"
        raise InputError(msg)


def compare(origin: str, destination: str, depart: datetime, *, mode: str = "own-car", catalog: Catalog | None = None):
    """One plan per crossing joining the two places (every document held), best first."""
    from overland.planner.trip import Traveller

    catalog = catalog or load_catalog()
    catalog.place(origin)
    catalog.place(destination)
    return _planner(catalog).compare(origin, destination, depart, Traveller(mode=_mode(mode)))


def _mode(mode: str):
    """The travel mode called ``mode``, or a clear error."""
    from overland.model.crossing import Mode

    try:
        return Mode(mode)
    except ValueError:
        msg = f"unknown mode {mode!r}: one of {', '.join(m.value for m in Mode)}"
        raise InputError(msg) from None


def _check_run(days: float, warmup_days: float, replications: int) -> None:
    if not 0 < days <= MAX_SIM_DAYS:
        msg = f"days must be more than 0 and at most {MAX_SIM_DAYS}, not {days:g}"
        raise InputError(msg)
    if not 0 <= warmup_days <= MAX_SIM_DAYS:
        msg = f"warm-up days must be between 0 and {MAX_SIM_DAYS}, not {warmup_days:g}"
        raise InputError(msg)
    if not 1 <= replications <= MAX_REPLICATIONS:
        msg = f"replications must be between 1 and {MAX_REPLICATIONS}, not {replications}"
        raise InputError(msg)


def _scenario(scenario: str | Path | Scenario | TerminalParams) -> tuple[str, TerminalParams]:
    from overland.io.freight_files import load_scenario
    from overland.sim.scenario import Scenario, TerminalParams

    if isinstance(scenario, TerminalParams):
        return "custom", scenario
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return scenario.id, scenario.params()


def simulate(
    scenario: str | Path | Scenario | TerminalParams,
    *,
    days: float = 365,
    seed: int = 0,
    replications: int = 1,
    warmup_days: float = 7,
    progress: Callable[[float], None] | None = None,
    crane_policy: str | None = None,
    top_up: str | None = None,
) -> Report:
    """Simulate a freight terminal scenario: figures per replication and their mean and 95 % interval.

    ``scenario`` is a bundled scenario's name (``"khorgos-2021"``), a path to a
    scenario file, a loaded :class:`~overland.sim.scenario.Scenario` or plain
    :class:`~overland.sim.scenario.TerminalParams`. Statistics cover ``days`` days
    after ``warmup_days``; replication ``i`` uses the ``i``-th child of ``seed``.
    ``crane_policy`` and ``top_up`` name variants of :mod:`overland.sim.policies`
    (default: the scenario's crane policy, else a crane stays with its train; boxes
    from the yard join a set while it is on its track).

    >>> import overland
    >>> report = overland.simulate("khorgos-2021", days=30, seed=1)
    >>> 9 < report.summary["trains_per_day"].mean < 13
    True
    """
    _check_run(days, warmup_days, replications)
    _check_policies(crane_policy, top_up)
    from overland.sim.runner import replicate

    name, params = _scenario(scenario)
    return replicate(
        params, scenario=name, days=days, warmup_days=warmup_days, seed=seed,
        replications=replications, progress=progress, crane_policy=crane_policy, top_up=top_up,
    )  # fmt: skip


def _check_policies(crane_policy: str | None, top_up: str | None) -> None:
    from overland.sim.policies import CRANE_POLICIES, TOP_UPS

    if crane_policy is not None and crane_policy not in CRANE_POLICIES:
        msg = f"unknown crane policy {crane_policy!r}: one of {', '.join(CRANE_POLICIES)}"
        raise InputError(msg)
    if top_up is not None and top_up not in TOP_UPS:
        msg = f"unknown yard top-up {top_up!r}: one of {', '.join(TOP_UPS)}"
        raise InputError(msg)


def freight_capacity(
    scenario: str | Path | Scenario | TerminalParams,
    *,
    target_tons: float,
    max_dwell_h: float,
    statistic: str = "p90",
    days: float = 90,
    warmup_days: float = 7,
    seed: int = 0,
    replications: int = 3,
    on_trial: Callable | None = None,
    crane_policy: str | None = None,
    top_up: str | None = None,
) -> CapacityResult:
    """The fewest cranes, then tracks, that carry ``target_tons`` a year within ``max_dwell_h``.

    Every configuration is simulated with the same seeds (see :mod:`overland.sim.capacity`).
    """
    _check_run(days, warmup_days, replications)
    _check_policies(crane_policy, top_up)
    if not target_tons > 0:
        msg = f"the target must be more than 0 Mt a year, not {target_tons / 1e6:g}"
        raise InputError(msg)
    if not max_dwell_h > 0:
        msg = f"the dwell limit must be more than 0 hours, not {max_dwell_h:g}"
        raise InputError(msg)
    from overland.sim.capacity import STATISTICS, find_capacity
    from overland.sim.runner import replicate

    if statistic not in STATISTICS:
        msg = f"dwell statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}"
        raise InputError(msg)
    name, params = _scenario(scenario)

    def evaluate(config: TerminalParams) -> Report:
        return replicate(
            config, scenario=name, days=days, warmup_days=warmup_days, seed=seed, replications=replications,
            crane_policy=crane_policy, top_up=top_up,
        )  # fmt: skip

    return find_capacity(
        params, target_tons=target_tons, max_dwell_h=max_dwell_h, evaluate=evaluate,
        statistic=statistic, on_trial=on_trial,
    )  # fmt: skip


def freight_rate(
    scenario: str | Path | Scenario | TerminalParams,
    *,
    max_dwell_h: float = 24,
    statistic: str = "p90",
    days: float = 90,
    warmup_days: float = 7,
    seed: int = 0,
    replications: int = 3,
    points: int = 10,
    crane_policy: str | None = None,
    top_up: str | None = None,
    on_run: Callable[[], None] | None = None,
) -> RateResult:
    """How many trains a day the terminal sustains with the dwell statistic within ``max_dwell_h``.

    The arrivals of every flow are scaled together; each rate is simulated with the
    same replications (see :func:`overland.sim.capacity.sustainable_rate`). ``on_run``
    is told of every run (at most ``(points + 4) * replications``).
    """
    _check_run(days, warmup_days, replications)
    _check_policies(crane_policy, top_up)
    if not max_dwell_h > 0:
        msg = f"the dwell limit must be more than 0 hours, not {max_dwell_h:g}"
        raise InputError(msg)
    if not 2 <= points <= 100:
        msg = f"points must be between 2 and 100, not {points}"
        raise InputError(msg)
    from overland.sim.capacity import STATISTICS, sustainable_rate
    from overland.sim.runner import replication_kpis

    if statistic not in STATISTICS:
        msg = f"dwell statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}"
        raise InputError(msg)
    _, params = _scenario(scenario)

    def run(config: TerminalParams, replication: int) -> dict[str, float]:
        return replication_kpis(
            config, replication, seed=seed, days=days, warmup_days=warmup_days,
            crane_policy=crane_policy, top_up=top_up,
        )  # fmt: skip

    return sustainable_rate(
        params, max_dwell_h=max_dwell_h, run=run, replications=replications, statistic=statistic,
        points=points, on_run=on_run,
    )  # fmt: skip


def freight_corridor(
    corridor: str | Path,
    *,
    start: date | None = None,
    days: float = 45,
    warmup_days: float = 7,
    close: Sequence[str] = (),
    routing: str | None = None,
    flexible_share: float | None = None,
    detour_h: float | None = None,
    replications: int = 5,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> CorridorReport:
    """Terminals side by side with routing between them, with the closures ``close`` asks for and without.

    ``close`` holds specs such as ``khorgos:spring-festival-2026`` (a notice of the
    terminal's crossing), ``khorgos:holidays`` (its posts' holiday calendars) or
    ``khorgos:2026-02-16..2026-02-18`` (see :func:`overland.io.freight_files.closures_for`).
    Statistics start on ``start`` (00:00 in the corridor's clock; default: two weeks before
    the first closure) and cover ``days`` days. ``routing``, ``flexible_share`` and
    ``detour_h`` override the corridor file's.
    """
    import math
    from zoneinfo import ZoneInfo

    from overland.io.freight_files import closures_for, load_corridor, load_scenario
    from overland.sim.corridor import ROUTINGS, ClosureSpan, CorridorTerminal, simulate_corridor

    _check_run(days, warmup_days, replications)
    spec = load_corridor(corridor)
    routing = routing or spec.routing.kind.value.value
    if routing not in ROUTINGS:
        msg = f"unknown routing {routing!r}: one of {', '.join(ROUTINGS)}"
        raise InputError(msg)
    share = spec.routing.flexible_share.value if flexible_share is None else flexible_share
    if not 0 <= share <= 1:
        msg = f"the flexible share must be between 0 and 1, not {share:g}"
        raise InputError(msg)
    detour = spec.routing.detour.value
    detour = detour.mean() * detour.factor if detour_h is None else detour_h
    if detour < 0:
        msg = f"the detour must not be negative, not {detour:g} h"
        raise InputError(msg)
    clock = ZoneInfo(spec.clock.value)
    names = list(spec.terminals)
    if start is None:
        if not close:
            msg = "give --start, the first day of statistics (or a closure to start two weeks before)"
            raise InputError(msg)
        probe = closures_for(spec, list(close), first_day=date(1900, 1, 1), last_day=date(1900, 1, 1))
        dated = [c[1] for c in probe]
        if not dated:
            msg = "give --start: the closures asked for need a span of days to look in"
            raise InputError(msg)
        start = min(dated).astimezone(clock).date() - timedelta(days=14)
    origin = datetime.combine(start, datetime.min.time(), clock) - timedelta(days=warmup_days)
    last_day = start + timedelta(days=math.ceil(days))
    spans = []
    for name, begin, end, label, note in closures_for(spec, list(close), first_day=origin.date(), last_day=last_day):
        start_h = (begin - origin).total_seconds() / 3600
        end_h = (end - origin).total_seconds() / 3600
        if end_h <= 0 or start_h >= (warmup_days + days) * 24:
            msg = f"--close {name}: {label} ({begin:%Y-%m-%d}) is outside the simulated days"
            raise InputError(msg)
        spans.append(ClosureSpan(names.index(name), start_h, end_h, label, note))
    terminals = [CorridorTerminal(name, load_scenario(t.scenario).params()) for name, t in spec.terminals.items()]
    return simulate_corridor(
        terminals, corridor=spec.id, closures=spans, days=days, warmup_days=warmup_days, seed=seed,
        replications=replications, routing=routing, flexible_share=share, detour_h=detour,
        progress=progress, origin=origin,
    )  # fmt: skip
