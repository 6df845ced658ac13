"""``GET /api/hours/{crossing}/{stage}``: a stage's open windows, and why it is closed on closed days."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from overland.api import problems
from overland.api.deps import JSONBytes, ServiceDep
from overland.api.schemas import QUERY_TIME_PATTERN, ScheduleOut
from overland.errors import InputError, UnknownIdError
from overland.io.views import schedule_view
from overland.limits import MAX_HOURS_DAYS, TIME_RANGE
from overland.timing.clocks import parse_time

router = APIRouter(prefix="/api", tags=["hours"])
# "2026-11-27T12:30 08:00": a '+' left unescaped in a query string arrives as a space.
_PLUS_AS_SPACE = re.compile(r" ([0-9]{2}:[0-9]{2})$")


def parse_moment(text: str, *, name: str, clock: str) -> datetime:
    """An ISO 8601 time with its UTC offset, or a 422 problem saying what to write."""
    try:
        return parse_time(_PLUS_AS_SPACE.sub(r"+\1", text), hint_clock=clock)
    except InputError as error:
        raise problems.ProblemError(422, "Invalid input", f"{name}: {error}", kind="invalid-input") from None


@router.get(
    "/hours/{crossing}/{stage}", response_model=ScheduleOut, summary="A stage's open windows",
    responses=problems.responses(404, 422),
)  # fmt: skip
def hours(
    service: ServiceDep,
    crossing: Annotated[str, Path(max_length=64, description="Crossing id, e.g. torugart.", examples=["torugart"])],
    stage: Annotated[str, Path(max_length=64, description="Stage id, e.g. gate.", examples=["gate"])],
    start: Annotated[
        str,
        Query(
            alias="from",
            max_length=64,
            pattern=QUERY_TIME_PATTERN,
            examples=["2026-11-27T12:30+08:00"],
            description=f"ISO 8601 time with its UTC offset, {TIME_RANGE}, e.g. 2026-11-27T12:30+08:00 "
            "(escape the '+' as %2B).",
        ),
    ],
    days: Annotated[int, Query(ge=1, le=MAX_HOURS_DAYS, description=f"How many days, 1 to {MAX_HOURS_DAYS}.")] = 7,
) -> Response:
    """The open windows from a moment on, in the stage's clock, and for each closed day why:
    the weekend of which country, the holiday's name and country, or the closure notice."""
    try:
        _, _, found = service.catalog.stage(f"{crossing}/{stage}")
    except UnknownIdError as error:
        raise problems.unknown_id(error, status=404) from None
    moment = parse_moment(start, name="from", clock=found.clock.value)
    schedule = service.hours(f"{crossing}/{stage}", moment, days=days)
    return JSONBytes(schedule_view(schedule))
