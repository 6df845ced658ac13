"""One traveller's pass along a compiled route, in UTC seconds, a day at a time.

The route is cut at the places with beds (:meth:`~overland.planner.program.Program.segments`).
From a bed the traveller goes on to the next bed only when the whole way there fits the
day: no driving or standing at a post in the quiet hours, the legs the data warns about
by daylight (unless the traveller allows otherwise), the hours at the wheel within the
day's limit. Otherwise they sleep in that bed and try again the next morning, so a night
is never spent at a post or between two posts. Going on whenever the next bed can be
reached is the earliest way (a bed reached earlier can always be waited in).

A driver with a break rule (:meth:`~overland.planner.rhythm.Rhythm.breaks`) stops each time the
driving since the last break reaches the allowance; standing still as long (at a post, or waiting
for the road) counts as a break. A break due on a leg is taken at the stop before it when that
adds none to the leg's own; otherwise on the way: the drive lasts its driving and its breaks, and
it is that longer time that must fit the day (the hours at the wheel count the driving only).

A passenger rides the services of the data where they run (:mod:`overland.planner.rides`): a
ride waits for the service's next departure and takes its duration.

A stage waits for an opening long enough for its processing, then applies its rules
(a vehicle held overnight while the traveller sleeps in the next town, an office that
works the next working day). Processing times and opening delays given as distributions
count at their median here; :mod:`overland.planner.montecarlo` draws them.

The walk records what happens as plain tuples (:data:`Raw`) and says nothing in words:
:mod:`overland.planner.narration` turns the steps into events with notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, NamedTuple

from overland.limits import HORIZON_DAYS
from overland.planner import rhythm as day
from overland.planner.program import Check, Drive, Program
from overland.planner.rhythm import Rhythm
from overland.planner.rides import FITS
from overland.planner.timetable import epoch
from overland.planner.trip import Blocker, EventKind

# What narration needs to word a step (the first item of a :data:`Raw`'s ``detail``).
WAIT = "wait"  # a wait in front of a stage
WAIT_AFTER_ENTRY = "wait-after-entry"  # a wait for the next working day after entering the country
WAIT_TO_DRIVE = "wait-to-drive"  # a wait for the hours or the daylight a leg may be driven in
BREAK = "break"  # a driver's break before a drive
BREAKS = "breaks"  # a drive with a driver's breaks on the way: (BREAKS, how many, seconds into it of the first)
PROCESS = "process"  # a stage's processing
CLEARED = "cleared"  # the held vehicle's clearance the next morning
HELD = "held"  # the vehicle stays at customs
TO_BED = "to-bed"  # the ride to the place to sleep
FROM_BED = "from-bed"  # the ride back to the vehicle
BED_NIGHT = "bed-night"  # the night while the vehicle is held
NO_OPENING = "no-opening"  # no opening within the horizon
BLOCKED = "blocked"  # a stage turns the traveller back (the blocker says why)
STAY = "stay"  # the traveller stays in a bed before going on; the rest of the detail says why
NO_PLAN = "no-plan"  # no way fits the traveller's day within the horizon

# Why the way on from a bed does not fit the day (the reasons of a STAY).
CLOSED = "closed"  # a post ahead is shut until after the quiet hours: (CLOSED, k, arrive, opens, worked that day)
NIGHT_DRIVE = "night-drive"  # a leg ahead cannot be driven before the quiet hours: (NIGHT_DRIVE, k, t)
DARK = "dark"  # a warned leg ahead cannot be driven before dark: (DARK, k, t)
WHEEL = "wheel"  # the day's hours at the wheel would run out: (WHEEL, k, hours so far)
TOO_LONG = "too-long"  # a leg or a processing is longer than a day outside the quiet hours: (TOO_LONG, k)
DEPARTS = "departs"  # a ride ahead does not leave before the quiet hours: (DEPARTS, k, t, it runs every day)

DAY_SOURCE = "the traveller's day"  # the source of a blocker that is the traveller's own rhythm

# A step before it is shown: (kind, route index, node, start, end, detail, to, km).
Raw = tuple[EventKind, int, str, float, float, tuple[Any, ...], "str | None", "float | None"]


class Mark(NamedTuple):
    """Where a recorded walk stood as a post's processing started: what the rest of the walk depends on,
    and how much it had recorded by then.

    ``state`` is (the processing start, hours at the wheel, since the last break, the entry into the
    country when the day's try began, the entry so far, still in the bed). A walk from the same
    state goes on the same way; ``reached`` (when the traveller reached the post) only decides
    whether a night falls between reaching it and driving on, and a later arrival there cannot add one.
    """

    state: tuple[Any, ...]
    reached: float
    events: int  # events recorded before the processing
    warnings: int  # warnings recorded before it

    def moved(self, events: int, warnings: int) -> Mark:
        """The same mark in a walk that recorded ``events`` and ``warnings`` more before it."""
        return Mark(self.state, self.reached, self.events + events, self.warnings + warnings)


@dataclass
class Walk:
    """The state of one pass along a route, in UTC seconds."""

    events: list[Raw] = field(default_factory=list)
    arrivals: dict[int, float] = field(default_factory=dict)  # route index -> time reached
    starts: dict[int, float] = field(default_factory=dict)  # route index -> processing start
    blockers: list[Blocker] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    t: float = 0.0
    # Route index of a post the traveller waits for (or leaves a bed for) -> the walk there (recorded walks).
    marks: dict[int, Mark] = field(default_factory=dict)


@dataclass
class _Leg:
    """The result of one try of a segment."""

    ok: bool
    t: float = 0.0
    wheel: float = 0.0
    since_break: float = 0.0
    entered: float | None = None
    events: list[Raw] = field(default_factory=list)
    arrivals: dict[int, float] = field(default_factory=dict)
    starts: dict[int, float] = field(default_factory=dict)
    left: float | None = None  # when the traveller left the bed (None: never got going)
    why: tuple[Any, ...] = ()
    blocker: Blocker | None = None
    blocked_event: Raw | None = None
    warnings: list[str] = field(default_factory=list)
    marks: dict[int, Mark] = field(default_factory=dict)
    joined: Mark | None = None  # the mark of the walk followed from the post it joins (see ``follow``)


def walk(program: Program, begin: int, t: float, depart: float, blockers_at: dict[int, list[Blocker]],
         rhythm: Rhythm, *, record: bool = True, follow: tuple[Walk, int] | None = None) -> Walk:  # fmt: skip
    """Walk ``program`` from the bed at route index ``begin``, ready to leave at ``t``.

    ``depart`` is the trip's departure (the horizon counts from it); ``blockers_at`` maps a
    route index to what stops the traveller there; ``record=False`` keeps times only.
    ``follow`` is (a recorded walk of the same trip, the route index of a post): when this walk
    starts that post's processing as that walk did (:class:`Mark`), the rest is that walk's.
    """
    state = Walk(t=t)
    state.arrivals[begin] = t
    limit = depart + HORIZON_DAYS * 86400
    wheel = since_break = 0.0
    entered: float | None = None
    for bed, ops in program.segments:
        if bed < begin:
            continue
        zone = program.day_zones[bed]
        node = program.route.steps[bed].node
        stay_from, reasons, every_day = t, [], 0
        while True:
            leg = _segment(program, ops, t, wheel, since_break, entered, limit, blockers_at, rhythm, record, follow)
            if leg.ok or leg.blocker is not None or leg.joined is not None:
                break
            reasons.append(leg.why)
            if len(reasons) > 1 and _every_day(leg.why):
                every_day += 1
            morning = day.next_morning(rhythm, zone, leg.left if leg.left is not None else t)
            if morning > limit or every_day >= 2 or leg.why[0] == TOO_LONG or (leg.why[0] == WHEEL and wheel == 0):
                reason = "no way on fits your day" if morning <= limit else f"no way on within {HORIZON_DAYS} days"
                state.blockers.append(Blocker(stage=node, reason=reason, source=DAY_SOURCE))
                state.events.append((EventKind.blocked, bed, node, stay_from, stay_from, (NO_PLAN, reasons[-1]), None,
                                     None))  # fmt: skip
                state.t = t
                return state
            t, wheel, since_break = morning, 0.0, 0.0
        if reasons and record:
            state.events.append((EventKind.night, bed, node, stay_from, t, (STAY, *reasons), None, None))
        if leg.joined is not None:
            assert follow is not None
            return _join(state, leg, *follow)
        if leg.blocker is not None:
            state.blockers.append(leg.blocker)
            state.events.extend(leg.events)
            if leg.blocked_event is not None:
                state.events.append(leg.blocked_event)
            state.t = leg.t
            return state
        if leg.marks:
            state.marks.update((k, mark.moved(len(state.events), len(state.warnings))) for k, mark in leg.marks.items())
        state.events.extend(leg.events)
        state.warnings.extend(leg.warnings)
        state.arrivals.update(leg.arrivals)
        state.starts.update(leg.starts)
        t, wheel, since_break, entered = leg.t, leg.wheel, leg.since_break, leg.entered
    state.t = t
    return state


def _join(state: Walk, leg: _Leg, followed: Walk, k: int) -> Walk:
    """``state`` with ``leg`` up to the processing at post ``k``, then ``followed`` from there on."""
    mark = followed.marks[k]
    assert leg.joined is mark
    ahead = len(state.events) + len(leg.events) - mark.events  # where the followed walk's events move to
    warned = len(state.warnings) + len(leg.warnings) - mark.warnings
    state.marks.update((j, m.moved(len(state.events), len(state.warnings))) for j, m in leg.marks.items())
    state.marks.update((j, m.moved(ahead, warned)) for j, m in followed.marks.items() if j >= k)
    state.events += leg.events
    state.events += followed.events[mark.events :]
    state.warnings += leg.warnings
    state.warnings += followed.warnings[mark.warnings :]
    state.arrivals.update(leg.arrivals)
    state.arrivals.update((j, a) for j, a in followed.arrivals.items() if j > k)
    state.starts.update(leg.starts)
    state.starts.update((j, a) for j, a in followed.starts.items() if j >= k)
    state.blockers = list(followed.blockers)
    state.t = followed.t
    return state


def _every_day(why: tuple[Any, ...]) -> bool:
    """True for a reason that no day fixes: not a closed day but the length of the way (from a morning start)."""
    if why[0] == CLOSED:
        return bool(why[4])  # the post worked that day: it was just too far to reach before it closed
    if why[0] == DEPARTS:
        return bool(why[3])  # a service that runs every day: a later day is no different
    return why[0] in (NIGHT_DRIVE, DARK, WHEEL)


def _segment(program: Program, ops: tuple[Drive | Check, ...], t: float, wheel: float, since_break: float,
             entered: float | None, limit: float, blockers_at: dict[int, list[Blocker]], rhythm: Rhythm,
             record: bool, follow: tuple[Walk, int] | None = None) -> _Leg:  # fmt: skip
    """One try of a segment from its bed at ``t``: to the next bed within the day, or why not."""
    leg = _Leg(ok=False, t=t, entered=entered)
    events = leg.events
    at_bed = True  # still in the bed the segment starts from
    reached = t  # when the traveller reached the node they are at
    waited: tuple[Check, float, float] | None = None  # the wait at a post at this node: (the post, reached, opened)
    for op in ops:
        k = op.k
        if isinstance(op, Drive):
            here = op.day_zone
            ride = op.ride
            # On the road for the driving and the breaks it takes (the day's hours at the wheel count the driving).
            seconds = rhythm.on_the_road(since_break, op.seconds) if ride is None else None
            start = _drive_fit(op, t, rhythm, seconds) if ride is None else _ride_fit(op, t, rhythm)
            if start is None:
                # Too long for any day, unless a break the driving before it brings makes it so (a night fixes that).
                rested = rhythm.on_the_road(0.0, op.seconds)
                fresh = seconds is not None and seconds > rested and _drive_fit(op, t, rhythm, rested) is not None
                leg.why, leg.t = ((NIGHT_DRIVE, k, t) if fresh else (TOO_LONG, k)), t
                return leg
            if at_bed and day.covers_night(here, t, start):  # a night in the bed before this drive: a new day
                wheel = since_break = 0.0
            if ride is None and rhythm.max_drive is not None and wheel + op.seconds > rhythm.max_drive:
                leg.why, leg.t = (WHEEL, k, wheel), t
                return leg
            if not at_bed and day.covers_night(here, reached, start):
                if waited is not None and waited[2] - waited[1] >= 3600:  # the post held them up: it is the cause
                    post, came, opened = waited
                    leg.why = (CLOSED, post.k, came, opened, _worked(post, came))
                elif ride is not None and ride.schedule is not None:  # the service leaves too late: it is the cause
                    leg.why = (DEPARTS, k, t, ride.schedule.daily)
                else:
                    leg.why = (DARK if start != _fit_awake_both(rhythm, op, t, seconds) else NIGHT_DRIVE, k, t)
                leg.t = t
                return leg
            breaks = 0
            if ride is None and rhythm.break_after is not None:
                if start - t >= rhythm.break_for:  # waiting to drive is a break from the wheel
                    since_break = 0.0
                elif rhythm.breaks(since_break, op.seconds) > rhythm.breaks(0.0, op.seconds):
                    # A break due on the leg is taken before it, where that adds none to the leg's own.
                    rested = t + rhythm.break_for
                    if record:
                        events.append((EventKind.wait, k, op.start, t, rested, (BREAK,), None, None))
                    t, since_break = rested, 0.0
                    start = _drive_fit(op, t, rhythm, rhythm.on_the_road(0.0, op.seconds))
                    if start is None or day.covers_night(here, t, start):
                        leg.why, leg.t = (NIGHT_DRIVE, k, t), t
                        return leg
                breaks = rhythm.breaks(since_break, op.seconds)  # the breaks on the way
            if start > t and record:
                events.append((EventKind.wait, k, op.start, t, start, (WAIT_TO_DRIVE, at_bed), None, None))
            if at_bed:
                leg.left = start
            end = start + op.seconds + breaks * rhythm.break_for
            if record:
                kind = EventKind.drive if ride is None else EventKind.ride
                first = rhythm.break_after - since_break if rhythm.break_after is not None else 0.0  # into the drive
                events.append((kind, k, op.start, start, end, (BREAKS, breaks, first) if breaks else (), op.end, op.km))
            if ride is None:
                wheel, since_break = wheel + op.seconds, since_break + op.seconds
                if breaks:  # the driving since the last of them
                    assert rhythm.break_after is not None
                    since_break -= breaks * rhythm.break_after
            t, at_bed = end, False
            reached, waited = t, None
            leg.arrivals[k] = t
            continue
        blockers = blockers_at.get(k)
        if blockers:
            leg.blocker = blockers[0]
            leg.blocked_event = (EventKind.blocked, k, op.node, t, t, (BLOCKED,), None, None)
            leg.t = t
            return leg
        earliest = t
        if entered is not None and op.next_working_day:
            entry_day = datetime.fromtimestamp(entered, op.zone).date()
            earliest = max(t, epoch(datetime.combine(entry_day + timedelta(days=1), time(0), tzinfo=op.zone)))
        start = _check_fit(op, earliest, op.duration, limit, rhythm)
        if start is None:
            leg.blocker = Blocker(stage=op.node, reason=f"no opening within {HORIZON_DAYS} days of departure",
                                  source=op.stage.hours.claim.citation())  # fmt: skip
            leg.blocked_event = (EventKind.blocked, k, op.node, t, t, (NO_OPENING,), None, None)
            leg.t = t
            return leg
        if not at_bed and day.covers_night(op.day_zone, t, start + op.duration):
            # The post worked the day it was reached: reaching it in time is a matter of the way, not the day.
            leg.why, leg.t = (CLOSED, k, t, start, _worked(op, t)), t
            return leg
        if start - t >= day.REST:  # a night in front of the post (no quiet hours kept): a rest all the same
            wheel = since_break = 0.0
        if at_bed:  # an office in the town the traveller slept in: away from the bed from its opening on
            reached, waited = start, None
        elif start > t:
            waited = (op, t, start)
        if start > t and record:
            detail = WAIT_AFTER_ENTRY if earliest > t else WAIT
            events.append((EventKind.wait, k, op.node, t, start, (detail,), None, None))
        leg.starts[k] = start
        if at_bed:
            leg.left = start
        if start - t + op.duration >= rhythm.break_for:  # standing at the post is a break from the wheel
            since_break = 0.0
        if record and (start > t or at_bed):  # a post the stays before it may be stretched for (nights.leave_late)
            now = (start, wheel, since_break, entered, leg.entered, at_bed)
            if follow is not None and follow[1] == k:
                mark = follow[0].marks.get(k)
                if mark is not None and mark.state == now and reached >= mark.reached:
                    leg.joined = mark  # from here on this walk is the followed one
                    return leg
            leg.marks[k] = Mark(now, reached, len(events), len(leg.warnings))
        t = start + op.duration
        if record:
            events.append((EventKind.process, k, op.node, start, t, (PROCESS,), None, None))
        if op.enters:
            leg.entered = t
        at_bed = False
        if op.held is not None:
            resumed = _hold_overnight(leg, op, t, limit, rhythm, record=record)
            if resumed is None:
                leg.blocker = Blocker(stage=op.node, reason=f"customs does not reopen within {HORIZON_DAYS} days",
                                      source=op.held.citation())  # fmt: skip
                leg.t = t
                return leg
            t, wheel, since_break = resumed, 0.0, 0.0
            reached, waited = t, None  # back from a night in a bed
    leg.ok, leg.t, leg.wheel, leg.since_break = True, t, wheel, since_break
    return leg


def _worked(op: Check, t: float) -> bool:
    """True when the post ``op`` opens on the day (of its clock) that holds ``t``."""
    return op.table.closure_reason(datetime.fromtimestamp(t, op.zone).date()) is None


def _fit_awake_both(rhythm: Rhythm, op: Drive, t: float, seconds: float | None = None) -> float | None:
    """The earliest start at or after ``t`` of ``op`` outside the quiet hours of both its clocks; ``seconds``
    on the road (None: the leg's time)."""
    if seconds is None:
        seconds = op.seconds
    start = day.fit_awake(rhythm, op.day_zone, t, seconds)
    if op.end_day_zone is op.day_zone:
        return start
    for _ in range(4):
        if start is None:
            return None
        there = day.fit_awake(rhythm, op.end_day_zone, start, seconds)
        if there is None or there == start:
            return there
        start = day.fit_awake(rhythm, op.day_zone, there, seconds)
    return start


def _drive_fit(op: Drive, t: float, rhythm: Rhythm, seconds: float | None = None) -> float | None:
    """The earliest start at or after ``t`` of ``op`` outside the quiet hours, and by daylight when warned;
    ``seconds`` on the road (None: the leg's time; a driver's breaks on the way make it longer)."""
    if seconds is None:
        seconds = op.seconds
    start = _fit_awake_both(rhythm, op, t, seconds)
    if start is None or rhythm.dark_warned or op.sky is None or not op.warned:
        return start
    for _ in range(HORIZON_DAYS):
        month = datetime.fromtimestamp(start, op.zone).month
        if month not in op.warned:
            return start
        lit = day.fit_daylight(op.sky.cover(start, start + 3 * 86400), start, seconds)
        again = _fit_awake_both(rhythm, op, lit, seconds)
        if again is None:
            return None
        if again == start:
            return start
        start = again
    return None


def _ride_fit(op: Drive, t: float, rhythm: Rhythm) -> float | None:
    """The earliest start at or after ``t`` of the ride ``op``: the service's next departure (see
    :mod:`overland.planner.rides`) that also fits the traveller's day, unless the service keeps a
    timetable (it runs through the night) or is longer than the day (it leaves in the waking hours)."""
    ride = op.ride
    assert ride is not None
    schedule = ride.schedule
    if schedule is not None and schedule.timetabled:
        return schedule.next(t)
    overnight = ride.overnight(op.seconds, rhythm.awake_length)
    if schedule is None:
        return day.fit_awake(rhythm, op.day_zone, t, 0.0) if overnight else _drive_fit(op, t, rhythm)
    for _ in range(FITS):
        leave = schedule.next(t)
        if leave is None:
            return None
        fit = day.fit_awake(rhythm, op.day_zone, leave, 0.0) if overnight else _drive_fit(op, leave, rhythm)
        if fit is None or fit == leave:
            return fit
        t = fit
    return None


def _check_fit(op: Check, t: float, duration: float, until: float, rhythm: Rhythm,
               delays: tuple[float, ...] | None = None) -> float | None:  # fmt: skip
    """The earliest processing start at or after ``t`` inside an opening (the post's hours decide; the
    traveller's quiet hours keep them off the road, and a night in front of a post is refused by the walk)."""
    return op.table.earliest_fit(t, duration, until=until, delays=op.delays if delays is None else delays)


def next_morning(op: Check, after: float, duration: float, until: float, rhythm: Rhythm,
                 delays: tuple[float, ...] | None = None) -> float | None:  # fmt: skip
    """The first opening on a later day than ``after``, no earlier than ``op.resume_at`` on its day."""
    tz, at = op.zone, op.resume_at
    assert at is not None
    local_day = datetime.fromtimestamp(after, tz).date() + timedelta(days=1)
    candidate = epoch(datetime.combine(local_day, at, tzinfo=tz))
    for _ in range(HORIZON_DAYS):
        start = _check_fit(op, candidate, duration, until, rhythm, delays)
        if start is None:
            return None
        local = datetime.fromtimestamp(start, tz)
        if local.time() >= at:
            return start
        candidate = epoch(datetime.combine(local.date(), at, tzinfo=tz))
    return None


def _hold_overnight(leg: _Leg, op: Check, t: float, until: float, rhythm: Rhythm, *, record: bool) -> float | None:
    resume = next_morning(op, t, op.duration, until, rhythm, op.delays)
    if resume is None:
        return None
    if not record:
        return resume + op.duration
    k, node, bed, events = op.k, op.node, op.bed, leg.events
    events.append((EventKind.vehicle_held, k, node, t, resume, (HELD,), None, None))
    if bed is not None:
        events.append((EventKind.transfer, k, node, t, t + bed.ride, (TO_BED,), bed.node, bed.km))
        events.append((EventKind.night, k, bed.node, t + bed.ride, resume - bed.ride, (BED_NIGHT,), None, None))
        events.append((EventKind.transfer, k, bed.node, resume - bed.ride, resume, (FROM_BED,), node, bed.km))
    else:
        leg.warnings.append(f"{node}: the vehicle is held overnight and no place to sleep is known on the way")
    events.append((EventKind.process, k, node, resume, resume + op.duration, (CLEARED,), None, None))
    return resume + op.duration
