"""``GET /api/places``, ``GET /api/crossings``, ``GET /api/crossings/{id}``: what the data holds."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from overland.api import problems
from overland.api.deps import JSONBytes, ServiceDep, cached_json
from overland.api.schemas import (
    DAY_PATTERN,
    FIRST_DAY,
    LAST_DAY,
    CrossingOut,
    CrossingRow,
    PlaceOut,
)
from overland.errors import UnknownIdError
from overland.io.views import crossing_view, crossings_view, places_view

router = APIRouter(prefix="/api", tags=["data"])


@router.get("/places", response_model=dict[str, PlaceOut], summary="The places, keyed by id")
async def places(request: Request, service: ServiceDep) -> Response:
    """Every place: names in English and local scripts, country, coordinates, elevation, clock,
    lodging, and for each value its source and status (`sourced`, `derived`, `assumed`)."""
    return JSONBytes(cached_json(request, "places", lambda: places_view(service.catalog)))


@router.get("/crossings", response_model=list[CrossingRow], summary="The crossings")
async def crossings(request: Request, service: ServiceDep) -> Response:
    """Each crossing with its countries, border place and the stages of each direction in order."""
    return JSONBytes(cached_json(request, "crossings", lambda: crossings_view(service.catalog)))


@router.get("/passports", response_model=list[str], summary="The passports the data has entry rules for")
async def passports(request: Request, service: ServiceDep) -> Response:
    """The passports' countries (ISO 3166 alpha-2) the entry regimes of `data/entry-regimes.yaml` are
    given for: the values `nationality` takes in a plan."""
    return JSONBytes(cached_json(request, "passports", lambda: service.catalog.passports))


@router.get(
    "/crossings/{crossing_id}", response_model=CrossingOut, summary="A crossing's fact sheet",
    responses=problems.responses(404, 422),
)  # fmt: skip
async def crossing(
    request: Request,
    service: ServiceDep,
    crossing_id: Annotated[str, Path(max_length=64, description="Crossing id, e.g. torugart.", examples=["torugart"])],
    on: Annotated[
        str | None,
        Query(
            pattern=DAY_PATTERN,
            examples=["2026-11-25"],
            description=f"Show the hours as on the first Wednesday from this day (YYYY-MM-DD), {FIRST_DAY} to "
            f"{LAST_DAY} (default: today).",
        ),
    ] = None,
) -> Response:
    """Stages, directions, documents, rules, announced closures and figures, every value with its
    source; and each direction's stages with their hours on a working day in the stage's clock and
    in the clock of the country you come from."""
    try:
        day = date.fromisoformat(on) if on else service.today()
    except ValueError:
        msg = f"on {on!r} is not a day of the calendar: write e.g. 2026-11-25"
        raise problems.ProblemError(422, "Invalid input", msg, kind="invalid-input") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        msg = f"on {day.isoformat()} is out of range: give a day from {FIRST_DAY} to {LAST_DAY}"
        raise problems.ProblemError(422, "Invalid input", msg, kind="invalid-input")
    try:
        found = service.catalog.crossing(crossing_id)
    except UnknownIdError as error:
        raise problems.unknown_id(error, status=404) from None
    return JSONBytes(
        cached_json(request, ("crossing", crossing_id, day), lambda: crossing_view(service.catalog, found, day))
    )
