"""Darkness at a place, from opening-hours-py's solar events (``sunset-sunrise``).

The dark spans are expanded into sorted UTC seconds a few weeks at a time, so a
check is a binary search, and the Monte Carlo planner can test many times at once.
"""

from __future__ import annotations

import bisect
from datetime import datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING

from opening_hours import OpeningHours, State

from overland.timing.clocks import zone

if TYPE_CHECKING:
    import numpy as np

BLOCK_DAYS = 64  # days of sun times computed at once


class Darkness:
    """When the sun is down at (lat, lon): sorted spans of UTC seconds, expanded on demand."""

    def __init__(self, lat: float, lon: float, clock: str) -> None:
        self.zone = zone(clock)
        self._night = OpeningHours("sunset-sunrise", timezone=self.zone, coords=(lat, lon),
                                   auto_country=False, auto_timezone=False)
        self.starts: list[float] = []
        self.ends: list[float] = []
        self._lo: datetime | None = None  # local midnight, first day covered
        self._hi: datetime | None = None  # local midnight after the last day covered
        self._span = (0.0, 0.0)  # the same as UTC seconds
        self._arrays = None

    def _spans(self, start: datetime, end: datetime) -> tuple[list[float], list[float]]:
        starts: list[float] = []
        ends: list[float] = []
        for a, b, state, _ in self._night.intervals(start, end):
            if state != State.OPEN or b <= a:
                continue
            if ends and ends[-1] == a.timestamp():
                ends[-1] = b.timestamp()
            else:
                starts.append(a.timestamp())
                ends.append(b.timestamp())
        return starts, ends

    def cover(self, start: float, end: float) -> None:
        """Expand the spans to cover ``start`` to ``end`` (UTC seconds)."""
        if self._span[0] <= start and end < self._span[1]:
            return
        first = datetime.combine(datetime.fromtimestamp(start, self.zone).date(), time(0), tzinfo=self.zone)
        if self._lo is None:
            self._lo = self._hi = first
        while start < self._lo.timestamp():
            lo = datetime.combine(self._lo.date() - timedelta(days=BLOCK_DAYS), time(0), tzinfo=self.zone)
            starts, ends = self._spans(lo, self._lo)
            if ends and self.starts and ends[-1] == self.starts[0]:
                self.starts[0] = starts.pop()
                ends.pop()
            self.starts[:0], self.ends[:0], self._lo = starts, ends, lo
        while end >= self._hi.timestamp():
            hi = datetime.combine(self._hi.date() + timedelta(days=BLOCK_DAYS), time(0), tzinfo=self.zone)
            starts, ends = self._spans(self._hi, hi)
            if starts and self.ends and self.ends[-1] == starts[0]:
                self.ends[-1] = ends.pop(0)
                starts.pop(0)
            self.starts += starts
            self.ends += ends
            self._hi = hi
        self._span = (self._lo.timestamp(), self._hi.timestamp())
        self._arrays = None

    def overlaps(self, start: float, end: float) -> bool:
        """True when the sun is down at some moment between ``start`` and ``end``."""
        self.cover(start, end)
        i = bisect.bisect_right(self.ends, start)
        return i < len(self.starts) and self.starts[i] < end

    def arrays(self, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        """The spans covering ``start`` to ``end`` as numpy arrays (starts, ends)."""
        self.cover(start, end)
        if self._arrays is None:
            import numpy as np

            self._arrays = (np.asarray(self.starts), np.asarray(self.ends))
        return self._arrays


@cache
def darkness(lat: float, lon: float, clock: str) -> Darkness:
    """The (shared) darkness of a place."""
    return Darkness(lat, lon, clock)
