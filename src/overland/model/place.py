"""Countries and places: where things are and which clock people there use."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from overland.model.provenance import Fact, Strict
from overland.timing.calendars import holiday_name, known_calendar
from overland.timing.clocks import BEIJING, XINJIANG_ZONES, check_zone_name

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
# A country, or a region of one with days off of its own (ISO 3166-2: CN-XJ is Xinjiang).
CalendarCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")]
Zone = Annotated[str, AfterValidator(check_zone_name)]


class DaysOff(Strict):
    """The days a region rests for one of its festivals in one year, as its government announced them."""

    festival: str  # the festival's name in the `holidays` package ('Eid al-Fitr'), to match an estimate's
    name: str  # the festival as people there call it
    first: date
    last: date


class FestivalRule(Strict):
    """A festival's days off in a year whose announcement the data lacks: from ``before`` days before its
    date in the estimate's calendar to ``after`` days after it."""

    festival: str  # its name in the `holidays` package's calendar ('Eid al-Adha')
    name: str
    before: int = Field(ge=0, le=7)
    after: int = Field(ge=0, le=7)


class Estimate(Strict):
    """How a region's festivals are dated in years not announced: by the `holidays` calendar of ``calendar``."""

    calendar: CountryCode
    festivals: list[FestivalRule] = Field(min_length=1)


class Region(Strict):
    """A part of a country that rests on days of its own, besides the country's holidays (Xinjiang's
    Rozi and Corban festivals).

    ``days_off`` are the days announced year by year; for a festival in a year none is given for,
    ``estimate`` dates it (the days are then an estimate, and plans say so).
    """

    name: str
    days_off: list[Fact[DaysOff]] = []
    estimate: Fact[Estimate]

    def day_off(self, day: date) -> tuple[str, str | None] | None:
        """The festival ``day`` is a day off for, and why that is an estimate (None: announced); None
        when ``day`` is not one of the region's days off."""
        announced: set[tuple[str, int]] = set()
        for fact in self.days_off:
            rest = fact.value
            if rest.first <= day <= rest.last:
                return rest.name, None
            announced |= {(rest.festival, rest.first.year), (rest.festival, rest.last.year)}
        claim, held = self.estimate.claim_on(day)
        if not held:
            return None
        estimate = claim.value
        for rule in estimate.festivals:
            if (rule.festival, day.year) in announced:
                continue
            for shift in range(-rule.after, rule.before + 1):
                name = holiday_name(estimate.calendar, day + timedelta(days=shift))
                if name is not None and rule.festival in name:
                    why = (f"around its date in the {estimate.calendar} calendar; {self.name}'s {day.year} notice "
                           "is not in the data")  # fmt: skip
                    return rule.name, why
        return None


class Country(Strict):
    """A country: its official clock and the calendar that closes its posts.

    ``holiday_calendar`` is the country code the `holidays` package uses. ``day_clock`` is the
    clock people there keep their day by where it is not the official one (Xinjiang time in the
    west of China): a traveller's quiet hours are counted in it; posts and timetables keep ``clock``.
    ``regions`` are parts of the country with days off of their own, keyed by the second part of
    their ISO 3166-2 code (``XJ``: a stage closed by them lists ``CN-XJ`` in ``holidays_of``).
    """

    name: str
    clock: Fact[Zone]
    holiday_calendar: CountryCode
    day_clock: Fact[Zone] | None = None
    regions: dict[Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,3}$")], Region] = {}

    @field_validator("holiday_calendar")
    @classmethod
    def _calendar_known(cls, code: str) -> str:
        if not known_calendar(code):
            msg = f"holiday_calendar {code!r}: the holidays package has no calendar for it; give its ISO code, e.g. KG"
            raise ValueError(msg)
        return code


class LatLon(Strict):
    """A point in decimal degrees, latitude first (WGS 84)."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class PlaceKind(StrEnum):
    city = "city"
    town = "town"
    village = "village"
    pass_ = "pass"
    caravanserai = "caravanserai"
    border_post = "border-post"
    station = "station"
    lake = "lake"


class Place(Strict):
    """A named place: names in English and local scripts, position, elevation, clock.

    ``names`` maps a language tag (``en``, ``ky``, ``ru``, ``zh``, ``ug``, ``kk``) to
    the name; ``en`` is required. ``clock`` is the zone of the clock people there
    officially use; left out, it is the country's clock. ``lodging`` says what
    accommodation there is (the planner puts nights only where some is known);
    ``beds_nearby`` names the place close by where people who stop here sleep (a port
    at the edge of a town with hotels).
    """

    names: dict[LanguageTag, Fact[str]]
    country: CountryCode
    kind: PlaceKind
    coordinates: Fact[LatLon] | None = None
    elevation_m: Fact[float] | None = None
    clock: Fact[Zone] | None = None
    lodging: Fact[str] | None = None
    beds_nearby: Fact[Id] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _english_name_and_beijing_time(self) -> Place:
        if "en" not in self.names:
            msg = "names needs an 'en' entry (the English name)"
            raise ValueError(msg)
        if self.country == "CN" and self.clock is not None and self.clock.value != BEIJING:
            msg = (
                f"clock {self.clock.value!r}: China's official clock is Beijing time, "
                f"{BEIJING} ({' and '.join(XINJIANG_ZONES)} are UTC+6 Xinjiang time)"
            )
            raise ValueError(msg)
        return self

    @property
    def name(self) -> str:
        """The English name."""
        return self.names["en"].value
