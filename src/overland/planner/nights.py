"""Stays: leave each bed as late as still gets the same openings, and by daylight.

The walk (:mod:`overland.planner.walk`) goes on from a bed as soon as the way to the
next bed fits the day, so it may leave early and wait at a post. Here each stay in a bed
that comes before a stage is stretched: the traveller leaves as late as still gets the
same processing start at the first stage after it (a bisection over departure times, each
tried with a walk that keeps times only; leaving later never arrives earlier). Then a
morning after a night in a bed that sets off before sunrise waits for the sun, when the day
still ends in the same bed before dark and the trip arrives as it did (on a winter morning
the quiet hours end hours before dawn). The time spent in the bed becomes one stay: a night
when it covers one (02:00 in its clock), else a wait.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from overland.planner.program import Program
from overland.planner.trip import EventKind, nights_between
from overland.planner.walk import BREAK, STAY, WAIT, WAIT_TO_DRIVE, Walk

if TYPE_CHECKING:
    from overland.timing.daylight import Darkness

Rewalk = Callable[..., Walk]  # (begin, t, *, record, follow=None) -> Walk (see walk.walk)
Local = Callable[[float, str], datetime]  # (UTC seconds, node) -> local time at the node
RESOLUTION = 60.0  # seconds: departures are whole minutes
MOVING = (EventKind.drive, EventKind.ride)
STAYING = (EventKind.night, EventKind.wait)  # the kinds of a stay, or a wait that may become one
BUSY = (*MOVING, EventKind.process)  # on the way: driving, riding or being processed
LATER = "later"  # a stay stretched to still get the same opening: (LATER, k of that stage, reached before, start)
DAWN = "dawn"  # a stay stretched to set off by daylight: (DAWN, sunrise)
Sky = Callable[[str], "Darkness | None"]  # node -> when it is dark there (None: no coordinates)


def is_night(local: Local, node: str, start: float, end: float) -> bool:
    """True when a stay at ``node`` from ``start`` to ``end`` covers a night (02:00 in its clock)."""
    return end > start and nights_between(local(start, node), local(end, node)) > 0


def leave_late(program: Program, walked: Walk, rewalk: Rewalk, local: Local, depart: float, sky: Sky) -> Walk:
    """``walked`` with every stay before a stage stretched to the latest departure that keeps the stage's start,
    and every morning after a night that would set off in the dark moved to daylight where that changes
    nothing after the day (:func:`_by_daylight`)."""
    steps = program.route.steps
    checks = program.posts  # by route step, in order
    begins = program.begins  # the step each drive or ride leaves
    for bed in program.beds:
        if walked.blockers:
            return walked
        if bed not in walked.arrivals and bed != 0:
            continue
        after = _binding(walked, checks, bed)
        if after is None or _night_between(walked, bed, after):
            continue  # nothing to wait for, or a night comes first: leaving later would change nothing after it
        arrived = depart if bed == 0 else walked.arrivals[bed]
        left = _left(walked, bed, arrived, begins)
        target = walked.starts[after]
        if left <= arrived and bed != 0:
            continue  # passed through without stopping
        follow = (walked, after)  # from the stage on, a later departure that keeps its start walks the same way
        latest, again = _latest(rewalk, bed, left, target, after, walked.arrivals.get(after, target), follow)
        if latest - left >= RESOLUTION:  # less than a minute later: the walk's own reason for leaving then stands
            again = again or rewalk(bed, latest, record=True, follow=follow)
            if again.blockers or again.starts.get(after) != target or again.t > walked.t:
                continue  # leaving later would arrive later (the day's hours at the wheel, a break): keep the stay short
            why = (LATER, after, walked.arrivals.get(after, target), target)
            walked = _merge(
                walked, again, bed, steps[bed].node, arrived, latest, (*_skipped(walked, bed, after, begins), why)
            )
    walked = _by_daylight(program, walked, rewalk, local, depart, sky)
    return _stays(walked, set(program.beds), local, begins)


def _by_daylight(program: Program, walked: Walk, rewalk: Rewalk, local: Local, depart: float, sky: Sky) -> Walk:
    """``walked`` with each departure from a night in a bed that falls before sunrise moved to sunrise (or
    earlier by as much as that would add to the evening's driving in the dark), when the walk from there
    still spends its next night in the same bed, sets off from it when it did, drives less in the dark
    on the way and arrives when it did. ``sky(node)`` says when it is dark there."""
    steps, begins = program.route.steps, program.begins
    for bed in program.beds:
        if walked.blockers:
            break
        if bed not in walked.arrivals and bed != 0:
            continue
        node = steps[bed].node
        dark = sky(node)
        arrived = depart if bed == 0 else walked.arrivals[bed]
        left = _left(walked, bed, arrived, begins)
        if dark is None or left <= arrived or not is_night(local, node, arrived, left):
            continue  # no night here, or no sun to wait for
        starts, ends = dark.cover(left, left + 86400)
        i = bisect.bisect_right(ends, left)
        if i >= len(starts) or starts[i] > left:
            continue  # the sun is up
        sunrise = ends[i]
        night = _next_night(walked, bed, begins, program.beds)
        if night is None:
            continue  # the day ends where the trip does: setting off later would arrive later
        leave = sunrise + (-sunrise) % RESOLUTION
        before = _dark_driving(program, walked, bed, night[0], sky)
        for _ in range(2):  # at sunrise; if the day then drives longer in the evening's dark, that much earlier
            if leave <= left:
                break
            again = rewalk(bed, leave, record=True)
            if again.blockers or again.t != walked.t or _next_night(again, bed, begins, program.beds) != night:
                break
            after = _dark_driving(program, again, bed, night[0], sky)
            if after < before:
                walked = _merge(walked, again, bed, node, arrived, leave, ((DAWN, sunrise),))
                break
            later = after - _dark_driving(program, walked, bed, night[0], sky, since=sunrise)
            leave -= later + (-later) % RESOLUTION
    return walked


def _next_night(walked: Walk, bed: int, begins: dict[int, int], beds: Iterable[int]) -> tuple[int, float] | None:
    """The route step of the first bed after ``bed`` the walk stays in (a stay, a wait there for the hours
    the next leg may be driven in, or for an office in that town to open), and when it sets off from it
    (None: it stays in none before the end)."""
    for kind, k, _node, _start, _end, detail, _to, _km in walked.events:
        if k > bed and kind in STAYING and (detail[0] == STAY or (detail[0] == WAIT and k in beds)):
            return k, _left(walked, k, walked.arrivals[k], begins)
        if kind is EventKind.wait and detail[0] == WAIT_TO_DRIVE and detail[1] and begins.get(k, -1) > bed:
            stay = begins[k]
            return stay, _left(walked, stay, walked.arrivals[stay], begins)
        if kind is EventKind.vehicle_held and k >= bed:
            return None  # a night at a post's customs: keep the day as it is
    return None


def _dark_driving(program: Program, walked: Walk, bed: int, until: int, sky: Sky, since: float = -math.inf) -> float:
    """Seconds the drives of ``walked`` after ``bed`` up to route step ``until`` spend in the dark where they
    set off (only the drives setting off at or after ``since``)."""
    drives = program.drives
    total = 0.0
    for kind, k, _node, start, end, _detail, _to, _km in walked.events:
        if k > until:
            break
        if kind is not EventKind.drive or k <= bed or k not in drives or start < since:
            continue
        dark = sky(drives[k].start)
        if dark is None or not dark.overlaps(start, end):
            continue
        starts, ends = dark.cover(start, end)
        first = bisect.bisect_right(ends, start)
        for a, b in zip(starts[first:], ends[first:], strict=True):
            if a >= end:
                break
            total += min(b, end) - max(a, start)
    return total


def _skipped(walked: Walk, bed: int, after: int, begins: dict[int, int]) -> list[tuple[Any, ...]]:
    """The reasons of the stays between ``bed`` and stage ``after`` a later departure from ``bed`` goes
    past (but the stretches already made), then the waits to drive on from ``bed``."""
    reasons = [r for e in walked.events if bed < e[1] < after and e[0] in STAYING
               and e[5][0] == STAY for r in e[5][1:] if r[0] != LATER]  # fmt: skip
    reasons += [("to-drive", e[1], e[4]) for e in walked.events if begins.get(e[1]) == bed
                and e[0] is EventKind.wait and e[5][0] == WAIT_TO_DRIVE and e[5][1]]  # fmt: skip
    return reasons


def _binding(walked: Walk, checks: Iterable[int], bed: int) -> int | None:
    """The first stage after ``bed`` where the walk waits for an opening (its start is what to keep)."""
    for k in checks:
        if k < bed or k not in walked.starts:
            continue
        reached = walked.arrivals.get(k, walked.starts[k])
        if walked.starts[k] > reached:
            return k
    return None


def _night_between(walked: Walk, bed: int, after: int) -> bool:
    """True when the walk spends a night between leaving ``bed`` and stage ``after`` (a stay in another
    bed, or a vehicle held overnight)."""
    for kind, k, _node, _start, _end, detail, _to, _km in walked.events:
        if k >= after:
            return False  # the events are in the walk's order: their route steps never go back
        if kind is EventKind.vehicle_held and bed <= k:
            return True
        if kind in STAYING and bed < k and detail[0] == STAY:
            return True
    return False


def _left(walked: Walk, bed: int, arrived: float, begins: dict[int, int]) -> float:
    """When the traveller got going from ``bed``: the start of the first drive, ride or processing after the
    stays there."""
    for kind, k, _node, start, _end, detail, _to, _km in walked.events:
        if kind in MOVING and begins.get(k) == bed:
            return start
        if kind is EventKind.process and k == bed:
            return start
        if (
            kind in (EventKind.night, EventKind.wait)
            and (k == bed or begins.get(k) == bed)
            and detail[:1] in ((STAY,), (WAIT_TO_DRIVE,))
        ):
            continue
    return arrived


def _latest(
    rewalk: Rewalk, bed: int, low: float, target: float, after: int, reached: float, follow: tuple[Walk, int]
) -> tuple[float, Walk | None]:
    """The latest departure from ``bed`` in [low, target] whose walk starts stage ``after`` at ``target``.

    First tried: leaving later by the wait at the stage (``reached`` is when the walk from
    ``low`` got there). When that walk gets the same start with less than a minute of slack
    on the way (the rest is driving or processing), no later minute can, and the
    walk (recorded, following ``follow`` from the stage on) is returned with the time. Otherwise a
    bisection on times only.
    """
    guess = low + (target - reached)
    guess -= guess % RESOLUTION
    high = target
    if low < guess < target:
        trial = rewalk(bed, guess, record=True, follow=follow)
        if not trial.blockers and trial.starts.get(after) == target:
            if _busy(trial, guess, target) > target - guess - RESOLUTION:
                return guess, trial  # a minute later reaches the stage after ``target``
            low = guess
        else:
            high = guess
    if high == target:
        trial = rewalk(bed, high, record=False)
        if not trial.blockers and trial.starts.get(after) == target:
            return (high - high % RESOLUTION if high - high % RESOLUTION >= low else low), None
    while high - low > RESOLUTION:
        middle = (low + high) / 2
        trial = rewalk(bed, middle, record=False)
        if not trial.blockers and trial.starts.get(after) == target:
            low = middle
        else:
            high = middle
    leave = low - low % RESOLUTION
    ok = leave >= low - RESOLUTION and rewalk(bed, leave, record=False).starts.get(after) == target
    return (leave if ok else low), None


def _busy(walked: Walk, leave: float, target: float) -> float:
    """Seconds between ``leave`` and ``target`` the recorded walk spends driving, riding or processing."""
    return sum(
        min(end, target) - max(start, leave)
        for kind, _k, _node, start, end, _detail, _to, _km in walked.events
        if kind in BUSY and end > leave and start < target
    )


def _merge(walked: Walk, again: Walk, bed: int, node: str, arrived: float, leave: float,
           why: tuple[tuple[Any, ...], ...]) -> Walk:  # fmt: skip
    """The events of ``walked`` before ``bed``, a stay there until ``leave``, and those of ``again`` from it."""
    merged = Walk(t=again.t, blockers=again.blockers, warnings=list(dict.fromkeys(walked.warnings + again.warnings)))
    kept: list[Any] = []  # the reasons of the stays there already
    for event in walked.events:
        k = event[1]
        if k > bed:
            break  # the events are in the walk's order: their route steps never go back
        if k < bed or _reaching(event):
            merged.events.append(event)
        if k == bed and event[2] == node and event[5][:1] == (STAY,):
            kept += event[5][1:]
    if leave > arrived:
        merged.events.append((EventKind.wait, bed, node, arrived, leave, (STAY, *kept, *why), None, None))
    moved = len(merged.warnings) - len(again.warnings)
    if merged.warnings[moved:] == again.warnings:  # the marks of ``again`` still point at its warnings
        merged.marks = {k: mark.moved(len(merged.events), moved) for k, mark in again.marks.items()}
    merged.events += again.events
    merged.arrivals = {**{k: v for k, v in walked.arrivals.items() if k <= bed}, **again.arrivals}
    merged.starts = {**{k: v for k, v in walked.starts.items() if k < bed}, **again.starts}
    return merged


def _reaching(event: Any) -> bool:
    """True for a step on the way into the bed: the drive or ride reaching it, and the waits before it
    (for the hour or the departure it may leave at, a driver's break)."""
    kind, detail = event[0], event[5]
    return kind in MOVING or (kind is EventKind.wait and detail[0] in (WAIT_TO_DRIVE, BREAK))


def _stays(walked: Walk, beds: set[int], local: Local, begins: dict[int, int]) -> Walk:
    """The time spent in each bed before going on as one stay: from arriving to leaving, with every reason.

    A wait in front of an office in a town with beds that covers a night is a night there.
    """
    events = walked.events
    out: list[Any] = []
    i = 0
    while i < len(events):
        kind, k, node, start, end, detail, to, km = events[i]
        staying = kind in STAYING and (
            detail[0] == STAY or (kind is EventKind.wait and detail[0] == WAIT_TO_DRIVE and detail[1])
        )
        if not staying:
            if kind is EventKind.wait and k in beds and "/" in node and is_night(local, node, start, end):
                out.append((EventKind.night, k, node, start, end, detail, to, km))
            else:
                out.append(events[i])
            i += 1
            continue
        reasons: list[Any] = list(detail[1:]) if detail[0] == STAY else [("to-drive", k, end)]
        first = start
        if detail[0] == WAIT_TO_DRIVE:
            k = begins[k]  # the wait before the drive reaching step k is a stay at the bed it leaves
        j = i + 1
        while j < len(events):
            kind2, k2, node2, start2, end2, detail2, _to, _km = events[j]
            if node2 != node or kind2 not in STAYING or start2 != end:
                break
            if detail2[0] == STAY:
                reasons += list(detail2[1:])
            elif detail2[0] == WAIT_TO_DRIVE and detail2[1]:
                reasons.append(("to-drive", k2, end2))
            else:
                break
            end = end2
            j += 1
        night = is_night(local, node, first, end)
        out.append((EventKind.night if night else EventKind.wait, k, node, first, end, (STAY, *reasons), None, None))
        i = j
    walked.events = out
    walked.marks = {}  # they count the events before the stays were joined
    return walked
