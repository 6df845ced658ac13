"""Stage timetables: open windows expanded once per month into sorted arrays.

The search then only compares numbers (UTC seconds since the epoch), as partridge
expands GTFS calendars into service dates before anything reads them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from overland.model.crossing import Crossing
from overland.model.place import Country
from overland.timing.clocks import zone
from overland.timing.windows import stage_schedule

Seconds = float


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
    """One stage's open windows, expanded a month (UTC) at a time on first use."""

    crossing: Crossing
    stage_id: str
    countries: Mapping[str, Country]
    _months: dict[int, tuple[list[Seconds], list[Seconds]]] = field(default_factory=dict)
    _closures: dict[date, str] = field(default_factory=dict)

    @property
    def clock(self) -> str:
        return self.crossing.stages[self.stage_id].clock.value

    def _chunk(self, month: int) -> tuple[list[Seconds], list[Seconds]]:
        chunk = self._months.get(month)
        if chunk is None:
            start = datetime.fromtimestamp(_month_start(month), timezone.utc)
            end = datetime.fromtimestamp(_month_start(month + 1), timezone.utc)
            schedule = stage_schedule(self.crossing, self.stage_id, self.countries, start, end)
            chunk = ([epoch(a) for a, _ in schedule.windows], [epoch(b) for _, b in schedule.windows])
            self._months[month] = chunk
            self._closures.update({c.day: c.reason for c in schedule.closures})
        return chunk

    def windows_from(self, t: Seconds, *, until: Seconds) -> Iterator[tuple[Seconds, Seconds]]:
        """Open windows that end after ``t`` and start by ``until``, in order, merged across months."""
        month = _month(t)
        last = _month(until)
        pending: tuple[Seconds, Seconds] | None = None
        # One month past `until`, read on only if the last window runs into it (a stay
        # started by `until` is hours long, never a month).
        while month <= last or (month == last + 1 and pending is not None and pending[1] == _month_start(month)):
            starts, ends = self._chunk(month)
            i = bisect.bisect_right(ends, t)
            for j in range(i, len(starts)):
                window = (starts[j], ends[j])
                if pending is not None:
                    if pending[1] == window[0]:
                        pending = (pending[0], window[1])
                        continue
                    yield pending
                pending = window
            month += 1
        if pending is not None:
            yield pending

    def earliest_fit(self, t: Seconds, duration: Seconds, *, until: Seconds) -> Seconds | None:
        """The earliest start, at or after ``t`` and by ``until``, of a ``duration`` inside one open window."""
        for start, end in self.windows_from(t, until=until):
            begin = max(start, t)
            if begin > until:
                return None
            if begin + duration <= end:
                return begin
        return None

    def closure_reason(self, day: date) -> str | None:
        """Why the stage is shut all day on ``day`` of its clock (None when it opens that day)."""
        tz = zone(self.clock)
        self._chunk(_month(datetime.combine(day, time(0), tzinfo=tz).timestamp()))
        self._chunk(_month(datetime.combine(day, time(23, 59), tzinfo=tz).timestamp()))
        return self._closures.get(day)
