"""Darkness at a place, from opening-hours-py's solar events (``sunset-sunrise``).

The dark spans are expanded into sorted UTC seconds a few weeks at a time, so a
check is a binary search, and the Monte Carlo planner can test many times at once.
"""

from __future__ import annotations

import bisect
import threading
from datetime import datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING

from opening_hours import OpeningHours, State

from overland.timing.clocks import zone

if TYPE_CHECKING:
    import numpy as np

BLOCK_DAYS = 64  # days of sun times computed at once


class Darkness:
    """When the sun is down at (lat, lon): sorted spans of UTC seconds, expanded on demand.

    Safe to share between threads: spans are expanded under a lock into a new snapshot,
    and every query reads one snapshot.
    """

    def __init__(self, lat: float, lon: float, clock: str) -> None:
        self.zone = zone(clock)
        self._night = OpeningHours("sunset-sunrise", timezone=self.zone, coords=(lat, lon), auto_country=False)
        # (starts, ends, first local midnight covered, local midnight after the last day covered,
        #  the same two midnights in UTC seconds)
        self._state: tuple[tuple[float, ...], tuple[float, ...], datetime, datetime, float, float] | None = None
        self._arrays: tuple[object, tuple[np.ndarray, np.ndarray]] | None = None
        self._lock = threading.Lock()

    @property
    def starts(self) -> tuple[float, ...]:
        return self._state[0] if self._state else ()

    @property
    def ends(self) -> tuple[float, ...]:
        return self._state[1] if self._state else ()

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

    def cover(self, start: float, end: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Expand the spans to cover ``start`` to ``end`` (UTC seconds); the spans (starts, ends)."""
        state = self._state
        if state is not None and state[4] <= start and end < state[5]:
            return state[0], state[1]
        with self._lock:
            if self._state is None:
                first = datetime.combine(datetime.fromtimestamp(start, self.zone).date(), time(0), tzinfo=self.zone)
                self._state = ((), (), first, first, first.timestamp(), first.timestamp())
            old_starts, old_ends, lo, hi, _, _ = self._state
            starts, ends = list(old_starts), list(old_ends)
            while start < lo.timestamp():
                before = datetime.combine(lo.date() - timedelta(days=BLOCK_DAYS), time(0), tzinfo=self.zone)
                more_starts, more_ends = self._spans(before, lo)
                if more_ends and starts and more_ends[-1] == starts[0]:
                    starts[0] = more_starts.pop()
                    more_ends.pop()
                starts[:0], ends[:0], lo = more_starts, more_ends, before
            while end >= hi.timestamp():
                after = datetime.combine(hi.date() + timedelta(days=BLOCK_DAYS), time(0), tzinfo=self.zone)
                more_starts, more_ends = self._spans(hi, after)
                if more_starts and ends and ends[-1] == more_starts[0]:
                    ends[-1] = more_ends.pop(0)
                    more_starts.pop(0)
                starts += more_starts
                ends += more_ends
                hi = after
            self._state = (tuple(starts), tuple(ends), lo, hi, lo.timestamp(), hi.timestamp())
            return self._state[0], self._state[1]

    def overlaps(self, start: float, end: float) -> bool:
        """True when the sun is down at some moment between ``start`` and ``end``."""
        starts, ends = self.cover(start, end)
        i = bisect.bisect_right(ends, start)
        return i < len(starts) and starts[i] < end

    def arrays(self, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        """The spans covering ``start`` to ``end`` as numpy arrays (starts, ends)."""
        starts, ends = self.cover(start, end)
        kept = self._arrays
        if kept is None or kept[0] is not starts:
            import numpy as np

            kept = (starts, (np.asarray(starts), np.asarray(ends)))
            self._arrays = kept
        return kept[1]


@cache
def darkness(lat: float, lon: float, clock: str) -> Darkness:
    """The (shared) darkness of a place."""
    return Darkness(lat, lon, clock)
