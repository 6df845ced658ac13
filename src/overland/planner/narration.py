"""The words of a plan: what each step says, why a wait, what to know, what stops the traveller.

The walk (:mod:`overland.planner.walk`) records steps as numbers and codes; this module
turns them into :class:`~overland.planner.trip.Event` values with notes in the clock of
the place where they happen, and words the warnings, the advice and the blockers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from overland.model.catalog import Catalog
from overland.model.crossing import RuleKind
from overland.planner.program import Check, Drive, Program
from overland.planner.timetable import epoch
from overland.planner.trip import Advice, Blocker, Event, EventKind, Traveller
from overland.planner.walk import (
    BED_NIGHT,
    BLOCKED,
    CLEARED,
    FROM_BED,
    HELD,
    NO_OPENING,
    STAY,
    TO_BED,
    WAIT_AFTER_ENTRY,
    Raw,
    Walk,
)
from overland.timing.clocks import clock_name
from overland.timing.daylight import Darkness

ADVICE_KINDS = {
    RuleKind.advice, RuleKind.no_photography, RuleKind.medical_exam, RuleKind.technical_check,
    RuleKind.no_accommodation, RuleKind.processing_time, RuleKind.transfer_to_sleep, RuleKind.next_working_day,
}  # fmt: skip
BLOCKING_RULES = {RuleKind.vehicle_entry_documents, RuleKind.pre_arranged_transport}

NodeInfo = Callable[[str], tuple[str, "str | None", Any]]  # node -> (clock, place id, zone)


def wait_note(op: Check, t: float, start: float, until: float) -> str:
    """Why the traveller waits at ``op`` from ``t`` until ``start``: a closing time, the midday break, closed days."""
    table, tz = op.table, op.zone
    now, then = datetime.fromtimestamp(t, tz), datetime.fromtimestamp(start, tz)
    name = clock_name(table.clock)
    current = next(table.windows_from(t, until=until), None)
    if current is not None and current[0] <= t < current[1]:
        return (
            f"{op.duration / 3600:g} h of processing does not fit before it closes at "
            f"{datetime.fromtimestamp(current[1], tz):%H:%M} {name}; next opening {then:%a %d %b %H:%M} {name}"
        )
    if now.date() == then.date():
        day_start = epoch(datetime.combine(now.date(), time(0), tzinfo=tz))
        opened_today = next(table.windows_from(day_start, until=until), None)
        if opened_today is not None and opened_today[1] <= t:
            return f"closed for the midday break until {then:%H:%M} {name}"
        return f"not open yet: opens at {then:%H:%M} {name}"
    reasons = []
    day = now.date()
    while day < then.date():
        reason = table.closure_reason(day)
        if reason:
            reasons.append(reason)
        day += timedelta(days=1)
    note = f"closed until {then:%a %d %b %H:%M} {name}"
    return note + (" — " + "; ".join(reasons) if reasons else " (closed for the night)")


def events(
    raws: list[Raw], program: Program, walked: Walk, catalog: Catalog, node: NodeInfo, until: float
) -> list[Event]:
    """The steps of a walk as events with their notes, each in the clock of its place."""
    checks = {op.k: op for op in program.checks}
    fromtimestamp = datetime.fromtimestamp
    found = []
    for kind, k, where, start, end, detail, to, km in raws:
        _, place, tz = node(where)
        end_tz = tz if to is None else node(to)[2]
        note = _note(kind, k, where, start, end, detail, to, checks, walked, catalog, node, until)
        found.append(
            Event(
                kind,
                fromtimestamp(round(start), tz),
                fromtimestamp(round(end), end_tz),
                place,
                where if "/" in where else None,
                note,
                km,
                to,
            )
        )
    return found


def _note(
    kind: EventKind,
    k: int,
    where: str,
    start: float,
    end: float,
    detail: str,
    to: str | None,
    checks: dict[int, Check],
    walked: Walk,
    catalog: Catalog,
    node: NodeInfo,
    until: float,
) -> str:
    if kind is EventKind.drive:
        return f"{where} → {to}"
    op = checks.get(k)
    if detail == STAY:
        place = catalog.place(where)
        leave = datetime.fromtimestamp(round(end), node(where)[2])
        if k == 0:
            note = f"nothing on the way opens earlier: leave {place.name} at {leave:%H:%M}"
        else:
            note = f"stay at {place.name} and leave at {leave:%H:%M}"
        if kind is EventKind.night and place.lodging is not None:
            note += f"; {place.lodging.value}"
        return note
    assert op is not None
    if kind is EventKind.wait:
        note = wait_note(op, start, end, until)
        if detail == WAIT_AFTER_ENTRY and note.startswith("not open yet"):
            note = f"works on the next working day after entry; {note}"
        return note
    if detail == CLEARED:
        return f"{op.stage.name}: vehicle cleared"
    if detail == HELD:
        assert op.held is not None
        return op.held.text
    if detail in (TO_BED, FROM_BED, BED_NIGHT):
        bed = op.bed
        assert bed is not None
        if detail == TO_BED:
            return f"taken to {bed.name} to sleep"
        if detail == FROM_BED:
            return "brought back to pick up the vehicle"
        return f"night in {bed.name}: {bed.lodging}"
    if detail == BLOCKED:
        return next(b.reason for b in walked.blockers if b.stage == op.node)
    if detail == NO_OPENING:
        return walked.blockers[-1].reason
    return op.note


def warnings(
    program: Program,
    walked: Walk,
    darkness: Callable[[str], Darkness | None],
    local: Callable[[float, str], datetime],
    clock_of: Callable[[str], str],
) -> list[str]:
    """Warnings of a walk: the walk's own, driving after dark, the legs' seasonal warnings."""
    found = list(dict.fromkeys(walked.warnings))
    arrivals = walked.arrivals
    drives = [
        (op, arrivals[op.k] - op.seconds, arrivals[op.k])
        for op in program.ops
        if type(op) is Drive and op.k in arrivals and op.k > 0
    ]
    stretches: list[list[tuple[Drive, float, float]]] = []
    previous_dark = False
    for drive in drives:
        op, start, end = drive
        sky = darkness(op.start)
        dark = sky is not None and sky.overlaps(start, end)
        if dark and start < end:
            if previous_dark:
                stretches[-1].append(drive)
            else:
                stretches.append([drive])
        previous_dark = dark
    for stretch in stretches:
        (first, start, _), (last, _, end) = stretch[0], stretch[-1]
        km = sum(op.km for op, _, _ in stretch)
        found.append(
            f"driving after dark: {first.start} → {last.end}, {km:g} km, "
            f"{local(start, first.start):%a %d %b %H:%M}–"
            f"{local(end, first.start):%H:%M} {clock_name(clock_of(first.start))}"
        )
    seen = set()
    for op, start, _ in drives:
        if not op.leg.warnings:
            continue
        month = local(start, op.start).month
        for warning in op.leg.warnings:
            if month in warning.months and warning.text not in seen:
                seen.add(warning.text)
                found.append(f"{op.leg.start} – {op.leg.end}: {warning.text} ({warning.citation()})")
    return found


def advice(program: Program, reached: tuple[str, ...]) -> list[Advice]:
    """What to know or do at the stages of ``program`` the traveller reached, with sources."""
    found = []
    for op in program.checks:
        if op.node not in reached:
            continue
        for rule in op.stage.rules:
            if rule.kind in ADVICE_KINDS and rule.applies_to(program.mode):
                found.append(
                    Advice(stage=op.node, kind=rule.kind.value, text=rule.text, source=rule.citation(), note=rule.note)
                )
    return found


def stage_blockers(op: Check, traveller: Traveller) -> list[Blocker]:
    """What at ``op`` turns ``traveller`` back: a document not held, a forbidden item carried."""
    crossing, stage, mode = op.crossing, op.stage, traveller.mode
    found = []
    for doc_id in stage.checks:
        doc = crossing.documents[doc_id]
        if not doc.applies_to(mode) or traveller.holds(doc_id):
            continue
        reason = f"{doc.name} ('{doc_id}') is required here"
        rules = [r for r in stage.rules if r.kind in BLOCKING_RULES and r.applies_to(mode)]
        for rule in rules:
            reason += f": {rule.text}"
        found.append(Blocker(stage=op.node, reason=reason, source=(rules[0] if rules else doc).citation()))
    for rule in stage.rules:
        if rule.kind is RuleKind.forbidden_item and rule.item in traveller.carrying and rule.applies_to(mode):
            found.append(Blocker(stage=op.node, reason=f"you carry a {rule.item}: {rule.text}", source=rule.citation()))
    return found
