"""A stage's open windows: weekly hours minus weekends, holidays and announced closures.

Everything is expanded once into concrete intervals (aware datetimes) so that a
search afterwards only compares times. A stage staffed by two countries lists both
in ``weekends_of`` / ``holidays_of`` and is open only when both sides work. A dated
notice overrides the holiday calendar on the days it touches: its own span closes
the stage, and the holidays it overlaps no longer do.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from overland.model.crossing import Crossing, Stage
from overland.model.place import Country, Region
from overland.timing.calendars import WEEKDAY_NAMES, day_off, estimated, is_makeup_workday, undecreed
from overland.timing.clocks import zone
from overland.timing.hours import open_intervals

Span = tuple[datetime, datetime]
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Block:
    """A span when the stage is shut, and why."""

    start: datetime
    end: datetime
    kind: str  # "weekend", "holiday" or "notice"
    country: str | None
    text: str  # holiday name or notice title
    guessed: date | None = None  # a holiday the calendar only estimates: the day (of the country's clock)


Guess = tuple[str, date]  # a day off the calendar only estimates: (country, day of its clock)


@dataclass(frozen=True)
class Closure:
    """A day of the stage's clock with no opening at all, and why.

    ``guesses``: the estimated days off that alone shut it (the day opens when all of them turn
    out working days); empty when it is shut for certain (a weekend, a notice, a decreed holiday).
    """

    day: date
    reason: str
    guesses: tuple[Guess, ...] = ()


@dataclass(frozen=True)
class Maybe:
    """An opening the stage has only if the estimated days off ``guesses`` all turn out working days."""

    start: datetime
    end: datetime
    guesses: tuple[Guess, ...]


@dataclass(frozen=True)
class HoursUsed:
    """The weekly hours used from ``first`` to ``last`` (days of the stage's clock), and how they are known."""

    first: date
    last: date
    value: str
    citation: str
    held: bool  # False: no claim of the data holds on these days; the default is used


@dataclass(frozen=True)
class Schedule:
    """A stage's open windows between two instants, in the stage's clock."""

    stage: str
    clock: str
    start: datetime
    end: datetime
    windows: tuple[Span, ...]
    closures: tuple[Closure, ...]
    notes: tuple[str, ...] = ()  # days on which none of the data's hours hold (the default is used)
    hours: tuple[HoursUsed, ...] = ()  # the weekly hours used, run by run of days
    maybe: tuple[Maybe, ...] = ()  # openings shut only by days off the calendar estimates (not in ``windows``)

    def is_open(self, moment: datetime) -> bool:
        """True when ``moment`` falls inside a window (start included, end excluded)."""
        i = bisect.bisect_right([w[0] for w in self.windows], moment) - 1
        return i >= 0 and moment < self.windows[i][1]

    def next_opening(self, moment: datetime) -> datetime | None:
        """The first instant at or after ``moment`` when the stage is open (None past the horizon)."""
        for start, end in self.windows:
            if end > moment:
                return max(start, moment)
        return None


def _day_start(day: date, clock: str) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone(clock))


def _local_days(start: datetime, end: datetime, clock: str) -> list[date]:
    first = start.astimezone(zone(clock)).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone(clock)).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _subtract(spans: list[Span], blocks: list[Block]) -> list[Span]:
    cuts = sorted((b.start, b.end) for b in blocks)
    result: list[Span] = []
    for start, end in spans:
        pieces = [(start, end)]
        for c_start, c_end in cuts:
            if c_start >= end:
                break
            nxt = []
            for a, b in pieces:
                if c_end <= a or c_start >= b:
                    nxt.append((a, b))
                    continue
                if a < c_start:
                    nxt.append((a, c_start))
                if c_end < b:
                    nxt.append((c_end, b))
            pieces = nxt
        result.extend(pieces)
    return result


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _blocks(
    crossing: Crossing, stage_id: str, stage: Stage, countries: Mapping[str, Country], start: datetime, end: datetime
) -> list[Block]:
    notices = [
        Block(n.closed.value.start, n.closed.value.end, "notice", None, n.title)
        for n in crossing.notices
        if (n.stages is None or stage_id in n.stages)
        and _overlaps((n.closed.value.start, n.closed.value.end), (start, end))
    ]
    weekends = set(stage.weekends_of.value)
    holidays = set(stage.holidays_of.value)
    blocks: list[Block] = list(notices)
    for code in sorted(weekends | holidays):
        country, region = calendar_of(code, countries)
        clock = country.clock.value
        for day in _local_days(start - ONE_DAY, end + ONE_DAY, clock):
            guess: str | None = None
            if region is not None:
                found = region.day_off(day)
                if found is None:
                    continue
                reason, guess = found
            else:
                found_reason = day_off(country.holiday_calendar, day, weekends=code in weekends,
                                       holidays_=code in holidays)  # fmt: skip
                if found_reason is None:
                    continue
                reason = found_reason
                if reason != "weekend":
                    guess = estimated(country.holiday_calendar, day)
            span = (_day_start(day, clock), _day_start(day + ONE_DAY, clock))
            kind = "weekend" if reason == "weekend" else "holiday"
            # A notice speaks for the days it touches: it replaces the holiday calendar there.
            if kind == "holiday" and any(_overlaps(span, (n.start, n.end)) for n in notices):
                continue
            guessed = None
            if guess is not None:
                reason = f"{reason} (estimated: {guess})"
                guessed = day
            blocks.append(Block(span[0], span[1], kind, code, reason, guessed))
    return blocks


def calendar_of(code: str, countries: Mapping[str, Country]) -> tuple[Country, Region | None]:
    """The country whose days off ``code`` stands for, and its region (``CN-XJ``; None: the whole country)."""
    country_code, _, region_code = code.partition("-")
    country = countries[country_code]
    return country, country.regions[region_code] if region_code else None


def calendar_name(code: str, countries: Mapping[str, Country]) -> str:
    """The name of the country, or of the region (``CN-XJ``), whose days off ``code`` stands for."""
    country, region = calendar_of(code, countries)
    return region.name if region is not None else country.name


def _closure_reason(
    day: date, weekly: list[Span], blocks: list[Block], stage: Stage, hours: str, countries: Mapping[str, Country]
) -> str:
    weekday = WEEKDAY_NAMES[day.weekday()]
    if not weekly:
        return f"{weekday}: not in the weekly hours '{hours}'"
    hits = [b for b in blocks if any(_overlaps((b.start, b.end), w) for w in weekly)]
    parts: list[str] = []
    for notice in dict.fromkeys(b.text for b in hits if b.kind == "notice"):
        parts.append(f"closure notice: {notice}")
    for b in hits:
        if b.kind == "holiday":
            text = f"public holiday in {calendar_name(str(b.country), countries)}: {b.text}"
            if text not in parts:
                parts.append(text)
    resting = list(dict.fromkeys(countries[str(b.country)].name for b in hits if b.kind == "weekend"))
    if resting:
        text = f"weekend in {' and '.join(resting)}"
        working = [
            countries[code].name
            for code in stage.weekends_of.value
            if is_makeup_workday(countries[code].holiday_calendar, day)
        ]
        if working:
            text += f" ({' and '.join(working)} works: make-up working day)"
        parts.append(text)
    return f"{weekday}: " + "; ".join(parts)


def stage_schedule(
    crossing: Crossing,
    stage_id: str,
    countries: Mapping[str, Country],
    start: datetime,
    end: datetime,
) -> Schedule:
    """The open windows of ``crossing``'s stage ``stage_id`` from ``start`` to ``end``.

    Parameters
    ----------
    crossing, stage_id
        The stage.
    countries
        The catalog's countries (their clocks and holiday calendars).
    start, end
        Aware datetimes bounding the horizon.

    Returns
    -------
    Schedule
        Windows clipped to the horizon, in the stage's clock, and every day of the
        stage's clock that overlaps the horizon and has no opening at all, with why.
    """
    stage = crossing.stages[stage_id]
    clock = stage.clock.value
    days = _local_days(start, end, clock)
    full = (_day_start(days[0], clock), _day_start(days[-1] + ONE_DAY, clock))
    weekly, hours_on, used = _weekly(stage, clock, days)
    blocks = _blocks(crossing, stage_id, stage, countries, *full)
    open_spans = _subtract(weekly, blocks)
    tz = zone(clock)
    windows = tuple(
        (max(a, start).astimezone(tz), min(b, end).astimezone(tz)) for a, b in open_spans if b > start and a < end
    )
    maybe = tuple(
        Maybe(max(m.start, start).astimezone(tz), min(m.end, end).astimezone(tz), m.guesses)
        for m in _maybe(_subtract(weekly, [b for b in blocks if b.guessed is None]), blocks)
        if m.end > start and m.start < end
    )
    closures = []
    for day in days:
        span = (_day_start(day, clock), _day_start(day + ONE_DAY, clock))
        if any(_overlaps(span, w) for w in open_spans):
            continue
        day_weekly = [(max(a, span[0]), min(b, span[1])) for a, b in weekly if _overlaps((a, b), span)]
        guesses = tuple(sorted({g for m in maybe if _overlaps(span, (m.start, m.end)) for g in m.guesses}))
        reason = _closure_reason(day, day_weekly, blocks, stage, hours_on[day], countries)
        closures.append(Closure(day, reason, guesses))
    return Schedule(
        stage=f"{crossing.id}/{stage_id}",
        clock=clock,
        start=start.astimezone(tz),
        end=end.astimezone(tz),
        windows=windows,
        closures=tuple(closures),
        notes=(
            *(
                f"{u.first}{'' if u.first == u.last else f' to {u.last}'}: none of the data's hours hold then; "
                f"the default '{u.value}' is used ({u.citation})"
                for u in used
                if not u.held
            ),
            *_undecreed(stage, countries, days),
        ),
        hours=used,
        maybe=maybe,
    )


def _maybe(spans: list[Span], blocks: list[Block]) -> list[Maybe]:
    """The parts of ``spans`` (open but for the estimated days off) that estimated days off shut, each with
    the days that shut it."""
    guessed = [(b.start, b.end, (str(b.country), b.guessed)) for b in blocks if b.guessed is not None]
    cuts = sorted({g[0] for g in guessed} | {g[1] for g in guessed})
    found: list[Maybe] = []
    for a, b in spans:
        points = [a, *(c for c in cuts if a < c < b), b]
        for x, y in zip(points, points[1:], strict=False):
            guesses = tuple(sorted({key for start, end, key in guessed if start < y and x < end}))
            if not guesses:
                continue
            if found and found[-1].end == x and found[-1].guesses == guesses:
                found[-1] = Maybe(found[-1].start, y, guesses)
            else:
                found.append(Maybe(x, y, guesses))
    return found


def _weekly(stage: Stage, clock: str, days: list[date]) -> tuple[list[Span], dict[date, str], tuple[HoursUsed, ...]]:
    """The weekly-hours spans over ``days``, each day by the hours claim that holds on it; the
    hours of each day; and the hours used, run by run of days."""
    runs: list[tuple[date, date, Any, bool]] = []  # first day, last day, claim, held
    for day in days:
        claim, held = stage.hours.claim_on(day)
        if runs and runs[-1][2] is claim and runs[-1][3] == held:
            runs[-1] = (runs[-1][0], day, claim, held)
        else:
            runs.append((day, day, claim, held))
    spans: list[Span] = []
    for first, last, claim, _ in runs:
        for a, b in open_intervals(claim.value, clock, _day_start(first, clock), _day_start(last + ONE_DAY, clock)):
            if spans and spans[-1][1] == a:  # one opening over the change of claim
                spans[-1] = (spans[-1][0], b)
            else:
                spans.append((a, b))
    hours_on = {day: claim.value for first, last, claim, _ in runs for day in _each_day(first, last)}
    used = tuple(HoursUsed(first, last, claim.value, claim.citation(), held) for first, last, claim, held in runs)
    return spans, hours_on, used


def _undecreed(stage: Stage, countries: Mapping[str, Country], days: list[date]) -> list[str]:
    """A note per country whose holidays close the stage and whose decree on days off for a year of
    ``days`` the calendar does not hold yet."""
    found = []
    for code in sorted(set(stage.holidays_of.value) | set(stage.weekends_of.value)):
        if "-" in code:
            continue  # a region: each of its estimated days says so itself
        for year in sorted({d.year for d in days}):
            note = undecreed(countries[code].holiday_calendar, year)
            if note is not None:
                found.append(f"{countries[code].name}: {note}")
    return found


def _each_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
