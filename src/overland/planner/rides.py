"""Passengers' rides: the services of data/transport.yaml laid on a route, and when they leave.

A passenger (or a traveller on foot) does not drive: where a service of the data joins two
nodes of the route, the way between them is a **ride** on it. Which services a route gets:

- a service whose two ends are nodes of the route in its order (or the other way round when
  the data says it runs both ways), with no post between them, is a ride: one operation from
  its start to its end, however many legs lie between (a Bishkek - Osh shared taxi is one ride
  through Too-Ashuu and Toktogul). It leaves at its next departure once the traveller is
  ready, and takes the service's own duration when the data gives one (the legs' times
  otherwise);
- a service without departures whose ends have posts between them (the compulsory vehicles
  through a border zone, a truck from the Chinese post to Kashgar) carries the traveller
  through them: each leg between its ends is a ride on it, named, at the legs' own times;
- a service with departures whose ends have posts between them (the Kashgar - Osh sleeper bus
  through Irkeshtam, the Urumqi - Almaty bus) is **advice** with its source: its timetable is
  its own through the posts, which the planner does not walk as one ride.

When a ride leaves (:class:`Schedule`): a timetabled service at its listed times on its listed
days, in its own clock; a service that leaves when full at any time between its first and last
departures on its days (the data gives no time to fill up: no wait is counted); a service
without departures as soon as the traveller is ready. The traveller's quiet hours hold for
rides as for drives, except that a **timetabled service keeps its timetable through the
night** (a 19:00 sleeper bus runs overnight: the traveller sleeps aboard), and a service whose
own duration is longer than the traveller's day leaves in their waking hours and runs on
through the night.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import TYPE_CHECKING

from overland.limits import HORIZON_DAYS
from overland.model.crossing import Mode
from overland.model.distributions import Constant, Distribution
from overland.model.transport import Departures, Service, minutes_of, price_year, weekdays
from overland.planner.rhythm import DAY, offset
from overland.timing.clocks import clock_name, zone

if TYPE_CHECKING:
    from overland.model.catalog import Catalog

RIDING = frozenset({Mode.passenger, Mode.foot})  # the modes that ride the services instead of driving
WEEK = 8  # days looked ahead for a departure: a week and the day itself
FITS = 2 * HORIZON_DAYS  # departures tried for one that fits the traveller's day before a ride fits none


@dataclass(frozen=True, slots=True)
class Schedule:
    """A service's departures as numbers: the weekdays it runs (Monday 0, in its clock) and, each of
    those days, the spans of seconds after local midnight it may leave in (a listed time is a span
    of no length)."""

    zone: tzinfo
    days: tuple[bool, ...]  # seven flags, Monday first
    windows: tuple[tuple[float, float], ...]
    timetabled: bool

    @property
    def daily(self) -> bool:
        """True when it runs every day (a day later is no different)."""
        return all(self.days)

    def next(self, t: float) -> float | None:
        """The first departure at or after ``t`` (UTC seconds); None when it never runs.

        The local clock is read with the offset at ``t`` (the clocks here do not change with the
        seasons); :func:`overland.planner.montecarlo.next_departure_array` is the same arithmetic
        on arrays.
        """
        o = offset(self.zone, t)
        local = t + o
        day = math.floor(local / DAY)
        for i in range(WEEK):
            d = day + i
            if not self.days[(d + 3) % 7]:  # day 0 of the epoch was a Thursday
                continue
            base = d * DAY
            for a, b in self.windows:
                if base + b >= local:
                    return max(base + a, local) - o
        return None


def schedule_of(departures: Departures) -> Schedule:
    """The departures of the data as a :class:`Schedule`."""
    running = set(weekdays(departures.days))
    if departures.times is not None:
        windows = tuple(sorted((minutes_of(x) * 60.0, minutes_of(x) * 60.0) for x in departures.times))
    else:
        first = minutes_of(departures.first) * 60.0 if departures.first else 0.0
        last = minutes_of(departures.last) * 60.0 if departures.last else DAY - 1.0
        windows = ((first, last),)
    return Schedule(zone(departures.clock), tuple(d in running for d in range(7)), windows, departures.timetabled)


def departure_words(service: Service, departures: Departures) -> str:
    """Why one waits for the service: ``the bus leaves Mon and Thu 09:00 Beijing time``,
    ``the next shared taxi leaves when full from 07:00 Almaty time until 20:00``."""
    kind = service.kind_word
    days = departures.describe_days()
    clock = clock_name(departures.clock)
    on = "" if days == "daily" else f" on {days}"
    if departures.times is not None:
        return f"the {kind} leaves {'daily at' if days == 'daily' else days} {', '.join(departures.times)} {clock}"
    if departures.when_full:
        span = ""
        if departures.first and departures.last:
            span = f" from {departures.first} to {departures.last} {clock}"
        elif departures.first:
            span = f" from {departures.first} {clock}"
        elif departures.last:
            span = f" until {departures.last} {clock}"
        return f"the next {kind} leaves when full{span}{on}"
    return f"the {kind} runs {days} (the source gives no time)"


@dataclass(frozen=True, slots=True)
class Ride:
    """A ride on a service from route step ``begin`` to the step of its operation.

    ``schedule`` is None when the service leaves whenever the traveller is ready; ``duration``
    (minutes) is the service's own (None: the legs' times); ``through`` marks a leg of a service
    that carries the traveller through posts (named only: it neither waits nor sets the time).
    """

    service_id: str
    service: Service
    begin: int
    schedule: Schedule | None
    duration: Distribution | None
    through: bool
    title: str  # "shared taxi Osh → Sary-Tash"
    way: str  # "Osh → Sary-Tash"
    note: str  # the event's note: the title, the fare and its year, the service's name
    waits: str  # why one waits for it ("" when it leaves whenever the traveller is ready)

    def overnight(self, seconds: float, awake: float) -> bool:
        """True when the ride may run through the traveller's quiet hours: a timetabled service, or one
        whose ``seconds`` are longer than the ``awake`` seconds of the traveller's day."""
        return (self.schedule is not None and self.schedule.timetabled) or seconds > awake


@dataclass(frozen=True, slots=True)
class Span:
    """A service laid on a route: from step ``begin`` to step ``end`` (``reverse``: the way back)."""

    service_id: str
    service: Service
    begin: int
    end: int
    reverse: bool
    posts: bool  # posts lie between its ends


@dataclass(frozen=True, slots=True)
class Offer:
    """A service the route passes both ends of, with posts between, offered as advice."""

    node: str  # where it leaves from
    text: str
    source: str
    note: str | None


def spans(nodes: Sequence[str], services: dict[str, Service]) -> list[Span]:
    """Every service whose ends are both on the route (``nodes`` in order), in the route's direction."""
    where: dict[str, list[int]] = {}
    for i, node in enumerate(nodes):
        where.setdefault(node, []).append(i)
    found = []
    for service_id, service in services.items():
        ends = [(service.from_, service.to, False)]
        if service.both_ways is not None and service.both_ways.value:
            ends.append((service.to, service.from_, True))
        for a, b, reverse in ends:
            for i in where.get(a, ()):
                for j in where.get(b, ()):
                    if j > i:
                        posts = any("/" in n for n in nodes[i + 1 : j])
                        found.append(Span(service_id, service, i, j, reverse, posts))
    return found


def choose(found: list[Span]) -> list[Span]:
    """The spans the route rides, in order, none overlapping: from each step the longest ride
    without posts on the way, else the longest service through posts that has no departures."""
    usable = [s for s in found if not s.posts or s.service.departures is None or s.reverse]
    chosen: list[Span] = []
    at = 0
    starts = sorted({s.begin for s in usable})
    for begin in starts:
        if begin < at:
            continue
        here = [s for s in usable if s.begin == begin]
        best = min(here, key=lambda s: (s.posts, -s.end))
        chosen.append(best)
        at = best.end
    return chosen


def short_name(catalog: Catalog, node: str) -> str:
    """A node's name as a ride's end: a place's name; a post's name before its first comma and without
    what it adds in brackets (``Irkeshtam-Avtodorozhny``, ``Chinese border post at Irkeshtam``)."""
    name = catalog.node_name(node)
    if "/" not in node:
        return name
    return re.sub(r"\s*\([^)]*\)", "", name.split(",")[0]).strip() or name


def ride_of(span: Span, catalog: Catalog, start: str, end: str, *, begin: int, through: bool) -> Ride:
    """The ride of one operation from ``start`` to ``end`` on the service of ``span``."""
    service = span.service
    departures = service.departures.value if service.departures is not None and not span.reverse else None
    ends = (short_name(catalog, start), short_name(catalog, end))
    if ends[0] == ends[1]:  # a post and its town: the post's full name
        ends = (catalog.node_name(start), catalog.node_name(end))
    way = f"{ends[0]} → {ends[1]}"
    title = f"{service.kind_word} {way}"
    note = title
    if service.price is not None:
        claim = service.price.claim
        year = price_year(claim.as_of)
        note += f" ({claim.value.describe()}, {year or 'undated'})"
    note += f": {service.name}"
    duration = None
    if service.duration_minutes is not None and not through:
        value = service.duration_minutes.value
        duration = Constant(kind="constant", value=float(value)) if isinstance(value, int | float) else value
    return Ride(
        service_id=span.service_id, service=service, begin=begin,
        schedule=schedule_of(departures) if departures is not None and not through else None,
        duration=duration, through=through, title=title, way=way, note=note,
        waits=departure_words(service, departures) if departures is not None and not through else "",
    )  # fmt: skip


def offers(found: list[Span], catalog: Catalog) -> tuple[Offer, ...]:
    """The services with departures that run through posts on the route: advice with their source."""
    listed = []
    for span in found:
        service = span.service
        if not span.posts or span.reverse or service.departures is None:
            continue
        departures = service.departures
        text = f"{service.name}: {departure_words(service, departures.value)}"
        if service.duration_minutes is not None:
            value = service.duration_minutes.value
            minutes = value if isinstance(value, int | float) else value.median()
            text += f", about {minutes / 60:.0f} h to {short_name(catalog, service.to)}"
        if service.price is not None:
            claim = service.price.claim
            text += f", {claim.value.describe()} ({price_year(claim.as_of) or 'undated'})"
        text += "; the plan goes by its own legs and posts instead"
        listed.append(Offer(service.from_, text, departures.claim.citation(), service.note))
    return tuple(listed)
