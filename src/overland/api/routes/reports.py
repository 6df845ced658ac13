"""Crossing reports: ``POST /api/reports`` (bearer token), ``POST /api/reports/queue`` (no token: a
moderator approves it first), ``GET /api/reports``, ``GET /api/observed/...``, and the moderation
routes ``/api/moderation/...`` (a moderator's token).

A report says, stage by stage, when the traveller arrived, was taken and left; the
store keeps it (SQLite by default, PostgreSQL by ``OVERLAND_DATABASE_URL``) and the
planner learns each stage's processing time from the reports (``overland plan``). The
database is opened, and migrated, on the first request that needs it, through the
:func:`get_store` dependency (tests override it with ``app.dependency_overrides``).
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.responses import Response

from overland.api import problems
from overland.api.deps import JSONBytes, ServiceDep, SettingsDep
from overland.api.schemas import DAY_PATTERN, MAX_ID, TIME_PATTERN, IdText
from overland.api.tokens import TokenFirst, moderator, reporter
from overland.errors import InputError, UnknownIdError
from overland.model.catalog import Catalog
from overland.model.crossing import Mode
from overland.model.report import MAX_NOTE, Outcome, ReportIn
from overland.service import Overland
from overland.timing.clocks import parse_time

log = logging.getLogger("overland.api")
router = APIRouter(prefix="/api", tags=["reports"], route_class=TokenFirst)  # tokens before bodies
MAX_LIST = 200
MAX_REPORT_ID = 2**31 - 1  # ids are 32-bit integers (PostgreSQL's integer)


# --- what the API takes and gives -----------------------------------------------------------


class StageTimesIn(BaseModel):
    """The times seen at one stage. Each is ISO 8601 with its UTC offset, or without one and with `clock`."""

    model_config = ConfigDict(extra="forbid")

    stage: IdText = Field(description="Stage id of the crossing (see GET /api/crossings), e.g. gate.")
    arrived: str | None = Field(
        default=None, pattern=TIME_PATTERN, description="Arrived in the queue.", examples=["2026-11-27T13:40+08:00"]
    )
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


class QueuedReportRequest(ReportRequest):
    """A report sent without a token: the body of ``POST /api/reports/queue``."""

    website: str | None = Field(
        default=None, max_length=200,
        description="Leave this out or empty. The page hides it from people; a robot filling it in is "
        "answered as if queued, and nothing is stored.",
    )  # fmt: skip


class QueuedOut(BaseModel):
    """A report waiting for a moderator."""

    id: int | None = Field(description="The report's id (null when nothing was stored).")
    state: Literal["pending"]
    detail: str


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


class ModeratedReportOut(ReportOut):
    """A report as a moderator sees it: its state, and the name of the token that sent it."""

    hidden: bool
    state: Literal["published", "pending", "hidden"]
    token: str = Field(
        description='The token\'s name, "(no token)" for the queue\'s, "(local)" for the command line\'s.'
    )


class ModerationOut(BaseModel):
    reports: list[ModeratedReportOut]
    next_before: int | None


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
    return problems.problem_response(
        422, "Invalid input", detail, kind="invalid-input", errors=errors, instance="/api/reports"
    )


async def small_body(request: Request, settings: SettingsDep) -> None:
    """A report sent without a token may be at most ``OVERLAND_QUEUED_REPORT_BYTES`` long (413 otherwise)."""
    if len(await request.body()) > settings.queued_report_bytes:
        msg = f"a report sent without a token may hold at most {settings.queued_report_bytes} bytes"
        raise problems.ProblemError(413, "Body too large", msg, kind="body-too-large")


KEY_TEXT = re.compile(r"^[\x20-\x7e]{1,100}$")
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Optional: 1 to 100 printable ASCII characters, new for each report (a UUID will do). "
        "A retry by the same sender with the same key and the same body within 24 hours is answered "
        "as the first request was (the same status and report id) and stores nothing; the same key "
        "with another body is 422.",
        examples=["5f1c7a2e-8f0b-4c55-9d1e-2b7f3c9a6d40"],
    ),
]


def idempotency(key: str | None, body: BaseModel) -> tuple[str | None, str]:
    """The request's ``Idempotency-Key`` (400 when it is not 1 to 100 printable ASCII characters) and
    the SHA-256 of its body as parsed (the same JSON, whatever the spacing and key order)."""
    if key is not None and not KEY_TEXT.match(key):
        msg = "the Idempotency-Key header must hold 1 to 100 printable ASCII characters (a UUID will do)"
        raise problems.ProblemError(400, "Bad Idempotency-Key", msg, kind="invalid-idempotency-key")
    canonical = orjson.dumps(body.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)
    return key, hashlib.sha256(canonical).hexdigest()


KEYED: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body cannot be read (not UTF-8 JSON), or the Idempotency-Key header is not "
                         "1 to 100 printable ASCII characters.",
          "content": {problems.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
    422: {"description": "Invalid input: the detail says which field and why; or an Idempotency-Key used "
                         "before with another body (type /problems/idempotency-key-reused).",
          "content": {problems.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
}  # fmt: skip


def _times(entry: StageTimesIn, index: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    times: dict[str, Any] = {"stage": entry.stage}
    errors = []
    for name in ("arrived", "started", "finished"):
        text = getattr(entry, name)
        if text is None:
            continue
        try:
            times[name] = parse_time(text, clock=entry.clock, how=", or give the stage's 'clock'")
        except InputError as error:
            field = "clock" if entry.clock is not None and "time zone" in str(error) else name
            errors.append({"loc": ["body", "stages", index, field], "msg": str(error)})
    return times, errors


def report_in(body: ReportRequest, service: Overland) -> ReportIn | Response:
    """The checked report, or a 422 problem listing every field that is wrong."""
    errors: list[dict[str, Any]] = []
    stages = []
    for i, entry in enumerate(body.stages):
        times, wrong = _times(entry, i)
        stages.append(times)
        errors.extend(wrong)
    if not errors:
        try:
            report = ReportIn(
                crossing=body.crossing,
                direction=body.direction,
                mode=body.mode,
                day=date.fromisoformat(body.date),
                outcome=body.outcome,
                note=body.note,
                stages=stages,
            )
        except ValidationError as error:
            errors = [{"loc": ["body", *e["loc"]], "msg": e["msg"]} for e in error.errors()]
        else:
            errors = [
                {"loc": ["body", *("date" if p == "day" else p for p in problem.loc)], "msg": problem.message}
                for problem in service.reports.problems(report)
            ]
            if not errors:
                return report
    lines = [f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in errors[:5]]
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return _invalid("; ".join(lines) + more, errors)


def _stage_or_404(catalog: Catalog, crossing: str, stage: str) -> Any:
    try:
        return catalog.stage(f"{crossing}/{stage}")
    except UnknownIdError as error:
        raise problems.unknown_id(error, status=404) from None


# --- routes ---------------------------------------------------------------------------------


@router.post(
    "/reports", status_code=201, response_model=ReportOut, summary="Report a crossing",
    responses={
        **problems.responses(413),
        **KEYED,
        401: {"description": "No token, or one the server does not know.",
              "content": {problems.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
        429: {"description": "This token sent too many reports in the last hour, or this address too many "
                             "wrong tokens in the last minute; see Retry-After.",
              "content": {problems.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
    },
)  # fmt: skip
def submit(
    body: ReportRequest,
    token_id: Annotated[int, Depends(reporter)],
    service: ServiceDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Tell others how long each stage took: for each stage passed, when you arrived, were taken and left.

    Needs `Authorization: Bearer TOKEN`. The times must follow each other, no stage may take
    more than three days, the stages must be stages of the direction in its order, and the
    crossing may not lie in the future. A token may send `OVERLAND_REPORTS_PER_HOUR` reports an
    hour (20 by default); past that the answer is 429 with `Retry-After`. An address that sent
    `OVERLAND_FAILED_TOKENS_PER_MINUTE` wrong tokens (10 by default) in the last minute is answered
    429 with `Retry-After`, whatever token it sends, until the oldest of them is a minute old.

    Send an `Idempotency-Key` header (new for each report) to retry safely: a retry with the same
    token, key and body within 24 hours is answered 201 with the first report (the same id and
    `Location`) and stores nothing; the same key with another body is 422."""
    key, body_digest = idempotency(idempotency_key, body)
    checked = report_in(body, service)
    if isinstance(checked, Response):
        return checked
    view = service.reports.submit(
        checked, token_id=token_id, per_hour=settings.reports_per_hour, key=key, body_digest=body_digest
    )
    # The transaction is committed (and on SQLite flushed to the disk) before the 201 leaves.
    return JSONBytes(view, status_code=201, headers={"Location": f"/api/reports/{view['id']}"})


@router.post(
    "/reports/queue", status_code=202, response_model=QueuedOut, summary="Report a crossing without a token",
    responses={**problems.responses(413, 429), **KEYED},
)  # fmt: skip
def queue(
    body: QueuedReportRequest,
    request: Request,
    service: ServiceDep,
    settings: SettingsDep,
    _: Annotated[None, Depends(small_body)],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Anyone may report: the report is checked as `POST /api/reports` checks it, then waits for a
    moderator (`overland admin reports approve ID`, or the page at `/moderate`); until approved it
    is not listed and the plans do not use it. At most `OVERLAND_QUEUED_REPORTS_PER_HOUR` reports
    an hour from one address (5 by default; 429 with `Retry-After` past that), each body at most
    `OVERLAND_QUEUED_REPORT_BYTES` (6 KiB). The address is kept only as a keyed digest, for a day.

    An `Idempotency-Key` header works as on `POST /api/reports`, the sender being the address: a
    retry from the same address with the same key and body within 24 hours is answered 202 with
    the same id and stores nothing; the same key with another body is 422."""
    key, body_digest = idempotency(idempotency_key, body)
    checked = report_in(body, service)
    if isinstance(checked, Response):
        return checked
    thanks = "the report waits for a moderator; it is shown, and used by the plans, once approved"
    if body.website:  # the field people never see: a robot filled it in
        log.info(
            "report from %s dropped: the hidden field was filled in", request.client.host if request.client else "?"
        )
        return JSONBytes({"id": None, "state": "pending", "detail": thanks}, status_code=202)
    address = request.client.host if request.client else "unknown"
    queued = service.reports.submit_anonymous(
        checked, address=address, per_hour=settings.queued_reports_per_hour, key=key, body_digest=body_digest
    )
    return JSONBytes({"id": queued["id"], "state": "pending", "detail": thanks}, status_code=202)


@router.get("/reports", response_model=ReportsOut, summary="Recent reports", responses=problems.responses(422))
def reports(
    service: ServiceDep,
    crossing: Annotated[str | None, Query(max_length=MAX_ID, description="Only this crossing, e.g. torugart.")] = None,
    stage: Annotated[
        str | None, Query(max_length=MAX_ID, description="Only reports passing this stage (with crossing).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIST, description=f"At most this many, 1 to {MAX_LIST}.")] = 50,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_REPORT_ID, description="Only reports with a smaller id (the next page).")
    ] = None,
) -> Response:
    """The newest reports first, with their notes as plain text and no token data. Hidden
    (moderated) reports are left out."""
    catalog = service.catalog
    if crossing is not None and crossing not in catalog.crossings:
        raise problems.unknown_id(UnknownIdError(f"unknown crossing {crossing!r}"), status=422)
    if stage is not None:
        if crossing is None:
            raise problems.ProblemError(
                422, "Invalid input", "stage needs crossing: e.g. ?crossing=torugart&stage=gate", kind="invalid-input"
            )
        try:
            catalog.stage(f"{crossing}/{stage}")
        except UnknownIdError as error:
            raise problems.unknown_id(error, status=422) from None
    views = service.reports.find(crossing=crossing, stage=stage, limit=limit + 1, before=before)
    return JSONBytes({"reports": views[:limit], "next_before": views[limit - 1]["id"] if len(views) > limit else None})


@router.get("/reports/{report_id}", response_model=ReportOut, summary="One report", responses=problems.responses(404))
def report(service: ServiceDep, report_id: Annotated[int, Path(ge=1, le=MAX_REPORT_ID)]) -> Response:
    """A report by its id (404 when there is none, or it was hidden)."""
    try:
        return JSONBytes(service.reports.get(report_id))
    except UnknownIdError as error:
        raise problems.ProblemError(404, "Not Found", str(error), kind="unknown-id") from None


@router.get("/observed", response_model=list[ObservedRow], summary="Stages with reports")
def observed_stages(service: ServiceDep) -> Response:
    """Every stage that visible reports passed: how many and the newest day (for the page's panel)."""
    return JSONBytes(service.reports.observed_stages())


@router.get(
    "/observed/{crossing}/{stage}", response_model=ObservedOut, summary="What reports saw at a stage",
    responses=problems.responses(404, 422),
)  # fmt: skip
def observed(
    service: ServiceDep,
    crossing: Annotated[str, Path(max_length=MAX_ID, description="Crossing id, e.g. torugart.")],
    stage: Annotated[str, Path(max_length=MAX_ID, description="Stage id, e.g. gate.")],
    mode: Annotated[Mode | None, Query(description="Only reports of travellers of this mode.")] = None,
) -> Response:
    """The waits (arrived → started) and processing times (started → finished) reports saw at a
    stage: how many, P50 and P90 in minutes, the first and last day, the outcomes; and for each
    mode the processing time the planner now uses (the data's time blended with the reports,
    newer ones weighing more) next to the data's own."""
    _stage_or_404(service.catalog, crossing, stage)
    return JSONBytes(service.reports.observed(crossing, stage, mode=mode))


# --- moderation -----------------------------------------------------------------------------

WRONG_TOKENS: dict[int | str, dict[str, Any]] = {
    429: {"description": "This address sent too many wrong tokens in the last minute; see Retry-After.",
          "content": {problems.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
}  # fmt: skip
MODERATION = {**problems.responses(401, 403, 422), **WRONG_TOKENS}


@router.get(
    "/moderation/reports", response_model=ModerationOut, summary="Reports for a moderator", responses=MODERATION,
    tags=["moderation"],
)  # fmt: skip
def moderation_reports(
    service: ServiceDep,
    _: Annotated[int, Depends(moderator)],
    state: Annotated[
        Literal["pending", "all"], Query(description="pending: the queue only (default); all: every report.")
    ] = "pending",
    limit: Annotated[int, Query(ge=1, le=MAX_LIST, description=f"At most this many, 1 to {MAX_LIST}.")] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_REPORT_ID, description="Only reports with a smaller id.")] = None,
) -> Response:
    """The newest reports waiting for a moderator (or all of them), with their state and the name
    of the token that sent each. Needs a moderator's token."""
    views = service.reports.moderation_list(limit=limit + 1, only_pending=state == "pending", before=before)
    return JSONBytes({"reports": views[:limit], "next_before": views[limit - 1]["id"] if len(views) > limit else None})


def _review(service: Overland, report_id: int, *, approve: bool) -> Response:
    try:
        view = service.reports.review(report_id, approve=approve)
    except UnknownIdError as error:
        raise problems.ProblemError(404, "Not Found", str(error), kind="unknown-id") from None
    except InputError as error:
        raise problems.ProblemError(409, "Conflict", str(error), kind="not-pending") from None
    token = "(no token)"
    return JSONBytes(view | {"token": token})


REVIEWED = {
    **problems.responses(401, 403, 404, 422),
    **WRONG_TOKENS,
    409: {"description": "The report is not waiting for a moderator.",
          "content": {problems.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}},
}  # fmt: skip


@router.post(
    "/moderation/reports/{report_id}/approve", response_model=ModeratedReportOut, summary="Approve a queued report",
    responses=REVIEWED, tags=["moderation"],
)  # fmt: skip
def approve(
    service: ServiceDep, _: Annotated[int, Depends(moderator)], report_id: Annotated[int, Path(ge=1, le=MAX_REPORT_ID)]
) -> Response:
    """The report is shown and used by the plans from now on. Needs a moderator's token."""
    return _review(service, report_id, approve=True)


@router.post(
    "/moderation/reports/{report_id}/reject", response_model=ModeratedReportOut, summary="Reject a queued report",
    responses=REVIEWED, tags=["moderation"],
)  # fmt: skip
def reject(
    service: ServiceDep, _: Annotated[int, Depends(moderator)], report_id: Annotated[int, Path(ge=1, le=MAX_REPORT_ID)]
) -> Response:
    """The report stays in the database, hidden: never listed, never used. Needs a moderator's token."""
    return _review(service, report_id, approve=False)
