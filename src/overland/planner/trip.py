"""What the planner returns: the plan of a trip, event by event, in local clocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from overland.model.crossing import Mode
from overland.model.entry import NO_VISA
from overland.planner.rhythm import Rhythm

if TYPE_CHECKING:
    from overland.planner.calibration import StageCalibration
    from overland.planner.uncertainty import ArrivalDistribution


def nights_between(start: datetime, end: datetime) -> int:
    """How many times the local clock of ``start`` shows 02:00 between ``start`` and ``end``."""
    tz = start.tzinfo
    first = datetime.combine(start.date(), time(2), tzinfo=tz)
    if first <= start:
        first += timedelta(days=1)
    count = 0
    while first < end:
        count += 1
        first = datetime.combine(first.date() + timedelta(days=1), time(2), tzinfo=tz)
    return count


class EventKind(StrEnum):
    depart = "depart"
    drive = "drive"
    ride = "ride"  # a passenger on a bus, shared taxi or border-zone vehicle of the data
    wait = "wait"
    process = "process"
    night = "night"
    vehicle_held = "vehicle-held"
    transfer = "transfer"
    arrive = "arrive"
    blocked = "blocked"


class Event(NamedTuple):
    """One step of the trip. Times carry the offset of the clock where the step happens."""

    kind: EventKind
    start: datetime
    end: datetime
    place: str | None = None  # place id (the stage's place for a stage)
    stage: str | None = None  # CROSSING/STAGE
    note: str = ""
    km: float | None = None
    to: str | None = None  # drive, ride and transfer: the node reached
    service: str | None = None  # a ride: the id of the service in data/transport.yaml


@dataclass(frozen=True, slots=True)
class Blocker:
    """A stage that turns the traveller back, and why."""

    stage: str
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class Need:
    """A document or arrangement the route asks of the traveller, where it is checked, how far ahead to arrange it."""

    document: str  # the document's id (for --has)
    name: str
    text: str | None
    stages: tuple[str, ...]  # crossing/stage where it is checked, in order
    lead_days: float | None  # arrange it this many days before the trip (None: the data does not say)
    lead_source: str | None  # how the lead time is known
    source: str  # how the need is known
    held: bool  # the traveller holds it (by --has; True when every document is assumed held)

    def as_json(self) -> dict[str, Any]:
        return {
            "document": self.document, "name": self.name, "text": self.text, "stages": list(self.stages),
            "lead_days": self.lead_days, "lead_source": self.lead_source, "source": self.source, "held": self.held,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Advice:
    """Something to know or do at a stage, with where it comes from."""

    stage: str
    kind: str
    text: str
    source: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """The entry regime of one country for the traveller's passport, as the data gives it for the trip's day."""

    country: str
    name: str  # the country's name
    kind: str  # visa-free, e-visa, visa-on-arrival or visa
    days: int | None
    source: str  # how it is known
    until: date | None = None  # the regime ends on this day (the claim's valid_until)
    after: str | None = None  # the kind from the day after it, when the data has it


@dataclass(frozen=True, slots=True)
class Traveller:
    """Who travels and with what: the profile the requirements are checked against.

    ``documents`` is the set of document ids held, or None for "every document the
    route asks for" (``--has all``); ``carrying`` lists items such as ``drone``;
    ``rhythm`` is the traveller's day (quiet hours, daylight, hours at the wheel).
    """

    mode: Mode = Mode.own_car
    documents: frozenset[str] | None = None
    carrying: frozenset[str] = field(default_factory=frozenset)
    rhythm: Rhythm = field(default_factory=Rhythm)
    nationality: str | None = None  # the passport's country (ISO code); None: visas as the data's posts ask
    entry: tuple[Entry, ...] = ()  # with a nationality: each country's entry regime on the day of the trip

    def entry_for(self, country: str) -> Entry | None:
        """The entry regime of ``country`` for this traveller's passport (None: unknown or no nationality)."""
        return next((e for e in self.entry if e.country == country), None)

    def needs_visa_for(self, country: str) -> bool:
        """False when the passport enters ``country`` without arranging a visa first; True otherwise
        (also when the nationality or its regime is unknown: the data's posts decide)."""
        found = self.entry_for(country)
        return found is None or found.kind not in NO_VISA

    def holds(self, document: str) -> bool:
        """True when the traveller holds ``document``."""
        return self.documents is None or document in self.documents


@dataclass(frozen=True)
class Plan:
    """A door-to-door plan: when and where each step happens, and what may stop it."""

    origin: str
    destination: str
    via: str | None
    direction: str | None
    traveller: Traveller
    home_clock: str
    depart: datetime
    arrive: datetime | None
    events: list[Event]
    warnings: list[str]
    blockers: list[Blocker]
    advice: list[Advice]
    needs: tuple[Need, ...] = ()  # what the route asks of the traveller, up front
    countries: tuple[str, ...] = ()  # the countries the route passes through, in order
    suggestions: tuple[str, ...] = ()  # when no plan fits the traveller's day: what would, and when it arrives
    distribution: ArrivalDistribution | None = None  # with --samples: the Monte Carlo view
    observations: tuple[StageCalibration, ...] = ()  # stages whose times were learned from crossing reports
    # Clocks the traveller's day (the quiet hours) is counted in on the way that are not the clocks its
    # times are shown in (IANA names: Asia/Urumqi, Xinjiang time, where Beijing time is official).
    day_clocks: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """True when nothing stops the journey."""
        return not self.blockers and self.arrive is not None

    @property
    def nights(self) -> list[Event]:
        """The stays of the trip that span a night, where they are spent."""
        return [e for e in self.events if e.kind is EventKind.night]

    @property
    def night_count(self) -> int:
        """How many nights the trip spends on the way (a stay counts one per 02:00 local it covers)."""
        return sum(nights_between(e.start, e.end) for e in self.nights)

    @property
    def waiting_hours(self) -> float:
        """Hours the journey stands still: waiting for stages to open, or for a held vehicle."""
        stalled = (EventKind.wait, EventKind.vehicle_held)
        return sum((e.end - e.start).total_seconds() for e in self.events if e.kind in stalled) / 3600

    def as_json(self) -> dict:
        """The plan in the JSON shape of ``overland plan --format json``."""
        return {
            "from": self.origin,
            "to": self.destination,
            "needs": [n.as_json() for n in self.needs],
            "missing": [n.document for n in self.needs if not n.held],
            "via": self.via,
            "direction": self.direction,
            "countries": list(self.countries),
            **(
                {
                    "entry": [
                        {
                            "country": e.country,
                            "kind": e.kind,
                            "days": e.days,
                            "until": e.until.isoformat() if e.until else None,
                            "after": e.after,
                            "source": e.source,
                        }
                        for e in self.traveller.entry
                        if e.country in self.countries[1:]
                    ],
                    "nationality": self.traveller.nationality,
                }
                if self.traveller.nationality
                else {}
            ),
            "mode": self.traveller.mode.value,
            "day": self.traveller.rhythm.as_json(self.day_clocks),
            "depart": self.depart.isoformat(),
            "arrive": self.arrive.isoformat() if self.arrive else None,
            "nights": self.night_count,
            "waiting_hours": round(self.waiting_hours, 2),
            "events": [
                {
                    "kind": e.kind.value,
                    "place": e.place,
                    "stage": e.stage,
                    "start": e.start.isoformat(),
                    "end": e.end.isoformat(),
                    "note": e.note,
                    **({"km": e.km} if e.km is not None else {}),
                    **({"to": e.to} if e.to is not None else {}),
                    **({"service": e.service} if e.service is not None else {}),
                }
                for e in self.events
            ],
            "warnings": self.warnings,
            "blockers": [{"stage": b.stage, "reason": b.reason, "source": b.source} for b in self.blockers],
            "suggestions": list(self.suggestions),
            "advice": [
                {
                    "stage": a.stage,
                    "kind": a.kind,
                    "text": a.text,
                    "source": a.source,
                    **({"note": a.note} if a.note else {}),
                }
                for a in self.advice
            ],
            **({"distribution": self.distribution.as_json()} if self.distribution is not None else {}),
            "observations": [o.as_json() for o in self.observations],
        }
