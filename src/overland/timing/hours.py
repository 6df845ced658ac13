"""Weekly hours in OpenStreetMap ``opening_hours`` syntax, read by opening-hours-py.

Only the weekly pattern comes from here. Public holidays, weekends of whole
countries and announced closures are applied by :mod:`overland.planner.schedule`,
because opening-hours-py's own holiday calendars (``PH``) are wrong for China and
missing for Kyrgyzstan.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cache

from opening_hours import OpeningHours, ParserError, State  # type: ignore[attr-defined]

from overland.timing.clocks import zone

_HOLIDAY_TOKEN = re.compile(r"\b(PH|SH)\b")
MAX_HOURS_TEXT = 400  # characters of an opening_hours expression
MAX_SPANS_A_WEEK = 60  # open and closed spans in a week: four openings a day are 57


def check_hours_text(text: str) -> str:
    """Validate an ``opening_hours`` expression (used by the data models)."""
    if _HOLIDAY_TOKEN.search(text):
        msg = (
            f"opening_hours {text!r} uses PH/SH: public holidays come from the stage's "
            "'holidays_of' countries, not from opening_hours calendars"
        )
        raise ValueError(msg)
    if len(text) > MAX_HOURS_TEXT:
        msg = f"opening_hours of {len(text)} characters: at most {MAX_HOURS_TEXT} (a week's hours fit in far fewer)"
        raise ValueError(msg)
    try:
        parsed = OpeningHours(text)
    except (ParserError, SyntaxError) as error:
        first = str(error).strip().splitlines()
        detail = first[-1].strip(" =") if first else "syntax error"
        msg = f"opening_hours {text!r} is not valid OSM syntax ({detail}); e.g. 'Mo-Fr 09:00-12:00,14:00-18:00'"
        raise ValueError(msg) from None
    week = datetime(2026, 1, 5)  # a Monday: any week shows the weekly pattern
    spans = sum(1 for _ in parsed.intervals(week, week + timedelta(days=7)))
    if spans > MAX_SPANS_A_WEEK:
        msg = f"opening_hours {text[:40]!r}... gives {spans} spans a week: at most {MAX_SPANS_A_WEEK}"
        raise ValueError(msg)
    return text


@cache
def weekly_hours(text: str, clock: str) -> OpeningHours:
    """The parsed expression in the zone ``clock`` (parsed once per process)."""
    return OpeningHours(text, timezone=zone(clock))


def open_intervals(text: str, clock: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The weekly pattern's open intervals between two aware datetimes, in ``clock``."""
    hours = weekly_hours(text, clock)
    local_start = start.astimezone(zone(clock))
    local_end = end.astimezone(zone(clock))
    return [
        (a, b) for a, b, state, _comment in hours.intervals(local_start, local_end) if state == State.OPEN and b > a
    ]


def day_spans(text: str, clock: str, day: date) -> list[tuple[datetime, datetime]]:
    """The weekly pattern's open spans on ``day`` of ``clock`` (no holidays applied)."""
    tz = zone(clock)
    start = datetime.combine(day, time(0), tzinfo=tz)
    return open_intervals(text, clock, start, start + timedelta(days=1))


def format_spans(spans: list[tuple[datetime, datetime]], clock: str) -> str:
    """Spans as ``HH:MM-HH:MM, ...`` in ``clock`` (``24:00`` for a midnight end); a span that runs over
    midnight in that clock names its days (``Mon 22:00-Tue 21:00``)."""
    tz = zone(clock)
    parts = []
    for start, end in spans:
        a, b = start.astimezone(tz), end.astimezone(tz)
        days = (b.date() - a.date()).days
        if days == 0 or (days == 1 and b.time() == time(0)):
            parts.append(f"{a:%H:%M}-{'24:00' if days else f'{b:%H:%M}'}")
        else:
            parts.append(f"{a:%a %H:%M}-{b:%a %H:%M}")
    return ", ".join(parts) if parts else "closed"
