"""Time-dependent earliest-arrival planning over places, legs and crossing stages.

Road legs take a fixed time; a stage waits for an opening long enough for its
processing, then applies its rules (a vehicle held overnight, an office that works
the next working day). Every crossing direction that joins the two countries is
tried and the earliest arrival wins (roads are time-independent and every stage is
first-in-first-out, so this is the earliest arrival over the whole network).
A night spent waiting in front of a stage is moved back to the last place with
somewhere to sleep, leaving from there as late as still gets the same opening.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from overland.errors import InputError, UnknownIdError
from overland.model.catalog import Catalog, suggest
from overland.model.crossing import Crossing, Direction, Mode, RuleKind, Stage, StageKind
from overland.model.leg import Leg, Vehicle
from overland.planner.timetable import StageTimetable, epoch
from overland.planner.trip import Advice, Blocker, Event, EventKind, Plan, Traveller, nights_between
from overland.timing.clocks import zone
from overland.timing.daylight import dark_part

HORIZON_DAYS = 60
LONG_WAIT = 4 * 3600  # a wait this long that spans a night is slept, not waited
ADVICE_KINDS = {
    RuleKind.advice, RuleKind.no_photography, RuleKind.medical_exam, RuleKind.technical_check,
    RuleKind.no_accommodation, RuleKind.processing_time, RuleKind.transfer_to_sleep, RuleKind.next_working_day,
}
BLOCKING_RULES = {RuleKind.vehicle_entry_documents, RuleKind.pre_arranged_transport}
CLOCK_NAMES = {"Asia/Shanghai": "Beijing time", "Asia/Bishkek": "Kyrgyz time", "Asia/Almaty": "Kazakh time"}


def clock_name(clock: str) -> str:
    """How people call a clock ("Beijing time"), or the zone name."""
    return CLOCK_NAMES.get(clock, clock)


@dataclass(frozen=True)
class Step:
    """A node of a route and the leg driven to reach it (None for the first)."""

    node: str
    leg: Leg | None


@dataclass(frozen=True)
class Route:
    """A path from origin to destination, through one crossing direction (or none)."""

    crossing: Crossing | None
    direction: Direction | None
    steps: tuple[Step, ...]


@dataclass
class _Walk:
    """The state of one simulated pass along a route."""

    events: list[Event] = field(default_factory=list)
    at_step: list[int] = field(default_factory=list)  # the route index of each event
    arrivals: dict[int, float] = field(default_factory=dict)  # route index -> time reached
    starts: dict[int, float] = field(default_factory=dict)  # route index -> processing start
    blockers: list[Blocker] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    t: float = 0.0


class Planner:
    """Plans trips on a catalog; timetables are expanded once and reused across plans."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._tables: dict[str, StageTimetable] = {}
        self._routes: dict[tuple[str, str, Mode, str | None], list[Route]] = {}
        self._nodes: dict[str, tuple[str, str | None, object]] = {}  # node -> (clock, place, zone)
        self._adjacent: dict[str, list[tuple[str, Leg]]] = {}
        for leg in catalog.legs:
            self._adjacent.setdefault(leg.start, []).append((leg.end, leg))
            if not leg.one_way:
                self._adjacent.setdefault(leg.end, []).append((leg.start, leg))

    # -- network -------------------------------------------------------------------------

    def timetable(self, ref: str) -> StageTimetable:
        """The timetable of stage ``crossing/stage``."""
        table = self._tables.get(ref)
        if table is None:
            crossing, stage_id, _ = self.catalog.stage(ref)
            table = StageTimetable(crossing, stage_id, self.catalog.countries)
            self._tables[ref] = table
        return table

    def _road(self, source: str, target: str, vehicle: Vehicle) -> list[Step] | None:
        """The quickest road path between two nodes through places only (Dijkstra)."""
        best = {source: 0.0}
        back: dict[str, tuple[str, Leg]] = {}
        queue = [(0.0, source)]
        while queue:
            hours, node = heapq.heappop(queue)
            if node == target:
                steps = [Step(target, back[target][1])] if target != source else []
                while steps and back[steps[-1].node][0] != source:
                    prev = back[steps[-1].node][0]
                    steps.append(Step(prev, back[prev][1]))
                return list(reversed(steps))
            if hours > best.get(node, float("inf")):
                continue
            for nxt, leg in self._adjacent.get(node, ()):
                if "/" in nxt and nxt != target:
                    continue
                total = hours + leg.hours_for(vehicle)
                if total < best.get(nxt, float("inf")):
                    best[nxt] = total
                    back[nxt] = (node, leg)
                    heapq.heappush(queue, (total, nxt))
        return None

    def routes(self, origin: str, destination: str, mode: Mode, via: str | None = None) -> list[Route]:
        """Every route from ``origin`` to ``destination``: one per crossing direction joining them."""
        key = (origin, destination, mode, via)
        if key not in self._routes:
            self._routes[key] = self._find_routes(origin, destination, mode, via)
        return self._routes[key]

    def _find_routes(self, origin: str, destination: str, mode: Mode, via: str | None) -> list[Route]:
        home = self.catalog.place(origin).country
        away = self.catalog.place(destination).country
        vehicle = Vehicle.of(mode)
        crossings = [self.catalog.crossing(via)] if via else list(self.catalog.crossings.values())
        routes: list[Route] = []
        if home == away and via is None:
            road = self._road(origin, destination, vehicle)
            if road is not None:
                routes.append(Route(None, None, (Step(origin, None), *road)))
        for crossing in crossings:
            for direction in crossing.directions:
                if (direction.from_country, direction.to_country) != (home, away):
                    continue
                stages = [f"{crossing.id}/{s}" for s in direction.route if crossing.stages[s].applies_to(mode)]
                inbound = self._road(origin, stages[0], vehicle)
                outbound = self._road(stages[-1], destination, vehicle)
                if inbound is None or outbound is None:
                    continue
                middle = []
                for a, b in zip(stages, stages[1:], strict=False):
                    leg = next((lg for n, lg in self._adjacent.get(a, ()) if n == b), None)
                    if leg is None:
                        break
                    middle.append(Step(b, leg))
                else:
                    routes.append(Route(crossing, direction, (Step(origin, None), *inbound, *middle, *outbound)))
        if not routes:
            through = f" through {via}" if via else ""
            names = self.catalog.countries
            msg = (f"no route from {origin} ({names[home].name}) to {destination} ({names[away].name}){through} "
                   "in the data: check the crossings' directions and data/legs.yaml")
            raise InputError(msg)
        return routes

    # -- one pass along a route ----------------------------------------------------------

    def _node(self, node: str) -> tuple[str, str | None, object]:
        """(clock, place id, zone) of a node, looked up once."""
        found = self._nodes.get(node)
        if found is None:
            if "/" in node:
                crossing, _, stage = self.catalog.stage(node)
                clock, place = stage.clock.value, stage.place or crossing.border_place
            else:
                clock, place = self.catalog.clock_of(node), node
            found = (clock, place, zone(clock))
            self._nodes[node] = found
        return found

    def _clock_of_node(self, node: str) -> str:
        return self._node(node)[0]

    def _place_of(self, node: str) -> str | None:
        return self._node(node)[1]

    def _local(self, t: float, node: str) -> datetime:
        return datetime.fromtimestamp(round(t), self._node(node)[2])

    def _event(self, walk: _Walk, index: int, kind: EventKind, node: str, start: float, end: float,
               note: str = "", *, to: str | None = None, km: float | None = None, end_node: str | None = None) -> None:
        stage = node if "/" in node else None
        walk.events.append(Event(
            kind=kind, place=self._place_of(node), stage=stage, start=self._local(start, node),
            end=self._local(end, end_node or node), note=note, to=to, km=km,
        ))
        walk.at_step.append(index)

    def _blockers(self, crossing: Crossing, stage_id: str, stage: Stage, traveller: Traveller) -> list[Blocker]:
        ref = f"{crossing.id}/{stage_id}"
        mode = traveller.mode
        found = []
        for doc_id in stage.checks:
            doc = crossing.documents[doc_id]
            if not doc.applies_to(mode) or traveller.holds(doc_id):
                continue
            reason = f"{doc.name} ('{doc_id}') is required here"
            rules = [r for r in stage.rules if r.kind in BLOCKING_RULES and r.applies_to(mode)]
            for rule in rules:
                reason += f": {rule.text}"
            found.append(Blocker(stage=ref, reason=reason, source=(rules[0] if rules else doc).citation()))
        for rule in stage.rules:
            if rule.kind is RuleKind.forbidden_item and rule.item in traveller.carrying and rule.applies_to(mode):
                found.append(Blocker(stage=ref, reason=f"you carry a {rule.item}: {rule.text}", source=rule.citation()))
        return found

    def _wait_note(self, table: StageTimetable, stage: Stage, t: float, start: float, duration: float,
                   until: float) -> str:
        clock = stage.clock.value
        tz = zone(clock)
        now, then = datetime.fromtimestamp(t, tz), datetime.fromtimestamp(start, tz)
        name = clock_name(clock)
        current = next(table.windows_from(t, until=until), None)
        if current is not None and current[0] <= t < current[1]:
            return (f"{duration / 3600:g} h of processing does not fit before it closes at "
                    f"{datetime.fromtimestamp(current[1], tz):%H:%M} {name}; next opening {then:%a %d %b %H:%M} {name}")
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

    def _next_morning(self, table: StageTimetable, after: float, at: time, duration: float, until: float) -> float | None:
        """The first opening on a later day than ``after``, no earlier than ``at`` on its day."""
        tz = zone(table.clock)
        day = datetime.fromtimestamp(after, tz).date() + timedelta(days=1)
        candidate = epoch(datetime.combine(day, at, tzinfo=tz))
        for _ in range(HORIZON_DAYS):
            start = table.earliest_fit(candidate, duration, until=until)
            if start is None:
                return None
            local = datetime.fromtimestamp(start, tz)
            if local.time() >= at:
                return start
            candidate = epoch(datetime.combine(local.date(), at, tzinfo=tz))
        return None

    def _walk(self, route: Route, begin: int, t: float, traveller: Traveller, depart: float) -> _Walk:
        walk = _Walk(t=t)
        mode = traveller.mode
        vehicle = Vehicle.of(mode)
        limit = depart + HORIZON_DAYS * 86400
        entered: float | None = None
        steps = route.steps
        walk.arrivals[begin] = t
        for k in range(begin, len(steps)):
            step = steps[k]
            if k > begin and step.leg is not None:
                prev = steps[k - 1].node
                hours = step.leg.hours_for(vehicle)
                self._event(walk, k, EventKind.drive, prev, t, t + hours * 3600, f"{prev} → {step.node}",
                            to=step.node, km=step.leg.km.value, end_node=step.node)
                t += hours * 3600
                walk.arrivals[k] = t
            if "/" not in step.node:
                continue
            crossing, stage_id, stage = self.catalog.stage(step.node)
            blockers = self._blockers(crossing, stage_id, stage, traveller)
            if blockers:
                walk.blockers.extend(blockers)
                self._event(walk, k, EventKind.blocked, step.node, t, t, blockers[0].reason)
                walk.t = t
                return walk
            table = self.timetable(step.node)
            processing = stage.processing_for(mode)
            duration = processing.value * 60 if processing else 0.0
            if processing is None:
                walk.warnings.append(f"{step.node}: no processing time known; counted as none")
            earliest = t
            if entered is not None and any(r.kind is RuleKind.next_working_day and r.applies_to(mode) for r in stage.rules):
                tz = zone(stage.clock.value)
                entry_day = datetime.fromtimestamp(entered, tz).date()
                earliest = max(t, epoch(datetime.combine(entry_day + timedelta(days=1), time(0), tzinfo=tz)))
            start = table.earliest_fit(earliest, duration, until=limit)
            if start is None:
                reason = f"no opening within {HORIZON_DAYS} days of departure"
                walk.blockers.append(Blocker(stage=step.node, reason=reason, source=stage.hours.claim.citation()))
                self._event(walk, k, EventKind.blocked, step.node, t, t, reason)
                walk.t = t
                return walk
            if start > t:
                note = self._wait_note(table, stage, t, start, duration, limit)
                if earliest > t and note.startswith("not open yet"):
                    note = f"works on the next working day after entry; {note}"
                self._event(walk, k, EventKind.wait, step.node, t, start, note)
            walk.starts[k] = start
            note = stage.name + (f" ({processing.value:g} min, {processing.claim.status})" if processing else "")
            self._event(walk, k, EventKind.process, step.node, start, start + duration, note)
            t = start + duration
            entering = route.direction is not None and stage.staffed_by == [route.direction.to_country]
            held = next((r for r in stage.rules if r.kind is RuleKind.vehicle_held_overnight and r.applies_to(mode)), None)
            if entering and stage.kind in {StageKind.immigration, StageKind.immigration_customs}:
                entered = t
            if held is not None and entering:
                t = self._hold_overnight(walk, route, k, stage, table, held, t, duration, limit)
                if t is None:
                    reason = f"customs does not reopen within {HORIZON_DAYS} days"
                    walk.blockers.append(Blocker(stage=step.node, reason=reason, source=held.citation()))
                    walk.t = walk.events[-1].end.timestamp()
                    return walk
        walk.t = t
        return walk

    def _hold_overnight(self, walk: _Walk, route: Route, k: int, stage: Stage, table: StageTimetable, rule,
                        t: float, duration: float, until: float) -> float | None:
        node = route.steps[k].node
        resume = self._next_morning(table, t, time.fromisoformat(rule.resume_at.value), duration, until)
        if resume is None:
            return None
        self._event(walk, k, EventKind.vehicle_held, node, t, resume, rule.text)
        bed = next(
            (s for s in route.steps[k + 1:] if "/" not in s.node and self.catalog.place(s.node).lodging is not None),
            None,
        )
        transfer = next((lg for n, lg in self._adjacent.get(node, ()) if bed is not None and n == bed.node), None)
        if bed is not None and transfer is not None:
            ride = transfer.hours_for(Vehicle.car) * 3600
            lodging = self.catalog.place(bed.node).lodging
            self._event(walk, k, EventKind.transfer, node, t, t + ride, f"taken to {self.catalog.node_name(bed.node)} to sleep",
                        to=bed.node, km=transfer.km.value, end_node=bed.node)
            self._event(walk, k, EventKind.night, bed.node, t + ride, resume - ride,
                        f"night in {self.catalog.node_name(bed.node)}: {lodging.value}")
            self._event(walk, k, EventKind.transfer, bed.node, resume - ride, resume,
                        "brought back to pick up the vehicle", to=node, km=transfer.km.value, end_node=node)
        else:
            walk.warnings.append(f"{node}: the vehicle is held overnight and no place to sleep is known on the way")
        self._event(walk, k, EventKind.process, node, resume, resume + duration, f"{stage.name}: vehicle cleared")
        return resume + duration

    # -- nights ------------------------------------------------------------------------

    def _is_night(self, node: str, start: float, end: float) -> bool:
        return end - start >= LONG_WAIT and nights_between(self._local(start, node), self._local(end, node)) > 0

    def _sleep_before_waits(self, route: Route, walk: _Walk, traveller: Traveller, depart: float) -> _Walk:
        """Move the first night spent waiting at a stage back to the last place with lodging."""
        for n, event in enumerate(walk.events):
            if event.kind is not EventKind.wait or event.stage is None:
                continue
            i = walk.at_step[n]
            if not self._is_night(event.stage, event.start.timestamp(), event.end.timestamp()):
                continue
            target = walk.starts[i]
            beds = [j for j in range(i) if "/" not in route.steps[j].node
                    and (j == 0 or self.catalog.place(route.steps[j].node).lodging is not None)]
            if not beds:
                return walk
            j = beds[-1]
            arrival = walk.arrivals[j]
            lo, hi = arrival, target
            while hi - lo > 60:
                mid = (lo + hi) / 2
                trial = self._walk(route, j, mid, traveller, depart)
                if not trial.blockers and trial.starts.get(i) == target:
                    lo = mid
                else:
                    hi = mid
            leave = lo - lo % 60
            again = self._walk(route, j, leave, traveller, depart)
            if again.blockers or again.starts.get(i) != target:
                return walk
            keep = [m for m in range(len(walk.events)) if walk.at_step[m] < j or
                    (walk.at_step[m] == j and walk.events[m].kind is EventKind.drive)]
            merged = _Walk(t=again.t, blockers=again.blockers, warnings=walk.warnings + again.warnings)
            merged.events = [walk.events[m] for m in keep]
            merged.at_step = [walk.at_step[m] for m in keep]
            node = route.steps[j].node
            place = self.catalog.place(node)
            if leave > arrival:
                night = self._is_night(node, arrival, leave)
                kind = EventKind.night if night else EventKind.wait
                if j == 0:
                    note = f"nothing on the way opens earlier: leave {place.name} at {self._local(leave, node):%H:%M}"
                else:
                    note = f"stay at {place.name} and leave at {self._local(leave, node):%H:%M}"
                if night and place.lodging is not None:
                    note += f"; {place.lodging.value}"
                self._event(merged, j, kind, node, arrival, leave, note)
            merged.events += again.events
            merged.at_step += again.at_step
            merged.arrivals = {**walk.arrivals, **again.arrivals}
            merged.starts = {**walk.starts, **again.starts}
            return merged
        return walk

    # -- the plan -------------------------------------------------------------------------

    def _warnings(self, route: Route, walk: _Walk) -> list[str]:
        warnings = list(dict.fromkeys(walk.warnings))
        dark_legs: list[list[Event]] = []
        previous_dark = False
        for event in walk.events:
            if event.kind is not EventKind.drive:
                continue
            place = self.catalog.place(event.place) if event.place else None
            dark = None
            if place is not None and place.coordinates is not None:
                coords = place.coordinates.value
                dark = dark_part(coords.lat, coords.lon, self.catalog.clock_of(event.place), event.start, event.end)
            if dark is not None and event.start < event.end:
                if previous_dark:
                    dark_legs[-1].append(event)
                else:
                    dark_legs.append([event])
            previous_dark = dark is not None
        for stretch in dark_legs:
            first, last = stretch[0], stretch[-1]
            clock = first.start.tzinfo.key
            end = last.end.astimezone(zone(clock))
            km = sum(e.km or 0 for e in stretch)
            warnings.append(f"driving after dark: {first.note.split(' → ')[0]} → {last.to}, {km:g} km, "
                            f"{first.start:%a %d %b %H:%M}–{end:%H:%M} {clock_name(clock)}")
        seen = set()
        for k, step in enumerate(route.steps):
            if step.leg is None:
                continue
            for warning in step.leg.warnings:
                times = [e.start for e, i in zip(walk.events, walk.at_step, strict=True) if i == k and e.kind is EventKind.drive]
                if times and times[0].month in warning.months and warning.text not in seen:
                    seen.add(warning.text)
                    warnings.append(f"{step.leg.start} – {step.leg.end}: {warning.text} ({warning.citation()})")
        return warnings

    def _advice(self, route: Route, walk: _Walk, mode: Mode) -> list[Advice]:
        advice = []
        reached = {walk.events[i].stage for i in range(len(walk.events)) if walk.events[i].stage}
        for step in route.steps:
            if "/" not in step.node or step.node not in reached:
                continue
            _, _, stage = self.catalog.stage(step.node)
            for rule in stage.rules:
                if rule.kind in ADVICE_KINDS and rule.applies_to(mode):
                    advice.append(Advice(stage=step.node, kind=rule.kind.value, text=rule.text,
                                         source=rule.citation(), note=rule.note))
        return advice

    def plan(self, origin: str, destination: str, depart: datetime, traveller: Traveller,
             via: str | None = None) -> Plan:
        """The earliest-arriving plan over every route (or through ``via``)."""
        plans = [self.plan_route(route, depart, traveller) for route in self.routes(origin, destination, traveller.mode, via)]
        return min(plans, key=_rank)

    def compare(self, origin: str, destination: str, depart: datetime, traveller: Traveller) -> list[Plan]:
        """One plan per crossing direction joining the two places, best first."""
        return sorted((self.plan_route(r, depart, traveller) for r in self.routes(origin, destination, traveller.mode)),
                      key=_rank)

    def plan_route(self, route: Route, depart: datetime, traveller: Traveller) -> Plan:
        """The plan along one route."""
        if depart.tzinfo is None or depart.utcoffset() is None:
            msg = f"departure {depart.isoformat()} has no UTC offset: give the clock, e.g. +06:00 for Kyrgyz time"
            raise InputError(msg)
        start = depart.timestamp()
        origin, destination = route.steps[0].node, route.steps[-1].node
        walk = self._walk(route, 0, start, traveller, start)
        if not walk.blockers:
            walk = self._sleep_before_waits(route, walk, traveller, start)
        events = [Event(kind=EventKind.depart, place=origin, start=self._local(start, origin),
                        end=self._local(start, origin), note=f"leave {self.catalog.node_name(origin)}"), *walk.events]
        arrive = None
        if not walk.blockers:
            arrive = self._local(walk.t, destination)
            events.append(Event(kind=EventKind.arrive, place=destination, start=arrive, end=arrive,
                                note=f"arrive in {self.catalog.node_name(destination)}"))
        return Plan(
            origin=origin, destination=destination,
            via=route.crossing.id if route.crossing else None,
            direction=route.direction.id if route.direction else None,
            traveller=traveller, home_clock=self.catalog.clock_of(origin),
            depart=self._local(start, origin), arrive=arrive, events=events,
            warnings=self._warnings(route, walk), blockers=walk.blockers, advice=self._advice(route, walk, traveller.mode),
        )


def _rank(plan: Plan) -> tuple[int, float]:
    if plan.arrive is not None:
        return (0, plan.arrive.timestamp())
    return (1, -len(plan.events))


def check_documents(catalog: Catalog, names: list[str]) -> None:
    """Every name in ``names`` must be a document id of some crossing."""
    known = sorted({d for c in catalog.crossings.values() for d in c.documents})
    for name in names:
        if name not in known:
            raise UnknownIdError(f"unknown document {name!r}" + suggest(name, known) + "; `overland show CROSSING` lists them")

