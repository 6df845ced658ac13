"""The words of a plan: what each step says, why a wait, what to know, what stops the traveller.

The walk (:mod:`overland.planner.walk`) records steps as numbers and codes; this module
turns them into :class:`~overland.planner.trip.Event` values with notes in the clock of
the place where they happen, and words the warnings, the advice and the blockers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from overland.model.catalog import Catalog
from overland.model.crossing import RuleKind
from overland.model.entry import NO_VISA
from overland.planner.nights import DAWN, LATER
from overland.planner.program import Check, Drive, Program
from overland.planner.rhythm import Rhythm
from overland.planner.rides import RIDING
from overland.planner.timetable import epoch
from overland.planner.trip import Advice, Blocker, Event, EventKind, Need, Traveller
from overland.planner.walk import (
    BED_NIGHT,
    BLOCKED,
    BREAK,
    BREAKS,
    CLEARED,
    CLOSED,
    DARK,
    DEPARTS,
    FROM_BED,
    HELD,
    NIGHT_DRIVE,
    NO_OPENING,
    NO_PLAN,
    PROCESS,
    STAY,
    TO_BED,
    TOO_LONG,
    WAIT,
    WAIT_AFTER_ENTRY,
    WAIT_TO_DRIVE,
    WHEEL,
    Raw,
    Walk,
)
from overland.timing.clocks import clock_name
from overland.timing.daylight import Darkness

ADVICE_KINDS = {
    RuleKind.advice, RuleKind.no_photography, RuleKind.medical_exam, RuleKind.technical_check,
    RuleKind.no_accommodation, RuleKind.processing_time, RuleKind.transfer_to_sleep, RuleKind.next_working_day,
}  # fmt: skip
DARK_GAP = 3600.0  # seconds: drives after dark closer than this (a post between) are warned of together
BLOCKING_RULES = {RuleKind.vehicle_entry_documents, RuleKind.pre_arranged_transport}

NodeInfo = Callable[[str], tuple[str, "str | None", Any, Any]]  # node -> (clock, place id, zone, day zone)
MOVING = (EventKind.drive, EventKind.ride)
# What a step with these codes says depends on its route step only, never on the time (see Program.said).
STEADY = {PROCESS, CLEARED, HELD, TO_BED, FROM_BED}


def wait_note(op: Check, t: float, start: float, until: float) -> str:
    """Why the traveller waits at ``op`` from ``t`` until ``start``: a closing time, the midday break, closed days."""
    table, tz = op.table, op.zone
    now, then = datetime.fromtimestamp(t, tz), datetime.fromtimestamp(start, tz)
    name = clock_name(table.clock)
    current = next(table.windows_from(t, until=until), None)
    if current is not None and current[0] <= t < current[1]:
        return (
            f"{op.duration / 3600:g} h of processing does not fit before it closes at "
            f"{_clock_time(datetime.fromtimestamp(current[1], tz))} {name}; next opening {then:%a %d %b %H:%M} {name}"
        )
    if now.date() == then.date():
        day_start = epoch(datetime.combine(now.date(), time(0), tzinfo=tz))
        opened_today = next(table.windows_from(day_start, until=until), None)
        if opened_today is not None and opened_today[1] <= t:
            return f"closed for the midday break until {_clock_time(then)} {name}"
        return f"not open yet: opens at {_clock_time(then)} {name}"
    reasons = closed_days(op, t, start)
    note = f"closed until {then:%a %d %b %H:%M} {name}"
    return note + (" — " + "; ".join(reasons) if reasons else " (closed for the night)")


def closed_days(op: Check, t: float, start: float) -> list[str]:
    """Why ``op`` is shut on each whole day between ``t`` and ``start`` (weekend, holiday, notice).

    Three or more days in a row shut for the same reason are said once, as a span: a post closed
    for the winter reads "Wed 18 Feb - Tue 31 Mar (42 days): ...", not a line per day."""
    now, then = datetime.fromtimestamp(t, op.zone).date(), datetime.fromtimestamp(start, op.zone).date()
    runs: list[tuple[date, str, list[str]]] = []  # (first day, why, each day's reason) of days in a row
    day = now
    while day < then:
        reason = op.table.closure_reason(day)
        if reason:
            why = reason.split(": ", 1)[-1]  # less the weekday
            if runs and runs[-1][1] == why and runs[-1][0] + timedelta(days=len(runs[-1][2])) == day:
                runs[-1][2].append(reason)
            else:
                runs.append((day, why, [reason]))
        day += timedelta(days=1)
    said: list[str] = []
    for first, why, reasons in runs:
        last = first + timedelta(days=len(reasons) - 1)
        said += [f"{first:%a %d %b} - {last:%a %d %b} ({len(reasons)} days): {why}"] if len(reasons) >= 3 else reasons
    return said


def events(raws: list[Raw], program: Program, walked: Walk, catalog: Catalog, node: NodeInfo, until: float,
           rhythm: Rhythm) -> list[Event]:  # fmt: skip
    """The steps of a walk as events with their notes, each in the clock of its place."""
    words = _Words(program, walked, catalog, node, until, rhythm)
    fromtimestamp = datetime.fromtimestamp
    said = program.said
    found = []
    ended, ended_in, ended_at = 0.0, None, None  # the step before: its end, the zone of it, the local time
    for kind, k, where, start, end, detail, to, km in raws:
        code = detail[0] if detail else ""
        known = said.get((kind, k, code))
        if known is None:
            _, place, tz, _ = node(where)
            ride = words.drives[k].ride if kind is EventKind.ride else None
            known = (place, where if "/" in where else None, tz, tz if to is None else node(to)[2],
                     words.note(kind, k, where, start, end, detail, to), ride.service_id if ride is not None else None)  # fmt: skip
            if (kind in MOVING and code != BREAKS) or code in STEADY:  # a drive's breaks depend on the driving before
                said[kind, k, code] = known
        place, stage, tz, end_tz, note, service = known
        # Most steps start as the one before ends, in the same clock: its local time is made once.
        if ended_at is not None and start == ended and tz is ended_in:
            begins = ended_at
        else:
            begins = fromtimestamp(round(start), tz)
        ends = begins if end == start and end_tz is tz else fromtimestamp(round(end), end_tz)
        ended, ended_in, ended_at = end, end_tz, ends
        found.append(Event(kind, begins, ends, place, stage, note, km, to, service))
    return found


class _Words:
    """What each step of one walk says."""

    def __init__(self, program: Program, walked: Walk, catalog: Catalog, node: NodeInfo, until: float,
                 rhythm: Rhythm) -> None:  # fmt: skip
        self.program, self.walked, self.catalog, self.node, self.until, self.rhythm = (
            program, walked, catalog, node, until, rhythm)  # fmt: skip
        self.checks = program.posts
        self.drives = program.drives

    def local(self, t: float, where: str) -> datetime:
        return datetime.fromtimestamp(round(t), self.node(where)[2])

    def name(self, where: str) -> str:
        return self.catalog.node_name(where)

    def note(self, kind: EventKind, k: int, where: str, start: float, end: float, detail: tuple[Any, ...],
             to: str | None) -> str:  # fmt: skip
        code = detail[0] if detail else ""
        if code == PROCESS:
            return self.checks[k].note
        if kind is EventKind.drive:
            if self.program.mode in RIDING:
                return f"{where} → {to} (no bus or shared taxi in data/transport.yaml: a taxi, a lift or a hired car)"
            if code == BREAKS:
                return f"{where} → {to}, {self.breaks_on_the_way(where, start, *detail[1:])}"
            return f"{where} → {to}"
        if kind is EventKind.ride:
            ride = self.drives[k].ride
            assert ride is not None
            return ride.note
        if code == STAY:
            return self.stay(kind, k, where, end, detail[1:])
        if code == NO_PLAN:
            return self.no_plan(where, detail[1:])
        if code == WAIT_TO_DRIVE:
            return self.why_not_yet(k, start, end)
        if code == BREAK:
            assert self.rhythm.break_after is not None
            return (f"a {self.rhythm.break_for / 60:g}-minute break after "
                    f"{self.rhythm.break_after / 3600:g} h at the wheel")  # fmt: skip
        op = self.checks.get(k)
        assert op is not None
        if kind in (EventKind.wait, EventKind.night) and code in (WAIT, WAIT_AFTER_ENTRY):
            note = wait_note(op, start, end, self.until)
            if code == WAIT_AFTER_ENTRY and note.startswith("not open yet"):
                note = f"works on the next working day after entry; {note}"
            if kind is EventKind.night:
                town = self.catalog.bed_place(self.node(where)[1])
                note = f"night in {town.name if town else where}: {note}"
            return note
        if code == CLEARED:
            return f"{op.name}: vehicle cleared"
        if code == HELD:
            assert op.held is not None
            return op.held.text
        if code in (TO_BED, FROM_BED, BED_NIGHT):
            bed = op.bed
            assert bed is not None
            if code == TO_BED:
                return f"taken to {bed.name} to sleep"
            if code == FROM_BED:
                return "brought back to pick up the vehicle"
            held = "your vehicle is held at customs overnight"
            reasons = closed_days(op, start - bed.ride, end + bed.ride)
            if reasons:
                resume = datetime.fromtimestamp(end + bed.ride, op.zone)
                held += (
                    f" and customs reopen {resume:%a %d %b %H:%M} {clock_name(op.table.clock)} — {'; '.join(reasons)}"
                )
            return f"night in {bed.name}: {held}; {bed.lodging}"
        if code == BLOCKED:
            return next(b.reason for b in self.walked.blockers if b.stage == op.node)
        if code == NO_OPENING:
            return self.walked.blockers[-1].reason
        return op.note

    def breaks_on_the_way(self, where: str, start: float, count: int, first: float) -> str:
        """``with a 45-minute break at 11:30 (after 4.5 h at the wheel)``: the breaks of a drive from ``where``
        leaving at ``start``, the first ``first`` seconds into it, in the clock its start is shown in."""
        after, pause = self.rhythm.break_after, self.rhythm.break_for
        assert after is not None
        times = [_clock_time(self.local(start + first + i * (after + pause), where)) for i in range(count)]
        if count == 1:
            return f"with a {pause / 60:g}-minute break at {times[0]} (after {after / 3600:g} h at the wheel)"
        return (f"with {pause / 60:g}-minute breaks at {', '.join(times[:-1])} and {times[-1]} "
                f"(one each {after / 3600:g} h at the wheel)")  # fmt: skip

    def stay(self, kind: EventKind, k: int, where: str, end: float, reasons: tuple[Any, ...]) -> str:
        place = self.catalog.bed_place(self.node(where)[1] or where) or self.catalog.place(self.node(where)[1] or where)
        leave = self.local(end, where)
        head = f"night in {place.name}" if kind is EventKind.night else f"stay at {place.name}"
        first_of: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        dawn = next((r for r in reasons if r[0] == DAWN), None)
        for r in reasons:  # a closure tried on several mornings is said once, from the first
            if r[0] not in (LATER, "to-drive", DAWN):
                first_of.setdefault((r[0], r[1] if len(r) > 1 else None), r)
        because = list(dict.fromkeys(self.reason(r) for r in first_of.values()))
        if dawn is not None:  # set off by daylight: the quiet hours' end is not why they leave then
            sunrise = self.local(dawn[1], where)
            because.append(f"waiting for daylight (sunrise {_clock_time(sunrise)}): leaving earlier arrives no sooner")
        for r in reasons:
            if r[0] == "to-drive" and dawn is None:  # ("to-drive", k of the drive, when it may start) or the stay's end
                at = r[2] if len(r) > 2 else end
                because.append(self.why_not_yet(r[1], at - 1, at, "leave at" if at >= end else "not before"))
        because = [b for b in dict.fromkeys(because) if b]
        later = next((r for r in reasons if r[0] == LATER), None)
        opening = ""
        if later is not None and len(later) == 4:
            _, stage_k, reached, opens = later
            op = self.checks[stage_k]
            if opens > reached:
                opening = f"{op.name}: {wait_note(op, reached, opens, self.until)}"
        if k == 0 and later is not None:
            text = f"nothing on the way opens earlier: leave {place.name} at {leave:%a %H:%M}"
            text += f" ({opening})" if opening else ""
            if because:
                text += ": " + "; ".join(because)
        else:
            text = f"{head}, leave {leave:%a %H:%M}"
            if later is not None:
                text += ": nothing ahead opens earlier" + (f" ({opening})" if opening else "")
            if because:
                text += ("; " if later is not None else ": ") + "; ".join(because)
        if kind is EventKind.night and place.lodging is not None:
            text += f" ({place.lodging.value})"
        return text

    def reason(self, why: tuple[Any, ...]) -> str:
        code = why[0]
        if code == CLOSED:
            _, k, t, start, worked = why
            op = self.checks[k]
            if worked:
                return f"{op.name} cannot be reached before it closes: {wait_note(op, t, start, self.until)}"
            return f"{op.name}: {wait_note(op, t, start, self.until)}"
        if code in (NIGHT_DRIVE, DARK):
            _, k, t = why
            drive = self.drives[k]
            if code == DARK:
                month = self.local(t, drive.start).strftime("%B")
                return (f"{self.name(drive.start)} → {self.name(drive.end)} is a mountain road the data warns about in "
                        f"{month}: driven by daylight only")  # fmt: skip
            if self.rhythm.quiet is None:  # no quiet hours: the way ran on past 02:00, a night away from a bed
                return (f"{self.name(drive.start)} → {self.name(drive.end)} would start after midnight, with no bed "
                        "for the night before it")  # fmt: skip
            return (f"{self.name(drive.start)} → {self.name(drive.end)} cannot be driven before "
                    f"{_hhmm(self.rhythm.quiet[0])} ({self.quiet_hours(drive)})")  # fmt: skip
        if code == WHEEL:
            _, k, wheel = why
            assert self.rhythm.max_drive is not None
            drive = self.drives[k]
            return (f"{wheel / 3600:.1f} h at the wheel already today: {self.name(drive.start)} → {self.name(drive.end)} "
                    f"would pass your {self.rhythm.max_drive / 3600:g} h")  # fmt: skip
        if code == DEPARTS:
            ride = self.drives[why[1]].ride
            assert ride is not None
            return f"{ride.waits} ({ride.way}), and there is no bed to wait in before it"
        if code == TOO_LONG:
            _, k = why
            where = self.drives[k] if k in self.drives else None
            if where is not None and where.ride is not None and where.ride.waits:
                return f"{where.ride.waits} ({where.ride.way}): no departure fits your day"
            what = f"{self.name(where.start)} → {self.name(where.end)}" if where else self.checks[k].name
            return f"{what} takes longer than your day outside the quiet hours"
        return ""

    def why_not_yet(self, k: int, start: float, end: float, verb: str = "leave at") -> str:
        """Why the drive or ride reaching step ``k`` waits from ``start`` to ``end``; ``verb`` says the time it
        may leave (``not before``: a stay that goes on later, for an opening further on)."""
        op = self.drives.get(k)
        if op is None:
            return ""
        leave = self.local(end, op.start)
        if op.ride is not None and op.ride.waits and self._departs_at(op, end):
            return f"{op.ride.waits} ({op.ride.way})"
        month = self.local(start, op.start).month
        if (
            month in op.warned
            and not self.rhythm.dark_warned
            and op.sky is not None
            and op.sky.overlaps(start - 1, end)
        ):
            return (f"{self.name(op.start)} → {self.name(op.end)} is a mountain road the data warns about: "
                    f"{verb} {_clock_time(leave)}, by daylight")  # fmt: skip
        if self.rhythm.quiet is not None:
            return f"{self.quiet_hours(op)}: {verb} {_clock_time(leave)}"
        return f"{verb} {_clock_time(leave)}"

    def quiet_hours(self, op: Drive) -> str:
        """``no travel 22:00-05:00``, naming the clock of the traveller's day where the drive ``op`` starts
        when it is not the clock its times are shown in (Xinjiang time in China)."""
        assert self.rhythm.quiet is not None
        said = f"no travel {_hhmm(self.rhythm.quiet[0])}-{_hhmm(self.rhythm.quiet[1])}"
        return said if op.day_zone is op.zone else f"{said} {clock_name(str(op.day_zone))}"

    def _departs_at(self, op: Drive, t: float) -> bool:
        """True when the ride ``op`` leaves at ``t`` because that is its departure (not the quiet hours)."""
        assert op.ride is not None and op.ride.schedule is not None
        schedule = op.ride.schedule
        return schedule.timetabled or schedule.next(t - 1) == t

    def no_plan(self, where: str, reasons: tuple[Any, ...]) -> str:
        because = list(dict.fromkeys(self.reason(r) for r in reasons))
        day = self.rhythm.describe(self.program.other_day_clocks)
        return f"no way on from {self.name(where)} fits your day ({day}): " + "; ".join(b for b in because if b)


def warnings(
    program: Program,
    walked: Walk,
    darkness: Callable[[str], Darkness | None],
    local: Callable[[float, str], datetime],
    clock_of: Callable[[str], str],
) -> list[str]:
    """Warnings of a walk: the walk's own, driving after dark, the legs' seasonal warnings."""
    found = list(dict.fromkeys(walked.warnings))
    # Each drive and ride as the events have it (a walk's arrival at a bed is when it leaves it again).
    moves = program.drives
    drives = [
        (moves[event[1]], event[3], event[4])
        for event in walked.events
        if event[0] in (EventKind.drive, EventKind.ride) and event[1] in moves
    ]
    stretches: list[list[tuple[Drive, float, float]]] = []
    previous_dark, previous_end = False, -math.inf
    for drive in drives:
        op, start, end = drive
        sky = darkness(op.start) if op.ride is None else None  # a passenger's ride is not driven
        dark = sky is not None and sky.overlaps(start, end)
        if dark and start < end:
            if previous_dark and start - previous_end < DARK_GAP:  # the same evening, a post between
                stretches[-1].append(drive)
            else:
                stretches.append([drive])
        previous_dark, previous_end = dark, end
    for stretch in stretches:
        (first, start, _), (last, _, end) = stretch[0], stretch[-1]
        km = sum(op.km for op, _, _ in stretch)
        began, ended = local(start, first.start), local(end, first.start)
        until = f"–{ended:%H:%M}" if ended.date() == began.date() else f" – {ended:%a %d %b %H:%M}"
        found.append(
            f"driving after dark: {first.start} → {last.end}, {km:g} km, {began:%a %d %b %H:%M}{until} "
            f"{clock_name(clock_of(first.start))}"
        )
    unheld = {op.k: op for op in program.checks if op.table.has_unheld}
    for kind, k, node, start, _end, _detail, _to, _km in walked.events if unheld else ():
        check = unheld.get(k) if kind is EventKind.process else None
        if check is not None:
            note = check.table.unheld(datetime.fromtimestamp(start, check.zone).date())
            if note is not None and f"{node}: {note}" not in found:
                found.append(f"{node}: {note}")
    seen = set()
    for op, start, _ in drives:
        if not op.warned:
            continue
        month = local(start, op.start).month
        for leg in op.legs:
            for warning in leg.warnings:
                if month in warning.months and warning.text not in seen:
                    seen.add(warning.text)
                    found.append(f"{leg.start} – {leg.end}: {warning.text} ({warning.citation()})")
    return found


def advice(program: Program, reached: tuple[str, ...]) -> list[Advice]:
    """What to know or do at the stages of ``program`` the traveller reached, and the services through posts on
    the route the plan does not ride, with sources."""
    found = []
    for op in program.checks:
        if op.node not in reached:
            continue
        for rule in op.stage.rules:
            if rule.kind in ADVICE_KINDS and rule.applies_to(program.mode, op.direction):
                found.append(
                    Advice(stage=op.node, kind=rule.kind.value, text=rule.text, source=rule.citation(), note=rule.note)
                )
    for offer in program.offers:  # services through the posts the plan does not ride
        found.append(Advice(stage=offer.node, kind="transport", text=offer.text, source=offer.source, note=offer.note))
    return found


def stage_blockers(op: Check, traveller: Traveller) -> list[Blocker]:
    """What at ``op`` turns ``traveller`` back: a document not held, a forbidden item carried."""
    crossing, stage, mode = op.crossing, op.stage, traveller.mode
    found = []
    for doc_id in stage.checks:
        doc = crossing.documents[doc_id]
        if not doc.applies_to(mode, op.direction) or traveller.holds(doc_id):
            continue
        if doc.visa_for is not None and not traveller.needs_visa_for(doc.visa_for):
            continue  # the passport enters without it
        reason = f"{doc.name} ('{doc_id}') is required here"
        rules = [r for r in stage.rules if r.kind in BLOCKING_RULES and r.applies_to(mode, op.direction)]
        for rule in rules:
            reason += f": {rule.text}"
        found.append(Blocker(stage=op.node, reason=reason, source=(rules[0] if rules else doc).citation()))
    for rule in stage.rules:
        if (
            rule.kind is RuleKind.forbidden_item
            and rule.item in traveller.carrying
            and rule.applies_to(mode, op.direction)
        ):
            found.append(Blocker(stage=op.node, reason=f"you carry a {rule.item}: {rule.text}", source=rule.citation()))
    return found


def _hhmm(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _clock_time(moment: datetime) -> str:
    """``08:10``: what ``f"{moment:%H:%M}"`` says, without strftime's cost (about 1.5 µs a call)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def needs(program: Program, traveller: Traveller) -> tuple[Need, ...]:
    """The documents and arrangements the route asks of ``traveller``, in the order they are checked."""
    found: dict[str, list[Any]] = {}
    visas = set()
    for op in program.checks:
        for doc_id in op.stage.checks:
            doc = op.crossing.documents[doc_id]
            if not doc.applies_to(traveller.mode, op.direction):
                continue
            if doc.visa_for is not None:
                visas.add(doc.visa_for)
                if not traveller.needs_visa_for(doc.visa_for):
                    continue
            entry = found.setdefault(doc_id, [doc, []])
            entry[1].append(op.node)
    listed = [
        Need(
            document=doc_id,
            name=doc.name,
            text=doc.text,
            stages=tuple(stages),
            lead_days=doc.lead_days.value if doc.lead_days else None,
            lead_source=doc.lead_days.claim.citation() if doc.lead_days else None,
            source=doc.citation(),
            held=traveller.holds(doc_id),
        )
        for doc_id, (doc, stages) in found.items()
    ]
    for country in program.route.countries[1:]:  # visas the passport needs that no post of the data names
        regime = traveller.entry_for(country)
        if regime is None or regime.kind in NO_VISA or country in visas:
            continue
        first = next((op.node for op in program.checks if op.stage.staffed_by == [country]), program.checks[-1].node)
        name = f"{regime.name} {regime.kind}" + (f" (stays of up to {regime.days} days)" if regime.days else "")
        listed.append(Need(document=f"{country.lower()}-{regime.kind}", name=name, text=None, stages=(first,),
                           lead_days=None, lead_source=None, source=regime.source,
                           held=traveller.holds(f"{country.lower()}-{regime.kind}")))  # fmt: skip
    return tuple(listed)
