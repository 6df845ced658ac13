"""When the cranes may start a lift, and when trains may cross the border.

Variants are small classes, not flags:

- :class:`RoundTheClock` — cranes lift at any hour (the default).
- :class:`DailyHours` — cranes start lifts only within daily working spans
  (``working_hours`` of the scenario); a lift started keeps going past the end.
- :class:`WithClosures` — on top of either, spans of model time when the terminal is
  closed (a holiday, an announced closure): no lift starts and no train leaves.

Times are model hours; day 0 starts at time 0.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence


class Calendar:
    """Round the clock: the base class, open at every hour."""

    def until_open(self, t: float) -> float:
        """Hours from ``t`` until cranes may start a lift (0 when they may now)."""
        return 0.0

    def open_until(self, t: float) -> float:
        """When the open period that contains ``t`` ends (``inf`` when it never does)."""
        return math.inf

    def until_border_open(self, t: float) -> float:
        """Hours from ``t`` until a loaded train may leave (0 when it may now)."""
        return 0.0

    def describe(self) -> str:
        return "round the clock"


class RoundTheClock(Calendar):
    """Cranes lift at any hour."""


class DailyHours(Calendar):
    """Cranes start lifts only within the daily ``spans`` (sorted ``(start, end)`` hours of the day)."""

    def __init__(self, spans: Sequence[tuple[float, float]]) -> None:
        self.spans = tuple(spans)

    def until_open(self, t: float) -> float:
        tod = t % 24.0
        for start, end in self.spans:
            if tod < start:
                return start - tod
            if tod < end:
                return 0.0
        return 24.0 - tod + self.spans[0][0]

    def open_until(self, t: float) -> float:
        tod = t % 24.0
        for start, end in self.spans:
            if start <= tod < end:
                return t - tod + end
        return t  # closed now

    def describe(self) -> str:
        return ", ".join(f"{_clock(s)}-{_clock(e)}" for s, e in self.spans)


class WithClosures(Calendar):
    """``base`` with ``closures``: model-time spans ``(start, end)`` when nothing is lifted and no train leaves."""

    def __init__(self, base: Calendar, closures: Sequence[tuple[float, float]]) -> None:
        merged: list[list[float]] = []
        for start, end in sorted(closures):
            if end <= start:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.base = base
        self.closures = [(s, e) for s, e in merged]
        self._starts = [s for s, _ in self.closures]

    def _closed_until(self, t: float) -> float:
        """The end of the closure containing ``t``, or ``t`` when none does."""
        i = bisect_right(self._starts, t) - 1
        if i >= 0 and t < self.closures[i][1]:
            return self.closures[i][1]
        return t

    def until_border_open(self, t: float) -> float:
        return self._closed_until(t) - t

    def until_open(self, t: float) -> float:
        start = t
        for _ in range(1000):  # alternate until both the closures and the working hours allow
            reopened = self._closed_until(t)
            t = reopened + self.base.until_open(reopened)
            if self._closed_until(t) == t:
                return t - start
        return t - start

    def open_until(self, t: float) -> float:
        end = self.base.open_until(t)
        i = bisect_right(self._starts, t)
        if i < len(self._starts):
            end = min(end, self._starts[i])
        return end

    def describe(self) -> str:
        spans = "; ".join(f"{s:g}-{e:g} h" for s, e in self.closures)
        return f"{self.base.describe()}, closed {spans}" if spans else self.base.describe()


def calendar_for(
    working_hours: Sequence[tuple[float, float]], closures: Sequence[tuple[float, float]] = ()
) -> Calendar:
    """The calendar of a terminal working ``working_hours`` and closed during ``closures``."""
    base: Calendar = RoundTheClock() if tuple(working_hours) == ((0.0, 24.0),) else DailyHours(working_hours)
    return WithClosures(base, closures) if closures else base


def _clock(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
