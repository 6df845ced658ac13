"""The FastAPI app: ``create_app(settings)`` builds it from settings, routers and error handlers.

Run it with ``overland serve`` (uvicorn), or any ASGI server:
``uvicorn --factory overland.api.app:create_app``.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles

import overland
from overland.api import problems
from overland.api.admission import Admission
from overland.api.headers import SecurityHeaders
from overland.api.routes import catalog, departures, hours, page, plans, reports
from overland.api.settings import Settings
from overland.api.tokens import FailedTokens
from overland.limits import HORIZON_DAYS, MAX_HOURS_DAYS, MAX_ID, MAX_ITEMS, TIME_RANGE
from overland.service import Overland

log = logging.getLogger("overland.api")

DESCRIPTION = """\
Plan land border crossings from sourced data: when each stage is open, in whose clock, and who says so.

Limits: a request body holds at most {body} bytes; ids at most {ids} characters; `documents` and
`carrying` at most {items} entries; times {times}; `days` of stage hours 1 to {days}; a plan looks
at most {horizon} days past its departure for openings; a departure scan (`/api/when`) draws at
most {scan:,} samples in all (departures × samples per departure).

Plans, their exports, comparisons and scans are made {workers} at a time, with at most {waiting}
more waiting; past that the answer is 503 with `Retry-After`.

Errors are `application/problem+json` (RFC 9457): `type` names the kind (`/problems/invalid-request`,
`/problems/invalid-input`, `/problems/unknown-id`, `/problems/body-too-large`, or `about:blank` for
a plain HTTP status), `title` says it in words and `detail` says what to change.
"""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At the start of serving, what is loaded for good (the data, the routes, the schemas) is set
    aside from the garbage collector: its full passes then walk only what requests make, and take
    milliseconds instead of the 50-80 ms that stalled every request in flight."""
    gc.collect()
    gc.freeze()
    yield


def create_app(
    settings: Settings | None = None, *, service: Overland | None = None, clock: Callable[[], float] = time.monotonic
) -> FastAPI:
    """The HTTP app: the API under ``/api``, its schema at ``/openapi.json``, the page at ``/``.

    ``service`` is the :class:`~overland.service.Overland` every route calls (default: one
    over ``settings.data`` and ``settings.database_url``). ``clock`` (seconds, monotonic) times
    the count of wrong tokens per address.
    """
    settings = settings or Settings()
    description = DESCRIPTION.format(
        body=settings.max_body_bytes,
        ids=MAX_ID,
        items=MAX_ITEMS,
        times=TIME_RANGE,
        days=MAX_HOURS_DAYS,
        horizon=HORIZON_DAYS,
        scan=settings.scan_samples,
        workers=settings.plan_workers,
        waiting=settings.plans_waiting,
    )
    app = FastAPI(
        title="overland", version=overland.__version__, description=description,
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN: useless offline
        lifespan=_lifespan,
    )  # fmt: skip
    app.state.settings = settings
    if service is None:
        service = Overland(
            data=settings.data,
            database_url=settings.database_url or None,
            reports_refresh_seconds=settings.reports_refresh_seconds,
        )
    service.catalog  # noqa: B018  (data that do not validate fail here, before the server starts)
    app.state.service = service
    app.state.json_cache = {}
    app.state.admission = Admission(settings.plan_workers, settings.plans_waiting)
    app.state.failed_tokens = FailedTokens(settings.failed_tokens_per_minute, clock=clock)
    problems.install(app)
    app.add_middleware(problems.BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(GZipMiddleware, minimum_size=1024)  # the borders: 740 kB, 230 kB sent
    app.add_middleware(SecurityHeaders, tiles=settings.tiles)
    for module in (catalog, hours, plans, departures, reports, page):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=page.STATIC), name="static")
    vendored = (
        ("leaflet", settings.leaflet_dir, "leaflet.js", "the page will show no map"),
        ("world-atlas", settings.atlas_dir, page.ATLAS, "the map will show no country borders"),
        ("topojson-client", settings.topojson_dir, "topojson-client.min.js", "the map will show no country borders"),
    )
    for name, folder, needed, without in vendored:
        if (folder / needed).is_file():
            app.mount(f"/vendor/{name}", StaticFiles(directory=folder), name=name)
        else:
            log.warning("%s not found in %s (run `npm ci`): %s", needed, folder, without)

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            problem = problems.Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(problem.pop("$defs", {}))
            components["Problem"] = problem
            problems.document_errors(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
