"""The traveller's day: when they are on the way, when they may drive, how long at the wheel.

A :class:`Rhythm` holds numbers only (seconds): the quiet hours of each local day (no
travel, no standing at a post: the night is spent in a bed), whether the legs the data
warns about may be driven after dark, the hours at the wheel between two nights, and a
driver's break. The functions here answer, on UTC seconds in a place's clock, "when may
the traveller next be on the way" and "when may this leg be driven"; both walkers (one
traveller, and many at once with numpy) use them.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from overland.errors import InputError
from overland.timing.clocks import clock_name

if TYPE_CHECKING:
    from overland.model.traveller import Profile

DAY = 86400.0
REST = 8 * 3600.0  # a night's rest when the traveller keeps no quiet hours (it also restarts the day's driving)


@dataclass(frozen=True, slots=True)
class Rhythm:
    """A traveller's daily rhythm, in seconds.

    ``quiet`` is (start, end) after local midnight of the hours spent in a bed (None: the
    traveller may be on the way at any hour); ``dark_warned`` allows driving the legs the
    data warns about after dark; ``max_drive`` caps the driving between two nights (None: no
    cap); after ``break_after`` seconds of driving a driver stops ``break_for`` seconds.
    """

    quiet: tuple[float, float] | None = (22 * 3600.0, 5 * 3600.0)
    dark_warned: bool = False
    max_drive: float | None = 9 * 3600.0
    break_after: float | None = None
    break_for: float = 0.0
    awake_length: float = field(init=False, repr=False, compare=False)  # seconds of each day outside the quiet hours

    @property
    def quiet_length(self) -> float:
        """Seconds of each day inside the quiet hours (0 without them)."""
        return DAY - self.awake_length if self.quiet is not None else 0.0

    def breaks(self, since: float, seconds: float) -> int:
        """The breaks a drive of ``seconds`` at the wheel takes, ``since`` seconds of driving after the last
        one: a break each time the driving since a break reaches ``break_after`` with more of the drive to go
        (none without the rule). The drive then takes ``seconds + breaks * break_for``, and ends
        ``since + seconds - breaks * break_after`` seconds of driving after its last break."""
        after = self.break_after
        if after is None or since + seconds <= after:
            return 0
        return math.ceil((since + seconds) / after) - 1

    def on_the_road(self, since: float, seconds: float) -> float:
        """Seconds a drive of ``seconds`` at the wheel takes with its breaks (:meth:`breaks`), ``since`` seconds
        of driving after the last one."""
        return seconds + self.breaks(since, seconds) * self.break_for

    def __post_init__(self) -> None:
        length = DAY if self.quiet is None else (self.quiet[0] - self.quiet[1]) % DAY or DAY
        object.__setattr__(self, "awake_length", length)

    def describe(self, day_clocks: tuple[str, ...] = ()) -> str:
        """``no travel 22:00-05:00, warned roads by daylight, at most 9 h at the wheel a day``; the quiet
        hours name ``day_clocks`` (IANA names), the clocks they are counted in where those are not the
        official ones: ``no travel 22:00-05:00 (Xinjiang time where people keep it)``."""
        parts = []
        if self.quiet is not None:
            kept = "".join(f" ({clock_name(c)} where people keep it)" for c in day_clocks)
            parts.append(f"no travel {_hhmm(self.quiet[0])}-{_hhmm(self.quiet[1])}{kept}")
        if not self.dark_warned:
            parts.append("mountain roads the data warns about by daylight only")
        if self.max_drive is not None:
            parts.append(f"at most {self.max_drive / 3600:g} h at the wheel a day")
        if self.break_after is not None:
            parts.append(f"a {self.break_for / 60:g}-minute break after {self.break_after / 3600:g} h of driving")
        return ", ".join(parts) or "any hour, any road"

    def as_json(self, day_clocks: tuple[str, ...] = ()) -> dict[str, object]:
        """The day as data: the quiet hours and the clocks they are counted in where those are not the
        official ones (``day_clocks``), the roads by daylight, the hours at the wheel, a driver's break, and
        the same in words (:meth:`describe`)."""
        quiet = None if self.quiet is None else f"{_hhmm(self.quiet[0])}-{_hhmm(self.quiet[1])}"
        rest = None if self.break_after is None else {"after_hours": self.break_after / 3600,
                                                      "minutes": self.break_for / 60}  # fmt: skip
        return {"quiet_hours": quiet, "counted_in": list(day_clocks), "dark_roads": self.dark_warned,
                "max_drive_hours": None if self.max_drive is None else self.max_drive / 3600, "break": rest,
                "text": self.describe(day_clocks)}  # fmt: skip


def parse_quiet(text: str | None) -> tuple[float, float] | None:
    """``"22:00-05:00"`` as (start, end) seconds after midnight; ``none``, empty or None: no quiet hours."""
    if text is None or text.strip().lower() in ("", "none", "off"):
        return None
    try:
        start, end = (part.strip() for part in text.split("-"))
        values = []
        for part in (start, end):
            hours, minutes = part.split(":")
            if not (0 <= int(hours) < 24 and 0 <= int(minutes) < 60):
                raise ValueError
            values.append(int(hours) * 3600.0 + int(minutes) * 60.0)
    except ValueError:
        msg = f"quiet hours {text!r}: write them as HH:MM-HH:MM in the local clock, e.g. 22:00-05:00, or none"
        raise InputError(msg) from None
    if values[0] == values[1]:
        msg = f"quiet hours {text!r} start and end at the same time: give a span, e.g. 22:00-05:00, or none"
        raise InputError(msg)
    return values[0], values[1]


def of_profile(profile: Profile | None, *, quiet: str | None = None, max_drive_hours: float | None = None,
               dark_roads: bool | None = None, keep_quiet: bool = True, keep_max: bool = True) -> Rhythm:  # fmt: skip
    """The rhythm of a profile of the data (None: the built-in defaults), with the traveller's overrides.

    ``quiet`` and ``max_drive_hours`` replace the profile's when ``keep_quiet`` / ``keep_max``
    are False (so None can mean "none"); ``dark_roads`` replaces the daylight rule when given.
    """
    base = Rhythm() if profile is None else Rhythm(
        quiet=parse_quiet(profile.quiet_hours.value),
        dark_warned=profile.dark_warned_roads.value,
        max_drive=profile.max_drive_hours.value * 3600 if profile.max_drive_hours.value is not None else None,
        break_after=profile.break_after_hours.value * 3600 if profile.break_after_hours else None,
        break_for=profile.break_minutes.value * 60 if profile.break_minutes else 0.0,
    )  # fmt: skip
    if not keep_quiet:
        base = replace(base, quiet=parse_quiet(quiet))
    if not keep_max:
        if max_drive_hours is not None and not 0 < max_drive_hours <= 24:
            msg = f"hours at the wheel a day must be more than 0 and at most 24, not {max_drive_hours:g}"
            raise InputError(msg)
        base = replace(base, max_drive=max_drive_hours * 3600 if max_drive_hours is not None else None)
    if dark_roads is not None:
        base = replace(base, dark_warned=dark_roads)
    return base


def _hhmm(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


_OFFSETS: dict[tuple[tzinfo, float], float] = {}  # (zone, UTC day) -> offset: a few zones, days within a trip's reach


def offset(zone: tzinfo, t: float) -> float:
    """The UTC offset of ``zone`` at ``t`` (UTC seconds), in seconds: the offset at noon UTC of that day
    (the zones here change offset rarely, never at noon)."""
    key = (zone, t // DAY)  # the day as a float: one division, no int() (the planner asks this most)
    try:
        return _OFFSETS[key]
    except KeyError:
        if len(_OFFSETS) > 65536:
            _OFFSETS.clear()
        moment = datetime.fromtimestamp(key[1] * DAY + DAY / 2, UTC)
        delta = zone.utcoffset(moment)
        found = _OFFSETS[key] = delta.total_seconds() if delta is not None else 0.0
        return found


def awake_window(rhythm: Rhythm, zone: tzinfo, t: float) -> tuple[float, float]:
    """The span outside the quiet hours that holds ``t``, or the next one when ``t`` falls in them."""
    if rhythm.quiet is None:
        return (-float("inf"), float("inf"))
    end_of_quiet = rhythm.quiet[1]
    length = rhythm.awake_length
    o = offset(zone, t)
    local = t + o
    k = (local - end_of_quiet) // DAY
    start = k * DAY + end_of_quiet
    if local >= start + length:
        start += DAY
    return start - o, start + length - o


def fit_awake(rhythm: Rhythm, zone: tzinfo, t: float, duration: float) -> float | None:
    """The earliest start at or after ``t`` of ``duration`` seconds outside the quiet hours (None: too long)."""
    if rhythm.quiet is None:
        return t
    if duration > rhythm.awake_length:
        return None
    start, end = awake_window(rhythm, zone, t)
    begin = max(start, t)
    if begin + duration <= end:
        return begin
    return awake_window(rhythm, zone, end + 1)[0]


def same_awake_window(rhythm: Rhythm, zone: tzinfo, a: float, b: float) -> bool:
    """True when no quiet hours lie between ``a`` and ``b`` (``a`` <= ``b``) in ``zone``'s clock."""
    if rhythm.quiet is None or b <= a:
        return True
    start, end = awake_window(rhythm, zone, a)
    return start <= a and b <= end


NIGHT = 2 * 3600.0  # a stay covers a night when the local clock shows 02:00 during it


def covers_night(zone: tzinfo, a: float, b: float) -> bool:
    """True when the local clock shows 02:00 strictly between ``a`` and ``b`` (a night spent there)."""
    if b <= a:
        return False
    o = offset(zone, a)
    first = ((a + o - NIGHT) // DAY + 1) * DAY  # the first 02:00 after a, in local seconds less 02:00
    later = o if b // DAY == a // DAY else offset(zone, b)  # the offset is the same all of a UTC day
    return first < b + later - NIGHT


def next_morning(rhythm: Rhythm, zone: tzinfo, t: float) -> float:
    """The start of the first span outside the quiet hours after the one holding ``t`` (the next morning)."""
    if rhythm.quiet is None:
        return t + REST
    start, end = awake_window(rhythm, zone, t)
    if t < start:  # in the quiet hours: this coming morning
        return start
    return awake_window(rhythm, zone, end + 1)[0]


def fit_daylight(dark: tuple[tuple[float, ...], tuple[float, ...]], t: float, duration: float) -> float:
    """The earliest start at or after ``t`` of ``duration`` seconds outside the dark spans (sorted starts, ends)."""
    starts, ends = dark
    while True:
        i = bisect.bisect_right(ends, t)  # the first dark span ending after t
        if i >= len(starts) or starts[i] >= t + duration:
            return t
        t = ends[i]
