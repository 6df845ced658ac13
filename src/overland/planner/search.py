"""Time-dependent earliest-arrival planning over places, legs and crossing stages.

Road legs take a fixed time; a stage waits for an opening long enough for its
processing, then applies its rules (a vehicle held overnight, an office that works
the next working day). Every crossing direction that joins the two countries is
tried and the earliest arrival wins (roads are time-independent and every stage is
first-in-first-out, so this is the earliest arrival over the whole network).
A night spent waiting in front of a stage is moved back to the last place with
somewhere to sleep, leaving from there as late as still gets the same opening.

Each route is compiled once per mode (:mod:`overland.planner.program`); a plan walks
it with numbers only (UTC seconds) and turns the steps into events in local clocks
at the end. Processing times and opening delays given as distributions count at
their median here; :mod:`overland.planner.montecarlo` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta

from overland.errors import UnknownIdError
from overland.model.catalog import Catalog, suggest
from overland.model.crossing import Mode, RuleKind
from overland.planner.network import Network, Route
from overland.planner.program import Check, Drive, Program, compile_route
from overland.planner.timetable import StageTimetable, epoch
from overland.planner.trip import Advice, Blocker, Event, EventKind, Plan, Traveller, nights_between
from overland.timing.clocks import zone
from overland.timing.daylight import Darkness, darkness

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


# A step of a walk before it is shown: (kind, route index, node, start, end, note, to, km, end node).
Raw = tuple[EventKind, int, str, float, float, str, "str | None", "float | None", "str | None"]


@dataclass
class _Walk:
    """The state of one pass along a route, in UTC seconds."""

    events: list[Raw] = field(default_factory=list)
    arrivals: dict[int, float] = field(default_factory=dict)  # route index -> time reached
    starts: dict[int, float] = field(default_factory=dict)  # route index -> processing start
    blockers: list[Blocker] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    t: float = 0.0


class Planner:
    """Plans trips on a catalog; timetables and compiled routes are kept and reused across plans."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.network = Network(catalog)
        self._tables: dict[str, StageTimetable] = {}
        self._programs: dict[tuple[int, Mode], Program] = {}
        self._blockers: dict[tuple[int, Traveller], dict[int, list[Blocker]]] = {}
        self._advice: dict[tuple[int, tuple[str, ...]], list[Advice]] = {}
        self._nodes: dict[str, tuple[str, str | None, object]] = {}  # node -> (clock, place, zone)
        self._skies: dict[str, Darkness | None] = {}

    # -- compiled data ---------------------------------------------------------------------

    def timetable(self, ref: str) -> StageTimetable:
        """The timetable of stage ``crossing/stage``."""
        table = self._tables.get(ref)
        if table is None:
            crossing, stage_id, _ = self.catalog.stage(ref)
            table = StageTimetable(crossing, stage_id, self.catalog.countries)
            self._tables[ref] = table
        return table

    def routes(self, origin: str, destination: str, mode: Mode, via: str | None = None) -> list[Route]:
        """Every route from ``origin`` to ``destination``: one per crossing direction joining them."""
        return self.network.routes(origin, destination, mode, via)

    def program(self, route: Route, mode: Mode) -> Program:
        """``route`` compiled for ``mode`` (once)."""
        key = (id(route), mode)
        program = self._programs.get(key)
        if program is None:
            program = compile_route(route, mode, self.catalog, self.network, self.timetable)
            self._programs[key] = program
        return program

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

    def _darkness(self, node: str) -> Darkness | None:
        """When the sun is down at a node's place (None without coordinates)."""
        try:
            return self._skies[node]
        except KeyError:
            place_id = self._node(node)[1]
            place = self.catalog.place(place_id) if place_id else None
            sky = None
            if place is not None and place.coordinates is not None:
                coords = place.coordinates.value
                sky = darkness(coords.lat, coords.lon, self.catalog.clock_of(place_id))
            self._skies[node] = sky
            return sky

    def zone_of(self, node: str):
        """The zone of the clock at a node (a place or ``crossing/stage``)."""
        return self._node(node)[2]

    def _local(self, t: float, node: str) -> datetime:
        return datetime.fromtimestamp(round(t), self._node(node)[2])

    def blockers_of(self, program: Program, traveller: Traveller) -> dict[int, list[Blocker]]:
        """The stages (route index) that turn ``traveller`` back on ``program``, and why."""
        key = (id(program), traveller)
        found = self._blockers.get(key)
        if found is None:
            found = {op.k: b for op in program.checks if (b := _stage_blockers(op, traveller))}
            self._blockers[key] = found
        return found

    # -- one pass along a route ----------------------------------------------------------

    def _walk(self, program: Program, begin: int, t: float, traveller: Traveller, depart: float, *,
              record: bool = True) -> _Walk:
        """Walk ``program`` from route index ``begin`` at ``t``; ``record=False`` keeps times only."""
        walk = _Walk(t=t)
        events = walk.events
        limit = depart + HORIZON_DAYS * 86400
        blockers_at = self.blockers_of(program, traveller)
        entered: float | None = None
        walk.arrivals[begin] = t
        for op in program.ops:
            k = op.k
            if type(op) is Drive:
                if k <= begin:
                    continue
                end = t + op.seconds
                if record:
                    events.append((EventKind.drive, k, op.start, t, end, f"{op.start} → {op.end}", op.end, op.km, op.end))
                t = end
                walk.arrivals[k] = t
                continue
            if k < begin:
                continue
            blockers = blockers_at.get(k)
            if blockers:
                walk.blockers.extend(blockers)
                events.append((EventKind.blocked, k, op.node, t, t, blockers[0].reason, None, None, None))
                walk.t = t
                return walk
            if op.processing is None:
                walk.warnings.append(f"{op.node}: no processing time known; counted as none")
            earliest = t
            if entered is not None and op.next_working_day:
                entry_day = datetime.fromtimestamp(entered, op.zone).date()
                earliest = max(t, epoch(datetime.combine(entry_day + timedelta(days=1), time(0), tzinfo=op.zone)))
            start = op.table.earliest_fit(earliest, op.duration, until=limit, delays=op.delays)
            if start is None:
                reason = f"no opening within {HORIZON_DAYS} days of departure"
                walk.blockers.append(Blocker(stage=op.node, reason=reason, source=op.stage.hours.claim.citation()))
                events.append((EventKind.blocked, k, op.node, t, t, reason, None, None, None))
                walk.t = t
                return walk
            if start > t and record:
                note = self._wait_note(op, t, start, limit)
                if earliest > t and note.startswith("not open yet"):
                    note = f"works on the next working day after entry; {note}"
                events.append((EventKind.wait, k, op.node, t, start, note, None, None, None))
            walk.starts[k] = start
            t = start + op.duration
            if record:
                events.append((EventKind.process, k, op.node, start, t, op.note, None, None, None))
            if op.enters:
                entered = t
            if op.held is not None:
                resumed = self._hold_overnight(walk, op, t, limit, record=record)
                if resumed is None:
                    reason = f"customs does not reopen within {HORIZON_DAYS} days"
                    walk.blockers.append(Blocker(stage=op.node, reason=reason, source=op.held.citation()))
                    walk.t = t
                    return walk
                t = resumed
        walk.t = t
        return walk

    def _wait_note(self, op: Check, t: float, start: float, until: float) -> str:
        table, tz = op.table, op.zone
        now, then = datetime.fromtimestamp(t, tz), datetime.fromtimestamp(start, tz)
        name = clock_name(table.clock)
        current = next(table.windows_from(t, until=until), None)
        if current is not None and current[0] <= t < current[1]:
            return (f"{op.duration / 3600:g} h of processing does not fit before it closes at "
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

    @staticmethod
    def next_morning(op: Check, after: float, duration: float, until: float, delays=None) -> float | None:
        """The first opening on a later day than ``after``, no earlier than ``op.resume_at`` on its day."""
        tz, at = op.zone, op.resume_at
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

    def _hold_overnight(self, walk: _Walk, op: Check, t: float, until: float, *, record: bool) -> float | None:
        resume = self.next_morning(op, t, op.duration, until, op.delays)
        if resume is None:
            return None
        if not record:
            return resume + op.duration
        k, node, bed, events = op.k, op.node, op.bed, walk.events
        events.append((EventKind.vehicle_held, k, node, t, resume, op.held.text, None, None, None))
        if bed is not None:
            events.append((EventKind.transfer, k, node, t, t + bed.ride, f"taken to {bed.name} to sleep",
                           bed.node, bed.km, bed.node))
            events.append((EventKind.night, k, bed.node, t + bed.ride, resume - bed.ride,
                           f"night in {bed.name}: {bed.lodging}", None, None, None))
            events.append((EventKind.transfer, k, bed.node, resume - bed.ride, resume,
                           "brought back to pick up the vehicle", node, bed.km, node))
        else:
            walk.warnings.append(f"{node}: the vehicle is held overnight and no place to sleep is known on the way")
        events.append((EventKind.process, k, node, resume, resume + op.duration, f"{op.stage.name}: vehicle cleared",
                       None, None, None))
        return resume + op.duration

    # -- nights ------------------------------------------------------------------------

    def _is_night(self, node: str, start: float, end: float) -> bool:
        return end - start >= LONG_WAIT and nights_between(self._local(start, node), self._local(end, node)) > 0

    def _sleep_before_waits(self, program: Program, walk: _Walk, traveller: Traveller, depart: float) -> _Walk:
        """Move the first night spent waiting at a stage back to the last place with lodging."""
        steps = program.route.steps
        for kind, i, node, start, end, *_ in walk.events:
            if kind is not EventKind.wait or not self._is_night(node, start, end):
                continue
            target = walk.starts[i]
            beds = [j for j in range(i) if "/" not in steps[j].node
                    and (j == 0 or self.catalog.place(steps[j].node).lodging is not None)]
            if not beds:
                return walk
            j = beds[-1]
            arrival = walk.arrivals[j]
            lo, hi = arrival, target
            while hi - lo > 60:
                mid = (lo + hi) / 2
                trial = self._walk(program, j, mid, traveller, depart, record=False)
                if not trial.blockers and trial.starts.get(i) == target:
                    lo = mid
                else:
                    hi = mid
            leave = lo - lo % 60
            again = self._walk(program, j, leave, traveller, depart)
            if again.blockers or again.starts.get(i) != target:
                return walk
            merged = _Walk(t=again.t, blockers=again.blockers, warnings=walk.warnings + again.warnings)
            merged.events = [e for e in walk.events if e[1] < j or (e[1] == j and e[0] is EventKind.drive)]
            bed = steps[j].node
            place = self.catalog.place(bed)
            if leave > arrival:
                night = self._is_night(bed, arrival, leave)
                if j == 0:
                    note = f"nothing on the way opens earlier: leave {place.name} at {self._local(leave, bed):%H:%M}"
                else:
                    note = f"stay at {place.name} and leave at {self._local(leave, bed):%H:%M}"
                if night and place.lodging is not None:
                    note += f"; {place.lodging.value}"
                kind = EventKind.night if night else EventKind.wait
                merged.events.append((kind, j, bed, arrival, leave, note, None, None, None))
            merged.events += again.events
            merged.arrivals = {**again.arrivals, **{k: v for k, v in walk.arrivals.items() if k <= j}}
            merged.starts = {**walk.starts, **again.starts}
            return merged
        return walk

    # -- the plan -------------------------------------------------------------------------

    def _warnings(self, program: Program, walk: _Walk) -> list[str]:
        warnings = list(dict.fromkeys(walk.warnings))
        arrivals = walk.arrivals
        drives = [(op, arrivals[op.k] - op.seconds, arrivals[op.k])
                  for op in program.ops if type(op) is Drive and op.k in arrivals and op.k > 0]
        stretches: list[list[tuple[Drive, float, float]]] = []
        previous_dark = False
        for drive in drives:
            op, start, end = drive
            sky = self._darkness(op.start)
            dark = sky is not None and sky.overlaps(start, end)
            if dark and start < end:
                if previous_dark:
                    stretches[-1].append(drive)
                else:
                    stretches.append([drive])
            previous_dark = dark
        for stretch in stretches:
            (first, start, _), (last, _, end) = stretch[0], stretch[-1]
            clock = self._node(first.start)[0]
            km = sum(op.km for op, _, _ in stretch)
            warnings.append(f"driving after dark: {first.start} → {last.end}, {km:g} km, "
                            f"{self._local(start, first.start):%a %d %b %H:%M}–"
                            f"{self._local(end, first.start):%H:%M} {clock_name(clock)}")
        seen = set()
        for op, start, _ in drives:
            if not op.leg.warnings:
                continue
            month = self._local(start, op.start).month
            for warning in op.leg.warnings:
                if month in warning.months and warning.text not in seen:
                    seen.add(warning.text)
                    warnings.append(f"{op.leg.start} – {op.leg.end}: {warning.text} ({warning.citation()})")
        return warnings

    def _advice_for(self, program: Program, walk: _Walk) -> list[Advice]:
        reached = tuple(dict.fromkeys(e[2] for e in walk.events if "/" in e[2]))
        key = (id(program), reached)
        advice = self._advice.get(key)
        if advice is None:
            advice = []
            for op in program.checks:
                if op.node not in reached:
                    continue
                for rule in op.stage.rules:
                    if rule.kind in ADVICE_KINDS and rule.applies_to(program.mode):
                        advice.append(Advice(stage=op.node, kind=rule.kind.value, text=rule.text,
                                             source=rule.citation(), note=rule.note))
            self._advice[key] = advice
        return list(advice)

    def _events(self, raws: list[Raw]) -> list[Event]:
        node_info, fromtimestamp = self._nodes, datetime.fromtimestamp
        events = []
        for kind, _, node, start, end, note, to, km, end_node in raws:
            _, place, tz = node_info.get(node) or self._node(node)
            end_tz = tz if end_node is None else (node_info.get(end_node) or self._node(end_node))[2]
            events.append(Event(kind, fromtimestamp(round(start), tz), fromtimestamp(round(end), end_tz),
                                place, node if "/" in node else None, note, km, to))
        return events

    def plan(self, origin: str, destination: str, depart: datetime, traveller: Traveller,
             via: str | None = None, *, samples: int = 0, seed: int = 0) -> Plan:
        """The earliest-arriving plan over every route (or through ``via``).

        With ``samples`` > 0 the plan carries the Monte Carlo distribution of its route
        (``seed`` seeds numpy's generator: the same seed gives the same figures).
        """
        routes = self.routes(origin, destination, traveller.mode, via)
        plans = [self.plan_route(route, depart, traveller) for route in routes]
        best = min(range(len(plans)), key=lambda i: _rank(plans[i]))
        plan = plans[best]
        if samples > 0 and plan.complete:
            distribution = self.distribution(routes[best], depart, traveller, samples=samples, seed=seed)
            plan = replace(plan, distribution=distribution)
        return plan

    def sample(self, route: Route, departures, traveller: Traveller, rng):
        """Monte Carlo samples of ``route`` for an array of departures (UTC seconds)."""
        from overland.planner.montecarlo import walk

        program = self.program(route, traveller.mode)
        return walk(program, departures, rng)

    def distribution(self, route: Route, depart: datetime, traveller: Traveller, *, samples: int, seed: int):
        """The Monte Carlo distribution of a plan along ``route`` leaving at ``depart``."""
        import numpy as np

        from overland.planner.uncertainty import summarise

        destination = route.steps[-1].node
        drawn = self.sample(route, np.full(samples, _departure(depart)), traveller, np.random.default_rng(seed))
        return summarise(drawn, seed=seed, destination_zone=self._node(destination)[2],
                         darkness=self._darkness(destination))

    def compare(self, origin: str, destination: str, depart: datetime, traveller: Traveller) -> list[Plan]:
        """One plan per crossing direction joining the two places, best first."""
        return sorted((self.plan_route(r, depart, traveller) for r in self.routes(origin, destination, traveller.mode)),
                      key=_rank)

    def plan_route(self, route: Route, depart: datetime, traveller: Traveller) -> Plan:
        """The plan along one route."""
        start = _departure(depart)
        program = self.program(route, traveller.mode)
        origin, destination = route.steps[0].node, route.steps[-1].node
        walk = self._walk(program, 0, start, traveller, start)
        if not walk.blockers:
            walk = self._sleep_before_waits(program, walk, traveller, start)
        leave = self._local(start, origin)
        events = [Event(EventKind.depart, leave, leave, origin, None, f"leave {self.catalog.node_name(origin)}"),
                  *self._events(walk.events)]
        arrive = None
        if not walk.blockers:
            arrive = self._local(walk.t, destination)
            events.append(Event(EventKind.arrive, arrive, arrive, destination, None,
                                f"arrive in {self.catalog.node_name(destination)}"))
        return Plan(
            origin=origin, destination=destination,
            via=route.crossing.id if route.crossing else None,
            direction=route.direction.id if route.direction else None,
            traveller=traveller, home_clock=self._node(origin)[0],
            depart=leave, arrive=arrive, events=events,
            warnings=self._warnings(program, walk), blockers=walk.blockers, advice=self._advice_for(program, walk),
        )  # fmt: skip


def _departure(depart: datetime) -> float:
    from overland.errors import InputError

    if depart.tzinfo is None or depart.utcoffset() is None:
        msg = f"departure {depart.isoformat()} has no UTC offset: give the clock, e.g. +06:00 for Kyrgyz time"
        raise InputError(msg)
    return depart.timestamp()


def _stage_blockers(op: Check, traveller: Traveller) -> list[Blocker]:
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
