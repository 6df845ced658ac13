"""Countries and places: where things are and which clock people there use."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from overland.model.provenance import Fact, Strict
from overland.timing.calendars import known_calendar
from overland.timing.clocks import BEIJING, XINJIANG_ZONES, check_zone_name

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")]
Zone = Annotated[str, AfterValidator(check_zone_name)]


class Country(Strict):
    """A country: its official clock and the calendar that closes its posts.

    ``holiday_calendar`` is the country code the `holidays` package uses. ``day_clock`` is the
    clock people there keep their day by where it is not the official one (Xinjiang time in the
    west of China): a traveller's quiet hours are counted in it; posts and timetables keep ``clock``.
    """

    name: str
    clock: Fact[Zone]
    holiday_calendar: CountryCode
    day_clock: Fact[Zone] | None = None

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
