"""Stage timetables: open windows expanded a month at a time into flat sorted arrays.

The search then only compares numbers (UTC seconds since the epoch), as partridge
expands GTFS calendars into service dates before anything reads them. The months
expanded so far form one contiguous span; windows that run over a month boundary
are joined, so a window is always a whole opening.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import TYPE_CHECKING

from overland.model.crossing import Crossing
from overland.model.place import Country
from overland.timing.clocks import zone
from overland.timing.windows import stage_schedule

if TYPE_CHECKING:
    import numpy as np

Seconds = float
NO_DELAY = -1


def epoch(moment: datetime) -> Seconds:
    """UTC seconds since the epoch of an aware datetime."""
    return moment.timestamp()


def _month(t: Seconds) -> int:
    """The month index (year * 12 + month - 1, UTC) of an instant."""
    moment = datetime.fromtimestamp(t, timezone.utc)
    return moment.year * 12 + moment.month - 1


def _month_start(month: int) -> Seconds:
    """The first instant (UTC) of a month index."""
    return datetime(month // 12, month % 12 + 1, 1, tzinfo=timezone.utc).timestamp()


@dataclass
class StageTimetable:
    """One stage's open windows over the months expanded so far.

    ``starts[i]``, ``ends[i]`` bound window ``i``; ``delay_slots[i]`` is the index in
    the stage's ``opening_delays`` of the delay that applies to its opening, or -1.
    """

    crossing: Crossing
    stage_id: str
    countries: Mapping[str, Country]
    starts: list[Seconds] = field(default_factory=list)
    ends: list[Seconds] = field(default_factory=list)
    delay_slots: list[int] = field(default_factory=list)
    _first: int | None = None  # first month expanded
    _last: int | None = None  # last month expanded
    _lo: Seconds = 0.0  # start of the first month expanded
    _hi: Seconds = 0.0  # end of the last month expanded
    _closures: dict[date, str] = field(default_factory=dict)
    _arrays: tuple | None = None

    @property
    def clock(self) -> str:
        return self.crossing.stages[self.stage_id].clock.value

    # -- expansion -------------------------------------------------------------------

    def _expand(self, month: int) -> tuple[list[Seconds], list[Seconds], list[int]]:
        start = datetime.fromtimestamp(_month_start(month), timezone.utc)
        end = datetime.fromtimestamp(_month_start(month + 1), timezone.utc)
        schedule = stage_schedule(self.crossing, self.stage_id, self.countries, start, end)
        self._closures.update({c.day: c.reason for c in schedule.closures})
        starts = [epoch(a) for a, _ in schedule.windows]
        ends = [epoch(b) for _, b in schedule.windows]
        return starts, ends, [self._slot(a) for a, _ in schedule.windows]

    def _slot(self, opening: datetime) -> int:
        delays = self.crossing.stages[self.stage_id].opening_delays
        if not delays:
            return NO_DELAY
        hhmm = opening.astimezone(zone(self.clock)).strftime("%H:%M")
        for i, delay in enumerate(delays):
            if delay.opens_at is None or delay.opens_at == hhmm:
                return i
        return NO_DELAY

    def _append(self, month: int) -> None:
        starts, ends, slots = self._expand(month)
        if starts and self.ends and self.ends[-1] == starts[0]:  # one opening over the boundary
            self.ends[-1] = ends[0]
            starts, ends, slots = starts[1:], ends[1:], slots[1:]
        self.starts += starts
        self.ends += ends
        self.delay_slots += slots
        self._last = month
        self._hi = _month_start(month + 1)

    def _prepend(self, month: int) -> None:
        starts, ends, slots = self._expand(month)
        if ends and self.starts and ends[-1] == self.starts[0]:
            self.starts[0] = starts[-1]
            self.delay_slots[0] = slots[-1]
            starts, ends, slots = starts[:-1], ends[:-1], slots[:-1]
        self.starts[:0] = starts
        self.ends[:0] = ends
        self.delay_slots[:0] = slots
        self._first = month
        self._lo = _month_start(month)

    def cover(self, t: Seconds, until: Seconds) -> None:
        """Expand the months from ``t`` to ``until``, and one more while the last window runs into it."""
        first, last = _month(t), _month(until)
        if self._first is None:
            self._first, self._last, self._lo, self._hi = first, first - 1, _month_start(first), _month_start(first)
        while self._first > first:
            self._prepend(self._first - 1)
            self._arrays = None
        while self._last < last:
            self._append(self._last + 1)
            self._arrays = None
        # A stay started by `until` lasts hours, never a month: one month further is enough.
        if self.ends and self.ends[-1] == self._hi and self._last == last:
            self._append(self._last + 1)
            self._arrays = None

    # -- queries ---------------------------------------------------------------------

    def _more(self, until: Seconds) -> bool:
        """Expand one more month if a window starting by ``until`` may still follow; False when none can."""
        last = _month(until)
        runs_over = self.ends and self.ends[-1] == self._hi
        if self._last > last or (self._last == last and not runs_over):
            return False
        self._append(self._last + 1)
        self._arrays = None
        return True

    def earliest_fit(self, t: Seconds, duration: Seconds, *, until: Seconds,
                     delays: tuple[Seconds, ...] | None = None) -> Seconds | None:
        """The earliest start, at or after ``t`` and by ``until``, of a ``duration`` inside one open window.

        ``delays`` (seconds, one per opening delay of the stage) make the windows they
        apply to open that much later. Months are expanded only as far as the search reads.
        """
        if t > until:
            return None
        if not self._lo <= t < self._hi:
            self.cover(t, t)
        starts, ends, slots = self.starts, self.ends, self.delay_slots
        while True:
            for j in range(bisect.bisect_right(ends, t), len(starts)):
                start = starts[j]
                if start > until:
                    return None
                if delays is not None and slots[j] != NO_DELAY:
                    start += delays[slots[j]]
                begin = start if start > t else t
                if begin + duration <= ends[j]:
                    return begin
            if not self._more(until):
                return None

    def windows_from(self, t: Seconds, *, until: Seconds) -> Iterator[tuple[Seconds, Seconds]]:
        """Open windows (as stated, without delays) that end after ``t`` and start by ``until``, in order."""
        self.cover(t, t)
        j = bisect.bisect_right(self.ends, t)
        while True:
            while j < len(self.starts):
                if self.starts[j] > until:
                    return
                if j == len(self.starts) - 1 and self.ends[j] == self._hi and self._more(until):
                    continue  # the last window may run on into the next month
                yield self.starts[j], self.ends[j]
                j += 1
            if not self._more(until):
                return

    def arrays(self, t: Seconds, until: Seconds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, delay slots) as numpy arrays covering ``t`` to ``until``, for vectorised search."""
        self.cover(t, until)
        if self._arrays is None:
            import numpy as np

            self._arrays = (np.asarray(self.starts, dtype=float), np.asarray(self.ends, dtype=float),
                            np.asarray(self.delay_slots, dtype=np.int64))
        return self._arrays

    def closure_reason(self, day: date) -> str | None:
        """Why the stage is shut all day on ``day`` of its clock (None when it opens that day)."""
        tz = zone(self.clock)
        self.cover(datetime.combine(day, time(0), tzinfo=tz).timestamp(),
                   datetime.combine(day, time(23, 59), tzinfo=tz).timestamp())
        return self._closures.get(day)

    def closed_days(self) -> dict[date, str]:
        """Every whole day closed, in the months expanded so far, with its reason."""
        return dict(self._closures)
