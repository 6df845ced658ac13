"""Days off per country: weekends, public holidays and China's make-up working days.

All of it comes from the `holidays` package (public category only): its ``workday``
category lists observances on which people *work*, and opening-hours-py's ``PH``
calendars are wrong for China and missing for Kyrgyzstan.
"""

from __future__ import annotations

import calendar
import importlib.util
from datetime import date
from functools import cache
from pathlib import Path

import holidays

WEEKDAY_NAMES = tuple(calendar.day_name)


@cache
def country_class(code: str) -> type[holidays.HolidayBase] | None:
    """The `holidays` class of country ``code``, loaded from its own module.

    ``holidays.country_holidays`` imports the package ``holidays.countries``, whose
    ``__init__`` imports all 250 country modules: 50 ms, a tenth of ``overland plan``'s
    cold start. The registry names the one module a country lives in; we load just that
    (None when the registry or the layout is not as expected: then the usual way).
    """
    from holidays.registry import COUNTRIES

    for module, (name, *codes) in COUNTRIES.items():
        if code in codes:
            path = Path(holidays.__file__).parent / "countries" / f"{module}.py"
            spec = importlib.util.spec_from_file_location(f"holidays.countries.{module}", path)
            if spec is None or spec.loader is None or not path.is_file():
                return None
            loaded = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(loaded)
            return getattr(loaded, name, None)
    return None


def known_calendar(code: str) -> bool:
    """True when the `holidays` package has a calendar for country ``code``."""
    from holidays.registry import COUNTRIES

    return any(code in codes for _, *codes in COUNTRIES.values())


@cache
def _calendar(code: str, year: int) -> holidays.HolidayBase:
    cls = country_class(code)
    if cls is None:
        return holidays.country_holidays(code, years=year, language="en_US")
    return cls(years=year, language="en_US")


def holiday_name(code: str, day: date) -> str | None:
    """The public holiday of country ``code`` on ``day`` (several joined by '; '), or None."""
    return _calendar(code, day.year).get(day)


def last_decreed_year(code: str) -> int | None:
    """The last year whose decreed days off (transfers, extra days, China's whole schedule) the
    calendar holds for country ``code`` (None: the country has no yearly decrees in the library)."""
    special = getattr(_calendar(code, 2000), "special_public_holidays", None)  # the same for any year
    return max(special) if special else None


def estimated(code: str, day: date) -> str | None:
    """Why the public holiday of ``code`` on ``day`` is an estimate (None: as published, or no holiday).

    The library marks dates it computes ahead ("(estimated)": the Islamic calendar); and in
    a year after the last decree it holds, a country that sets its days off by yearly decree
    has its "observed" days guessed by rule (China announces them, with make-up working days,
    each November).
    """
    name = holiday_name(code, day)
    if name is None:
        return None
    if "estimated" in name:
        return "the date is computed ahead, not yet announced"
    last = last_decreed_year(code)
    if code == "CN" and last is not None and day.year > last and "observed" in name:
        return f"a guess by rule until China's {day.year} schedule is in the calendar"
    return None


def undecreed(code: str, year: int) -> str | None:
    """A note when ``year``'s decree on days off of country ``code`` is not in the calendar (None: it is)."""
    last = last_decreed_year(code)
    if last is None or year <= last:
        return None
    if code == "CN":
        return (f"the official {year} holiday schedule is not in the calendar yet: days off after weekends "
                "are guessed, make-up working days unknown")  # fmt: skip
    return (f"the calendar holds no {year} decree moving or adding days off (most years have one): "
            "any such days are missing")  # fmt: skip


def is_makeup_workday(code: str, day: date) -> bool:
    """True when ``day`` is a weekend day that country ``code`` works instead of another."""
    workdays = getattr(_calendar(code, day.year), "weekend_workdays", ())
    # The set accumulates dates of other years: only trust the year asked for.
    return day in workdays and day.year in _calendar(code, day.year).years


def is_weekend(code: str, day: date) -> bool:
    """True when ``day`` is a weekend day in country ``code`` (make-up working days are not)."""
    return day.weekday() in _calendar(code, day.year).weekend and not is_makeup_workday(code, day)


def day_off(code: str, day: date, *, weekends: bool, holidays_: bool) -> str | None:
    """Why country ``code`` rests on ``day``: the holiday's name, ``"weekend"``, or None.

    ``weekends`` and ``holidays_`` say which of the two closes the stage asking.
    """
    if holidays_:
        name = holiday_name(code, day)
        if name is not None:
            return name
    if weekends and is_weekend(code, day):
        return "weekend"
    return None
