"""``POST /api/when``: the best departure in a span, from Monte Carlo arrivals."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from overland.api import problems
from overland.api.admission import heavy
from overland.api.deps import JSONBytes, ServiceDep, SettingsDep
from overland.api.routes.plans import aware
from overland.api.schemas import WhenOut, WhenRequest

router = APIRouter(prefix="/api", tags=["plans"])


@router.post(
    "/when",
    response_model=WhenOut,
    summary="When to leave: the best departures in a span",
    responses=problems.responses(400, 413, 422, 503),
)
async def when(body: WhenRequest, request: Request, service: ServiceDep, settings: SettingsDep) -> Response:
    """For each departure from `start` to `end` every `every_minutes`: the P50 arrival, the arrival
    at `confidence` and, with `arrive_by`, the chance of arriving by it; the best departures and the
    latest that still arrives by the target with at least that chance. The same `seed`, the same figures.

    One scan draws at most `OVERLAND_SCAN_SAMPLES` samples in all (departures × `samples`; 2,000,000
    by default: the API's description gives this server's figure); past that the answer is 422."""
    start, end = aware(body.start, body.clock, "start"), aware(body.end, body.clock, "end")
    target = aware(body.arrive_by, body.clock, "arrive_by") if body.arrive_by else None

    def work() -> bytes:
        result = service.when(
            body.origin, body.destination, start, end, every_minutes=body.every_minutes,
            samples=body.samples, seed=body.seed, confidence=body.confidence, arrive_by=target, via=body.via,
            mode=body.mode.value, documents=body.documents, carrying=list(body.carrying),
            max_work=settings.scan_samples, **body.traveller_options(),
        )  # fmt: skip
        return orjson.dumps(result.as_json())

    departures = int((end - start).total_seconds() // (body.every_minutes * 60)) + 1
    return JSONBytes(await heavy(request, work, samples=departures * body.samples))
