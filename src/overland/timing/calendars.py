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


@cache
def _calendar(code: str, year: int) -> holidays.HolidayBase:
    cls = country_class(code)
    if cls is None:
        return holidays.country_holidays(code, years=year, language="en_US")
    return cls(years=year, language="en_US")


def holiday_name(code: str, day: date) -> str | None:
    """The public holiday of country ``code`` on ``day`` (several joined by '; '), or None."""
    return _calendar(code, day.year).get(day)


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
