"""Observed crossings: dated, timed accounts of real crossings, to hold the planner against.

One entry of ``data/observations/*.yaml`` (see the README there): who crossed, when and how,
where they set off, and every clock time (``timed``) or stated span (``durations``) the
account gives, each with the verbatim quote it comes from and the clock it is in. Nothing is
filled in that the account does not say. Pure: times are read with
:func:`overland.timing.clocks.parse_time`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from overland.model.catalog import Catalog, Problem, suggest
from overland.model.crossing import Mode
from overland.model.place import Id, Zone
from overland.model.provenance import Strict
from overland.timing.clocks import parse_time

HHMM = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Certainty(StrEnum):
    """How sure the reading of a clock is."""

    stated = "stated"  # the account names the clock
    likely = "likely"  # the local clock, not said
    unsure = "unsure"  # the account may mean another clock (the note says why)


class DateCertainty(StrEnum):
    stated = "stated"
    inferred = "inferred"  # the note says how


class Outcome(StrEnum):
    crossed = "crossed"
    turned_back = "turned-back"
    held_overnight = "held-overnight"
    unknown = "unknown"


class Event(StrEnum):
    reached = "reached"
    left = "left"


class Part(StrEnum):
    """Which part of the time at the posts a stated span is."""

    stay = "stay"  # from reaching the first post named to leaving the last
    wait = "wait"  # in front of the first post named, before being dealt with (closed, lunch, a late guide)
    processing = "processing"  # being dealt with: from the first post's start to leaving the last
    part = "part"  # some other part of the stay (held between two steps of one post): not predicted


class ClockTime(Strict):
    """A clock time of the account: ``time`` on the ``day``-th day after the observation's date, in ``clock``."""

    time: HHMM
    day: int = Field(default=0, ge=0, le=7)
    clock: Zone
    clock_certainty: Certainty

    def at(self, on: date) -> datetime:
        """The time as an aware moment, the observation's date being ``on``."""
        return parse_time(f"{(on + timedelta(days=self.day)).isoformat()}T{self.time}", clock=self.clock)


class Start(ClockTime):
    """Where and when the traveller set off that day."""

    place: Id


class Timed(ClockTime):
    """A clock time at a post (``stage``), somewhere the account names (``where``) or in a town (``place``)."""

    event: Event
    stage: Id | None = None
    where: str | None = None
    place: Id | None = None
    quote: str

    @model_validator(mode="after")
    def _one_location(self) -> Timed:
        given = [name for name in ("stage", "where", "place") if getattr(self, name) is not None]
        if self.stage is not None and self.place is not None:
            msg = "give a 'stage' or a 'place', not both"
            raise ValueError(msg)
        if not given:
            msg = "say where: a 'stage' id, a 'place' id, or 'stage: null' with 'where:' in the account's words"
            raise ValueError(msg)
        return self


class Duration(Strict):
    """A span the account states without clock times, with the posts it covers (``[]``: unclear)."""

    what: str
    stages: list[Id]
    minutes: float = Field(gt=0)
    quote: str
    part: Part = Part.stay


class ObservedCrossing(Strict):
    """One dated account of a crossing (see ``data/observations/README.md``)."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]+-\d{4}-\d{2}-\d{2}-[a-z0-9-]+$")]
    crossing: Id
    direction: Id
    mode: Mode
    date: date
    date_certainty: DateCertainty
    weekday_stated: str | None = None
    source: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
    quotes: list[str] = Field(min_length=1)
    start: Start | None = None
    timed: list[Timed] = []
    durations: list[Duration] = []
    outcome: Outcome
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ObservedCrossing:
        prefix = f"{self.crossing}-{self.date.isoformat()}-"
        if not self.id.startswith(prefix):
            msg = f"id {self.id!r} must start with {prefix!r} (crossing and date)"
            raise ValueError(msg)
        if self.weekday_stated is not None and self.weekday_stated not in WEEKDAYS:
            msg = f"weekday_stated {self.weekday_stated!r}: one of {', '.join(WEEKDAYS)}"
            raise ValueError(msg)
        if self.weekday_stated is not None and WEEKDAYS[self.date.weekday()] != self.weekday_stated:
            msg = f"{self.date.isoformat()} is a {WEEKDAYS[self.date.weekday()]}, not a {self.weekday_stated}"
            raise ValueError(msg)
        for quote in [t.quote for t in self.timed] + [d.quote for d in self.durations]:
            if quote not in self.quotes:
                msg = f"the quote {quote[:40]!r}... is not among the entry's quotes: copy it there word for word"
                raise ValueError(msg)
        return self

    @property
    def scorable(self) -> bool:
        """True when the account gives something a plan predicts: a clock time at a post or in a town, or
        a span at named posts."""
        return any(t.stage is not None or t.place is not None for t in self.timed) or any(
            d.stages for d in self.durations
        )


class ObservationsFile(Strict):
    """A file of observed crossings."""

    observations: list[ObservedCrossing]


def check_observations(catalog: Catalog, origin: str, observations: list[ObservedCrossing]) -> list[Problem]:
    """Every crossing, direction, stage and place an observation names must exist in ``catalog``."""
    problems: list[Problem] = []
    places = list(catalog.places)
    crossings = list(catalog.crossings)
    for i, obs in enumerate(observations):
        loc: tuple[str | int, ...] = ("observations", i)
        crossing = catalog.crossings.get(obs.crossing)
        if crossing is None:
            problems.append(
                Problem(
                    origin, (*loc, "crossing"), f"unknown crossing {obs.crossing!r}" + suggest(obs.crossing, crossings)
                )
            )
            continue
        directions = [d.id for d in crossing.directions]
        if obs.direction not in directions:
            problems.append(
                Problem(
                    origin,
                    (*loc, "direction"),
                    f"unknown direction {obs.direction!r} of {obs.crossing}: one of {', '.join(directions)}",
                )
            )
        stages = list(crossing.stages)

        def need(where: tuple[str | int, ...], value: str | None, known: list[str], what: str) -> None:
            if value is not None and value not in known:
                problems.append(Problem(origin, where, f"unknown {what} {value!r}" + suggest(value, known)))

        if obs.start is not None:
            need((*loc, "start", "place"), obs.start.place, places, "place")
        for j, timed in enumerate(obs.timed):
            need((*loc, "timed", j, "stage"), timed.stage, stages, f"stage of {obs.crossing}")
            need((*loc, "timed", j, "place"), timed.place, places, "place")
        for j, span in enumerate(obs.durations):
            for k, stage in enumerate(span.stages):
                need((*loc, "durations", j, "stages", k), stage, stages, f"stage of {obs.crossing}")
    return problems
