"""Stage timetables: open windows expanded a month at a time into flat sorted arrays.

The search then only compares numbers (UTC seconds since the epoch), as partridge
expands GTFS calendars into service dates before anything reads them. The months
expanded so far form one contiguous span; windows that run over a month boundary
are joined, so a window is always a whole opening.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from overland.model.crossing import Crossing
from overland.model.place import Country
from overland.planner.schedule import Guess, stage_schedule
from overland.timing.clocks import zone

if TYPE_CHECKING:
    import numpy as np

Seconds = float
NO_DELAY = -1


def epoch(moment: datetime) -> Seconds:
    """UTC seconds since the epoch of an aware datetime."""
    return moment.timestamp()


def _month(t: Seconds) -> int:
    """The month index (year * 12 + month - 1, UTC) of an instant."""
    moment = datetime.fromtimestamp(t, UTC)
    return moment.year * 12 + moment.month - 1


def _month_start(month: int) -> Seconds:
    """The first instant (UTC) of a month index."""
    return datetime(month // 12, month % 12 + 1, 1, tzinfo=UTC).timestamp()


@dataclass(frozen=True, slots=True)
class _Windows:
    """The windows expanded so far: an immutable snapshot, replaced whole when more months are expanded."""

    starts: tuple[Seconds, ...]
    ends: tuple[Seconds, ...]
    slots: tuple[int, ...]
    first: int  # first month expanded
    last: int  # last month expanded (first - 1: none yet)
    lo: Seconds  # start of the first month expanded
    hi: Seconds  # end of the last month expanded


class StageTimetable:
    """One stage's open windows over the months expanded so far.

    ``starts[i]``, ``ends[i]`` bound window ``i``; ``delay_slots[i]`` is the index in
    the stage's ``opening_delays`` of the delay that applies to its opening, or -1.
    Safe to share between threads: months are expanded under a lock into a new
    snapshot, and every query reads one snapshot.
    """

    def __init__(self, crossing: Crossing, stage_id: str, countries: Mapping[str, Country]) -> None:
        self.crossing = crossing
        self.stage_id = stage_id
        self.countries = countries
        self._w: _Windows | None = None
        self._closures: dict[date, str] = {}
        self._unheld: dict[date, str] = {}  # days on which no hours claim holds, and what is used
        # Openings shut only by days off the calendar estimates: start -> (end, delay slot, the days), and the
        # closed days they would open (day -> the days). The deterministic search never reads them.
        self._maybe: dict[Seconds, tuple[Seconds, int, tuple[Guess, ...]]] = {}
        self._guessed: dict[date, tuple[Guess, ...]] = {}
        self._arrays: tuple[_Windows, tuple] | None = None
        self._closed: tuple[_Windows | None, tuple] | None = None
        self._days_covered: set[date] = set()  # days of the stage's clock whose months are expanded (never shrinks)
        self._lock = threading.Lock()

    @property
    def clock(self) -> str:
        return self.crossing.stages[self.stage_id].clock.value

    @property
    def starts(self) -> tuple[Seconds, ...]:
        return self._w.starts if self._w else ()

    @property
    def ends(self) -> tuple[Seconds, ...]:
        return self._w.ends if self._w else ()

    @property
    def delay_slots(self) -> tuple[int, ...]:
        return self._w.slots if self._w else ()

    # -- expansion -------------------------------------------------------------------

    def _expand(self, month: int) -> tuple[list[Seconds], list[Seconds], list[int]]:
        start = datetime.fromtimestamp(_month_start(month), UTC)
        end = datetime.fromtimestamp(_month_start(month + 1), UTC)
        schedule = stage_schedule(self.crossing, self.stage_id, self.countries, start, end)
        self._closures.update({c.day: c.reason for c in schedule.closures})
        self._guessed.update({c.day: c.guesses for c in schedule.closures if c.guesses})
        for m in schedule.maybe:
            self._maybe[epoch(m.start)] = (epoch(m.end), self._slot(m.start), m.guesses)
        for used in schedule.hours:
            if not used.held:
                day = used.first
                while day <= used.last:
                    self._unheld[day] = f"none of the data's hours hold on {day}; the default '{used.value}' is used"
                    day += timedelta(days=1)
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

    def _append(self, w: _Windows) -> _Windows:
        month = w.last + 1
        starts, ends, slots = self._expand(month)
        old_ends = list(w.ends)
        if starts and old_ends and old_ends[-1] == starts[0]:  # one opening over the boundary
            old_ends[-1] = ends[0]
            starts, ends, slots = starts[1:], ends[1:], slots[1:]
        return _Windows(
            (*w.starts, *starts), (*old_ends, *ends), (*w.slots, *slots), w.first, month, w.lo, _month_start(month + 1)
        )

    def _prepend(self, w: _Windows) -> _Windows:
        month = w.first - 1
        starts, ends, slots = self._expand(month)
        old_starts, old_slots = list(w.starts), list(w.slots)
        if ends and old_starts and ends[-1] == old_starts[0]:
            old_starts[0] = starts[-1]
            old_slots[0] = slots[-1]
            starts, ends, slots = starts[:-1], ends[:-1], slots[:-1]
        return _Windows(
            (*starts, *old_starts), (*ends, *w.ends), (*slots, *old_slots), month, w.last, _month_start(month), w.hi
        )

    def cover(self, t: Seconds, until: Seconds) -> _Windows:
        """Expand the months from ``t`` to ``until``, and one more while the last window runs into it."""
        w = self._w
        if w is not None and w.lo <= t and until < w.hi and not (w.ends and w.ends[-1] == w.hi):
            return w  # inside the months expanded, and the last window ends in them: nothing to add
        first, last = _month(t), _month(until)
        if (
            w is not None
            and w.first <= first
            and w.last >= last
            and not (w.ends and w.ends[-1] == w.hi and w.last == last)
        ):
            return w
        with self._lock:
            w = self._w
            if w is None:
                w = _Windows((), (), (), first, first - 1, _month_start(first), _month_start(first))
            while w.first > first:
                w = self._prepend(w)
            while w.last < last:
                w = self._append(w)
            # A stay started by `until` lasts hours, never a month: one month further is enough.
            if w.ends and w.ends[-1] == w.hi and w.last == last:
                w = self._append(w)
            self._w = w
        return w

    # -- queries ---------------------------------------------------------------------

    def _more(self, w: _Windows, until: Seconds) -> _Windows | None:
        """One more month if a window starting by ``until`` may still follow after ``w``; None when none can."""
        last = _month(until)
        runs_over = w.ends and w.ends[-1] == w.hi
        if w.last > last or (w.last == last and not runs_over):
            return None
        with self._lock:
            now = self._w
            if now is not None and now.last > w.last and now.first <= w.first:
                return now  # another thread expanded it meanwhile
            self._w = self._append(now if now is not None else w)
            return self._w

    def earliest_fit(
        self, t: Seconds, duration: Seconds, *, until: Seconds, delays: tuple[Seconds, ...] | None = None
    ) -> Seconds | None:
        """The earliest start, at or after ``t`` and by ``until``, of a ``duration`` inside one open window.

        ``delays`` (seconds, one per opening delay of the stage) make the windows they
        apply to open that much later. Months are expanded only as far as the search reads.
        """
        if t > until:
            return None
        w = self._w
        if w is None or not w.lo <= t < w.hi:
            w = self.cover(t, t)
        while True:
            starts, ends, slots = w.starts, w.ends, w.slots
            for j in range(bisect.bisect_right(ends, t), len(starts)):
                start = starts[j]
                if start > until:
                    return None
                if delays is not None and slots[j] != NO_DELAY:
                    start += delays[slots[j]]
                begin = start if start > t else t
                if begin + duration <= ends[j]:
                    return begin
            w = self._more(w, until)
            if w is None:
                return None

    def windows_from(self, t: Seconds, *, until: Seconds) -> Iterator[tuple[Seconds, Seconds]]:
        """Open windows (as stated, without delays) that end after ``t`` and start by ``until``, in order."""
        w = self.cover(t, t)
        after = t
        while True:
            j = bisect.bisect_right(w.ends, after)
            while j < len(w.starts):
                if w.starts[j] > until:
                    return
                if j == len(w.starts) - 1 and w.ends[j] == w.hi:
                    more = self._more(w, until)
                    if more is not None:
                        w = more
                        j = bisect.bisect_right(w.ends, after)
                        continue  # the last window may run on into the next month
                yield w.starts[j], w.ends[j]
                after = w.ends[j]
                j += 1
            more = self._more(w, until)
            if more is None:
                return
            w = more

    def arrays(self, t: Seconds, until: Seconds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(starts, ends, delay slots) as numpy arrays covering ``t`` to ``until``, for vectorised search."""
        w = self.cover(t, until)
        kept = self._arrays
        if kept is None or kept[0] is not w:
            import numpy as np

            kept = (
                w,
                (
                    np.asarray(w.starts, dtype=float),
                    np.asarray(w.ends, dtype=float),
                    np.asarray(w.slots, dtype=np.int64),
                ),
            )
            self._arrays = kept
        return kept[1]

    def closed_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Every whole day closed in the months expanded so far, as sorted UTC [start, end) arrays.

        Worked out once per expansion (a replay of many years keeps thousands of closed days).
        """
        w = self._w
        kept = self._closed
        if kept is None or kept[0] is not w:
            import numpy as np

            tz = zone(self.clock)
            days = sorted(self.closed_days())
            starts = [datetime.combine(d, time(0), tzinfo=tz).timestamp() for d in days]
            ends = [datetime.combine(d + timedelta(days=1), time(0), tzinfo=tz).timestamp() for d in days]
            kept = (w, (np.asarray(starts, dtype=float), np.asarray(ends, dtype=float)))
            self._closed = kept
        return kept[1]

    def maybe_windows(self, t: Seconds, until: Seconds) -> list[tuple[Seconds, Seconds, int, tuple[Guess, ...]]]:
        """The openings, ending after ``t`` and starting by ``until``, that the stage has only if days off
        the calendar estimates turn out working days: (start, end, delay slot, those days), in order.

        They are not among :meth:`arrays`' windows (the plan keeps an estimated day off shut); the
        Monte Carlo opens them in the samples that draw those days as working days.
        """
        self.cover(t, until)
        with self._lock:
            found = sorted((a, *rest) for a, rest in self._maybe.items() if rest[0] > t and a <= until)
        return [(a, b, slot, guesses) for a, b, slot, guesses in found]

    def guessed_days(self) -> dict[date, tuple[Guess, ...]]:
        """The closed days, in the months expanded so far, that only days off the calendar estimates shut
        (day of the stage's clock -> those days: the day opens when all of them turn out working days)."""
        with self._lock:
            return dict(self._guessed)

    def closure_reason(self, day: date) -> str | None:
        """Why the stage is shut all day on ``day`` of its clock (None when it opens that day)."""
        if day not in self._days_covered:
            tz = zone(self.clock)
            self.cover(
                datetime.combine(day, time(0), tzinfo=tz).timestamp(),
                datetime.combine(day, time(23, 59), tzinfo=tz).timestamp(),
            )
            self._days_covered.add(day)
        return self._closures.get(day)

    @property
    def has_unheld(self) -> bool:
        """True when some day expanded so far has no hours claim holding."""
        return bool(self._unheld)

    def unheld(self, day: date) -> str | None:
        """A note when none of the data's hours claims hold on ``day`` of the stage's clock (None: one
        holds, or the day is not in the months expanded so far)."""
        return self._unheld.get(day) if self._unheld else None

    def closed_days(self) -> dict[date, str]:
        """Every whole day closed, in the months expanded so far, with its reason."""
        with self._lock:
            return dict(self._closures)
