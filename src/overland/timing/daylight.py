"""Darkness at a place, from opening-hours-py's solar events (``sunset-sunrise``)."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from opening_hours import OpeningHours, State

from overland.timing.clocks import zone


@cache
def _night(lat: float, lon: float, clock: str) -> OpeningHours:
    return OpeningHours("sunset-sunrise", timezone=zone(clock), coords=(lat, lon))


def dark_part(lat: float, lon: float, clock: str, start: datetime, end: datetime) -> tuple[datetime, datetime] | None:
    """The first span between ``start`` and ``end`` when the sun is down at (lat, lon), or None."""
    tz = zone(clock)
    for a, b, state, _ in _night(lat, lon, clock).intervals(start.astimezone(tz), end.astimezone(tz)):
        if state == State.OPEN and b > a:
            return a, b
    return None
