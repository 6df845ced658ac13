"""Crossing reports: ``POST /api/reports`` (bearer token), ``GET /api/reports``, ``GET /api/observed/...``.

A report says, stage by stage, when the traveller arrived, was taken and left; the
store keeps it (SQLite by default, PostgreSQL by ``OVERLAND_DATABASE_URL``) and the
planner learns each stage's processing time from the reports (``overland plan``). The
database is opened, and migrated, on the first request that needs it, through the
:func:`get_store` dependency (tests override it with ``app.dependency_overrides``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.responses import Response

from overland.api import problems
from overland.api.deps import JSONBytes, get_catalog, get_settings
from overland.api.schemas import DAY_PATTERN, MAX_ID, TIME_PATTERN, IdText, check_moment
from overland.api.settings import Settings
from overland.errors import UnknownIdError
from overland.model.catalog import Catalog
from overland.model.crossing import Mode
from overland.model.report import MAX_NOTE, Outcome, ReportIn, check_report
from overland.timing.clocks import zone

if TYPE_CHECKING:
    from overland.store.db import Store

log = logging.getLogger("overland.api")
router = APIRouter(prefix="/api", tags=["reports"])
CatalogDep = Annotated[Catalog, Depends(get_catalog)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
MAX_LIST = 200
MAX_REPORT_ID = 2**31 - 1  # ids are 32-bit integers (PostgreSQL's integer)
_OPENING = threading.Lock()
AUTH_HEADERS = {"WWW-Authenticate": 'Bearer realm="overland reports"'}


# --- the store ----------------------------------------------------------------------------


def get_store(request: Request) -> Store:
    """The reports database of the app, opened (and migrated) on first use; 503 when it cannot be."""
    store = getattr(request.app.state, "store", None)
    if store is not None:
        return store
    from overland.store.db import StoreError, open_store

    with _OPENING:
        store = getattr(request.app.state, "store", None)
        if store is None:
            try:
                store = open_store(request.app.state.settings.database_url or None)
            except StoreError as error:
                log.error("%s", error)
                raise _unavailable() from None
            request.app.state.store = store
    return store


StoreDep = Annotated[Any, Depends(get_store)]  # a Store (SQLAlchemy is imported on first use only)


def _unavailable() -> problems.ProblemError:
    return problems.ProblemError(503, "Database unavailable", "the reports database cannot be reached; "
                                 "try again later (the server's log says why)", kind="database-unavailable",
                                 headers={"Retry-After": "30"})


@contextmanager
def _database() -> Iterator[None]:
    """Turn a database failure into a 503 problem (the server's log keeps the cause)."""
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except OperationalError as error:
        log.error("reports database: %s", error)
        raise _unavailable() from None


# --- what the API takes and gives -----------------------------------------------------------


class StageTimesIn(BaseModel):
    """The times seen at one stage. Each is ISO 8601 with its UTC offset, or without one and with `clock`."""

    model_config = ConfigDict(extra="forbid")

    stage: IdText = Field(description="Stage id of the crossing (see GET /api/crossings), e.g. gate.")
    arrived: str | None = Field(default=None, pattern=TIME_PATTERN, description="Arrived in the queue.",
                                examples=["2026-11-27T13:40+08:00"])
    started: str | None = Field(default=None, pattern=TIME_PATTERN, description="Taken: the check began.")
    finished: str | None = Field(default=None, pattern=TIME_PATTERN, description="Left the stage.")
    clock: str | None = Field(
        default=None, max_length=MAX_ID, pattern=r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$",
        description="IANA zone of the times given without an offset, e.g. Asia/Shanghai (the stage's clock).",
    )  # fmt: skip


class ReportRequest(BaseModel):
    """A crossing as it happened: the body of ``POST /api/reports``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{
            "crossing": "torugart", "direction": "kg-cn", "mode": "own-car", "date": "2026-11-27",
            "outcome": "crossed", "note": "Gate opened at 15:10.",
            "stages": [{"stage": "gate", "arrived": "2026-11-27T13:40+08:00", "started": "2026-11-27T15:10+08:00",
                        "finished": "2026-11-27T15:35+08:00"}],
        }]},
    )  # fmt: skip

    crossing: IdText = Field(description="Crossing id, e.g. torugart.")
    direction: IdText = Field(description="Direction id, e.g. kg-cn (see GET /api/crossings).")
    mode: Mode = Field(description="How you travelled.")
    date: str = Field(pattern=DAY_PATTERN, description="The day of the crossing, YYYY-MM-DD.", examples=["2026-11-27"])
    outcome: Outcome = Field(description="crossed, turned-back (refused at a stage) or closed (found it shut).")
    note: str | None = Field(default=None, max_length=MAX_NOTE, description="Anything others should know.")
    stages: list[StageTimesIn] = Field(min_length=1, max_length=20, description="The stages passed, in order.")

    @field_validator("date", mode="after")
    @classmethod
    def _a_day(cls, text: str) -> str:
        date.fromisoformat(text)  # a ValueError (month 13) is a validation error
        return text


class StageTimesOut(BaseModel):
    stage: str
    arrived: datetime | None
    started: datetime | None
    finished: datetime | None
    wait_minutes: float | None = Field(description="Arrived → started.")
    processing_minutes: float | None = Field(description="Started → finished.")


class ReportOut(BaseModel):
    """A stored report: times at the offsets they were given in; nothing about the token that sent it."""

    id: int
    crossing: str
    direction: str
    mode: Mode
    day: date
    outcome: Outcome
    note: str | None = Field(description="As written: plain text, to be shown as text (never as HTML).")
    submitted: datetime
    stages: list[StageTimesOut]


class ReportsOut(BaseModel):
    reports: list[ReportOut]
    next_before: int | None = Field(description="Pass as `before` for the next (older) page; null at the end.")


class Quantiles(BaseModel):
    count: int
    p50: float | None
    p90: float | None


class Estimate(BaseModel):
    mode: Mode
    reports: int
    data_p50_minutes: float = Field(description="The median processing time the data gives (the prior).")
    p50_minutes: float = Field(description="The calibrated median the planner uses.")
    p90_minutes: float
    observed_share: float = Field(description="The reports' share of the blend's weight.")


class ObservedOut(BaseModel):
    stage: str
    name: str
    mode: Mode | None
    reports: int
    first: date | None
    last: date | None
    wait_minutes: Quantiles
    processing_minutes: Quantiles
    outcomes: dict[str, int]
    estimates: list[Estimate]


class ObservedRow(BaseModel):
    stage: str
    name: str
    reports: int
    last: date | None


# --- helpers --------------------------------------------------------------------------------


def _invalid(detail: str, errors: list[dict[str, Any]] | None = None) -> Response:
    return problems.problem_response(422, "Invalid input", detail, kind="invalid-input", errors=errors,
                                     instance="/api/reports")


def _unauthorized(detail: str) -> problems.ProblemError:
    return problems.ProblemError(401, "Unauthorized", detail, kind="unauthorized", headers=AUTH_HEADERS)


BEARER = HTTPBearer(auto_error=False, scheme_name="reportingToken",
                    description="A token made with `overland admin token create NAME`.")


def reporter(store: StoreDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> int:
    """The id of the token the request carries; 401 without a token or with one the store does not know."""
    from overland.store.reports import find_token

    secret = credentials.credentials.strip() if credentials is not None else ""
    if not secret:
        raise _unauthorized("send your reporting token as 'Authorization: Bearer TOKEN' "
                            "(an administrator makes one with `overland admin token create NAME`)")
    with _database(), store.session() as session:
        token = find_token(session, secret)
    if token is None:
        raise _unauthorized("this token is not known or has been revoked: check it, or ask for a new one")
    return token.id


def _times(entry: StageTimesIn, index: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    times: dict[str, Any] = {"stage": entry.stage}
    errors = []
    for name in ("arrived", "started", "finished"):
        text = getattr(entry, name)
        if text is None:
            continue
        loc = ["body", "stages", index, name]
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            errors.append({"loc": loc, "msg": f"{text} is not a time of the calendar: write e.g. 2026-11-27T13:40+08:00"})
            continue
        if moment.tzinfo is None:
            if entry.clock is None:
                errors.append({"loc": loc, "msg": f"{text} has no UTC offset: add it (e.g. +08:00 for Beijing time) "
                                                  "or give the stage's 'clock'"})
                continue
            try:
                moment = moment.replace(tzinfo=zone(entry.clock))
            except ValueError as error:
                errors.append({"loc": ["body", "stages", index, "clock"], "msg": str(error)})
                continue
        try:
            times[name] = check_moment(moment)
        except ValueError as error:
            errors.append({"loc": loc, "msg": str(error)})
    return times, errors


def report_in(body: ReportRequest, catalog: Catalog, *, now: datetime) -> ReportIn | Response:
    """The checked report, or a 422 problem listing every field that is wrong."""
    errors: list[dict[str, Any]] = []
    stages = []
    for i, entry in enumerate(body.stages):
        times, wrong = _times(entry, i)
        stages.append(times)
        errors.extend(wrong)
    if not errors:
        try:
            report = ReportIn(crossing=body.crossing, direction=body.direction, mode=body.mode,
                              day=date.fromisoformat(body.date), outcome=body.outcome, note=body.note, stages=stages)
        except ValidationError as error:
            errors = [{"loc": ["body", *e["loc"]], "msg": e["msg"]} for e in error.errors()]
        else:
            errors = [{"loc": ["body", *("date" if p == "day" else p for p in problem.loc)], "msg": problem.message}
                      for problem in check_report(report, catalog, now=now)]
            if not errors:
                return report
    lines = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in errors[:5]]
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return _invalid("; ".join(lines) + more, errors)


def _stage_or_404(catalog: Catalog, crossing: str, stage: str):
    try:
        return catalog.stage(f"{crossing}/{stage}")
    except UnknownIdError as error:
        raise problems.unknown_id(error, status=404) from None


# --- routes ---------------------------------------------------------------------------------


@router.post(
    "/reports", status_code=201, response_model=ReportOut, summary="Report a crossing",
    responses={
        **problems.responses(400, 413, 422),
        401: {"description": "No token, or one the server does not know.",
              "content": {problems.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
        429: {"description": "This token sent too many reports in the last hour; see Retry-After.",
              "content": {problems.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
    },
)  # fmt: skip
def submit(
    body: ReportRequest, token_id: Annotated[int, Depends(reporter)], store: StoreDep, catalog: CatalogDep,
    settings: SettingsDep,
) -> Response:
    """Tell others how long each stage took: for each stage passed, when you arrived, were taken and left.

    Needs `Authorization: Bearer TOKEN`. The times must follow each other, no stage may take
    more than three days, the stages must be stages of the direction in its order, and the
    crossing may not lie in the future. A token may send `OVERLAND_REPORTS_PER_HOUR` reports an
    hour (20 by default); past that the answer is 429 with `Retry-After`."""
    from overland.store.reports import add_report, report_view, retry_after
    from overland.store.schema import Token

    now = datetime.now(timezone.utc)
    checked = report_in(body, catalog, now=now)
    if isinstance(checked, Response):
        return checked
    with _database(), store.writing() as session, session.begin():
        token = session.get(Token, token_id, with_for_update=True)  # one report at a time per token
        if token is None or token.revoked_at is not None:
            raise _unauthorized("this token has been revoked")
        wait = retry_after(session, token, limit=settings.reports_per_hour, now=now)
        if wait:
            raise problems.ProblemError(
                429, "Too many reports", f"this token may send {settings.reports_per_hour} reports an hour: "
                f"try again in {wait} seconds", kind="rate-limited", headers={"Retry-After": str(wait)},
            )  # fmt: skip
        row = add_report(session, checked, token_id=token.id, now=now)
        view = report_view(row)
    # The transaction is committed (and on SQLite flushed to the disk) before the 201 leaves.
    return JSONBytes(view, status_code=201, headers={"Location": f"/api/reports/{view['id']}"})


@router.get("/reports", response_model=ReportsOut, summary="Recent reports", responses=problems.responses(422))
def reports(
    store: StoreDep,
    catalog: CatalogDep,
    crossing: Annotated[str | None, Query(max_length=MAX_ID, description="Only this crossing, e.g. torugart.")] = None,
    stage: Annotated[str | None, Query(max_length=MAX_ID, description="Only reports passing this stage (with crossing).")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST, description=f"At most this many, 1 to {MAX_LIST}.")] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_REPORT_ID, description="Only reports with a smaller id (the next page).")] = None,
) -> Response:
    """The newest reports first, with their notes as plain text and no token data. Hidden
    (moderated) reports are left out."""
    from overland.store.reports import list_reports, report_view

    if crossing is not None and crossing not in catalog.crossings:
        raise problems.unknown_id(UnknownIdError(f"unknown crossing {crossing!r}"), status=422)
    if stage is not None:
        if crossing is None:
            raise problems.ProblemError(422, "Invalid input", "stage needs crossing: e.g. ?crossing=torugart&stage=gate",
                                        kind="invalid-input")
        try:
            catalog.stage(f"{crossing}/{stage}")
        except UnknownIdError as error:
            raise problems.unknown_id(error, status=422) from None
    with _database(), store.session() as session:
        rows = list_reports(session, crossing=crossing, stage=stage, limit=limit + 1, before=before)
        views = [report_view(r) for r in rows[:limit]]
    return JSONBytes({"reports": views, "next_before": views[-1]["id"] if len(rows) > limit else None})


@router.get("/reports/{report_id}", response_model=ReportOut, summary="One report", responses=problems.responses(404))
def report(store: StoreDep, report_id: Annotated[int, Path(ge=1, le=MAX_REPORT_ID)]) -> Response:
    """A report by its id (404 when there is none, or it was hidden)."""
    from overland.store.reports import get_report, report_view

    with _database(), store.session() as session:
        try:
            return JSONBytes(report_view(get_report(session, report_id)))
        except UnknownIdError as error:
            raise problems.ProblemError(404, "Not Found", str(error), kind="unknown-id") from None


@router.get("/observed", response_model=list[ObservedRow], summary="Stages with reports")
def observed_stages(store: StoreDep, catalog: CatalogDep) -> Response:
    """Every stage that visible reports passed: how many and the newest day (for the page's panel)."""
    from overland.store.reports import observations

    with _database(), store.session() as session:
        found = observations(session)
    rows: dict[str, dict[str, Any]] = {}
    for obs in found:
        if obs.crossing not in catalog.crossings or obs.stage not in catalog.crossings[obs.crossing].stages:
            continue
        row = rows.setdefault(obs.ref, {"stage": obs.ref, "name": catalog.node_name(obs.ref), "reports": 0, "last": None})
        row["reports"] += 1
        row["last"] = max(row["last"] or obs.day.isoformat(), obs.day.isoformat())
    return JSONBytes(sorted(rows.values(), key=lambda r: r["stage"]))


@router.get(
    "/observed/{crossing}/{stage}", response_model=ObservedOut, summary="What reports saw at a stage",
    responses=problems.responses(404, 422),
)  # fmt: skip
def observed(
    store: StoreDep,
    catalog: CatalogDep,
    crossing: Annotated[str, Path(max_length=MAX_ID, description="Crossing id, e.g. torugart.")],
    stage: Annotated[str, Path(max_length=MAX_ID, description="Stage id, e.g. gate.")],
    mode: Annotated[Mode | None, Query(description="Only reports of travellers of this mode.")] = None,
) -> Response:
    """The waits (arrived → started) and processing times (started → finished) reports saw at a
    stage: how many, P50 and P90 in minutes, the first and last day, the outcomes; and for each
    mode the processing time the planner now uses (the data's time blended with the reports,
    newer ones weighing more) next to the data's own."""
    from overland.planner.calibration import calibrate, observed_summary, quantile
    from overland.store.reports import observations, outcomes

    _, _, found_stage = _stage_or_404(catalog, crossing, stage)
    with _database(), store.session() as session:
        seen = observations(session, crossing=crossing, stage=stage, mode=mode.value if mode else None)
        ends = outcomes(session, crossing=crossing, stage=stage)
    summary = observed_summary(seen)
    calibration = calibrate(catalog, seen, as_of=datetime.now(timezone.utc).date())
    estimates = []
    for used in calibration.stages:
        fact = calibration.catalog.crossings[crossing].stages[stage].processing_for(used.mode)
        estimates.append({
            "mode": used.mode.value, "reports": used.reports, "data_p50_minutes": round(used.prior_median, 1),
            "p50_minutes": round(used.median, 1), "p90_minutes": round(quantile(fact.value, 0.9), 1),
            "observed_share": round(used.observed_share, 3),
        })  # fmt: skip
    return JSONBytes({
        "stage": f"{crossing}/{stage}", "name": found_stage.name, "mode": mode.value if mode else None,
        "reports": summary["observations"], "first": summary["first"], "last": summary["last"],
        "wait_minutes": summary["wait_minutes"], "processing_minutes": summary["processing_minutes"],
        "outcomes": dict(ends), "estimates": estimates,
    })  # fmt: skip
