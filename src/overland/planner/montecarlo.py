"""Monte Carlo plans: many travellers walked along a compiled route at once, with numpy.

Each sample draws every stage's processing time and each opening's delay from the
distributions in the data; every stage's open windows are arrays expanded once over
the horizon, and all samples advance together (a loop over stages and over the few
windows a sample may skip, never over samples). The rules are those of the
deterministic walk in :mod:`overland.planner.search`: with every distribution at zero
spread each sample arrives exactly when the deterministic plan does.

Samples may leave at different times (one array of departures), which is how the
departure scan (:mod:`overland.planner.departures`) runs many departures in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import numpy as np

from overland.limits import HORIZON_DAYS
from overland.model.crossing import StageKind
from overland.planner.program import Check, Drive, Program
from overland.timing.clocks import zone as zone_of

HORIZON = HORIZON_DAYS * 86400.0  # seconds: the deterministic planner's horizon


@dataclass(frozen=True)
class StageSamples:
    """What the samples did at one stage (UTC seconds; NaN where a sample never got there)."""

    node: str
    reached: np.ndarray  # arrival in front of the stage
    start: np.ndarray  # processing starts
    processed: np.ndarray  # processing ends
    end: np.ndarray  # moving on (after a held vehicle's clearance where there is one)


@dataclass(frozen=True)
class Samples:
    """Every sample of one route: departures, arrivals and each stage's times (UTC seconds)."""

    program: Program
    depart: np.ndarray
    arrive: np.ndarray  # NaN: no opening within the horizon
    stages: list[StageSamples]
    closed_day: np.ndarray  # bool: some wait covered a day a stage was shut (weekend, holiday, notice)


def local_days(zone, start: float, end: float) -> tuple[np.ndarray, list]:
    """UTC seconds of each local midnight from the day before ``start`` to two days after ``end``, and the days."""
    first = datetime.fromtimestamp(start, zone).date() - timedelta(days=1)
    last = datetime.fromtimestamp(end, zone).date() + timedelta(days=2)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return np.array([datetime.combine(d, time(0), tzinfo=zone).timestamp() for d in days]), days


def _fit(starts, ends, slots, delay_dists, t, duration, until, rng) -> np.ndarray:
    """Vectorised ``StageTimetable.earliest_fit``: the first start at or after ``t`` of ``duration``
    inside one window starting by ``until``; each delayed opening draws its own delay. NaN when none."""
    count = len(starts)
    # Every sample tries the first window ending after it arrives (NaN arrivals fall off the end).
    index = np.searchsorted(ends, t, side="right")
    usable = (index < count) & ~(t > until)
    index = np.minimum(index, count - 1)
    opens = starts[index]
    usable &= opens <= until
    if delay_dists:
        _delay(opens, slots[index], delay_dists, rng)
    begin = np.maximum(opens, t)
    fits = usable & (begin + duration <= ends[index])
    result = np.where(fits, begin, np.nan)
    # The rest try the following windows, a few at a time.
    pending = np.flatnonzero(usable & ~fits)
    index = index[pending] + 1
    while pending.size:
        inside = index < count
        pending, index = pending[inside], index[inside]
        opens = starts[index]
        in_horizon = opens <= until[pending]
        pending, index, opens = pending[in_horizon], index[in_horizon], opens[in_horizon]
        if delay_dists:
            _delay(opens, slots[index], delay_dists, rng)
        begin = np.maximum(opens, t[pending])
        fits = begin + duration[pending] <= ends[index]
        result[pending[fits]] = begin[fits]
        pending, index = pending[~fits], index[~fits] + 1
    return result


def _delay(opens: np.ndarray, slot: np.ndarray, delay_dists, rng) -> None:
    """Open each delayed window later by a fresh draw of its delay (in place)."""
    for s, dist in enumerate(delay_dists):
        hit = np.flatnonzero(slot == s)
        if hit.size:
            opens[hit] += dist.draw(rng, hit.size) * 60


def _closed_spans(table, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """The stage's whole closed days between ``lo`` and ``hi`` as UTC [start, end) arrays."""
    tz = zone_of(table.clock)
    days = sorted(table.closed_days())
    spans = [
        (
            datetime.combine(d, time(0), tzinfo=tz).timestamp(),
            datetime.combine(d + timedelta(days=1), time(0), tzinfo=tz).timestamp(),
        )
        for d in days
    ]
    spans = [(a, b) for a, b in spans if b > lo and a < hi]
    return np.array([a for a, _ in spans]), np.array([b for _, b in spans])


def _overlaps(spans: tuple[np.ndarray, np.ndarray], start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """True where [start, end) is not empty and overlaps one of the sorted, disjoint spans."""
    lows, highs = spans
    hit = np.zeros(start.shape, dtype=bool)
    waited = np.flatnonzero(end > start)
    if not lows.size or not waited.size:
        return hit
    i = np.searchsorted(highs, start[waited], side="right")
    inside = i < lows.size
    hit[waited[inside]] = lows[i[inside]] < end[waited[inside]]
    return hit


def walk(program: Program, depart: np.ndarray, rng: np.random.Generator) -> Samples:
    """Walk ``program`` for every departure in ``depart`` (UTC seconds), drawing from ``rng``.

    The caller has checked that no stage turns the traveller back (those are the
    same for every sample and end the deterministic plan).
    """
    t = depart.astype(float).copy()
    until = depart + HORIZON
    lo, hi = float(np.nanmin(depart)), float(np.nanmax(until))
    entered = np.full(t.shape, np.nan)
    closed = np.zeros(t.shape, dtype=bool)
    stages: list[StageSamples] = []
    for op in program.ops:
        if isinstance(op, Drive):
            t = t + op.seconds
            continue
        starts, ends, slots = op.table.arrays(lo, hi)
        shut = _closed_spans(op.table, lo, hi)
        reached = t
        earliest = t
        if op.next_working_day:
            midnights, _ = local_days(op.zone, lo, hi + HORIZON)
            has_entered = ~np.isnan(entered)
            nxt = np.full(t.shape, np.nan)
            nxt[has_entered] = midnights[np.searchsorted(midnights, entered[has_entered], side="right")]
            earliest = np.where(has_entered, np.fmax(t, nxt), t)
        duration = op.duration_dist.draw(rng, t.size) * 60
        start = _fit(starts, ends, slots, op.delay_dists, earliest, duration, until, rng)
        closed |= _overlaps(shut, reached, start)
        t = processed = start + duration
        if op.enters:
            entered = t.copy()
        if op.held is not None:
            held_from = t
            again = op.duration_dist.draw(rng, t.size) * 60
            t = _next_morning(op, t, again, until, lo, hi, starts, ends, slots, rng) + again
            closed |= _overlaps(shut, held_from, t)
        stages.append(StageSamples(op.node, reached, start, processed, t))
    return Samples(program, depart, t, stages, closed)


def _next_morning(op: Check, after, duration, until, lo, hi, starts, ends, slots, rng) -> np.ndarray:
    """Vectorised ``Planner.next_morning``: the first fit on a later local day, not before ``op.resume_at``."""
    at = op.resume_at
    assert at is not None  # only a stage that holds the vehicle overnight comes here
    midnights, days = local_days(op.zone, lo, hi + HORIZON)
    mornings = np.array([datetime.combine(d, at, tzinfo=op.zone).timestamp() for d in days])
    result = np.full(after.shape, np.nan)
    pending = np.flatnonzero(~np.isnan(after))
    day = np.searchsorted(midnights, after[pending], side="right")  # the local day after `after`
    candidate = mornings[np.minimum(day, len(days) - 1)]
    for _ in range(HORIZON_DAYS):
        if not pending.size:
            break
        start = _fit(starts, ends, slots, op.delay_dists, candidate, duration[pending], until[pending], rng)
        found = ~np.isnan(start)
        start_day = np.searchsorted(midnights, np.where(found, start, 0), side="right") - 1
        morning = mornings[np.clip(start_day, 0, len(days) - 1)]
        done = found & (start >= morning)
        result[pending[done]] = start[done]
        keep = found & ~done
        pending, candidate = pending[keep], morning[keep]
    return result


def gate_of(program: Program) -> int | None:
    """The index, among a walk's stages, of the border gate (None when the route has none)."""
    return next((i for i, op in enumerate(program.checks) if op.stage.kind is StageKind.gate), None)


def same_local_day(zone, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where ``a`` and ``b`` (UTC seconds) fall on the same day of ``zone``'s clock."""
    finite = ~np.isnan(a) & ~np.isnan(b)
    if not finite.any():
        return np.zeros(a.shape, dtype=bool)
    midnights, _ = local_days(zone, float(np.nanmin(a[finite])), float(np.nanmax(b[finite])))
    same = np.zeros(a.shape, dtype=bool)
    same[finite] = np.searchsorted(midnights, a[finite], side="right") == np.searchsorted(
        midnights, b[finite], side="right"
    )
    return same


def in_spans(spans: tuple[np.ndarray, np.ndarray], t: np.ndarray) -> np.ndarray:
    """True where ``t`` falls inside one of the sorted spans [start, end)."""
    lows, highs = spans
    hit = np.zeros(t.shape, dtype=bool)
    finite = ~np.isnan(t)
    if not lows.size or not finite.any():
        return hit
    i = np.searchsorted(highs, t[finite], side="right")
    inside = i < lows.size
    sub = np.zeros(i.shape, dtype=bool)
    sub[inside] = lows[i[inside]] <= t[finite][inside]
    hit[finite] = sub
    return hit
