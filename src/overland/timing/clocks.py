"""Clocks: IANA zones from the pinned `tzdata` package, never an older system copy.

Kazakhstan moved to UTC+5 on 2024-03-01 (tzdata 2024a); a system zoneinfo older
than that gives wrong times, so zoneinfo is pointed at the `tzdata` package only.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

import tzdata

from overland.errors import InputError
from overland.limits import EARLIEST, LATEST, TIME_RANGE

MIN_TZDATA = "2024a"
BEIJING = "Asia/Shanghai"
XINJIANG_ZONES = ("Asia/Urumqi", "Asia/Kashgar")

if tzdata.IANA_VERSION < MIN_TZDATA:  # pragma: no cover - guarded by the pinned dependency
    msg = f"tzdata {tzdata.IANA_VERSION} is older than {MIN_TZDATA}: Kazakh clocks would be wrong"
    raise ImportError(msg)

# An empty search path makes zoneinfo read the `tzdata` package, whatever the system has.
zoneinfo.reset_tzpath(to=())


@cache
def zone(name: str) -> ZoneInfo:
    """The zone called ``name``, from the pinned tzdata.

    Raises
    ------
    ValueError
        When no such zone exists (with a hint for common mistakes).
    """
    try:
        return ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        pass
    msg = f"unknown time zone {name!r}: give an IANA name such as Asia/Shanghai, Asia/Bishkek, Asia/Almaty"
    raise ValueError(msg)


def check_zone_name(name: str) -> str:
    """Validate an IANA zone name (used by the data models)."""
    zone(name)
    return name


def tzdata_version() -> str:
    """The IANA release of the zone data in use."""
    return tzdata.IANA_VERSION


def in_zone(moment: datetime, name: str) -> datetime:
    """``moment`` shown in the clock ``name``."""
    return moment.astimezone(zone(name))


def offset_label(moment: datetime) -> str:
    """``UTC+08:00`` for an aware ``moment``."""
    offset = moment.utcoffset()
    if offset is None:
        msg = "offset_label needs an aware datetime"
        raise ValueError(msg)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_ISO_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}")
CLOCK_NAMES = {
    "Asia/Shanghai": "Beijing time",
    "Asia/Bishkek": "Kyrgyz time",
    "Asia/Almaty": "Kazakh time",
}


def clock_of(moment: datetime) -> str:
    """The IANA name of the clock an aware ``moment`` is shown in (its zone's key)."""
    key = getattr(moment.tzinfo, "key", None)
    if key is None:
        msg = f"time {moment.isoformat()} is not in a named clock"
        raise ValueError(msg)
    return str(key)


def clock_name(clock: str) -> str:
    """How people call a clock ("Beijing time"), or the zone name."""
    return CLOCK_NAMES.get(clock, clock)


def parse_time(
    text: str, *, clock: str | None = None, hint_clock: str | None = None, where: str | None = None, how: str = ""
) -> datetime:
    """``text`` (ISO 8601) as an aware time: with its own UTC offset, or read in ``clock``.

    The one reader of times typed by people, used by every adapter. Errors are an
    :class:`~overland.errors.InputError` in one wording: ``time '...' is not ISO 8601``,
    ``time '...' has no UTC offset`` (``hint_clock`` names the clock the time most likely
    means, kept at the place ``where``; ``how`` says how else the caller may give a clock) or
    ``time '...' is out of range``.
    """
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        if _ISO_SHAPE.match(text):
            msg = f"time {text!r} is not a time of the calendar ({error}): write e.g. 2026-11-27T12:30+08:00"
        else:
            msg = f"time {text!r} is not ISO 8601: write e.g. 2026-11-27T12:30+08:00"
        raise InputError(msg) from None
    if moment.tzinfo is None:
        if clock is None:
            example = f"{moment:%Y-%m-%dT%H:%M}"
            hint = ""
            if hint_clock:
                offset = offset_label(moment.replace(tzinfo=zone(hint_clock)))
                hint = f" ({where} keeps {hint_clock}, {offset})" if where else f" ({hint_clock} is {offset})"
            msg = (
                f"time {text!r} has no UTC offset: say which clock you mean, e.g. {example}+08:00 "
                f"for Beijing time or +06:00 for Kyrgyz time{hint}{how}"
            )
            raise InputError(msg)
        try:
            moment = moment.replace(tzinfo=zone(clock))
        except ValueError as error:
            raise InputError(str(error)) from None
    return in_range(moment, text)


def in_range(moment: datetime, text: str | None = None) -> datetime:
    """``moment`` when the calendars cover it (1970 to 2100); an :class:`InputError` otherwise."""
    try:
        inside = EARLIEST <= moment < LATEST
    except OverflowError:
        inside = False
    if not inside:
        msg = f"time {text or moment.isoformat()!r} is out of range: give a time {TIME_RANGE}"
        raise InputError(msg)
    return moment
