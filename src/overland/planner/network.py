"""The road network: places and crossing stages joined by legs, and the routes between two places.

A route runs through a sequence of crossing directions (none inside one country, several
for a trip over several borders); between them, and to and from them, the roads are the
quickest ones through places only (Dijkstra: road times do not depend on the hour). The
sequences tried are the paths of the country graph (a crossing direction is an edge)
that never enter a country twice, up to ``MAX_CROSSINGS`` borders.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from overland.errors import InputError
from overland.model.catalog import Catalog
from overland.model.crossing import Crossing, Direction, Mode
from overland.model.leg import Leg, Vehicle

MAX_CROSSINGS = 4  # borders a trip may cross


@dataclass(frozen=True)
class Step:
    """A node of a route and the leg driven to reach it (None for the first)."""

    node: str
    leg: Leg | None


Passage = tuple[Crossing, Direction]  # a crossing, in one direction


@dataclass(frozen=True)
class Route:
    """A path from origin to destination through crossing directions in order (none inside one country)."""

    passages: tuple[Passage, ...]
    steps: tuple[Step, ...]

    @property
    def via(self) -> str | None:
        """The crossings' ids in order, joined by commas (None: no border)."""
        return ",".join(c.id for c, _ in self.passages) or None

    @property
    def direction(self) -> str | None:
        """The directions' ids in order, joined by commas (None: no border)."""
        return ",".join(d.id for _, d in self.passages) or None

    def direction_of(self, crossing_id: str) -> Direction | None:
        """The direction the route takes through ``crossing_id``."""
        return next((d for c, d in self.passages if c.id == crossing_id), None)

    @property
    def countries(self) -> tuple[str, ...]:
        """The countries the route passes through, in order (after the first, one per border)."""
        if not self.passages:
            return ()
        return (self.passages[0][1].from_country, *(d.to_country for _, d in self.passages))


class Network:
    """The legs of a catalog as an adjacency list, with the routes found so far."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.adjacent: dict[str, list[tuple[str, Leg]]] = {}
        for leg in catalog.legs:
            self.adjacent.setdefault(leg.start, []).append((leg.end, leg))
            if not leg.one_way:
                self.adjacent.setdefault(leg.end, []).append((leg.start, leg))
        self._routes: dict[tuple[str, str, Mode, tuple[str, ...], frozenset[str]], list[Route]] = {}

    def leg(self, start: str, end: str) -> Leg | None:
        """The leg driven from ``start`` to ``end``, if there is one."""
        return next((leg for node, leg in self.adjacent.get(start, ()) if node == end), None)

    def road(self, source: str, target: str, vehicle: Vehicle) -> list[Step] | None:
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
            for nxt, leg in self.adjacent.get(node, ()):
                if "/" in nxt and nxt != target:
                    continue
                total = hours + leg.hours_for(vehicle)
                if total < best.get(nxt, float("inf")):
                    best[nxt] = total
                    back[nxt] = (node, leg)
                    heapq.heappush(queue, (total, nxt))
        return None

    def routes(
        self, origin: str, destination: str, mode: Mode, via: tuple[str, ...] = (), avoid: frozenset[str] = frozenset()
    ) -> list[Route]:
        """Every route from ``origin`` to ``destination`` for ``mode``: through the crossings ``via`` in
        that order when given, else through every sequence of crossings joining the two countries;
        never through a country or crossing in ``avoid``."""
        key = (origin, destination, mode, via, avoid)
        if key not in self._routes:
            self._routes[key] = self._find_routes(origin, destination, mode, via, avoid)
        return self._routes[key]

    def passages(self, mode: Mode) -> dict[str, list[Passage]]:
        """The crossing directions open to ``mode``, by the country they leave."""
        found: dict[str, list[Passage]] = {}
        for crossing in self.catalog.crossings.values():
            for direction in crossing.directions:
                if any(crossing.stages[s].applies_to(mode) for s in direction.route):
                    found.setdefault(direction.from_country, []).append((crossing, direction))
        return found

    def _sequences(self, home: str, away: str, mode: Mode, avoid: frozenset[str]) -> Iterable[tuple[Passage, ...]]:
        """The sequences of crossing directions from ``home`` to ``away`` entering no country twice."""
        leaving = self.passages(mode)

        def extend(country: str, seen: tuple[str, ...], path: tuple[Passage, ...]) -> Iterable[tuple[Passage, ...]]:
            if country == away and path:
                yield path
                return
            if len(path) == MAX_CROSSINGS:
                return
            for crossing, direction in leaving.get(country, ()):
                nxt = direction.to_country
                if nxt in seen or nxt in avoid or crossing.id in avoid:
                    continue
                yield from extend(nxt, (*seen, nxt), (*path, (crossing, direction)))

        if home != away:
            yield from extend(home, (home,), ())

    def _via(self, home: str, away: str, mode: Mode, via: tuple[str, ...]) -> tuple[Passage, ...]:
        """The crossing directions of the crossings ``via`` taken in order from ``home``; an error says which
        does not follow on."""
        country, path = home, []
        for crossing_id in via:
            crossing = self.catalog.crossing(crossing_id)
            direction = next((d for d in crossing.directions if d.from_country == country), None)
            names = self.catalog.countries
            if direction is None:
                joins = " and ".join(names[c].name for c in crossing.countries)
                msg = (f"--via {','.join(via)}: {crossing.name} joins {joins}; the trip reaches it from "
                       f"{names[country].name}: list the crossings in the order you pass them")  # fmt: skip
                raise InputError(msg)
            path.append((crossing, direction))
            country = direction.to_country
        if country != away:
            names = self.catalog.countries
            msg = (f"--via {','.join(via)} ends in {names[country].name}, not in {names[away].name}: add the "
                   "crossings that lead on, in order")  # fmt: skip
            raise InputError(msg)
        return tuple(path)

    def _find_routes(self, origin: str, destination: str, mode: Mode, via: tuple[str, ...],
                     avoid: frozenset[str]) -> list[Route]:  # fmt: skip
        home = self.catalog.place(origin).country
        away = self.catalog.place(destination).country
        vehicle = Vehicle.of(mode)
        routes: list[Route] = []
        if home == away and not via:
            road = self.road(origin, destination, vehicle)
            if road is not None:
                routes.append(Route((), (Step(origin, None), *road)))
        sequences = [self._via(home, away, mode, via)] if via else self._sequences(home, away, mode, avoid)
        for passages in sequences:
            steps = self._steps(origin, destination, passages, mode, vehicle)
            if steps is not None:
                routes.append(Route(passages, steps))
        if not routes:
            raise InputError(self._no_route(origin, destination, mode, via, avoid))
        return routes

    def _steps(self, origin: str, destination: str, passages: tuple[Passage, ...], mode: Mode,
               vehicle: Vehicle) -> tuple[Step, ...] | None:  # fmt: skip
        """The steps through ``passages`` in order, or None where a road or a leg is missing."""
        steps = [Step(origin, None)]
        here = origin
        for crossing, direction in passages:
            stages = [f"{crossing.id}/{s}" for s in direction.route if crossing.stages[s].applies_to(mode)]
            if not stages:
                return None
            road = self.road(here, stages[0], vehicle)
            if road is None:
                return None
            steps += road
            for a, b in zip(stages, stages[1:], strict=False):
                leg = self.leg(a, b)
                if leg is None:
                    return None
                steps.append(Step(b, leg))
            here = stages[-1]
        road = self.road(here, destination, vehicle)
        if road is None:
            return None
        return (*steps, *road)

    def _no_route(self, origin: str, destination: str, mode: Mode, via: tuple[str, ...],
                  avoid: frozenset[str]) -> str:  # fmt: skip
        """Why no route joins the two places, in a traveller's words, with what is nearest."""
        names = self.catalog.countries
        home = self.catalog.place(origin).country
        away = self.catalog.place(destination).country
        start = f"no way from {self.catalog.node_name(origin)} ({names[home].name}) to " \
                f"{self.catalog.node_name(destination)} ({names[away].name}) for {mode.value}"  # fmt: skip
        if via:
            return f"{start} through {', '.join(via)}: a road to or from one of its posts is missing in the data"
        if home == away:
            return f"{start}: no road in the data joins them inside {names[home].name}"
        reachable = {home}
        frontier = [home]
        open_to = self.passages(mode)
        while frontier:
            country = frontier.pop()
            for crossing, direction in open_to.get(country, ()):
                nxt = direction.to_country
                if nxt not in reachable and nxt not in avoid and crossing.id not in avoid:
                    reachable.add(nxt)
                    frontier.append(nxt)
        if away not in reachable:
            into = sorted({c.id for c in self.catalog.crossings.values() for d in c.directions if d.to_country == away})
            closed = sorted(
                {
                    c.id
                    for c in self.catalog.crossings.values()
                    for d in c.directions
                    if d.to_country == away and not any(c.stages[s].applies_to(mode) for s in d.route)
                }
            )
            why = [f"{names[away].name} can be entered at {', '.join(into) or 'no crossing in the data'}"]
            if closed:
                why.append(f"not for {mode.value} at {', '.join(closed)}")
            avoided = sorted(a for a in avoid if a in names or a in self.catalog.crossings)
            if avoided:
                why.append(f"you avoid {', '.join(avoided)}")
            near = sorted(names[c].name for c in reachable - {home})
            also = f"; from {names[home].name} you can reach {', '.join(near)}" if near else ""
            return f"{start}: " + "; ".join(why) + also
        return f"{start}: the crossings that lead there have no road to or from them in the data for this trip"
