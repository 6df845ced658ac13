"""Clocks: IANA zones from the pinned `tzdata` package, never an older system copy.

Kazakhstan moved to UTC+5 on 2024-03-01 (tzdata 2024a); a system zoneinfo older
than that gives wrong times, so zoneinfo is pointed at the `tzdata` package only.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timezone
from functools import cache
from zoneinfo import ZoneInfo

import tzdata

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


def to_utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime; a naive datetime is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = f"time {moment.isoformat()} has no UTC offset"
        raise ValueError(msg)
    return moment.astimezone(timezone.utc)


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
