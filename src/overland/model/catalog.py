"""The catalog: every country, place and crossing, checked against each other."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from overland.errors import UnknownIdError
from overland.model.crossing import Crossing, MinutesValue, Mode, Stage
from overland.model.distributions import Distribution
from overland.model.entry import Regime
from overland.model.leg import Leg
from overland.model.place import Country, CountryCode, Id, Place
from overland.model.provenance import Fact, Strict
from overland.model.transport import Service
from overland.model.traveller import Profile
from overland.timing.clocks import BEIJING, XINJIANG_ZONES


class PlacesFile(Strict):
    """The places file: countries and places, keyed by id."""

    countries: dict[CountryCode, Country] = Field(min_length=1)
    places: dict[Id, Place] = Field(min_length=1)

    @model_validator(mode="after")
    def _china_keeps_beijing_time(self) -> PlacesFile:
        china = self.countries.get("CN")
        if china is not None and any(c.value != BEIJING for c in china.clock.root):
            msg = (f"countries.CN.clock: China keeps Beijing time, {BEIJING}, everywhere (Xinjiang's "
                   f"{' and '.join(XINJIANG_ZONES)} are the tz database's UTC+6, not the posts' clock)")  # fmt: skip
            raise ValueError(msg)
        return self


@dataclass(frozen=True)
class Problem:
    """A broken reference: in which file-level record, at which field path, what is wrong."""

    origin: str  # "places", "legs", "transport" or a crossing id
    loc: tuple[str | int, ...]
    message: str


def suggest(word: str, choices: list[str]) -> str:
    """' (did you mean X?)' or a list of what exists."""
    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.5)
    if close:
        return f" (did you mean {' or '.join(close)}?)"
    return f" (known: {', '.join(sorted(choices))})"


Spread = Annotated[float, Field(ge=1, le=10)]
"""P90 / median of a time's spread. One alias, so that ``Fact[Spread]`` is one model class (pydantic builds
a new class for each new ``Annotated`` object: three spelled-out copies cost three)."""


class Uncertainty(Strict):
    """How far a time the data states as one number may fall from it, where no source says (``data/uncertainty.yaml``).

    ``processing_spread`` is the P90 / median of a lognormal drawn around every processing time
    given as a single number (1: none); ``road_spread`` the same for the time of every road leg
    (and of a service given as one number); ``processing_spread_at`` a post's own spread (by
    ``crossing/stage``), in place of ``processing_spread`` there. ``estimated_day_off`` is the chance that a public holiday the
    calendar only estimates (a year whose decree is not in it yet, a date computed ahead) is a day
    off (1: always, as plans take it). ``opening_spread`` is how far (minutes, either way) a post may
    keep other hours than its own that day: each opening, and its closing with it, is drawn from a
    triangle of that half-width (0: on the dot). ``queue_minutes`` is how long a traveller queues in
    front of a post before it starts on them, drawn at every post (0: no queue). Plans keep their
    medians, open on the dot, count no queue and keep estimated days off shut: only the Monte Carlo
    draws change. ``unknown_start_hours`` is read by the backtest alone: an account that does not say
    when the traveller set off is replayed from the last town before the crossing, leaving uniformly
    within that many hours after the traveller's night ends.
    """

    processing_spread: Fact[Spread]
    road_spread: Fact[Spread]
    processing_spread_at: dict[str, Fact[Spread]] = Field(default_factory=dict)
    estimated_day_off: Fact[Annotated[float, Field(ge=0, le=1)]] | None = None
    opening_spread: Fact[Annotated[float, Field(ge=0, le=240)]] | None = None
    unknown_start_hours: Fact[Annotated[float, Field(ge=0, le=17)]] | None = None
    queue_minutes: Fact[MinutesValue] | None = None

    @field_validator("queue_minutes")
    @classmethod
    def _no_median_queue(cls, fact: Fact[Any] | None) -> Fact[Any] | None:
        """Plans count no queue, so a queue's median must be none (a chance of one under a half)."""
        for claim in fact.root if fact is not None else ():
            value = claim.value
            median = value if isinstance(value, int | float) else value.median()
            if median > 0:
                shown = f"{value:g} min" if isinstance(value, int | float) else f"{value.describe()} min"
                msg = (f"a queue plans count none of needs a median of none, not {shown}: give it as a mixture "
                       "with 'constant 0' weighing more than half (a chance of a queue under a half)")  # fmt: skip
                raise ValueError(msg)
        return fact


@dataclass(frozen=True)
class Catalog:
    """Countries, places and crossings, with lookups that suggest close matches."""

    countries: dict[str, Country]
    places: dict[str, Place]
    crossings: dict[str, Crossing]
    legs: tuple[Leg, ...] = ()
    profiles: dict[str, Profile] = field(default_factory=dict)
    entry: dict[str, dict[str, Fact[Regime]]] = field(default_factory=dict)  # [country entered][passport]
    services: dict[str, Service] = field(default_factory=dict)  # passenger transport, by id
    uncertainty: Uncertainty | None = None

    @property
    def passports(self) -> list[str]:
        """The passports' countries (ISO codes) the entry regimes are given for, sorted."""
        return sorted({code for by_passport in self.entry.values() for code in by_passport})

    @property
    def processing_spread(self) -> float:
        """P90 / median around a processing time given as one number (1: none)."""
        return self.uncertainty.processing_spread.value if self.uncertainty is not None else 1.0

    def processing_spread_for(self, node: str) -> float:
        """P90 / median around a processing time given as one number at the post ``node`` (crossing/stage)."""
        if self.uncertainty is None:
            return 1.0
        own = self.uncertainty.processing_spread_at.get(node)
        return own.value if own is not None else self.uncertainty.processing_spread.value

    def uncertain(self, name: str, default: Any) -> Any:
        """The number ``name`` of data/uncertainty.yaml (``default`` when the data leaves it out)."""
        fact = getattr(self.uncertainty, name) if self.uncertainty is not None else None
        return fact.value if fact is not None else default

    def status_of(self, name: str) -> str:
        """How the number ``name`` of data/uncertainty.yaml is known (``sourced``, ``derived`` or ``assumed``; a
        number the data leaves out is assumed)."""
        fact = getattr(self.uncertainty, name) if self.uncertainty is not None else None
        return fact.claim.status.value if fact is not None else "assumed"

    @property
    def road_spread(self) -> float:
        """P90 / median around a road leg's time (1: none)."""
        return float(self.uncertain("road_spread", 1.0))

    @property
    def estimated_day_off(self) -> float:
        """The chance that a day off the calendar only estimates is one, in the Monte Carlo (1: always)."""
        return float(self.uncertain("estimated_day_off", 1.0))

    @property
    def opening_spread(self) -> float:
        """How far a post may open either side of its hours, in minutes (Monte Carlo; 0: on the dot)."""
        return float(self.uncertain("opening_spread", 0.0))

    @property
    def queue(self) -> float | Distribution:
        """Minutes queued in front of every post before processing (Monte Carlo; 0: none)."""
        found: float | Distribution = self.uncertain("queue_minutes", 0.0)
        return found

    @property
    def unknown_start_hours(self) -> float:
        """Hours after the traveller's night within which the backtest draws a start an account does not give."""
        return float(self.uncertain("unknown_start_hours", 0.0))

    def profile(self, mode: Mode) -> Profile | None:
        """The default day of travellers of ``mode`` (None: the data has no profiles)."""
        return next((p for p in self.profiles.values() if mode in p.modes), None)

    def place_id(self, text: str) -> str:
        """The id of the place ``text`` names: its id in any case, or any of its names in any script
        (``Bishkek``, ``Бишкек``, ``喀什``, ``tash rabat``)."""
        if text in self.places:
            return text
        wanted = _folded(text)
        for place_id, place in self.places.items():
            if _folded(place_id) == wanted or any(_folded(f.value) == wanted for f in place.names.values()):
                return place_id
        raise UnknownIdError(f"unknown place {text!r}" + suggest(text.lower(), list(self.places)))

    def crossing_id(self, text: str) -> str:
        """The id of the crossing ``text`` names: its id in any case, or any of its names."""
        if text in self.crossings:
            return text
        wanted = _folded(text)
        for crossing_id, crossing in self.crossings.items():
            if _folded(crossing_id) == wanted or any(_folded(f.value) == wanted for f in crossing.names.values()):
                return crossing_id
        raise UnknownIdError(f"unknown crossing {text!r}" + suggest(text.lower(), list(self.crossings)))

    def country_code(self, text: str) -> str:
        """The code of the country ``text`` names: its code in any case, or its name (``KG``, ``kyrgyzstan``)."""
        wanted = _folded(text)
        for code, country in self.countries.items():
            if _folded(code) == wanted or _folded(country.name) == wanted:
                return code
        names = [c.name for c in self.countries.values()]
        raise UnknownIdError(f"unknown country {text!r}" + suggest(text, [*self.countries, *names]))

    def place(self, place_id: str) -> Place:
        """The place ``place_id``."""
        if place_id not in self.places:
            raise UnknownIdError(f"unknown place {place_id!r}" + suggest(place_id, list(self.places)))
        return self.places[place_id]

    def crossing(self, crossing_id: str) -> Crossing:
        """The crossing ``crossing_id``."""
        if crossing_id not in self.crossings:
            raise UnknownIdError(f"unknown crossing {crossing_id!r}" + suggest(crossing_id, list(self.crossings)))
        return self.crossings[crossing_id]

    def stage(self, ref: str) -> tuple[Crossing, str, Stage]:
        """The stage named ``crossing/stage`` (e.g. ``torugart/gate``)."""
        crossing_id, sep, stage_id = ref.partition("/")
        if not sep or not stage_id:
            all_refs = [f"{c.id}/{s}" for c in self.crossings.values() for s in c.stages]
            raise UnknownIdError(f"stage {ref!r} must be CROSSING/STAGE, e.g. torugart/gate" + suggest(ref, all_refs))
        crossing = self.crossing(crossing_id)
        if stage_id not in crossing.stages:
            raise UnknownIdError(
                f"unknown stage {stage_id!r} of {crossing_id}" + suggest(stage_id, list(crossing.stages))
            )
        return crossing, stage_id, crossing.stages[stage_id]

    def node_place(self, node: str) -> Place | None:
        """The place of a node: the place itself, or a stage's place (else its crossing's border place)."""
        if "/" not in node:
            return self.places.get(node)
        crossing, _, stage = self.stage(node)
        return self.places.get(stage.place or crossing.border_place)

    def bed_place(self, place_id: str | None) -> Place | None:
        """Where a traveller stopping at ``place_id`` sleeps: the place itself when it has lodging, else
        the place it names as ``beds_nearby`` when that one has (None: nowhere)."""
        place = self.places.get(place_id) if place_id else None
        if place is None:
            return None
        if place.lodging is not None:
            return place
        near = self.places.get(place.beds_nearby.value) if place.beds_nearby else None
        return near if near is not None and near.lodging is not None else None

    def node_name(self, node: str) -> str:
        """A readable name of a node."""
        if "/" not in node:
            return self.place(node).name
        return self.stage(node)[2].name

    def clock_of(self, place_id: str) -> str:
        """The zone of the clock people at ``place_id`` officially use."""
        place = self.place(place_id)
        if place.clock is not None:
            return place.clock.value
        return self.countries[place.country].clock.value

    def day_clock_of(self, place_id: str) -> str | None:
        """The zone of the clock people at ``place_id`` keep their day by, when their country names one
        other than its official clock (None: the official one)."""
        day_clock = self.countries[self.place(place_id).country].day_clock
        return day_clock.value if day_clock is not None else None

    def country_clock(self, code: str) -> str:
        """The official clock of the country ``code``."""
        return self.countries[code].clock.value


def _folded(text: str) -> str:
    """``text`` for comparing names: case folded, spaces and hyphens alike, outer spaces gone."""
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


def check_references(catalog: Catalog) -> list[Problem]:
    """Every id a record names must exist: places, countries, stages, documents."""
    problems: list[Problem] = []
    countries = list(catalog.countries)
    calendars = countries + [f"{c}-{r}" for c, country in catalog.countries.items() for r in country.regions]
    places = list(catalog.places)

    def need(origin: str, loc: tuple[str | int, ...], value: str, known: list[str], what: str) -> None:
        if value not in known:
            problems.append(Problem(origin, loc, f"unknown {what} {value!r}" + suggest(value, known)))

    for place_id, place in catalog.places.items():
        need("places", ("places", place_id, "country"), place.country, countries, "country")
        if place.beds_nearby is not None:
            need("places", ("places", place_id, "beds_nearby"), place.beds_nearby.value, places, "place")

    for crossing in catalog.crossings.values():
        origin = crossing.id
        stage_ids = list(crossing.stages)
        doc_ids = list(crossing.documents)
        targets = stage_ids + places
        for i, code in enumerate(crossing.countries):
            need(origin, ("countries", i), code, countries, "country")
        need(origin, ("border_place",), crossing.border_place, places, "place")
        for stage_id, stage in crossing.stages.items():
            loc: tuple[str | int, ...] = ("stages", stage_id)
            if stage.place is not None:
                need(origin, (*loc, "place"), stage.place, places, "place")
            for i, code in enumerate(stage.staffed_by):
                need(origin, (*loc, "staffed_by", i), code, countries, "country")
            for which in ("weekends_of", "holidays_of"):
                for j, claim in enumerate(getattr(stage, which).root):
                    for i, code in enumerate(claim.value):
                        known = countries if which == "weekends_of" else calendars
                        need(origin, (*loc, which, j, "value", i), code, known, "country or region")
            for target in stage.distances_km:
                need(origin, (*loc, "distances_km", target), target, targets, "place or stage")
            for i, doc in enumerate(stage.checks):
                need(origin, (*loc, "checks", i), doc, doc_ids, "document")
        for i, direction in enumerate(crossing.directions):
            loc = ("directions", i)
            need(origin, (*loc, "from_country"), direction.from_country, crossing.countries, "country of this crossing")
            need(origin, (*loc, "to_country"), direction.to_country, crossing.countries, "country of this crossing")
            for j, stage_id in enumerate(direction.route):
                need(origin, (*loc, "route", j), stage_id, stage_ids, "stage")
        for i, notice in enumerate(crossing.notices):
            for j, stage_id in enumerate(notice.stages or []):
                need(origin, ("notices", i, "stages", j), stage_id, stage_ids, "stage")

    posts = [f"{c.id}/{s}" for c in catalog.crossings.values() for s in c.stages]
    nodes = places + posts
    if catalog.uncertainty is not None:
        for post in catalog.uncertainty.processing_spread_at:
            need("uncertainty", ("processing_spread_at", post), post, posts, "CROSSING/STAGE")
    joined: set[tuple[str, str]] = set()
    for i, leg in enumerate(catalog.legs):
        need("legs", ("legs", i, "start"), leg.start, nodes, "place or CROSSING/STAGE")
        need("legs", ("legs", i, "end"), leg.end, nodes, "place or CROSSING/STAGE")
        joined.add((leg.start, leg.end))
        if not leg.one_way:
            joined.add((leg.end, leg.start))
    for service_id, service in catalog.services.items():
        loc = ("services", service_id)
        need("transport", (*loc, "from"), service.from_, nodes, "place or CROSSING/STAGE")
        need("transport", (*loc, "to"), service.to, nodes, "place or CROSSING/STAGE")
        for i, crossing_id in enumerate(service.crossings):
            need("transport", (*loc, "crossings", i), crossing_id, list(catalog.crossings), "crossing")
    if catalog.legs:
        for crossing in catalog.crossings.values():
            for i, direction in enumerate(crossing.directions):
                missing: dict[tuple[str, str], list[str]] = {}
                for mode in Mode:
                    route = [s for s in direction.route if s in crossing.stages and crossing.stages[s].applies_to(mode)]
                    for a, b in zip(route, route[1:], strict=False):
                        pair = (f"{crossing.id}/{a}", f"{crossing.id}/{b}")
                        if pair not in joined:
                            missing.setdefault(pair, []).append(mode.value)
                for (a, b), modes in missing.items():
                    who = "every traveller" if len(modes) == len(Mode) else ", ".join(modes)
                    problems.append(
                        Problem(
                            crossing.id,
                            ("directions", i, "route"),
                            f"no leg from {a} to {b} in legs.yaml (needed by {who})",
                        )
                    )
    return problems
