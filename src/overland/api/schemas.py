"""What the HTTP API takes and gives: request bodies with their limits, and response shapes.

Responses are written straight to JSON (see :mod:`overland.api.routes`); these models
state their shape in ``/openapi.json``, and the tests check the two agree.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from overland.limits import (
    EARLIEST,
    LATEST,
    MAX_ID,
    MAX_ITEMS,
    MAX_PLAN_SAMPLES,
    MAX_SCAN_DAYS,
    MAX_SCAN_SAMPLES,
    MAX_SCAN_STEP_MINUTES,
    MIN_SCAN_STEP_MINUTES,
    TIME_RANGE,
)
from overland.model.crossing import Crossing, Mode
from overland.model.place import Place
from overland.planner.rhythm import parse_quiet
from overland.planner.trip import EventKind
from overland.timing.clocks import parse_time

FIRST_DAY = EARLIEST.date()
LAST_DAY = (LATEST - timedelta(days=1)).date()

IdText = Annotated[str, Field(min_length=1, max_length=MAX_ID)]
# ISO 8601 as the API takes it: date, 'T', hours and minutes, optional seconds, optional offset.
TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?$"
# In a query string an unescaped '+' arrives as a space: take that too.
QUERY_TIME_PATTERN = TIME_PATTERN.replace("[+-]", "[+ -]")
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def valid_time(text: str) -> str:
    """``text`` when it is a time of the calendar in the range the calendars cover (a time given
    without its offset is checked as if in UTC: its clock comes separately)."""
    parse_time(text, clock="UTC")  # an InputError is a ValueError: pydantic reports it as invalid
    return text


class TravellerOptions(BaseModel):
    """The traveller's day and passport, as ``overland plan``'s options: the same defaults
    (``data/travellers.yaml``) and the same answers."""

    quiet_hours: str | None = Field(
        default=None, max_length=MAX_ID,
        description=("Hours you do not travel, HH:MM-HH:MM, counted in the clock people keep their day by "
                     "(Xinjiang time in China); 'none': any hour. Default: the data's (22:00-05:00)."),
        examples=["22:00-05:00"],
    )  # fmt: skip
    max_drive_hours: float | Literal["none"] | None = Field(
        default=None, description="Hours at the wheel a day at most (a number, or 'none'). Default: the data's (9)."
    )
    dark_roads: bool | None = Field(
        default=None, description="true: drive the mountain roads the data warns about after dark too."
    )
    nationality: str | None = Field(
        default=None, pattern=r"^[A-Za-z]{2}$",
        description="Your passport's country (ISO 3166 alpha-2, e.g. DE): the plan says what entry needs on it.",
    )  # fmt: skip
    avoid: list[IdText] = Field(default=[], max_length=MAX_ITEMS, description="Crossings not to use, e.g. torugart.")
    avoid_visa: bool = Field(default=False, description="true: only ways through countries you need no visa for.")

    @field_validator("quiet_hours", mode="after")
    @classmethod
    def _quiet_hours_read(cls, text: str | None) -> str | None:
        parse_quiet(text)  # the planner's reading, as for `overland plan --quiet-hours`: an InputError is a ValueError
        return text

    @field_validator("max_drive_hours", mode="after")
    @classmethod
    def _hours_in_a_day(cls, hours: float | str | None) -> float | str | None:
        if isinstance(hours, float | int) and not 0 < hours <= 24:
            msg = "hours at the wheel a day: more than 0 and at most 24, or 'none'"
            raise ValueError(msg)
        return hours

    def traveller_options(self) -> dict[str, Any]:
        """The options as the service's keyword arguments."""
        return {"quiet_hours": self.quiet_hours, "max_drive_hours": self.max_drive_hours,
                "dark_roads": self.dark_roads, "nationality": self.nationality, "avoid": list(self.avoid),
                "avoid_visa": self.avoid_visa}  # fmt: skip


class TripRequest(TravellerOptions):
    """Who goes where and when: the body of ``POST /api/compare`` (and the base of a plan)."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True,
        json_schema_extra={"examples": [{"from": "naryn", "to": "kashgar", "depart": "2026-11-27T07:00+06:00"}]},
    )  # fmt: skip

    origin: IdText = Field(alias="from", description="Place id to leave from (see GET /api/places), e.g. naryn.")
    destination: IdText = Field(alias="to", description="Place id to reach, e.g. kashgar.")
    depart: str = Field(
        pattern=TIME_PATTERN,
        description=(
            "Departure, ISO 8601, " + TIME_RANGE + ". With its UTC offset (2026-11-27T07:00+06:00), "
            "or without one and with `clock` saying whose clock it is in."
        ),
        examples=["2026-11-27T07:00+06:00"],
    )
    clock: str | None = Field(
        default=None, max_length=MAX_ID, pattern=r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$",
        description="IANA zone of a departure given without offset, e.g. Asia/Bishkek; ignored when it has one.",
    )  # fmt: skip
    vehicle: Literal["own", "none"] = Field(
        default="own", description="own: your own car; none: a passenger (used when `mode` is not given)."
    )
    mode: Mode | None = Field(default=None, description="How you travel; overrides `vehicle`.")

    @field_validator("depart", mode="after")
    @classmethod
    def _a_time_in_range(cls, text: str) -> str:
        return valid_time(text)

    def travel_mode(self) -> str:
        """The mode the planner uses."""
        if self.mode is not None:
            return self.mode.value
        return "own-car" if self.vehicle == "own" else "passenger"


class PlanRequest(TripRequest):
    """The body of ``POST /api/plan`` and of the plan exports."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [
            {"from": "naryn", "to": "kashgar", "depart": "2026-11-27T07:00+06:00", "via": "torugart"},
            {"from": "naryn", "to": "kashgar", "depart": "2026-11-27T07:00", "clock": "Asia/Bishkek",
             "mode": "passenger", "documents": ["passport", "chinese-visa"], "carrying": ["drone"]},
        ]},
    )  # fmt: skip

    via: IdText | None = Field(
        default=None, description="Crossing to use, e.g. torugart (default: the earliest arrival)."
    )
    documents: list[IdText] | None = Field(
        default=None, max_length=MAX_ITEMS,
        description="Document ids you hold (see GET /api/crossings/{id}); null: every document the route asks for.",
    )  # fmt: skip
    carrying: list[IdText] = Field(default=[], max_length=MAX_ITEMS, description="Items you carry, e.g. drone.")
    samples: int = Field(
        default=0, ge=0, le=MAX_PLAN_SAMPLES, strict=True,
        description=f"Monte Carlo samples of the times (0: none; at most {MAX_PLAN_SAMPLES:,}); adds `distribution`.",
    )  # fmt: skip
    seed: int = Field(
        default=0, ge=0, le=2**32 - 1, strict=True, description="Seed of the samples: the same seed, the same figures."
    )


class WhenRequest(TravellerOptions):
    """The body of ``POST /api/when``: a span of departures to sample."""

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True,
        json_schema_extra={"examples": [{
            "from": "tash-rabat", "to": "kashgar", "mode": "passenger", "start": "2026-11-25T04:00+06:00",
            "end": "2026-11-25T09:00+06:00", "every_minutes": 60, "samples": 1000,
            "arrive_by": "2026-11-25T23:00+08:00",
        }]},
    )  # fmt: skip

    origin: IdText = Field(alias="from", description="Place id to leave from, e.g. tash-rabat.")
    destination: IdText = Field(alias="to", description="Place id to reach, e.g. kashgar.")
    start: str = Field(pattern=TIME_PATTERN, description="First departure, ISO 8601 (offset, or `clock`).")
    end: str = Field(pattern=TIME_PATTERN, description=f"Last departure, at most {MAX_SCAN_DAYS} days after the first.")
    clock: str | None = Field(
        default=None, max_length=MAX_ID, pattern=r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$",
        description="IANA zone of times given without offset, e.g. Asia/Bishkek.",
    )  # fmt: skip
    every_minutes: int = Field(
        default=30,
        ge=MIN_SCAN_STEP_MINUTES,
        le=MAX_SCAN_STEP_MINUTES,
        strict=True,
        description="Minutes between departures.",
    )
    samples: int = Field(
        default=1000, ge=1, le=MAX_SCAN_SAMPLES, strict=True,
        description="Samples per departure (departures × samples: at most the server's scan budget, see the API's description).",
    )  # fmt: skip
    seed: int = Field(default=0, ge=0, le=2**32 - 1, strict=True)
    confidence: float = Field(
        default=0.9, gt=0, lt=1, strict=True, description="The quantile shown and the chance a target needs."
    )
    arrive_by: str | None = Field(
        default=None, pattern=TIME_PATTERN, description="Target arrival (offset, or `clock`)."
    )
    via: IdText | None = None
    mode: Mode = Mode.own_car
    documents: list[IdText] | None = Field(default=None, max_length=MAX_ITEMS)
    carrying: list[IdText] = Field(default=[], max_length=MAX_ITEMS)

    @field_validator("start", "end", "arrive_by", mode="after")
    @classmethod
    def _a_time_in_range(cls, text: str | None) -> str | None:
        return valid_time(text) if text is not None else None


# Responses ----------------------------------------------------------------------------------


class PlaceOut(Place):
    """A place with every claim about it, and the zone of its clock."""

    clock_zone: str


class CrossingRow(BaseModel):
    id: str
    name: str
    kind: str
    countries: list[str]
    border_place: str
    directions: dict[str, list[str]] = Field(description="Direction id → its stage ids in order.")


class StageHours(BaseModel):
    stage: str
    clock: str = Field(description="The stage's own clock.")
    hours: str = Field(description="Weekly hours, OSM opening_hours syntax, in the stage's clock.")
    on_day: str = Field(description="The hours on the reference day, in the stage's clock.")
    in_from_clock: str = Field(description="The same hours in the clock of the country you come from.")


class DirectionHours(BaseModel):
    direction: str
    from_clock: str
    day: date = Field(description="The reference day: the first Wednesday on or after the day asked for.")
    stages: list[StageHours]


class CrossingOut(Crossing):
    """A crossing's fact sheet: every claim with its source, and the hours of each direction."""

    hours_by_direction: list[DirectionHours]


class Window(BaseModel):
    start: datetime
    end: datetime


class Closure(BaseModel):
    date: date
    reason: str


class ScheduleOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    stage: str
    clock: str
    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")
    windows: list[Window]
    closures: list[Closure]


class EventOut(BaseModel):
    """One step, in the clock where it happens and in the home clock."""

    kind: EventKind
    place: str | None
    stage: str | None
    name: str = Field(description="The readable name of the stage or place.")
    start: datetime = Field(description="In the local clock where it happens.")
    end: datetime
    clock: str = Field(description="IANA zone of the local clock.")
    clock_name: str = Field(description="What people call it (Beijing time).")
    start_home: datetime = Field(description="The start in the home clock.")
    end_home: datetime
    note: str
    km: float | None = None
    to: str | None = None
    service: str | None = Field(default=None, description="A ride: the service's id in data/transport.yaml.")


class BreakOut(BaseModel):
    after_hours: float = Field(description="Hours at the wheel before the break.")
    minutes: float


class DayOut(BaseModel):
    """The traveller's day the plan keeps (the options of the request, or the data's defaults)."""

    quiet_hours: str | None = Field(description="HH:MM-HH:MM spent in a bed each day (null: any hour).")
    counted_in: list[str] = Field(
        description="The clocks the quiet hours are counted in where people keep their day by another than the "
        "official one (Asia/Urumqi: Xinjiang time); elsewhere the local clock."
    )
    dark_roads: bool = Field(description="True: the mountain roads the data warns about are driven after dark too.")
    max_drive_hours: float | None = Field(description="Hours at the wheel a day at most (null: no cap).")
    break_: BreakOut | None = Field(alias="break", description="A driver's break (trucks), or null.")
    text: str = Field(description="The same in words.")


class BlockerOut(BaseModel):
    stage: str
    name: str
    reason: str
    source: str


class AdviceOut(BaseModel):
    stage: str
    name: str
    kind: str
    text: str
    source: str
    note: str | None = None


class RoutePoint(BaseModel):
    node: str = Field(description="Place id or CROSSING/STAGE.")
    name: str
    lat: float
    lon: float
    time: datetime


class ObservationOut(BaseModel):
    """A stage whose processing time the plan learned from crossing reports (see /api/observed)."""

    stage: str
    mode: Mode
    reports: int
    first: date
    last: date
    observed_share: float = Field(description="The reports' share of the blend's weight.")
    prior_p50_minutes: float = Field(description="The data's median.")
    p50_minutes: float = Field(description="The blend's median, which the plan uses.")
    half_life_days: float
    prior_weight: float = Field(description="How many reports the data's distribution counts as.")


class QuantilesOut(BaseModel):
    p10: float | None
    p50: float | None
    p90: float | None


class ArrivalQuantilesOut(BaseModel):
    p10: datetime | None
    p50: datetime | None
    p90: datetime | None


class StageWaitOut(BaseModel):
    stage: str
    p_wait: float = Field(description="Share of samples that wait at all.")
    wait_hours: QuantilesOut
    reached: ArrivalQuantilesOut = Field(
        description="When the samples reach the post, in its clock (null: beyond the horizon)."
    )
    left: ArrivalQuantilesOut = Field(
        description="When they leave it (a held vehicle's post: after its clearance), in its clock."
    )


class InputOut(BaseModel):
    stage: str
    what: str
    distribution: str
    status: str


class DistributionOut(BaseModel):
    """The Monte Carlo view of a plan (``overland plan --samples``)."""

    samples: int
    seed: int
    arrive: ArrivalQuantilesOut = Field(description="Null quantiles: beyond the 60-day horizon.")
    door_to_door_hours: QuantilesOut
    p_gate_same_day: float | None = Field(description="Through the gate on the day the plan passes it (null: no gate).")
    p_held_over_closed_day: float
    p_arrive_after_dark: float
    p_no_opening: float
    stages: list[StageWaitOut]
    inputs: list[InputOut]


class DepartureOut(BaseModel):
    depart: datetime
    via: str | None
    arrive_p50: datetime | None
    arrive_at_confidence: datetime | None
    hours_p50: float | None
    hours_at_confidence: float | None
    p_meet: float | None = Field(description="Chance of arriving by the target (null without one).")
    blocked: str | None


class WhenOut(BaseModel):
    """Every departure of the span, the best ones and the latest that meets the target."""

    model_config = ConfigDict(populate_by_name=True)

    origin: str = Field(alias="from")
    destination: str = Field(alias="to")
    mode: Mode
    clock: str
    samples: int
    seed: int
    every_minutes: int
    confidence: float
    arrive_by: datetime | None
    best: list[DepartureOut]
    latest_meeting: DepartureOut | None
    departures: list[DepartureOut]


class CautionOut(BaseModel):
    """Something about the request itself: a departure in the past, a carried item the data does not know."""

    model_config = ConfigDict(extra="allow")

    kind: Literal["departure-in-the-past", "unknown-item"]
    text: str = Field(description="In English; the same text is among the plan's warnings.")
    depart: datetime | None = Field(default=None, description="departure-in-the-past: the departure.")
    now: datetime | None = Field(default=None, description="departure-in-the-past: the present, in its clock.")
    item: str | None = Field(default=None, description="unknown-item: the item, as the data would name it.")
    known: list[str] | None = Field(default=None, description="unknown-item: the items some post rules on.")
    suggestion: str | None = Field(default=None, description="unknown-item: the closest known item, if any.")


class PlanOut(BaseModel):
    """A door-to-door plan: the fields of ``overland plan --format json`` and what a map and timeline need."""

    model_config = ConfigDict(populate_by_name=True)

    origin: str = Field(alias="from")
    destination: str = Field(alias="to")
    via: str | None
    direction: str | None
    mode: Mode
    day: DayOut
    depart: datetime
    arrive: datetime | None = Field(description="Null when a stage turns the traveller back.")
    complete: bool = Field(description="True when nothing stops the journey.")
    home_clock: str
    home_clock_name: str
    nights: int
    waiting_hours: float
    events: list[EventOut]
    warnings: list[str]
    cautions: list[CautionOut] = Field(
        default=[], description="About the request itself (also among the warnings): for a page to word them."
    )
    blockers: list[BlockerOut]
    advice: list[AdviceOut]
    route: list[RoutePoint] = Field(description="The places and checkpoints reached, in order (for a map).")
    observations: list[ObservationOut] = Field(default=[], description="Stages whose times came from reports.")
    distribution: DistributionOut | None = Field(default=None, description="With `samples`: the Monte Carlo view.")


class CompareOption(BaseModel):
    via: str | None
    direction: str | None
    arrive: datetime | None
    hours: float | None
    nights: int
    waiting_hours: float
    blockers: list[str]


class CompareOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    origin: str = Field(alias="from")
    destination: str = Field(alias="to")
    depart: datetime
    options: list[CompareOption]
