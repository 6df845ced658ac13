"""How much plans depend on the values nobody states: each assumed number moved by ±25 %.

For every ``assumed`` number the planner reads — a stage's processing time or opening
delay (a number or a distribution of minutes), a road's length or speed, a traveller
profile's hours at the wheel or break — the catalog is rebuilt with that one value
multiplied by each factor (0.75 and 1.25 by default), and the main trips it lies on are
planned again for a sample of departures. A departure *changes* when its arrival moves
by at least ``shift_minutes``, or it arrives one way and not the other. The values whose
moves change the most arrivals are the ones to source first.

The main trip of a crossing direction runs from the city nearest its first post to the
city nearest its last (a town, else any place, where the country has no city on the
road), for one mode per traveller profile (the first mode of each), and for the mode a
processing time is written for when it names one. Arrivals are the earliest arrivals of
:meth:`~overland.planner.search.Planner.arrival`. Pure: the start of the sample comes in
as an argument.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from overland.errors import OverlandError
from overland.model.catalog import Catalog
from overland.model.claims import LEGS, TRAVELLERS, ClaimRef, claims, with_value
from overland.model.crossing import Crossing, Direction, Mode
from overland.model.leg import Vehicle
from overland.model.place import PlaceKind
from overland.model.provenance import Status
from overland.planner.network import Network
from overland.planner.rhythm import of_profile
from overland.planner.search import Planner
from overland.planner.trip import Traveller

FACTORS = (0.75, 1.25)
PROFILE_NUMBERS = {"max_drive_hours": "h", "break_after_hours": "h", "break_minutes": "min"}
_KIND_RANK = {PlaceKind.city: 0, PlaceKind.town: 1}

Progress = Callable[[int, int], None]  # (steps done, steps in all)


@dataclass(frozen=True)
class Trip:
    """The main trip of a crossing direction for one way of travelling."""

    crossing: str
    direction: str
    mode: Mode
    origin: str
    destination: str

    @property
    def label(self) -> str:
        return f"{self.origin} → {self.destination} via {self.crossing} ({self.mode.value})"

    def as_json(self) -> dict[str, str]:
        return {"crossing": self.crossing, "direction": self.direction, "mode": self.mode.value,
                "origin": self.origin, "destination": self.destination}  # fmt: skip


@dataclass(frozen=True)
class Dependence:
    """How the arrivals of the trips through one assumed value move when the value moves.

    ``changed[i]`` counts the departures (over every trip) whose arrival changed with the value
    multiplied by ``factors[i]``; ``shift_hours[i]`` is their mean arrival shift, later positive
    (None: no departure arrived both ways).
    """

    ref: ClaimRef
    what: str
    value: str
    trips: tuple[Trip, ...]
    departures: int  # departures planned per factor, over every trip
    changed: tuple[int, ...]
    shift_hours: tuple[float | None, ...]

    @property
    def total_changed(self) -> int:
        return sum(self.changed)

    @property
    def reason(self) -> str:
        return self.ref.claim.reason or ""

    def sort_key(self) -> tuple[float, float, str]:
        shift = sum(abs(s) for s in self.shift_hours if s is not None)
        return (-self.total_changed, -shift, self.what)


@dataclass(frozen=True)
class Sensitivity:
    """Every assumed number the planner reads, the most telling first."""

    start: datetime
    days: int
    every_hours: float
    shift_minutes: float
    factors: tuple[float, ...]
    departures: int  # departures sampled per trip
    trips: tuple[Trip, ...]  # every trip planned
    values: tuple[Dependence, ...]


def departures(start: datetime, *, days: int, every_hours: float) -> list[float]:
    """Departures (UTC seconds) from ``start`` every ``every_hours`` for ``days`` days."""
    first = start.timestamp()
    end = first + days * 86400
    step = every_hours * 3600
    count = int((end - first) // step) + (1 if (end - first) % step else 0)
    return [first + i * step for i in range(count)]


def sample_modes(catalog: Catalog) -> list[Mode]:
    """One way of travelling per traveller profile (its first mode); own car without profiles."""
    modes = [profile.modes[0] for profile in catalog.profiles.values()]
    return modes or [Mode.own_car]


def assumed_inputs(catalog: Catalog) -> list[ClaimRef]:
    """The assumed numbers the planner reads (processing times and opening delays, road lengths
    and speeds, hours at the wheel and breaks), where the claim is the one in use."""
    found = []
    for ref in claims(catalog):
        claim = ref.claim
        if not ref.in_use or claim.status is not Status.assumed or _unit(ref) is None:
            continue
        value = getattr(claim, "value", None)
        if _numeric(value):
            found.append(ref)
    return found


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (hasattr(value, "scaled") and hasattr(value, "describe"))


def _unit(ref: ClaimRef) -> str | None:
    """The unit of a value the planner reads at ``ref``'s place (None: the planner does not read it)."""
    loc = ref.loc
    if ref.origin == LEGS:
        if len(loc) == 3 and loc[2] == "km":
            return "km"
        if len(loc) == 4 and loc[2] == "speed_kmh":
            return "km/h"
        return None
    if ref.origin == TRAVELLERS:
        return PROFILE_NUMBERS.get(str(loc[2])) if len(loc) == 3 else None
    if len(loc) == 4 and loc[0] == "stages" and loc[2] == "processing_minutes":
        return "min"
    if len(loc) == 5 and loc[0] == "stages" and loc[2] == "opening_delays" and loc[4] == "minutes":
        return "min"
    return None


def scaled(value: Any, factor: float) -> Any:
    """A number or a distribution multiplied by ``factor``."""
    if isinstance(value, int | float):
        return value * factor
    return value.scaled(factor)


def describe(ref: ClaimRef) -> str:
    """The value of ``ref`` with its unit, e.g. ``240 min`` or ``triangular(2, 3, 5.4) min``."""
    value: Any = getattr(ref.claim, "value", None)
    text = f"{value:g}" if isinstance(value, int | float) else value.describe()
    return f"{text} {_unit(ref)}"


def label(catalog: Catalog, ref: ClaimRef) -> str:
    """What the value is, in a few words: ``torugart/gate processing (all)``, ``naryn–tash-rabat speed (car)``."""
    loc = ref.loc
    if ref.origin == LEGS:
        leg = catalog.legs[int(loc[1])]
        what = "length" if loc[2] == "km" else f"speed ({loc[3]})"
        return f"road {leg.start}–{leg.end} {what}"
    if ref.origin == TRAVELLERS:
        return f"{loc[1]} traveller {str(loc[2]).replace('_', ' ')}"
    if loc[2] == "processing_minutes":
        return f"{ref.origin}/{loc[1]} processing ({loc[3]})"
    return f"{ref.origin}/{loc[1]} opening delay {int(loc[3]) + 1}"


def main_trips(catalog: Catalog, modes: Iterable[Mode], network: Network | None = None) -> list[Trip]:
    """The main trip of every crossing direction for each of ``modes`` (see the module's notes)."""
    network = network or Network(catalog)
    trips: list[Trip] = []
    for crossing in catalog.crossings.values():
        for direction in crossing.directions:
            ends = _ends(catalog, network, crossing, direction)
            if ends is None:
                continue
            trips.extend(Trip(crossing.id, direction.id, mode, *ends) for mode in modes)
    return trips


def _ends(catalog: Catalog, network: Network, crossing: Crossing, direction: Direction) -> tuple[str, str] | None:
    first, last = f"{crossing.id}/{direction.route[0]}", f"{crossing.id}/{direction.route[-1]}"
    origin = _nearest(catalog, network, direction.from_country, lambda p: network.road(p, first, Vehicle.car))
    destination = _nearest(catalog, network, direction.to_country, lambda p: network.road(last, p, Vehicle.car))
    return (origin, destination) if origin and destination else None


def _nearest(catalog: Catalog, network: Network, country: str, road: Callable[[str], Any]) -> str | None:
    best: tuple[int, float, str] | None = None
    for place_id, place in catalog.places.items():
        if place.country != country:
            continue
        steps = road(place_id)
        if steps is None:
            continue
        hours = sum(step.leg.hours_for(Vehicle.car) for step in steps if step.leg is not None)
        key = (_KIND_RANK.get(place.kind, 2), hours, place_id)
        if best is None or key < best:
            best = key
    return best[2] if best else None


class _Runner:
    """The trips, the departures and the baseline arrivals, planned once and reused."""

    def __init__(self, catalog: Catalog, times: Sequence[float], trips: Sequence[Trip], shift_minutes: float) -> None:
        self.catalog = catalog
        self.base = Planner(catalog)
        self.times = times
        self.trips = trips
        self.threshold = shift_minutes * 60
        self._baseline: dict[Trip, list[float | None] | None] = {}
        self._legs: dict[Trip, set[int]] = {}

    def traveller(self, catalog: Catalog, mode: Mode) -> Traveller:
        return Traveller(mode=mode, rhythm=of_profile(catalog.profile(mode)))

    def arrivals(self, planner: Planner, catalog: Catalog, trip: Trip) -> list[float | None] | None:
        """Arrivals of ``trip`` at every departure (None: the trip has no route for its mode)."""
        try:
            routes = planner.routes(trip.origin, trip.destination, trip.mode, (trip.crossing,))
        except OverlandError:  # no road for this mode: no trip
            return None
        route = next((r for r in routes if r.direction == trip.direction), None)
        if route is None:
            return None
        traveller = self.traveller(catalog, trip.mode)
        if planner is self.base:
            self._legs[trip] = {id(step.leg) for step in route.steps if step.leg is not None}
        return [planner.arrival(route, t, traveller) for t in self.times]

    def baseline(self, trip: Trip) -> list[float | None] | None:
        """The trip's arrivals on the data as it is; None when it has no route or never arrives (a stage
        turns every traveller of its mode back): no value can then move its arrival."""
        if trip not in self._baseline:
            found = self.arrivals(self.base, self.catalog, trip)
            self._baseline[trip] = found if found is not None and any(a is not None for a in found) else None
        return self._baseline[trip]

    def trips_of(self, ref: ClaimRef, modes: Sequence[Mode]) -> list[Trip]:
        """The sampled trips whose arrival ``ref`` can move."""
        loc = ref.loc
        if ref.origin == TRAVELLERS:
            profile = self.catalog.profiles[str(loc[1])]
            return [t for t in self.trips if t.mode in profile.modes and self.baseline(t) is not None]
        if ref.origin == LEGS:
            leg = self.catalog.legs[int(loc[1])]
            found = []
            for trip in self.trips:
                if self.baseline(trip) is None or id(leg) not in self._legs.get(trip, ()):
                    continue
                vehicle = Vehicle.of(trip.mode)
                if loc[2] == "speed_kmh" and vehicle.value != loc[3]:
                    if not (loc[3] == Vehicle.car.value and vehicle not in leg.speed_kmh):
                        continue
                found.append(trip)
            return found
        crossing = self.catalog.crossings[ref.origin]
        stage_id = str(loc[1])
        stage = crossing.stages[stage_id]
        fact = stage.processing_minutes.get(str(loc[3])) if loc[2] == "processing_minutes" else None
        only_direction, _, mode_key = str(loc[3]).rpartition("/") if fact is not None else ("", "", "all")
        wanted = list(modes) if mode_key == "all" else [Mode(mode_key)]
        found = []
        for direction in crossing.directions:
            if stage_id not in direction.route or (only_direction and direction.id != only_direction):
                continue
            for mode in wanted:
                if not stage.applies_to(mode):
                    continue
                if fact is not None and stage.processing_for(mode, direction.id) is not fact:
                    continue
                wanted_trip = self._trip(crossing.id, direction.id, mode)
                if wanted_trip is not None and self.baseline(wanted_trip) is not None:
                    found.append(wanted_trip)
        return found

    def _trip(self, crossing: str, direction: str, mode: Mode) -> Trip | None:
        for trip in self.trips:
            if (trip.crossing, trip.direction) == (crossing, direction):
                return Trip(crossing, direction, mode, trip.origin, trip.destination)
        return None

    def moved(self, catalog: Catalog, trips: Sequence[Trip]) -> tuple[int, float | None]:
        """(departures whose arrival changed, mean shift in hours) on ``catalog`` against the baseline."""
        planner = Planner(catalog)
        changed, shifts = 0, []
        for trip in trips:
            before = self.baseline(trip) or []
            after = self.arrivals(planner, catalog, trip) or [None] * len(before)
            for a, b in zip(before, after, strict=True):
                if a is None or b is None:
                    changed += (a is None) != (b is None)
                    continue
                shifts.append((b - a) / 3600)
                changed += abs(b - a) >= self.threshold
        return changed, (sum(shifts) / len(shifts) if shifts else None)


def sensitivity(
    catalog: Catalog,
    start: datetime,
    *,
    days: int = 365,
    every_hours: float = 25,
    shift_minutes: float = 30,
    factors: Sequence[float] = FACTORS,
    progress: Progress | None = None,
) -> Sensitivity:
    """Move each assumed number the planner reads by each of ``factors`` and count the departures of the
    main trips through it whose arrival changes (see the module's notes)."""
    modes = sample_modes(catalog)
    inputs = assumed_inputs(catalog)
    base_trips = main_trips(catalog, modes)
    times = departures(start, days=days, every_hours=every_hours)
    runner = _Runner(catalog, times, base_trips, shift_minutes)
    total, done = len(inputs) * len(factors), 0
    if progress is not None:
        progress(done, total)
    results = []
    planned: dict[Trip, None] = {}
    for ref in inputs:
        trips = runner.trips_of(ref, modes)
        planned.update(dict.fromkeys(trips))
        changed, shifts = [], []
        for factor in factors:
            moved = runner.moved(with_value(catalog, ref, scaled(getattr(ref.claim, "value", None), factor)), trips)
            changed.append(moved[0])
            shifts.append(moved[1])
            done += 1
            if progress is not None:
                progress(done, total)
        results.append(Dependence(ref=ref, what=label(catalog, ref), value=describe(ref), trips=tuple(trips),
                                  departures=len(trips) * len(times), changed=tuple(changed),
                                  shift_hours=tuple(shifts)))  # fmt: skip
    results.sort(key=Dependence.sort_key)
    return Sensitivity(
        start=start, days=days, every_hours=every_hours, shift_minutes=shift_minutes, factors=tuple(factors),
        departures=len(times), trips=tuple(planned), values=tuple(results),
    )  # fmt: skip
