"""``POST /api/plan``, its exports (ICS, GPX, GeoJSON) and ``POST /api/compare``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from overland.api import problems
from overland.api.admission import heavy
from overland.api.deps import JSONBytes, ServiceDep
from overland.api.schemas import CompareOut, PlanOut, PlanRequest, TripRequest
from overland.errors import InputError, UnknownIdError
from overland.io.exports import route_points, to_geojson, to_gpx, to_ics
from overland.io.views import compare_view
from overland.model.catalog import Catalog
from overland.planner.trip import Plan
from overland.service import Overland
from overland.service.overland import Caution
from overland.timing.clocks import clock_name, clock_of, parse_time, zone

router = APIRouter(prefix="/api", tags=["plans"])
BAD_INPUT = problems.responses(400, 413, 422, 503)


def aware(
    text: str, clock: str | None, name: str, *, hint_clock: str | None = None, where: str | None = None
) -> datetime:
    """``text`` as an aware time: with its own offset, or read in ``clock`` (a 422 problem otherwise)."""
    try:
        return parse_time(text, clock=clock, hint_clock=hint_clock, where=where, how=", or give its clock in 'clock'")
    except InputError as error:
        raise problems.ProblemError(422, "Invalid input", f"{name}: {error}", kind="invalid-input") from None


def depart_of(request: TripRequest, catalog: Catalog) -> datetime:
    """The departure with its UTC offset: as given, or read in ``clock``."""
    try:
        origin: str | None = catalog.place_id(request.origin)
    except UnknownIdError:
        origin = None  # the plan says so, with suggestions
    hint = catalog.clock_of(origin) if origin is not None else None
    return aware(request.depart, request.clock, "depart", hint_clock=hint, where=origin)


def make_plan(request: PlanRequest, service: Overland) -> Plan:
    """The plan a request asks for (errors become 422 problems)."""
    return service.plan(
        request.origin, request.destination, depart_of(request, service.catalog), via=request.via,
        mode=request.travel_mode(), documents=request.documents, carrying=list(request.carrying),
        samples=request.samples, seed=request.seed, **request.traveller_options(),
    )  # fmt: skip


def plan_view(plan: Plan, catalog: Catalog, cautions: Sequence[Caution] = ()) -> dict[str, Any]:
    """The plan as ``overland plan --format json`` shows it, with names, both clocks, the route and
    the ``cautions`` about the request (each also among the warnings, in English)."""
    view = plan.as_json()
    view["cautions"] = [c.as_json() for c in cautions]
    home = plan.home_clock
    home_zone = zone(home)

    def name(node: str | None) -> str:
        return "" if node is None else catalog.node_name(node)

    for shown, event in zip(view["events"], plan.events, strict=True):
        clock = clock_of(event.start)
        shown["name"] = name(event.stage or event.place)
        shown["clock"] = clock
        shown["clock_name"] = clock_name(clock)
        shown["start_home"] = event.start.astimezone(home_zone).isoformat()
        shown["end_home"] = event.end.astimezone(home_zone).isoformat()
    for item in (*view["blockers"], *view["advice"]):
        item["name"] = name(item["stage"])
    view["complete"] = plan.complete
    view["home_clock"] = home
    view["home_clock_name"] = clock_name(home)
    view["route"] = [
        {"node": node, "name": title, "lat": lat, "lon": lon, "time": when.isoformat()}
        for node, title, lat, lon, when in route_points(plan, catalog)
    ]
    return view


@router.post("/plan", response_model=PlanOut, summary="Plan a trip door to door", responses=BAD_INPUT)
async def plan(body: PlanRequest, request: Request, service: ServiceDep) -> Response:
    """When each stage opens, where you wait and sleep, in the local clock and in your home clock;
    the stage that would turn you back and why (`complete` false, `arrive` null); advice with sources.

    A plan a stage blocks is still a plan: it is answered 200 with its `blockers`."""

    def work() -> bytes:
        made = make_plan(body, service)
        return orjson.dumps(plan_view(made, service.catalog, service.cautions(made.depart, body.carrying)))

    return JSONBytes(await heavy(request, work, samples=body.samples))


def _filename(plan: Plan, extension: str) -> str:
    return f"overland-{plan.origin}-{plan.destination}-{plan.depart:%Y%m%dT%H%M}.{extension}"


async def _export(
    body: PlanRequest, request: Request, service: Overland, write: Any, media_type: str, extension: str
) -> Response:
    def work() -> tuple[Any, str]:
        result = make_plan(body, service)
        return write(result, service.catalog), _filename(result, extension)

    content, filename = await heavy(request, work, samples=body.samples)
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=media_type, headers=headers)


def _text_response(media_type: str, what: str) -> dict[int | str, dict[str, Any]]:
    schema: dict[str, Any] = {"type": "object"} if media_type.endswith("json") else {"type": "string"}
    return {200: {"description": what, "content": {media_type: {"schema": schema}}}, **BAD_INPUT}


@router.post(
    "/plan/ics",
    summary="A plan as a calendar (ICS)",
    response_class=Response,
    responses=_text_response("text/calendar", "iCalendar, one event per step in its own time zone."),
)
async def plan_ics(body: PlanRequest, request: Request, service: ServiceDep) -> Response:
    """The plan as an iCalendar file: one event per step that takes time, each in its own clock."""
    return await _export(body, request, service, to_ics, "text/calendar", "ics")


@router.post(
    "/plan/gpx",
    summary="A plan as a route (GPX)",
    response_class=Response,
    responses=_text_response("application/gpx+xml", "GPX 1.1: the route and a waypoint at each stop."),
)
async def plan_gpx(body: PlanRequest, request: Request, service: ServiceDep) -> Response:
    """The plan as a GPX 1.1 route through the places and checkpoints, with a waypoint at each."""
    return await _export(body, request, service, to_gpx, "application/gpx+xml", "gpx")


@router.post(
    "/plan/geojson",
    summary="A plan as a map layer (GeoJSON)",
    response_class=Response,
    responses=_text_response("application/geo+json", "RFC 7946 FeatureCollection: the route and its stops."),
)
async def plan_geojson(body: PlanRequest, request: Request, service: ServiceDep) -> Response:
    """The plan as a GeoJSON FeatureCollection (RFC 7946): the route line and a point per stop."""
    return await _export(body, request, service, to_geojson, "application/geo+json", "geojson")


@router.post("/compare", response_model=CompareOut, summary="The crossings side by side", responses=BAD_INPUT)
async def compare(body: TripRequest, request: Request, service: ServiceDep) -> Response:
    """One plan per crossing joining the two places (every document held), best first:
    arrival, hours door to door, nights, waiting, blockers."""

    def work() -> bytes:
        depart = depart_of(body, service.catalog)
        plans = service.compare(body.origin, body.destination, depart, mode=body.travel_mode(),
                                **body.traveller_options())  # fmt: skip
        return orjson.dumps(compare_view(body.origin, body.destination, depart, plans))

    return JSONBytes(await heavy(request, work))
