"""Passenger transport: the buses, minibuses, shared taxis and border-zone vehicles a passenger takes
(data/transport.yaml).

A :class:`Service` runs from one node (a place id or ``CROSSING/STAGE``) to another, through the
crossings it names. Its departures are a timetable (times on days, in the service's clock) or
"leaves when full" between a first and a last time; its duration and price are facts like any
other, each claim with its source and the year the source shows (prices age fast).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from overland.model.distributions import Minutes
from overland.model.leg import Node
from overland.model.place import Id, Zone
from overland.model.provenance import Fact, Strict

HHMM = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")  # Monday first, as Python's weekday()
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY = "(Mo|Tu|We|Th|Fr|Sa|Su)"
DaysText = Annotated[str, StringConstraints(pattern=rf"^(daily|{_DAY}(-{_DAY})?(,{_DAY}(-{_DAY})?)*)$")]
ServiceKind = Literal["bus", "minibus", "shared-taxi", "taxi", "jeep", "truck", "shuttle"]
KIND_WORDS: dict[str, str] = {
    "bus": "bus", "minibus": "minibus", "shared-taxi": "shared taxi", "taxi": "taxi", "jeep": "jeep",
    "truck": "truck", "shuttle": "shuttle",
}  # fmt: skip


def weekdays(days: str) -> tuple[int, ...]:
    """The weekdays (Monday 0) of ``daily`` or OSM days such as ``Mo,Th`` or ``Mo-Fr``."""
    if days == "daily":
        return tuple(range(7))
    found: set[int] = set()
    for part in days.split(","):
        first, _, last = part.partition("-")
        a, b = DAYS.index(first), DAYS.index(last or first)
        found.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
    return tuple(sorted(found))


def minutes_of(hhmm: str) -> int:
    """``"07:30"`` as minutes after midnight."""
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


class Departures(Strict):
    """When a service leaves, in the clock ``clock``: on ``days`` (``daily`` or OSM days, ``Mo,Th``,
    ``Mo-Fr``), at the listed ``times`` (a timetable), or whenever it is full (``when_full``) between
    ``first`` and ``last`` (either may be left out: from the start, or to the end, of the day).
    Neither times nor ``when_full``: the source gives the days only (it runs on those days, at a
    time it does not say)."""

    days: DaysText
    times: list[HHMM] | None = Field(default=None, min_length=1)
    when_full: bool = False
    first: HHMM | None = None
    last: HHMM | None = None
    clock: Zone

    @model_validator(mode="after")
    def _one_way_of_leaving(self) -> Departures:
        if self.times is not None and self.when_full:
            msg = "give either 'times' (a timetable) or 'when_full: true', not both"
            raise ValueError(msg)
        if (self.first is not None or self.last is not None) and not self.when_full:
            msg = "'first' and 'last' bound a service that leaves when full: add 'when_full: true'"
            raise ValueError(msg)
        if self.first is not None and self.last is not None and minutes_of(self.last) < minutes_of(self.first):
            msg = f"last {self.last} is before first {self.first}"
            raise ValueError(msg)
        return self

    @property
    def timetabled(self) -> bool:
        """True when the service keeps a timetable (listed times)."""
        return self.times is not None

    def describe_days(self) -> str:
        """``daily``, ``Mon and Thu``, ``Mon-Fri``."""
        if self.days == "daily":
            return "daily"
        days = weekdays(self.days)
        if len(days) == 7:
            return "daily"
        spans: list[list[int]] = []
        for day in days:
            if spans and day == spans[-1][1] + 1:
                spans[-1][1] = day
            else:
                spans.append([day, day])
        words: list[str] = []
        for a, b in spans:
            if b - a >= 2:
                words.append(f"{_DAY_NAMES[a]}-{_DAY_NAMES[b]}")
            else:
                words.extend(_DAY_NAMES[d] for d in range(a, b + 1))
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class Price(Strict):
    """A fare as the source gives it: ``amount`` of ``currency`` (ISO 4217) per seat, vehicle, person or bag."""

    amount: float = Field(gt=0)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    per: Literal["seat", "vehicle", "person", "bag"]

    def describe(self) -> str:
        """``500 KGS a seat``."""
        return f"{self.amount:,.10g} {self.currency} a {self.per}"


class Service(Strict):
    """A bus, minibus, shared taxi or border-zone vehicle from ``from`` to ``to``.

    ``both_ways`` (a fact) says the same service runs back from ``to`` to ``from``, with the same
    duration and price and no timetable of its own; left out, it runs as written only.
    """

    name: str
    kind: ServiceKind
    from_: Node = Field(alias="from")
    to: Node
    crossings: list[Id] = []
    both_ways: Fact[bool] | None = None
    departures: Fact[Departures] | None = None
    duration_minutes: Fact[float | Minutes] | None = None
    price: Fact[Price] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _somewhere_else(self) -> Service:
        if self.from_ == self.to:
            msg = f"from and to are both {self.to!r}"
            raise ValueError(msg)
        return self

    @property
    def kind_word(self) -> str:
        """``shared taxi``."""
        return KIND_WORDS[self.kind]


def price_year(as_of: str | None) -> str | None:
    """The year a dated claim shows (``2011-09-16``, ``Feb 2024``, ``~2009``), None without one."""
    found = re.search(r"(19|20)\d\d", as_of or "")
    return found.group(0) if found else None


class TransportFile(Strict):
    """The transport file: services keyed by id; ``claims`` holds shared claims (YAML anchors)."""

    claims: dict[str, Any] = {}
    services: dict[Id, Service] = Field(min_length=1)
