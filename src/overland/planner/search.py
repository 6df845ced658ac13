"""Time-dependent earliest-arrival planning over places, legs and crossing stages.

Every crossing direction that joins the two countries is tried and the earliest
arrival wins (roads are time-independent and every stage is first-in-first-out, so
this is the earliest arrival over the whole network). The :class:`Planner` keeps what
is worked out once per catalog (timetables, routes compiled per mode, node clocks,
darkness) and composes the walk (:mod:`~overland.planner.walk`), the nights
(:mod:`~overland.planner.nights`) and the words (:mod:`~overland.planner.narration`).

The caches are filled with ``dict.setdefault``, so threads planning at once on one
planner share whatever was made first; timetables expand under their own lock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from overland.errors import InputError, UnknownIdError
from overland.limits import HORIZON_DAYS
from overland.model.catalog import Catalog, suggest
from overland.model.crossing import Mode
from overland.planner import narration
from overland.planner.network import Network, Route
from overland.planner.nights import leave_late
from overland.planner.program import Program, compile_route
from overland.planner.rhythm import offset
from overland.planner.timetable import StageTimetable
from overland.planner.trip import Advice, Blocker, Event, EventKind, Need, Plan, Traveller
from overland.planner.walk import DAY_SOURCE, Walk, walk
from overland.timing.clocks import clock_name, clock_of, zone
from overland.timing.daylight import Darkness, darkness

if TYPE_CHECKING:
    import numpy as np

    from overland.planner.montecarlo import Samples
    from overland.planner.uncertainty import ArrivalDistribution


class Planner:
    """Plans trips on a catalog; timetables and compiled routes are kept and reused across plans."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.network = Network(catalog)
        self._tables: dict[str, StageTimetable] = {}
        self._programs: dict[tuple[int, Mode], Program] = {}
        self._blockers: dict[tuple[int, Traveller], dict[int, list[Blocker]]] = {}
        self._advice: dict[tuple[int, tuple[str, ...]], list[Advice]] = {}
        self._needs: dict[tuple[int, Traveller], tuple[Need, ...]] = {}
        self._nodes: dict[str, tuple[str, str | None, Any, Any]] = {}  # node -> (clock, place, zone, day zone)
        self._skies: dict[str, Darkness | None] = {}

    def recalibrated(self, catalog: Catalog) -> Planner:
        """A planner for ``catalog``, this one's data with other processing times (a calibration):
        it shares the timetables already expanded, the nodes' clocks and the skies, which
        processing times do not change."""
        planner = Planner(catalog)
        planner._tables = self._tables
        planner._nodes = self._nodes
        planner._skies = self._skies
        return planner

    # -- compiled data ---------------------------------------------------------------------

    def timetable(self, ref: str) -> StageTimetable:
        """The timetable of stage ``crossing/stage``."""
        table = self._tables.get(ref)
        if table is None:
            crossing, stage_id, _ = self.catalog.stage(ref)
            table = self._tables.setdefault(ref, StageTimetable(crossing, stage_id, self.catalog.countries))
        return table

    def routes(self, origin: str, destination: str, mode: Mode, via: tuple[str, ...] = (),
               avoid: frozenset[str] = frozenset()) -> list[Route]:  # fmt: skip
        """Every route from ``origin`` to ``destination``: one per sequence of crossing directions
        joining them (through ``via`` in order when given; never through what ``avoid`` names)."""
        return self.network.routes(origin, destination, mode, via, avoid)

    def program(self, route: Route, mode: Mode) -> Program:
        """``route`` compiled for ``mode`` (once)."""
        key = (id(route), mode)
        program = self._programs.get(key)
        if program is None:
            program = self._programs.setdefault(
                key, compile_route(route, mode, self.catalog, self.network, self.timetable, self.node, self.darkness)
            )
        return program

    def node(self, node: str) -> tuple[str, str | None, Any, Any]:
        """(clock, place id, zone, zone of the traveller's day) of a node, looked up once."""
        found = self._nodes.get(node)
        if found is None:
            if "/" in node:
                crossing, _, stage = self.catalog.stage(node)
                clock, place = stage.clock.value, stage.place or crossing.border_place
            else:
                clock, place = self.catalog.clock_of(node), node
            day = (self.catalog.day_clock_of(place) if place is not None else None) or clock
            found = self._nodes.setdefault(node, (clock, place, zone(clock), zone(day)))
        return found

    def darkness(self, node: str) -> Darkness | None:
        """When the sun is down at a node's place (None without coordinates)."""
        try:
            return self._skies[node]
        except KeyError:
            place_id = self.node(node)[1]
            place = self.catalog.place(place_id) if place_id else None
            sky = None
            if place_id is not None and place is not None and place.coordinates is not None:
                coords = place.coordinates.value
                sky = darkness(coords.lat, coords.lon, self.catalog.clock_of(place_id))
            return self._skies.setdefault(node, sky)

    def zone_of(self, node: str) -> Any:
        """The zone of the clock at a node (a place or ``crossing/stage``)."""
        return self.node(node)[2]

    def local(self, t: float, node: str) -> datetime:
        """UTC seconds as a time in the clock of ``node``."""
        return datetime.fromtimestamp(round(t), self.node(node)[2])

    def blockers_of(self, program: Program, traveller: Traveller) -> dict[int, list[Blocker]]:
        """The stages (route index) that turn ``traveller`` back on ``program``, and why."""
        key = (id(program), traveller)
        found = self._blockers.get(key)
        if found is None:
            found = self._blockers.setdefault(
                key, {op.k: b for op in program.checks if (b := narration.stage_blockers(op, traveller))}
            )
        return found

    # -- plans -----------------------------------------------------------------------------

    def plan(
        self,
        origin: str,
        destination: str,
        depart: datetime,
        traveller: Traveller,
        via: tuple[str, ...] = (),
        *,
        avoid: frozenset[str] = frozenset(),
        samples: int = 0,
        seed: int = 0,
    ) -> Plan:
        """The earliest-arriving plan over every route (or through ``via``, never through ``avoid``).

        Routes are walked from the shortest time on the move (driving and processing); a
        route whose time on the move alone arrives after the best arrival so far cannot
        beat it and is not walked. With ``samples`` > 0 the plan carries the Monte Carlo
        distribution of its route (``seed`` seeds numpy's generator: the same seed gives
        the same figures).
        """
        routes = self.routes(origin, destination, traveller.mode, via, avoid)
        best, walked = self._earliest(routes, _departure(depart), traveller) if len(routes) > 1 else (0, None)
        plan = self.plan_route(routes[best], depart, traveller, walked)
        if not plan.complete and plan.blockers[0].source == DAY_SOURCE:
            plan = replace(plan, suggestions=self._relaxations(routes, depart, traveller))
        if samples > 0 and plan.complete:
            plan = replace(
                plan,
                distribution=self.distribution(
                    routes[best], depart, traveller, samples=samples, seed=seed, planned=plan
                ),
            )
        return plan

    def _earliest(self, routes: list[Route], start: float, traveller: Traveller) -> tuple[int, Walk]:
        """The index of the route whose walk arrives first (the one that gets furthest when none
        arrives), and that walk.

        Routes are walked from the shortest lower bound of their duration; one whose bound
        arrives after the best walk so far cannot beat it and is not walked. The bound: the
        time driving and being processed, and no less than the driving with, each time the
        day's hours at the wheel run out, the quiet hours between the day's last drive and the
        next day's first (less the largest jump between the route's clocks)."""
        rhythm = traveller.rhythm

        def bound(i: int) -> float:
            program = self.program(routes[i], traveller.mode)
            if rhythm.max_drive is None or rhythm.quiet is None:
                return program.on_the_move
            offsets = [offset(z, start) for z in program.day_clocks]
            night = max(0.0, rhythm.quiet_length - (max(offsets) - min(offsets)))
            days = -(-program.driving // rhythm.max_drive)  # ceil
            return max(program.on_the_move, program.driving + max(0.0, days - 1) * night)

        bounds = [bound(i) for i in range(len(routes))]
        order = sorted(range(len(routes)), key=bounds.__getitem__)
        ranks: dict[int, tuple[int, float]] = {}
        walks: dict[int, Walk] = {}
        arrival = float("inf")
        for i in order:
            if start + bounds[i] >= arrival:
                continue  # cannot arrive earlier than the best walk so far
            program = self.program(routes[i], traveller.mode)
            walks[i] = walked = walk(program, 0, start, start, self.blockers_of(program, traveller), rhythm)
            if walked.blockers:  # the share of the route it got through
                ranks[i] = (1, -len(walked.arrivals) / len(program.route.steps))
            else:
                ranks[i] = (0, walked.t)
                arrival = min(arrival, walked.t)
        best = min(ranks, key=lambda i: (ranks[i], i))
        return best, walks[best]

    def compare(self, origin: str, destination: str, depart: datetime, traveller: Traveller,
                avoid: frozenset[str] = frozenset()) -> list[Plan]:  # fmt: skip
        """One plan per sequence of crossings joining the two places, best first."""
        routes = self.routes(origin, destination, traveller.mode, avoid=avoid)
        return sorted((self.plan_route(r, depart, traveller) for r in routes), key=_rank)

    def plan_route(self, route: Route, depart: datetime, traveller: Traveller, walked: Walk | None = None) -> Plan:
        """The plan along one route (``walked``: its walk from the departure, recorded, when already made)."""
        start = _departure(depart)
        program = self.program(route, traveller.mode)
        origin, destination = route.steps[0].node, route.steps[-1].node
        blockers_at = self.blockers_of(program, traveller)

        def rewalk(begin: int, t: float, *, record: bool, follow: tuple[Walk, int] | None = None) -> Walk:
            return walk(program, begin, t, start, blockers_at, traveller.rhythm, record=record, follow=follow)

        if walked is None:
            walked = rewalk(0, start, record=True)
        if not walked.blockers:
            walked = leave_late(program, walked, rewalk, self.local, start, self.darkness)
        until = start + HORIZON_DAYS * 86400
        leave = self.local(start, origin)
        events = [
            Event(EventKind.depart, leave, leave, origin, None, f"leave {self.catalog.node_name(origin)}"),
            *narration.events(walked.events, program, walked, self.catalog, self.node, until, traveller.rhythm),
        ]
        arrive = None
        if not walked.blockers:
            arrive = self.local(walked.t, destination)
            events.append(
                Event(
                    EventKind.arrive,
                    arrive,
                    arrive,
                    destination,
                    None,
                    f"arrive in {self.catalog.node_name(destination)}",
                )
            )
        return Plan(
            origin=origin, destination=destination,
            via=route.via,
            direction=route.direction,
            traveller=traveller, home_clock=self.node(origin)[0],
            depart=leave, arrive=arrive, events=events,
            warnings=narration.warnings(program, walked, self.darkness, self.local, lambda n: self.node(n)[0]),
            blockers=walked.blockers, advice=self._advice_for(program, walked),
            needs=self._needs_for(program, traveller),
            countries=route.countries or (self.catalog.place(origin).country,),
            day_clocks=program.other_day_clocks,
        )  # fmt: skip

    def arrival(self, route: Route, depart: float, traveller: Traveller) -> float | None:
        """The earliest arrival along ``route`` leaving at ``depart`` (UTC seconds), without events or words;
        None when a stage turns the traveller back or no way fits within the horizon.

        It is the plan's arrival before the plan stretches its stays to leave as late as possible
        (:func:`~overland.planner.nights.leave_late`), which keeps the arrival but for a driver's break
        that may then fall later.
        """
        program = self.program(route, traveller.mode)
        walked = walk(program, 0, depart, depart, self.blockers_of(program, traveller), traveller.rhythm, record=False)
        return None if walked.blockers else walked.t

    def _relaxations(self, routes: list[Route], depart: datetime, traveller: Traveller) -> tuple[str, ...]:
        """What would let a trip that fits no day go through, and when it would then arrive."""
        rhythm = traveller.rhythm
        tries = []
        if rhythm.quiet is not None:
            tries.append(("a night at a post or in the car (no quiet hours)", replace(rhythm, quiet=None)))
        if not rhythm.dark_warned:
            tries.append(("driving the mountain roads the data warns about after dark",
                          replace(rhythm, dark_warned=True)))  # fmt: skip
        if rhythm.max_drive is not None:
            tries.append(("no limit on the hours at the wheel", replace(rhythm, max_drive=None)))
        found = []
        for what, relaxed in tries:
            again = replace(traveller, rhythm=relaxed)
            plans = [p for p in (self.plan_route(r, depart, again) for r in routes) if p.complete]
            if plans:
                best = min(plans, key=_rank)
                assert best.arrive is not None
                found.append(f"with {what} you would arrive {best.arrive:%a %d %b %H:%M} "
                             f"{clock_name(clock_of(best.arrive))}")  # fmt: skip
        return tuple(found)

    def _needs_for(self, program: Program, traveller: Traveller) -> tuple[Need, ...]:
        key = (id(program), traveller)
        found = self._needs.get(key)
        if found is None:
            found = self._needs.setdefault(key, narration.needs(program, traveller))
        return found

    def _advice_for(self, program: Program, walked: Walk) -> list[Advice]:
        reached = tuple(dict.fromkeys(e[2] for e in walked.events if "/" in e[2]))
        key = (id(program), reached)
        found = self._advice.get(key)
        if found is None:
            found = self._advice.setdefault(key, narration.advice(program, reached))
        return list(found)

    # -- Monte Carlo -------------------------------------------------------------------------

    def sample(self, route: Route, departures: np.ndarray, traveller: Traveller, rng: np.random.Generator) -> Samples:
        """Monte Carlo samples of ``route`` for an array of departures (UTC seconds)."""
        from overland.planner.montecarlo import walk as walk_samples

        return walk_samples(self.program(route, traveller.mode), departures, rng, traveller.rhythm)

    def distribution(
        self, route: Route, depart: datetime, traveller: Traveller, *, samples: int, seed: int,
        planned: Plan | None = None,
    ) -> ArrivalDistribution:  # fmt: skip
        """The Monte Carlo distribution of a plan along ``route`` leaving at ``depart`` (``planned``: its plan,
        whose day at the gate the chance of passing it as planned is measured against)."""
        import numpy as np

        from overland.planner.uncertainty import summarise

        destination = route.steps[-1].node
        drawn = self.sample(route, np.full(samples, _departure(depart)), traveller, np.random.default_rng(seed))
        gate = None
        if planned is not None:
            gate = next((e.start.timestamp() for e in planned.events
                         if e.kind is EventKind.process and e.stage and self.catalog.stage(e.stage)[2].kind.value == "gate"),
                        None)  # fmt: skip
        return summarise(drawn, seed=seed, destination_zone=self.node(destination)[2],
                         darkness=self.darkness(destination), planned_gate=gate)  # fmt: skip


def _departure(depart: datetime) -> float:
    if depart.tzinfo is None or depart.utcoffset() is None:
        msg = f"departure {depart.isoformat()} has no UTC offset: give the clock, e.g. +06:00 for Kyrgyz time"
        raise InputError(msg)
    return depart.timestamp()


def _rank(plan: Plan) -> tuple[int, float]:
    if plan.arrive is not None:
        return (0, plan.arrive.timestamp())
    return (1, -len(plan.events))


def check_documents(catalog: Catalog, names: list[str]) -> None:
    """Every name in ``names`` must be a document id of some crossing, or a visa of a country the entry
    regimes name (``pk-e-visa``, ``kz-visa``)."""
    visas = {f"{country.lower()}-{kind}" for country in catalog.entry for kind in ("visa", "e-visa")}
    known = sorted({d for c in catalog.crossings.values() for d in c.documents} | visas)
    for name in names:
        if name not in known:
            raise UnknownIdError(
                f"unknown document {name!r}" + suggest(name, known) + "; `overland show CROSSING` lists them"
            )
