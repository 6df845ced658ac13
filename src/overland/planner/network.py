"""The road network: places and crossing stages joined by legs, and the routes between two places.

A route runs through one crossing direction (or none, inside one country); the roads
to and from the crossing are the quickest ones through places only (Dijkstra: road
times do not depend on the hour).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from overland.errors import InputError
from overland.model.catalog import Catalog
from overland.model.crossing import Crossing, Direction, Mode
from overland.model.leg import Leg, Vehicle


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


class Network:
    """The legs of a catalog as an adjacency list, with the routes found so far."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.adjacent: dict[str, list[tuple[str, Leg]]] = {}
        for leg in catalog.legs:
            self.adjacent.setdefault(leg.start, []).append((leg.end, leg))
            if not leg.one_way:
                self.adjacent.setdefault(leg.end, []).append((leg.start, leg))
        self._routes: dict[tuple[str, str, Mode, str | None], list[Route]] = {}

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
            road = self.road(origin, destination, vehicle)
            if road is not None:
                routes.append(Route(None, None, (Step(origin, None), *road)))
        for crossing in crossings:
            for direction in crossing.directions:
                if (direction.from_country, direction.to_country) != (home, away):
                    continue
                stages = [f"{crossing.id}/{s}" for s in direction.route if crossing.stages[s].applies_to(mode)]
                inbound = self.road(origin, stages[0], vehicle)
                outbound = self.road(stages[-1], destination, vehicle)
                if inbound is None or outbound is None:
                    continue
                middle = []
                for a, b in zip(stages, stages[1:], strict=False):
                    leg = self.leg(a, b)
                    if leg is None:
                        break
                    middle.append(Step(b, leg))
                else:
                    routes.append(Route(crossing, direction, (Step(origin, None), *inbound, *middle, *outbound)))
        if not routes:
            through = f" through {via}" if via else ""
            names = self.catalog.countries
            msg = (
                f"no route from {origin} ({names[home].name}) to {destination} ({names[away].name}){through} "
                "in the data: check the crossings' directions and data/legs.yaml"
            )
            raise InputError(msg)
        return routes
