"""One traveller's pass along a compiled route, in UTC seconds: drives, waits, checks, a held vehicle.

Road legs take a fixed time; a stage waits for an opening long enough for its
processing, then applies its rules (a vehicle held overnight, an office that works the
next working day). Processing times and opening delays given as distributions count
at their median here; :mod:`overland.planner.montecarlo` draws them.

The walk records what happens as plain tuples (:data:`Raw`) and says nothing in
words: :mod:`overland.planner.narration` turns the steps into events with notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from overland.limits import HORIZON_DAYS
from overland.planner.program import Check, Drive, Program
from overland.planner.timetable import epoch
from overland.planner.trip import Blocker, EventKind

# What narration needs to word a step (the ``detail`` of a :data:`Raw`).
WAIT = "wait"  # a wait in front of a stage
WAIT_AFTER_ENTRY = "wait-after-entry"  # a wait for the next working day after entering the country
PROCESS = "process"  # a stage's processing
CLEARED = "cleared"  # the held vehicle's clearance the next morning
HELD = "held"  # the vehicle stays at customs
TO_BED = "to-bed"  # the ride to the place to sleep
FROM_BED = "from-bed"  # the ride back to the vehicle
BED_NIGHT = "bed-night"  # the night while the vehicle is held
NO_OPENING = "no-opening"  # no opening within the horizon
BLOCKED = "blocked"  # a stage turns the traveller back (the blocker says why)
STAY = "stay"  # the traveller stays at a place with beds before going on (see nights)

# A step before it is shown: (kind, route index, node, start, end, detail, to, km).
Raw = tuple[EventKind, int, str, float, float, str, "str | None", "float | None"]


@dataclass
class Walk:
    """The state of one pass along a route, in UTC seconds."""

    events: list[Raw] = field(default_factory=list)
    arrivals: dict[int, float] = field(default_factory=dict)  # route index -> time reached
    starts: dict[int, float] = field(default_factory=dict)  # route index -> processing start
    blockers: list[Blocker] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    t: float = 0.0


def walk(
    program: Program, begin: int, t: float, depart: float, blockers_at: dict[int, list[Blocker]], *, record: bool = True
) -> Walk:
    """Walk ``program`` from route index ``begin`` at ``t``; ``record=False`` keeps times only.

    ``depart`` is the trip's departure (the horizon counts from it); ``blockers_at``
    maps a route index to what stops the traveller there.
    """
    state = Walk(t=t)
    events = state.events
    limit = depart + HORIZON_DAYS * 86400
    entered: float | None = None
    state.arrivals[begin] = t
    for op in program.ops:
        k = op.k
        if type(op) is Drive:
            if k <= begin:
                continue
            end = t + op.seconds
            if record:
                events.append((EventKind.drive, k, op.start, t, end, "", op.end, op.km))
            t = end
            state.arrivals[k] = t
            continue
        if k < begin:
            continue
        assert type(op) is Check
        blockers = blockers_at.get(k)
        if blockers:
            state.blockers.extend(blockers)
            events.append((EventKind.blocked, k, op.node, t, t, BLOCKED, None, None))
            state.t = t
            return state
        if op.processing is None:
            state.warnings.append(f"{op.node}: no processing time known; counted as none")
        earliest = t
        if entered is not None and op.next_working_day:
            entry_day = datetime.fromtimestamp(entered, op.zone).date()
            earliest = max(t, epoch(datetime.combine(entry_day + timedelta(days=1), time(0), tzinfo=op.zone)))
        start = op.table.earliest_fit(earliest, op.duration, until=limit, delays=op.delays)
        if start is None:
            state.blockers.append(
                Blocker(
                    stage=op.node,
                    reason=f"no opening within {HORIZON_DAYS} days of departure",
                    source=op.stage.hours.claim.citation(),
                )
            )
            events.append((EventKind.blocked, k, op.node, t, t, NO_OPENING, None, None))
            state.t = t
            return state
        if start > t and record:
            events.append(
                (EventKind.wait, k, op.node, t, start, WAIT_AFTER_ENTRY if earliest > t else WAIT, None, None)
            )
        state.starts[k] = start
        t = start + op.duration
        if record:
            events.append((EventKind.process, k, op.node, start, t, PROCESS, None, None))
        if op.enters:
            entered = t
        if op.held is not None:
            resumed = _hold_overnight(state, op, t, limit, record=record)
            if resumed is None:
                state.blockers.append(
                    Blocker(
                        stage=op.node,
                        reason=f"customs does not reopen within {HORIZON_DAYS} days",
                        source=op.held.citation(),
                    )
                )
                state.t = t
                return state
            t = resumed
    state.t = t
    return state


def next_morning(
    op: Check, after: float, duration: float, until: float, delays: tuple[float, ...] | None = None
) -> float | None:
    """The first opening on a later day than ``after``, no earlier than ``op.resume_at`` on its day."""
    tz, at = op.zone, op.resume_at
    assert at is not None
    day = datetime.fromtimestamp(after, tz).date() + timedelta(days=1)
    candidate = epoch(datetime.combine(day, at, tzinfo=tz))
    for _ in range(HORIZON_DAYS):
        start = op.table.earliest_fit(candidate, duration, until=until, delays=delays)
        if start is None:
            return None
        local = datetime.fromtimestamp(start, tz)
        if local.time() >= at:
            return start
        candidate = epoch(datetime.combine(local.date(), at, tzinfo=tz))
    return None


def _hold_overnight(state: Walk, op: Check, t: float, until: float, *, record: bool) -> float | None:
    resume = next_morning(op, t, op.duration, until, op.delays)
    if resume is None:
        return None
    if not record:
        return resume + op.duration
    k, node, bed, events = op.k, op.node, op.bed, state.events
    events.append((EventKind.vehicle_held, k, node, t, resume, HELD, None, None))
    if bed is not None:
        events.append((EventKind.transfer, k, node, t, t + bed.ride, TO_BED, bed.node, bed.km))
        events.append((EventKind.night, k, bed.node, t + bed.ride, resume - bed.ride, BED_NIGHT, None, None))
        events.append((EventKind.transfer, k, bed.node, resume - bed.ride, resume, FROM_BED, node, bed.km))
    else:
        state.warnings.append(f"{node}: the vehicle is held overnight and no place to sleep is known on the way")
    events.append((EventKind.process, k, node, resume, resume + op.duration, CLEARED, None, None))
    return resume + op.duration
