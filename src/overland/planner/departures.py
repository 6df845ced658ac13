"""The best departure: Monte Carlo arrivals for every candidate departure in a span.

Each candidate departure first gets its deterministic plan (which picks the route and
says whether a stage turns the traveller back); the candidates of one route are then
sampled together, many departures per numpy pass. Per departure: the P50 arrival, the
arrival at the asked confidence (P90 by default) and, with a target, the probability
of arriving by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import numpy as np

from overland.errors import InputError
from overland.planner.rhythm import awake_window
from overland.planner.search import Planner
from overland.planner.trip import Traveller

CHUNK_SAMPLES = 200_000  # samples walked in one numpy pass
BEST = 5  # departures listed as the best


@dataclass(frozen=True)
class DepartureOption:
    """One candidate departure and what its samples say."""

    depart: datetime  # in the origin's clock
    via: str | None
    arrive_p50: datetime | None  # None: beyond the horizon, or blocked
    arrive_at_confidence: datetime | None
    hours_p50: float | None
    hours_at_confidence: float | None
    p_meet: float | None  # probability of arriving by the target (None without a target)
    blocked: str | None = None

    def as_json(self) -> dict:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat() if moment is not None else None

        return {
            "depart": self.depart.isoformat(), "via": self.via,
            "arrive_p50": iso(self.arrive_p50), "arrive_at_confidence": iso(self.arrive_at_confidence),
            "hours_p50": _round(self.hours_p50), "hours_at_confidence": _round(self.hours_at_confidence),
            "p_meet": _round(self.p_meet, 4), "blocked": self.blocked,
        }  # fmt: skip


def _round(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


@dataclass(frozen=True)
class DepartureScan:
    """Every candidate departure, the best ones, and the latest that still meets the target."""

    origin: str
    destination: str
    mode: str
    home_clock: str
    samples: int
    seed: int
    every_minutes: int
    confidence: float
    arrive_by: datetime | None
    options: list[DepartureOption]
    outside_hours: int = 0  # candidate departures left out: in the traveller's quiet hours

    @property
    def best(self) -> list[DepartureOption]:
        """The best departures: the likeliest to meet the target, else the earliest arrival at the asked
        confidence; among equals the latest departure (no point leaving earlier to arrive no sooner)."""
        usable = [o for o in self.options if o.arrive_at_confidence is not None or (o.p_meet or 0) > 0]
        return sorted(usable, key=self._rank)[:BEST]

    def _rank(self, o: DepartureOption) -> tuple[float, float, float]:
        arrive = o.arrive_at_confidence.timestamp() if o.arrive_at_confidence is not None else float("inf")
        meet = -(o.p_meet or 0.0) if self.arrive_by is not None else 0.0
        return (meet, arrive, -o.depart.timestamp())

    @property
    def by_day(self) -> list[tuple[date, DepartureOption | None]]:
        """For each day of the span (in the home clock), its best departure (None: none that day arrives)."""
        zone = self.options[0].depart.tzinfo if self.options else None
        days: dict[date, list[DepartureOption]] = {}
        for o in self.options:
            days.setdefault(o.depart.astimezone(zone).date(), []).append(o)
        found = []
        for day, options in sorted(days.items()):
            usable = [o for o in options if o.arrive_at_confidence is not None or (o.p_meet or 0) > 0]
            found.append((day, min(usable, key=self._rank) if usable else None))
        return found

    def verdict(self) -> str:
        """One line: which days to leave on, and what the others cost (``leave Mon or Tue; ...``)."""
        groups: dict[object, list[date]] = {}
        for day, option in self.by_day:
            key = option.arrive_at_confidence if option is not None else None
            groups.setdefault(key, []).append(day)
        if not groups:
            return "no departure in the span"
        parts = []
        for arrive, days in sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or datetime.max)):
            names = " or ".join(_days(days))
            if arrive is None:
                parts.append(f"leaving {names} no plan arrives")
            else:
                assert isinstance(arrive, datetime)
                parts.append(f"leave {names}: arrive by {arrive:%a %d %b %H:%M}")
        return "; ".join(parts)

    @property
    def latest_meeting(self) -> DepartureOption | None:
        """The latest departure that meets the target with at least the asked confidence."""
        if self.arrive_by is None:
            return None
        meeting = [o for o in self.options if o.p_meet is not None and o.p_meet >= self.confidence]
        return max(meeting, key=lambda o: o.depart, default=None)

    def as_json(self) -> dict:
        latest = self.latest_meeting
        return {
            "from": self.origin, "to": self.destination, "mode": self.mode,
            "clock": self.home_clock, "samples": self.samples, "seed": self.seed,
            "every_minutes": self.every_minutes, "confidence": self.confidence,
            "arrive_by": self.arrive_by.isoformat() if self.arrive_by else None,
            "best": [o.as_json() for o in self.best],
            "by_day": [{"day": d.isoformat(), "best": o.as_json() if o else None} for d, o in self.by_day],
            "verdict": self.verdict(),
            "outside_hours": self.outside_hours,
            "latest_meeting": latest.as_json() if latest else None,
            "departures": [o.as_json() for o in self.options],
        }  # fmt: skip


def candidates(start: datetime, end: datetime, every: timedelta) -> list[datetime]:
    """Departures from ``start`` to ``end`` (inclusive) every ``every``."""
    out = []
    moment = start
    while moment <= end:
        out.append(moment)
        moment += every
    return out


def scan(
    planner: Planner,
    origin: str,
    destination: str,
    departures: list[datetime],
    traveller: Traveller,
    *,
    samples: int,
    seed: int,
    confidence: float = 0.9,
    arrive_by: datetime | None = None,
    via: tuple[str, ...] = (),
    avoid: frozenset[str] = frozenset(),
    every_minutes: int = 30,
    progress: Callable[[int], None] | None = None,
) -> DepartureScan:
    """Sample every departure in ``departures``; ``progress(n)`` is told of each ``n`` departures finished."""
    if not departures:
        msg = "no departure to scan: the span is empty"
        raise InputError(msg)
    _, _, shown, day_zone = planner.node(origin)
    allowed = [d for d in departures if _may_leave(traveller, d, day_zone)]
    outside = len(departures) - len(allowed)
    if not allowed:
        day = traveller.rhythm.describe(() if day_zone is shown else (str(day_zone),))
        msg = (
            f"every departure in the span falls in your quiet hours ({day}): "
            "scan other hours, or set the quiet hours to none"
        )
        raise InputError(msg)
    if progress is not None and outside:
        progress(outside)
    departures = allowed
    rng = np.random.default_rng(seed)
    home = planner.catalog.clock_of(origin)
    plans = [planner.plan(origin, destination, d, traveller, via=via, avoid=avoid) for d in departures]
    routes = {id(r): r for r in planner.routes(origin, destination, traveller.mode, via, avoid)}
    by_route: dict[int, list[int]] = {}
    options: list[DepartureOption | None] = [None] * len(departures)
    target = arrive_by.timestamp() if arrive_by is not None else None
    for i, plan in enumerate(plans):
        if not plan.complete:
            reason = plan.blockers[0].reason if plan.blockers else "blocked"
            options[i] = DepartureOption(
                plan.depart, plan.via, None, None, None, None, 0.0 if target is not None else None, blocked=reason
            )
            continue
        route = next(r for r in routes.values() if _same_route(r, plan))
        by_route.setdefault(id(route), []).append(i)
    if progress is not None:
        progress(len(departures) - sum(len(v) for v in by_route.values()))  # the blocked ones
    per_chunk = max(1, CHUNK_SAMPLES // samples)
    for key, indices in by_route.items():
        route = routes[key]
        zone = planner.zone_of(route.steps[-1].node)
        for first in range(0, len(indices), per_chunk):
            chunk = indices[first : first + per_chunk]
            leave = np.array([departures[i].timestamp() for i in chunk])
            drawn = planner.sample(route, np.repeat(leave, samples), traveller, rng)
            arrive = drawn.arrive.reshape(len(chunk), samples)
            filled = np.where(np.isnan(arrive), np.inf, arrive)
            levels = np.quantile(filled, [0.5, confidence], axis=1, method="inverted_cdf")
            for row, i in enumerate(chunk):
                p50, pq = (float(levels[0, row]), float(levels[1, row]))
                meet = float((arrive[row] <= target).mean()) if target is not None else None
                options[i] = DepartureOption(
                    plans[i].depart, plans[i].via, _moment(p50, zone), _moment(pq, zone),
                    _span(p50, leave[row]), _span(pq, leave[row]), meet,
                )  # fmt: skip
            if progress is not None:
                progress(len(chunk))
    return DepartureScan(
        origin,
        destination,
        traveller.mode.value,
        home,
        samples,
        seed,
        every_minutes,
        confidence,
        arrive_by,
        [o for o in options if o is not None],
        outside,
    )


def _may_leave(traveller: Traveller, depart: datetime, day_zone: tzinfo) -> bool:
    """True when ``depart`` falls outside the traveller's quiet hours (in ``day_zone``, the clock of the
    traveller's day where they leave)."""
    quiet = traveller.rhythm.quiet
    if quiet is None:
        return True
    start, end = awake_window(traveller.rhythm, day_zone, depart.timestamp())
    return start <= depart.timestamp() < end


def _days(days: list[date]) -> list[str]:
    """Day names, a run of three or more days as ``Wed-Fri``."""
    names, run = [], [days[0]]
    for day in [*days[1:], None]:
        if day is not None and (day - run[-1]).days == 1:
            run.append(day)
            continue
        names.append(
            f"{run[0]:%a %d %b}"
            if len(run) == 1
            else (f"{run[0]:%a %d} or {run[-1]:%a %d %b}" if len(run) == 2 else f"{run[0]:%a %d}-{run[-1]:%a %d %b}")
        )
        if day is not None:
            run = [day]
    return names


def _same_route(route, plan) -> bool:
    return (route.via, route.direction) == (plan.via, plan.direction)


def _moment(t: float, zone) -> datetime | None:
    return datetime.fromtimestamp(round(t), zone) if np.isfinite(t) else None


def _span(t: float, leave: float) -> float | None:
    return float(t - leave) / 3600 if np.isfinite(t) else None
