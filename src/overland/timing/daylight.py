"""Darkness at a place, from opening-hours-py's solar events (``sunset-sunrise``)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

from opening_hours import OpeningHours, State

from overland.timing.clocks import zone


@cache
def _night(lat: float, lon: float, clock: str) -> OpeningHours:
    return OpeningHours("sunset-sunrise", timezone=zone(clock), coords=(lat, lon), auto_country=False, auto_timezone=False)


@cache
def _dark_spans(lat: float, lon: float, clock: str, day: date) -> tuple[tuple[datetime, datetime], ...]:
    tz = zone(clock)
    start = datetime.combine(day, time(0), tzinfo=tz)
    return tuple(
        (a, b)
        for a, b, state, _ in _night(lat, lon, clock).intervals(start, start + timedelta(days=1))
        if state == State.OPEN and b > a
    )


def dark_part(lat: float, lon: float, clock: str, start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """The first span between ``start`` and ``end`` when the sun is down at (lat, lon), or None."""
    tz = zone(clock)
    day = start.astimezone(tz).date()
    last = end.astimezone(tz).date()
    while day <= last:
        for a, b in _dark_spans(lat, lon, clock, day):
            if a < end and start < b:
                return max(a, start), min(b, end)
        day += timedelta(days=1)
    return None
