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
from typing import Any

import numpy as np

from overland.limits import HORIZON_DAYS
from overland.model.crossing import StageKind
from overland.model.distributions import Z90, Constant
from overland.planner.program import Check, Drive, Program
from overland.planner.rhythm import DAY, NIGHT, REST, Rhythm, offset
from overland.planner.rides import FITS, WEEK, Schedule

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
    set_out: np.ndarray | None = None  # when each sample first set out from the last bed before the gate
    # The closed days only estimated days off shut, where each sample drew whether they are off:
    # (stage, UTC start, UTC end, the estimated days off: (country, day)). Empty when none were drawn.
    guessed: tuple[tuple[str, float, float, tuple[tuple[str, Any], ...]], ...] = ()


def local_days(zone, start: float, end: float) -> tuple[np.ndarray, list]:
    """UTC seconds of each local midnight from the day before ``start`` to two days after ``end``, and the days."""
    first = datetime.fromtimestamp(start, zone).date() - timedelta(days=1)
    last = datetime.fromtimestamp(end, zone).date() + timedelta(days=2)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return np.array([datetime.combine(d, time(0), tzinfo=zone).timestamp() for d in days]), days


def _fit(starts, ends, slots, delay_dists, t, duration, until, rng, keys=None, working=None,
         shift: float = 0.0) -> np.ndarray:  # fmt: skip
    """Vectorised ``StageTimetable.earliest_fit``: the first start at or after ``t`` of ``duration``
    inside one window starting by ``until``; each delayed opening draws its own delay, and each window
    moves, opening and closing, by a draw within ``shift`` seconds either way (a triangle: the post keeps
    other hours than the data's that day). NaN when none.

    ``keys`` (one per window) and ``working`` (samples x combinations of estimated days off): a window
    with a key of 0 or more is open only to the samples whose ``working[sample, key]`` is True, and it
    joins the windows it touches (see :func:`_reach`)."""
    count = len(starts)
    if not count:  # shut all the time the samples span (a seasonal crossing out of season)
        return np.full(t.shape, np.nan)
    # Every sample tries the first window ending after it arrives (NaN arrivals fall off the end).
    index = np.searchsorted(ends, t, side="right")
    usable = (index < count) & ~(t > until)
    index = np.minimum(index, count - 1)
    opens = starts[index]
    usable &= opens <= until
    if delay_dists:
        _delay(opens, slots[index], delay_dists, rng)
    moved = rng.triangular(-shift, 0.0, shift, opens.size) if shift else 0.0
    begin = np.maximum(opens + moved, t)
    rows = np.arange(t.size)
    fits = usable & _usable(keys, working, rows, index)
    fits &= begin + duration <= _reach(starts, ends, keys, working, rows, index) + moved
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
        moved = rng.triangular(-shift, 0.0, shift, opens.size) if shift else 0.0
        begin = np.maximum(opens + moved, t[pending])
        fits = _usable(keys, working, pending, index)
        fits &= begin + duration[pending] <= _reach(starts, ends, keys, working, pending, index) + moved
        result[pending[fits]] = begin[fits]
        pending, index = pending[~fits], index[~fits] + 1
    return result


def _usable(keys, working, rows: np.ndarray, index: np.ndarray) -> np.ndarray | bool:
    """True where window ``index`` is open to sample ``rows`` (every window is, without estimated days off)."""
    if keys is None:
        return True
    key = keys[index]
    return (key < 0) | working[rows, np.maximum(key, 0)]


def _reach(starts, ends, keys, working, rows: np.ndarray, index: np.ndarray) -> np.ndarray:
    """The end of window ``index`` for sample ``rows``: with estimated days off, a window runs on into the
    ones that start as it ends where one of the two is an estimated day's and the sample finds it open
    (the stage then works on through the day the calendar guessed off)."""
    end = ends[index]
    if keys is None:
        return end
    end = end.copy()
    nxt = index + 1
    going = np.flatnonzero(nxt < len(starts))
    while going.size:
        j = nxt[going]
        on = (starts[j] == end[going]) & ((keys[j] >= 0) | (keys[j - 1] >= 0))
        on &= _usable(keys, working, rows[going], j)
        going = going[on]
        end[going] = ends[j[on]]
        nxt[going] += 1
        going = going[nxt[going] < len(starts)]
    return end


def _delay(opens: np.ndarray, slot: np.ndarray, delay_dists, rng) -> None:
    """Open each delayed window later by a fresh draw of its delay (in place)."""
    for s, dist in enumerate(delay_dists):
        hit = np.flatnonzero(slot == s)
        if hit.size:
            opens[hit] += dist.draw(rng, hit.size) * 60


@dataclass(frozen=True)
class _Table:
    """A stage's openings and closed days over the walk, and which samples find which estimated day off open.

    Without estimated days off drawn (``keys`` None) it is the timetable's own arrays. With them, the
    openings that only estimated days off shut are among the windows, each with the column of
    ``working`` (samples x the combinations of estimated days that shut a window or a day) that says
    which samples find it open; ``shut`` then holds only the days shut for certain, and ``guessed`` the
    others (starts, ends, column).
    """

    starts: np.ndarray
    ends: np.ndarray
    slots: np.ndarray
    shut: tuple[np.ndarray, np.ndarray]
    keys: np.ndarray | None = None
    working: np.ndarray | None = None
    guessed: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    combos: tuple[tuple[tuple[str, Any], ...], ...] = ()  # the estimated days off of each column of ``working``


def _guesses(program: Program, n: int, lo: float, hi: float, rng: np.random.Generator) -> dict[int, _Table]:
    """Each check's :class:`_Table` (by route step), with a draw for each sample of whether each day off the
    calendar only estimates is one: one draw per country's day per sample, shared by every stage it shuts."""
    p_off = program.estimated_off
    found = {}
    for op in program.checks:
        starts, ends, slots = op.table.arrays(lo, hi)
        found[op.k] = _Table(starts, ends, slots, _closed_spans(op.table, lo, hi))
    if p_off >= 1:
        return found
    maybe = {op.k: op.table.maybe_windows(lo, hi) for op in program.checks}
    guessed = {op.k: _guessed_spans(op, lo, hi) for op in program.checks}
    days = sorted(
        {g for k in maybe for w in maybe[k] for g in w[3]} | {g for k in guessed for d in guessed[k] for g in d[2]}
    )
    if not days:
        return found
    column = {day: i for i, day in enumerate(days)}
    working = rng.random((n, len(days))) >= p_off  # True: the day the calendar guessed off is a working day
    for op in program.checks:
        table, windows, closed = found[op.k], maybe[op.k], guessed[op.k]
        if not windows and not closed:
            continue
        combos = list(dict.fromkeys([w[3] for w in windows] + [d[2] for d in closed]))
        combo_of = {c: i for i, c in enumerate(combos)}
        opens = np.stack([working[:, [column[g] for g in c]].all(axis=1) for c in combos], axis=1)
        starts = np.concatenate([table.starts, [w[0] for w in windows]])
        order = np.argsort(starts, kind="stable")
        keys = np.concatenate([np.full(table.starts.size, -1), [combo_of[w[3]] for w in windows]]).astype(np.int64)
        lows = np.array([d[0] for d in closed])
        certain = ~np.isin(table.shut[0], lows)
        found[op.k] = _Table(
            starts[order],
            np.concatenate([table.ends, [w[1] for w in windows]])[order],
            np.concatenate([table.slots, [w[2] for w in windows]]).astype(np.int64)[order],
            (table.shut[0][certain], table.shut[1][certain]),
            keys[order],
            opens,
            (lows, np.array([d[1] for d in closed]), np.array([combo_of[d[2]] for d in closed], dtype=np.int64)),
            tuple(combos),
        )
    return found


def _guessed_spans(op: Check, lo: float, hi: float) -> list[tuple[float, float, tuple]]:
    """The stage's closed days between ``lo`` and ``hi`` that only estimated days off shut: (start, end, those days)."""
    found = []
    for day, guesses in sorted(op.table.guessed_days().items()):
        start = datetime.combine(day, time(0), tzinfo=op.zone).timestamp()
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=op.zone).timestamp()
        if end > lo and start < hi:
            found.append((start, end, guesses))
    return found


def _shut_at(table: _Table, rows: np.ndarray, t: np.ndarray) -> np.ndarray:
    """True where sample ``rows`` is at ``t`` on a day the stage is shut (for it: an estimated day off
    it finds a working day is not)."""
    hit = in_spans(table.shut, t)
    if table.guessed is not None and table.working is not None:
        for low, high, combo in zip(*table.guessed, strict=True):
            hit |= ~table.working[rows, combo] & (low <= t) & (t < high)
    return hit


def _shut_over(table: _Table, rows: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """True where sample ``rows``'s stay [start, end) covers a day the stage is shut (for it)."""
    hit = _overlaps(table.shut, start, end)
    if table.guessed is not None and table.working is not None:
        for low, high, combo in zip(*table.guessed, strict=True):
            hit |= ~table.working[rows, combo] & (end > start) & (low < end) & (high > start)
    return hit


def _closed_spans(table, lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """The stage's whole closed days between ``lo`` and ``hi`` as UTC [start, end) arrays."""
    starts, ends = table.closed_arrays()
    first = int(np.searchsorted(ends, lo, side="right"))
    last = int(np.searchsorted(starts, hi, side="left"))
    return starts[first:last], ends[first:last]


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


def walk(program: Program, depart: np.ndarray, rng: np.random.Generator, rhythm: Rhythm | None = None) -> Samples:
    """Walk ``program`` for every departure in ``depart`` (UTC seconds), drawing from ``rng``.

    The rules are those of :func:`overland.planner.walk.walk`, a day at a time: from each bed
    the samples whose way to the next bed does not fit the day (``rhythm``) sleep there and
    try again the next morning. The caller has checked that no stage turns the traveller back
    (those are the same for every sample and end the deterministic plan).
    """
    rhythm = rhythm or Rhythm()
    t = depart.astype(float).copy()
    until = depart + HORIZON
    lo, hi = float(np.nanmin(depart)), float(np.nanmax(until))
    entered = np.full(t.shape, np.nan)
    closed = np.zeros(t.shape, dtype=bool)
    wheel = np.zeros(t.shape)
    since_break = np.zeros(t.shape)
    stages: dict[int, StageSamples] = {}
    gate = gate_of(program)
    gate_k = program.checks[gate].k if gate is not None else None
    set_out = np.full(t.shape, np.nan)
    tables = _guesses(program, t.size, lo, hi, rng)
    for bed, ops in program.segments:
        zone = program.day_zones[bed]
        todo = np.flatnonzero(~np.isnan(t))
        every_day = np.zeros(t.shape, dtype=int)
        tries = np.zeros(t.shape, dtype=int)
        for _ in range(HORIZON_DAYS + 2):
            if not todo.size:
                break
            leg = _segment(program, ops, tables, todo, t, wheel, since_break, entered, until, lo, hi, rhythm, rng)
            if gate_k is not None and any(isinstance(op, Check) and op.k == gate_k for op in ops):
                first = np.isnan(set_out[todo])
                set_out[todo[first]] = leg.left[first]
            done = todo[leg.ok]
            t[done], wheel[done], since_break[done], entered[done] = (
                leg.t[leg.ok], leg.wheel[leg.ok], leg.since_break[leg.ok], leg.entered[leg.ok])  # fmt: skip
            closed[done] |= leg.closed[leg.ok]
            for k, found in leg.stages.items():
                target = stages.setdefault(k, _empty_stage(found.node, t.size))
                for name in ("reached", "start", "processed", "end"):
                    getattr(target, name)[done] = getattr(found, name)[leg.ok]
            lost = todo[leg.lost]
            t[lost] = np.nan
            failed = ~leg.ok & ~leg.lost
            again = todo[failed]
            tries[again] += 1
            every_day[again] += (tries[again] > 1) & leg.every_day[failed]
            morning = next_morning_array(rhythm, zone, leg.left[failed])
            closed[again] |= _any_closed(ops, tables, again, t[again], morning)
            t[again], wheel[again], since_break[again] = morning, 0.0, 0.0
            # A sample tries again each morning until the horizon: its draws differ from day to day, so a
            # day that failed may be followed by one that works (the deterministic walk, whose days are
            # all alike, gives up after two failures a day cannot fix).
            give_up = (morning > until[again]) | leg.hopeless[failed]
            t[again[give_up]] = np.nan
            todo = again[~give_up]
    ordered = [stages.get(op.k) or _empty_stage(op.node, t.size) for op in program.checks]
    guessed = tuple(
        (op.node, float(low), float(high), table.combos[int(c)])
        for op in program.checks
        if (table := tables[op.k]).guessed is not None
        for low, high, c in zip(*table.guessed, strict=True)
    )
    return Samples(program, depart, t, ordered, closed, set_out, guessed)


def _empty_stage(node: str, size: int) -> StageSamples:
    return StageSamples(node, np.full(size, np.nan), np.full(size, np.nan), np.full(size, np.nan),
                        np.full(size, np.nan))  # fmt: skip


@dataclass
class _Leg:
    """One try of a segment by some samples (arrays aligned with the samples tried)."""

    ok: np.ndarray
    lost: np.ndarray  # no opening within the horizon
    every_day: np.ndarray  # the failure is one no day fixes (the way is too long, not a closed day)
    hopeless: np.ndarray  # the failure can never be fixed (a leg longer than a day, the wheel from a rested start)
    t: np.ndarray
    wheel: np.ndarray
    since_break: np.ndarray
    entered: np.ndarray
    left: np.ndarray
    closed: np.ndarray
    stages: dict[int, StageSamples]


def _segment(program: Program, ops: tuple[Drive | Check, ...], tables: dict[int, _Table], todo: np.ndarray, t0: np.ndarray,
             wheel0: np.ndarray, since0: np.ndarray, entered0: np.ndarray, until0: np.ndarray, lo: float, hi: float,
             rhythm: Rhythm, rng: np.random.Generator) -> _Leg:  # fmt: skip
    """Vectorised ``walk._segment`` for the samples ``todo``: to the next bed within the day, or not."""
    n = todo.size
    t = t0[todo].copy()
    until = until0[todo]
    wheel, since_break, entered = wheel0[todo].copy(), since0[todo].copy(), entered0[todo].copy()
    alive = np.ones(n, dtype=bool)  # still walking this try
    lost = np.zeros(n, dtype=bool)
    every_day = np.zeros(n, dtype=bool)
    hopeless = np.zeros(n, dtype=bool)
    left = t.copy()
    closed = np.zeros(n, dtype=bool)
    reached = t.copy()
    waited_long = np.zeros(n, dtype=bool)  # a wait of an hour or more at a post at this node
    waited_worked = np.zeros(n, dtype=bool)
    at_bed = True
    found: dict[int, StageSamples] = {}

    def fail(mask: np.ndarray, structural: np.ndarray | bool) -> None:
        nonlocal alive
        every_day[mask] = np.asarray(structural, dtype=bool)[mask] if isinstance(structural, np.ndarray) else structural
        alive &= ~mask

    for op in ops:
        if not alive.any():
            break
        if isinstance(op, Drive):
            ride = op.ride
            if ride is None:  # on the road for the leg's own time and the breaks it takes (see walk._segment)
                seconds = op.seconds + breaks_array(rhythm, since_break, op.seconds) * rhythm.break_for
                start = _drive_fit_array(op, t, rhythm, seconds)
            else:
                start = _ride_fit_array(op, t, rhythm)
            too_long = np.isnan(start) & alive
            if ride is None and too_long.any():  # unless a break the driving before it brings makes it so
                fresh = rhythm.on_the_road(0.0, op.seconds)
                tired = too_long & (seconds > fresh) & ~np.isnan(_drive_fit_array(op, t, rhythm, fresh))
                fail(tired, True)
                too_long &= ~tired
            hopeless |= too_long
            fail(too_long, False)
            if at_bed:  # a night in the bed before this drive: a new day
                slept = alive & covers_night_array(op.day_zone, t, np.where(np.isnan(start), t, start))
                wheel = np.where(slept, 0.0, wheel)
                since_break = np.where(slept, 0.0, since_break)
            if ride is None and rhythm.max_drive is not None:
                over = alive & (wheel + op.seconds > rhythm.max_drive)
                hopeless |= over & (wheel == 0)
                fail(over, True)
            if not at_bed:
                night = alive & covers_night_array(op.day_zone, reached, start)
                # A ride that leaves too late: a later day helps unless the service runs every day.
                cause = True if ride is None or ride.schedule is None else ride.schedule.daily
                fail(night, np.where(waited_long, waited_worked, cause))
            if ride is None and rhythm.break_after is not None:
                waited = alive & (np.nan_to_num(start, nan=-np.inf) - t >= rhythm.break_for)  # waiting is a break
                since_break = np.where(waited, 0.0, since_break)
                first = rhythm.breaks(0.0, op.seconds)
                due = alive & ~waited & (breaks_array(rhythm, since_break, op.seconds) > first)
                if due.any():  # a break due on the leg, taken before it where that adds none to the leg's own
                    after = np.where(due, t + rhythm.break_for, t)
                    again = _drive_fit_array(op, after, rhythm, rhythm.on_the_road(0.0, op.seconds))
                    start = np.where(due, again, start)
                    since_break = np.where(due, 0.0, since_break)
                    bad = due & (
                        np.isnan(start) | covers_night_array(op.day_zone, after, np.nan_to_num(start, nan=np.inf))
                    )
                    fail(bad, True)
            if at_bed:
                left = np.where(alive, start, left)
            if ride is None:  # the drawn time decides the breaks on the way
                seconds = _drive_seconds(op, n, rng)
                breaks = breaks_array(rhythm, since_break, seconds)
                t = np.where(alive, start + seconds + breaks * rhythm.break_for, t)
                wheel = wheel + seconds
                since_break = since_break + seconds
                if rhythm.break_after is not None:
                    since_break = since_break - breaks * rhythm.break_after
            else:  # the service's own duration drawn; given as one number (or not at all), spread as a road leg's
                duration = ride.duration
                taken: np.ndarray | float
                if duration is not None and not isinstance(duration, Constant):
                    taken = duration.draw(rng, n) * 60
                else:
                    taken = _drive_seconds(op, n, rng)
                t = np.where(alive, start + taken, t)
            reached = t.copy()
            waited_long[:] = False
            at_bed = False
            continue
        table = tables[op.k]
        starts, ends, slots, keys = table.starts, table.ends, table.slots, table.keys
        working = table.working[todo] if table.working is not None else None
        arrived = t.copy()
        earliest = t
        if op.next_working_day:
            midnights, _ = local_days(op.zone, lo, hi + HORIZON)
            has_entered = ~np.isnan(entered)
            nxt = np.full(t.shape, np.nan)
            nxt[has_entered] = midnights[np.searchsorted(midnights, entered[has_entered], side="right")]
            earliest = np.where(has_entered, np.fmax(t, nxt), t)
        # A check is done within one opening: a draw longer than the longest one is cut to it (without the
        # cut such a sample could never pass, and a spread drawn around a time that fills an opening would
        # lose half its samples).
        longest = _longest(starts, ends, lo, hi)
        duration = np.minimum(op.duration_dist.draw(rng, n) * 60, longest)
        if op.queue is not None:  # the queue in front of the post: processing starts after it
            earliest = earliest + op.queue.draw(rng, n) * 60
        start = np.full(n, np.nan)
        live = np.flatnonzero(alive)
        start[live] = _fit(starts, ends, slots, op.delay_dists, earliest[live], duration[live], until[live], rng,
                           keys, working[live] if working is not None else None, op.opening_spread)  # fmt: skip
        gone = alive & np.isnan(start)
        lost |= gone
        alive &= ~gone
        if not at_bed:
            worked = ~_shut_at(table, todo, arrived)
            night = alive & covers_night_array(op.day_zone, arrived, start + duration)
            fail(night, worked)
        if at_bed:
            left = np.where(alive, start, left)
        closed |= alive & _shut_over(table, todo, arrived, start)
        if at_bed:  # an office in the town the traveller slept in: away from the bed from its opening on
            reached = start.copy()
            waited_long = np.zeros(n, dtype=bool)
        else:
            waited_long = alive & (start - arrived >= 3600)
        waited_worked = ~_shut_at(table, todo, arrived)
        rest = alive & (start - arrived >= REST)
        wheel = np.where(rest, 0.0, wheel)
        since_break = np.where(alive & (start - arrived + duration >= rhythm.break_for), 0.0, since_break)
        processed = start + duration
        t = np.where(alive, processed, t)
        if op.enters:
            entered = np.where(alive, t, entered)
        at_bed = False
        end = t.copy()
        if op.held is not None:
            held_from = t.copy()
            again = np.minimum(op.duration_dist.draw(rng, n) * 60, longest)
            morning = np.full(n, np.nan)
            live = np.flatnonzero(alive)
            morning[live] = _next_morning(op, t[live], again[live], until[live], lo, hi, starts, ends, slots, rng,
                                          keys, working[live] if working is not None else None)  # fmt: skip
            gone = alive & np.isnan(morning)
            lost |= gone
            alive &= ~gone
            end = np.where(alive, morning + again, end)
            t = end.copy()
            closed |= alive & _shut_over(table, todo, held_from, t)
            wheel = np.where(alive, 0.0, wheel)
            since_break = np.where(alive, 0.0, since_break)
            reached = t.copy()
            waited_long[:] = False
        found[op.k] = StageSamples(op.node, arrived, start, processed, end)
    return _Leg(ok=alive, lost=lost, every_day=every_day, hopeless=hopeless, t=t, wheel=wheel,
                since_break=since_break, entered=entered, left=left, closed=closed, stages=found)  # fmt: skip


def _longest(starts: np.ndarray, ends: np.ndarray, lo: float, hi: float) -> float:
    """The longest opening that ends after ``lo`` and starts by ``hi`` (seconds; infinite when none)."""
    first = int(np.searchsorted(ends, lo, side="right"))
    last = int(np.searchsorted(starts, hi, side="right"))
    return float((ends[first:last] - starts[first:last]).max()) if last > first else np.inf


def _drive_seconds(op: Drive, n: int, rng: np.random.Generator) -> np.ndarray | float:
    """The leg's time for each sample: its own, or drawn around it (lognormal, median the leg's time, P90
    ``op.spread`` times it, kept within ``op.spread`` squared either way). Whether the drive fits the day is
    judged on the leg's own time; a driver's breaks on the way follow the time drawn."""
    if op.spread <= 1:
        return op.seconds
    factor = rng.lognormal(0.0, float(np.log(op.spread)) / Z90, n)
    return op.seconds * np.clip(factor, op.spread**-2, op.spread**2)


def _any_closed(ops: tuple[Drive | Check, ...], tables: dict[int, _Table], rows: np.ndarray, start: np.ndarray,
                end: np.ndarray) -> np.ndarray:  # fmt: skip
    """True where a stay in a bed from ``start`` to ``end`` covers a day a stage of the segment was shut
    (for samples ``rows``)."""
    hit = np.zeros(start.shape, dtype=bool)
    for op in ops:
        if isinstance(op, Check):
            hit |= _shut_over(tables[op.k], rows, start, end)
    return hit


# -- the traveller's day, for many samples at once (see :mod:`overland.planner.rhythm`) -----------


def offsets(zone: Any, t: np.ndarray) -> np.ndarray:
    """The UTC offset (seconds) of ``zone`` at each ``t`` (NaN stays NaN)."""
    days = np.floor(np.nan_to_num(t, nan=0.0) / DAY).astype(np.int64)
    unique, index = np.unique(days, return_inverse=True)
    return np.array([offset(zone, float(d) * DAY + DAY / 2) for d in unique])[index].reshape(t.shape)


def breaks_array(rhythm: Rhythm, since: np.ndarray, seconds: np.ndarray | float) -> np.ndarray | float:
    """Vectorised :meth:`~overland.planner.rhythm.Rhythm.breaks`: the breaks of drives of ``seconds`` at the
    wheel, ``since`` seconds of driving after the last one."""
    after = rhythm.break_after
    if after is None:
        return 0.0
    total = since + seconds
    return np.where(total > after, np.ceil(total / after) - 1, 0.0)


def fit_awake_array(rhythm: Rhythm, zone: Any, t: np.ndarray, duration: np.ndarray | float) -> np.ndarray:
    """Vectorised :func:`~overland.planner.rhythm.fit_awake` (NaN where ``duration`` is longer than a day)."""
    if rhythm.quiet is None:
        return t.copy()
    length = rhythm.awake_length
    each = np.ndim(duration) > 0  # a duration for each sample
    if not each and duration > length:
        return np.full(t.shape, np.nan)
    o = offsets(zone, t)
    local = t + o
    end_of_quiet = rhythm.quiet[1]
    start = np.floor((local - end_of_quiet) / DAY) * DAY + end_of_quiet
    start = np.where(local >= start + length, start + DAY, start)
    begin = np.maximum(start, local)
    fits = begin + duration <= start + length
    found = np.where(fits, begin, start + DAY) - o
    return np.where(duration > length, np.nan, found) if each else found


def covers_night_array(zone: Any, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Vectorised :func:`~overland.planner.rhythm.covers_night`."""
    oa, ob = offsets(zone, a), offsets(zone, b)
    first = (np.floor((a + oa - NIGHT) / DAY) + 1) * DAY
    with np.errstate(invalid="ignore"):
        return (b > a) & (first < b + ob - NIGHT)


def next_morning_array(rhythm: Rhythm, zone: Any, t: np.ndarray) -> np.ndarray:
    """Vectorised :func:`~overland.planner.rhythm.next_morning`."""
    if rhythm.quiet is None:
        return t + REST
    o = offsets(zone, t)
    local = t + o
    end_of_quiet = rhythm.quiet[1]
    start = np.floor((local - end_of_quiet) / DAY) * DAY + end_of_quiet
    after = np.where(local >= start + rhythm.awake_length, start + DAY, start)  # the window holding t, or next
    return np.where(local < after, after, after + DAY) - o


def _fit_awake_both_array(rhythm: Rhythm, op: Drive, t: np.ndarray, seconds: np.ndarray | float) -> np.ndarray:
    """Vectorised ``walk._fit_awake_both``: outside the quiet hours of both of the leg's clocks."""
    start = fit_awake_array(rhythm, op.day_zone, t, seconds)
    if op.end_day_zone is op.day_zone:
        return start
    for _ in range(4):
        there = fit_awake_array(rhythm, op.end_day_zone, start, seconds)
        moved = ~np.isnan(there) & (there != start)
        if not moved.any():
            return np.where(np.isnan(there), np.nan, start)
        start = np.where(moved, fit_awake_array(rhythm, op.day_zone, there, seconds), there)
    return start


def _drive_fit_array(op: Drive, t: np.ndarray, rhythm: Rhythm, seconds: np.ndarray | float | None = None) -> np.ndarray:
    """Vectorised ``walk._drive_fit``: outside the quiet hours, and by daylight on a warned leg; ``seconds``
    on the road (None: the leg's time)."""
    if seconds is None:
        seconds = op.seconds
    start = _fit_awake_both_array(rhythm, op, t, seconds)
    if rhythm.dark_warned or op.sky is None or not op.warned:
        return start
    finite = start[~np.isnan(start)]
    if not finite.size:
        return start
    dark_starts, dark_ends = op.sky.arrays(float(finite.min()), float(finite.max()) + HORIZON)
    warned = np.array(sorted(op.warned))
    for _ in range(HORIZON_DAYS):
        o = offsets(op.zone, start)
        months = (np.nan_to_num(start + o).astype("datetime64[s]").astype("datetime64[M]").astype(np.int64) % 12) + 1
        check = ~np.isnan(start) & np.isin(months, warned)
        if not check.any():
            break
        i = np.searchsorted(dark_ends, np.where(check, start, 0.0), side="right")
        inside = check & (i < dark_starts.size)
        conflict = np.zeros(start.shape, dtype=bool)
        conflict[inside] = dark_starts[i[inside]] < start[inside] + np.broadcast_to(seconds, start.shape)[inside]
        if not conflict.any():
            break
        lit = start.copy()
        lit[conflict] = dark_ends[i[conflict]]
        start = np.where(conflict, _fit_awake_both_array(rhythm, op, lit, seconds), start)
    return start


def next_departure_array(schedule: Schedule, t: np.ndarray) -> np.ndarray:
    """Vectorised :meth:`~overland.planner.rides.Schedule.next` (NaN: no departure, or NaN in)."""
    o = offsets(schedule.zone, t)
    local = t + o
    day = np.floor(local / DAY)
    runs_on = np.array(schedule.days)
    result = np.full(t.shape, np.nan)
    pending = ~np.isnan(t)
    for i in range(WEEK):
        if not pending.any():
            break
        d = day + i
        runs = pending & runs_on[(np.nan_to_num(d) + 3).astype(np.int64) % 7]
        base = d * DAY
        for a, b in schedule.windows:
            hit = runs & (base + b >= local)
            result[hit] = (np.maximum(base + a, local) - o)[hit]
            pending &= ~hit
            runs &= ~hit
    return result


def _ride_fit_array(op: Drive, t: np.ndarray, rhythm: Rhythm) -> np.ndarray:
    """Vectorised ``walk._ride_fit``: the service's next departure that fits the traveller's day."""
    ride = op.ride
    assert ride is not None
    schedule = ride.schedule
    if schedule is not None and schedule.timetabled:
        return next_departure_array(schedule, t)
    overnight = ride.overnight(op.seconds, rhythm.awake_length)

    def fit(x: np.ndarray) -> np.ndarray:
        return fit_awake_array(rhythm, op.day_zone, x, 0.0) if overnight else _drive_fit_array(op, x, rhythm)

    if schedule is None:
        return fit(t)
    result = np.full(t.shape, np.nan)
    at = t.copy()
    pending = np.flatnonzero(~np.isnan(t))
    for _ in range(FITS):
        if not pending.size:
            break
        leave = next_departure_array(schedule, at[pending])
        got = fit(leave)
        done = ~np.isnan(leave) & (got == leave)
        result[pending[done]] = leave[done]
        keep = ~np.isnan(got) & ~done
        at[pending[keep]] = got[keep]
        pending = pending[keep]
    return result


def _next_morning(op: Check, after, duration, until, lo, hi, starts, ends, slots, rng, keys=None,
                  working=None) -> np.ndarray:  # fmt: skip
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
        start = _fit(starts, ends, slots, op.delay_dists, candidate, duration[pending], until[pending], rng, keys,
                     working[pending] if working is not None else None, op.opening_spread)  # fmt: skip
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
