"""Nights: a night spent waiting in front of a stage is moved back to the last place with beds.

The traveller then leaves that place as late as still gets the same opening (a
bisection over departure times, each tried with a walk that keeps times only).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from overland.model.catalog import Catalog
from overland.planner.program import Program
from overland.planner.trip import EventKind, nights_between
from overland.planner.walk import STAY, Walk

LONG_WAIT = 4 * 3600  # a wait this long that spans a night is slept, not waited

Rewalk = Callable[..., Walk]  # (begin, t, *, record) -> Walk
Local = Callable[[float, str], datetime]  # (UTC seconds, node) -> local time at the node


def is_night(local: Local, node: str, start: float, end: float) -> bool:
    """True when a stay at ``node`` from ``start`` to ``end`` is long and covers a night."""
    return end - start >= LONG_WAIT and nights_between(local(start, node), local(end, node)) > 0


def sleep_before_waits(program: Program, walked: Walk, catalog: Catalog, rewalk: Rewalk, local: Local) -> Walk:
    """Move the first night spent waiting at a stage back to the last place with lodging."""
    steps = program.route.steps
    for kind, i, node, start, end, *_ in walked.events:
        if kind is not EventKind.wait or not is_night(local, node, start, end):
            continue
        target = walked.starts[i]
        beds = [
            j
            for j in range(i)
            if "/" not in steps[j].node and (j == 0 or catalog.place(steps[j].node).lodging is not None)
        ]
        if not beds:
            return walked
        j = beds[-1]
        arrival = walked.arrivals[j]
        lo, hi = arrival, target
        while hi - lo > 60:
            mid = (lo + hi) / 2
            trial = rewalk(j, mid, record=False)
            if not trial.blockers and trial.starts.get(i) == target:
                lo = mid
            else:
                hi = mid
        leave = lo - lo % 60
        again = rewalk(j, leave, record=True)
        if again.blockers or again.starts.get(i) != target:
            return walked
        merged = Walk(t=again.t, blockers=again.blockers, warnings=walked.warnings + again.warnings)
        merged.events = [e for e in walked.events if e[1] < j or (e[1] == j and e[0] is EventKind.drive)]
        bed = steps[j].node
        if leave > arrival:
            night = is_night(local, bed, arrival, leave)
            merged.events.append(
                (EventKind.night if night else EventKind.wait, j, bed, arrival, leave, STAY, None, None)
            )
        merged.events += again.events
        merged.arrivals = {**again.arrivals, **{k: v for k, v in walked.arrivals.items() if k <= j}}
        merged.starts = {**walked.starts, **again.starts}
        return merged
    return walked
