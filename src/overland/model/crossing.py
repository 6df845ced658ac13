"""Crossings: stages in order per direction, their clocks, hours, documents and rules."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    AwareDatetime,
    Field,
    StringConstraints,
    model_validator,
)

from overland.errors import InputError
from overland.model.distributions import Minutes
from overland.model.place import CalendarCode, CountryCode, Id, Zone
from overland.model.provenance import Fact, Provenance, Strict
from overland.timing.clocks import BEIJING, XINJIANG_ZONES
from overland.timing.hours import check_hours_text

HoursText = Annotated[str, AfterValidator(check_hours_text)]


class Mode(StrEnum):
    """How a traveller moves through a crossing."""

    own_car = "own-car"
    motorbike = "motorbike"
    truck = "truck"
    passenger = "passenger"  # in pre-arranged or public transport
    foot = "foot"

    @classmethod
    def parse(cls, text: str | Mode) -> Mode:
        """The mode called ``text``, or an :class:`~overland.errors.InputError` listing the modes."""
        if isinstance(text, Mode):
            return text
        try:
            return cls(text)
        except ValueError:
            msg = f"unknown mode {text!r}: one of {', '.join(m.value for m in cls)}"
            raise InputError(msg) from None


class StageKind(StrEnum):
    checkpoint = "checkpoint"  # document check on the road
    gate = "gate"  # the border line itself
    inspection = "inspection"  # vehicle / luggage search
    immigration = "immigration"  # passport stamped
    customs = "customs"
    immigration_customs = "immigration-customs"
    traffic_office = "traffic-office"  # plates and licences


class RuleKind(StrEnum):
    vehicle_held_overnight = "vehicle-held-overnight"
    transfer_to_sleep = "transfer-to-sleep"
    no_accommodation = "no-accommodation"
    next_working_day = "next-working-day"
    pre_arranged_transport = "pre-arranged-transport"
    vehicle_entry_documents = "vehicle-entry-documents"
    forbidden_item = "forbidden-item"
    no_photography = "no-photography"
    medical_exam = "medical-exam"
    technical_check = "technical-check"
    processing_time = "processing-time"
    advice = "advice"


class Rule(Provenance):
    """Something a stage does or demands, in words and as a kind the planner understands.

    ``modes`` limits the rule to some ways of travelling (all when left out), and
    ``directions`` to some directions of the crossing (ids, e.g. ``kg-cn``; all when left
    out); ``item`` names the thing a ``forbidden-item`` rule forbids; ``resume_at`` is the
    local time (stage clock, ``HH:MM``) at which a ``vehicle-held-overnight`` stage
    takes the traveller back the next morning.
    """

    kind: RuleKind
    text: str
    modes: list[Mode] | None = None
    directions: list[Id] | None = None
    item: str | None = None
    resume_at: Fact[Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]] | None = None

    def applies_to(self, mode: Mode, direction: str | None = None) -> bool:
        """True when the rule concerns travellers of ``mode`` going in ``direction`` (None: any)."""
        return (self.modes is None or mode in self.modes) and (
            self.directions is None or direction is None or direction in self.directions
        )

    @model_validator(mode="after")
    def _item_for_forbidden(self) -> Rule:
        if self.kind is RuleKind.forbidden_item and not self.item:
            msg = "a 'forbidden-item' rule needs 'item' (e.g. drone)"
            raise ValueError(msg)
        if self.kind is RuleKind.vehicle_held_overnight and self.resume_at is None:
            msg = "a 'vehicle-held-overnight' rule needs 'resume_at' (HH:MM in the stage's clock), sourced or assumed"
            raise ValueError(msg)
        return self


class Document(Provenance):
    """A paper a stage checks. ``modes`` says who needs it (all when left out), ``directions``
    in which directions of the crossing (all when left out); ``lead_days`` how many days ahead
    to arrange it (a claim: sourced or assumed); ``visa_for`` the country a visa is for (a
    traveller whose passport enters it without a visa, data/entry-regimes.yaml, needs none)."""

    name: str
    text: str | None = None
    modes: list[Mode] | None = None
    directions: list[Id] | None = None
    lead_days: Fact[Annotated[float, Field(ge=0, le=365)]] | None = None
    visa_for: CountryCode | None = None  # a visa of this country: not needed where the passport enters without

    def applies_to(self, mode: Mode, direction: str | None = None) -> bool:
        """True when travellers of ``mode`` going in ``direction`` (None: any) need this document."""
        return (self.modes is None or mode in self.modes) and (
            self.directions is None or direction is None or direction in self.directions
        )


MinutesValue = Annotated[float, Field(ge=0)] | Minutes
"""A number of minutes, or a distribution of minutes."""


class OpeningDelay(Strict):
    """How late a stage really opens, beyond its stated hours: a delay in minutes per opening.

    ``opens_at`` (``HH:MM`` in the stage's clock) names the openings it delays, for
    example the afternoon opening at 14:00; left out, it delays every opening. Each
    opening draws its own delay; a delay longer than the opening closes it.
    """

    text: str
    opens_at: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] | None = None
    minutes: Fact[MinutesValue]


class Stage(Strict):
    """One post on the way through: its clock, weekly hours and what closes it.

    ``hours`` is in OSM opening_hours syntax, read in ``clock``. The countries in
    ``weekends_of`` and ``holidays_of`` close the stage on their weekends (make-up
    working days excepted) and public holidays; a stage staffed by two countries
    lists both, so it opens only when both sides work. ``holidays_of`` may also name a
    region with days off of its own (``CN-XJ``: Xinjiang's festivals). ``distances_km`` maps a
    place or another stage of the crossing to its distance from this stage.
    ``modes`` limits the stage to some ways of travelling (a traffic office serves
    own vehicles only). ``processing_minutes`` maps a mode, or ``all``, to the time
    the stage takes once open (minutes, or a distribution of minutes: a deterministic
    plan uses its median); a key ``DIRECTION/MODE`` (``cn-kg/own-car``, ``cn-kg/all``)
    holds the time in one direction only. ``opening_delays`` say how late it opens in
    practice. ``names_by_direction`` names the stage as travellers going one way see it
    (an exit stamp where the others get an entry stamp).
    """

    name: str
    names_by_direction: dict[Id, str] = {}
    kind: StageKind
    staffed_by: list[CountryCode] = Field(min_length=1)
    modes: list[Mode] | None = None
    processing_minutes: dict[
        Annotated[
            str,
            StringConstraints(pattern=r"^([a-z0-9]+(-[a-z0-9]+)*/)?(all|own-car|motorbike|truck|passenger|foot)$"),
        ],
        Fact[MinutesValue],
    ] = {}
    opening_delays: list[OpeningDelay] = []
    place: Id | None = None
    distances_km: dict[Id, Fact[Annotated[float, Field(ge=0)]]] = {}
    clock: Fact[Zone]
    hours: Fact[HoursText]
    weekends_of: Fact[list[CountryCode]]
    holidays_of: Fact[list[CalendarCode]]
    checks: list[Id] = []
    rules: list[Rule] = []
    note: str | None = None

    def applies_to(self, mode: Mode) -> bool:
        """True when travellers of ``mode`` pass this stage."""
        return self.modes is None or mode in self.modes

    def processing_for(self, mode: Mode, direction: str | None = None) -> Fact[MinutesValue] | None:
        """The processing time for ``mode`` going in ``direction``: the direction's own entry for the mode,
        else for ``all``, else the mode's, else ``all``; None when unknown."""
        times = self.processing_minutes
        if direction is not None:
            found = times.get(f"{direction}/{mode.value}") or times.get(f"{direction}/all")
            if found is not None:
                return found
        return times.get(mode.value) or times.get("all")

    def name_for(self, direction: str | None) -> str:
        """The stage's name as travellers going in ``direction`` see it."""
        return self.names_by_direction.get(direction, self.name) if direction is not None else self.name

    @model_validator(mode="after")
    def _one_delay_per_opening(self) -> Stage:
        times = [d.opens_at for d in self.opening_delays]
        if len(set(times)) != len(times) or (None in times and len(times) > 1):
            msg = "opening_delays: at most one delay per opening time (and one without opens_at delays them all)"
            raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _chinese_posts_keep_beijing_time(self) -> Stage:
        if "CN" in self.staffed_by:  # a post China staffs, alone or with a neighbour (the Torugart gate)
            bad = [c.value for c in self.clock.root if c.value != BEIJING]
            if bad:
                msg = (
                    f"clock {bad[0]!r}: Chinese posts keep Beijing time, {BEIJING} "
                    f"({' and '.join(XINJIANG_ZONES)} are UTC+6 Xinjiang time)"
                )
                raise ValueError(msg)
        return self


class Direction(Provenance):
    """The order of stages when crossing from one country to the other."""

    id: Id
    from_country: CountryCode
    to_country: CountryCode
    route: list[Id] = Field(min_length=1)


class Interval(Strict):
    """A span of time; both ends carry their UTC offset."""

    start: AwareDatetime
    end: AwareDatetime

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.end <= self.start:
            msg = f"end {self.end.isoformat()} is not after start {self.start.isoformat()}"
            raise ValueError(msg)
        return self


class Traffic(StrEnum):
    """Whom a closure notice concerns."""

    passengers = "passengers"
    vehicles = "vehicles"
    goods = "goods"


class Notice(Strict):
    """A dated announcement closing stages; it overrides the calendar.

    ``stages`` lists the stage ids it closes; left out, it closes them all.
    ``concerns`` lists whom it closes the stages to (passengers, vehicles, goods);
    left out, everyone. ``closed`` holds the announced span(s) — several when
    notices were revised.
    """

    id: Id
    title: str
    stages: list[Id] | None = None
    concerns: list[Traffic] | None = None
    closed: Fact[Interval]
    note: str | None = None


class Figure(Strict):
    """A number about the crossing (capacity, traffic), with its unit."""

    label: str
    unit: str
    value: Fact[float]


class Crossing(Strict):
    """A border crossing: stages, directions, documents, notices and figures."""

    id: Id
    names: dict[str, Fact[str]]
    kind: str = Field(pattern=r"^(road|rail)$")
    countries: list[CountryCode] = Field(min_length=2, max_length=2)
    border_place: Id
    summary: str
    stages: dict[Id, Stage]
    directions: list[Direction] = Field(min_length=1)
    documents: dict[Id, Document] = {}
    notices: list[Notice] = []
    figures: dict[Id, Figure] = {}
    rules: list[Rule] = []

    @property
    def name(self) -> str:
        """The English name."""
        return self.names["en"].value

    def direction(self, from_country: str) -> Direction | None:
        """The direction that starts in ``from_country``."""
        return next((d for d in self.directions if d.from_country == from_country), None)
