"""Errors as ``application/problem+json`` (RFC 9457), for bad input and everything else.

Every error the app sends, its own and FastAPI's or Starlette's (validation, 404,
405), is a problem document: ``type`` names the kind of problem (a relative URI
under ``/problems/``, or ``about:blank`` for a plain HTTP status), ``title`` says
it in words, ``detail`` says what was wrong with this request and how to fix it.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from overland.errors import (
    Forbidden,
    InputError,
    KeyReused,
    OverlandError,
    RateLimited,
    StoreError,
    Unauthorized,
    UnknownIdError,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("overland.api")
AUTH_HEADERS = {"WWW-Authenticate": 'Bearer realm="overland reports"'}


class FieldError(BaseModel):
    """One field of the request that is wrong."""

    loc: list[str | int] = Field(description="Where: 'body', 'query' or 'path', then the field names.")
    msg: str = Field(description="What is wrong with it.")


class Problem(BaseModel):
    """A problem details document (RFC 9457)."""

    type: str = Field(description="The kind of problem: a URI under /problems/, or about:blank.")
    title: str = Field(description="The kind of problem in words; the same for every occurrence.")
    status: int = Field(ge=400, le=599, description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request, and how to put it right.")
    instance: str | None = Field(default=None, description="The path of the request.")
    errors: list[FieldError] | None = Field(default=None, description="Each invalid field (validation problems).")


class ProblemError(Exception):
    """Raised by a route to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str, *, kind: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.headers = headers


def problem_response(
    status: int,
    title: str,
    detail: str,
    *,
    kind: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A ``application/problem+json`` response."""
    body: dict[str, Any] = {
        "type": f"/problems/{kind}" if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance is not None:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    return Response(orjson.dumps(body), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def unknown_id(error: UnknownIdError, *, status: int = 422) -> ProblemError:
    """An id that names nothing: 404 when it is in the path, 422 when it is in the body."""
    return ProblemError(status, "Unknown id", str(error), kind="unknown-id")


def _where(loc: tuple[Any, ...]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


_PATTERN_HINTS = {
    "depart": "not a time like 2026-11-27T07:00+06:00 (ISO 8601; the offset may be left out when 'clock' is given)",
    "from": "not a time like 2026-11-27T12:30+08:00 (ISO 8601 with its UTC offset)",
    "on": "not a day like 2026-11-25",
    "clock": "not an IANA zone name like Asia/Bishkek",
}


def _message(error: dict[str, Any]) -> str:
    msg = str(error.get("msg", "invalid"))
    kind = error.get("type")
    ctx = error.get("ctx") or {}
    field = str(error.get("loc", ("",))[-1])
    if kind == "json_invalid":
        at = error.get("loc", ())[-1]
        msg = "the body is not valid JSON" + (f" ({ctx['error']}" if ctx.get("error") else " (")
        msg += f" at character {at})" if isinstance(at, int) else ")"
    elif kind == "value_error" and ctx.get("error"):
        msg = str(ctx["error"])
    elif kind == "string_pattern_mismatch" and field in _PATTERN_HINTS:
        msg = _PATTERN_HINTS[field]
    elif kind == "extra_forbidden":
        msg = "not a field of this request (see /openapi.json)"
    return msg


async def _validation_handler(request: Request, exc: RequestValidationError) -> Response:
    errors = [
        {
            "loc": _where(e.get("loc", ())[:1] if e.get("type") == "json_invalid" else e.get("loc", ())),
            "msg": _message(e),
        }
        for e in exc.errors()
    ]
    lines = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:5]]
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    detail = "; ".join(lines) + more if lines else "the request does not match the API's schema"
    return problem_response(
        422, "Invalid request", detail, kind="invalid-request", instance=request.url.path, errors=errors
    )


_HTTP_DETAILS = {
    400: "the body cannot be read: send JSON in UTF-8 with Content-Type: application/json",
    404: "nothing here: the API lives under /api (see /openapi.json), the page at /",
    405: "this path does not take that method",
}


async def _http_handler(request: Request, exc: StarletteHTTPException) -> Response:
    status = exc.status_code
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    detail = _HTTP_DETAILS.get(status) or (exc.detail if isinstance(exc.detail, str) else title)
    if status == 405:
        allowed = (exc.headers or {}).get("Allow")
        detail = f"{request.method} is not allowed on {request.url.path}" + (f": use {allowed}" if allowed else "")
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(status, title, detail, instance=request.url.path, headers=headers)


async def _problem_handler(request: Request, exc: ProblemError) -> Response:
    return problem_response(
        exc.status, exc.title, exc.detail, kind=exc.kind, instance=request.url.path, headers=exc.headers
    )


async def _overland_handler(request: Request, exc: OverlandError) -> Response:
    if isinstance(exc, StoreError):
        log.error("reports database: %s", exc)
        return problem_response(
            503,
            "Database unavailable",
            "the reports database cannot be reached; try again later (the server's log says why)",
            kind="database-unavailable",
            instance=request.url.path,
            headers={"Retry-After": "30"},
        )
    if isinstance(exc, Unauthorized):
        return problem_response(
            401, "Unauthorized", str(exc), kind="unauthorized", instance=request.url.path, headers=AUTH_HEADERS
        )
    if isinstance(exc, Forbidden):
        return problem_response(403, "Forbidden", str(exc), kind="forbidden", instance=request.url.path)
    if isinstance(exc, RateLimited):
        return problem_response(
            429,
            "Too many reports",
            str(exc),
            kind="rate-limited",
            instance=request.url.path,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, UnknownIdError):
        return problem_response(422, "Unknown id", str(exc), kind="unknown-id", instance=request.url.path)
    if isinstance(exc, KeyReused):
        return problem_response(
            422, "Idempotency-Key reused", str(exc), kind="idempotency-key-reused", instance=request.url.path
        )
    if isinstance(exc, InputError):
        return problem_response(422, "Invalid input", str(exc), kind="invalid-input", instance=request.url.path)
    log.error("data error answering %s: %s", request.url.path, exc)
    return problem_response(
        500,
        "Data error",
        "the server's crossing data is broken; see its log",
        kind="data-error",
        instance=request.url.path,
    )


async def _crash_handler(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error answering %s", request.url.path)
    return problem_response(
        500,
        "Internal Server Error",
        "the server failed to answer: this is a bug, see its log",
        instance=request.url.path,
    )


def install(app: FastAPI) -> None:
    """Send every error of ``app`` as a problem document."""
    app.add_exception_handler(RequestValidationError, _validation_handler)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_handler)  # type: ignore[arg-type]
    app.add_exception_handler(ProblemError, _problem_handler)  # type: ignore[arg-type]
    app.add_exception_handler(OverlandError, _overland_handler)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _crash_handler)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entries of the problems a route may answer with."""
    said = {
        400: "The body cannot be read (not UTF-8 JSON).",
        401: "No token, or one the server does not know.",
        403: "A known token that may not do this.",
        429: "Too many requests from this sender in the last hour; see Retry-After.",
        404: "Unknown id in the path, or no such path.",
        413: "The request body is larger than the limit.",
        422: "Invalid input: the detail says which field and why.",
        503: "Busy: as many plans as the server makes at once, and as many waiting; see Retry-After.",
    }
    ref = {"$ref": "#/components/schemas/Problem"}
    return {s: {"description": said[s], "content": {PROBLEM_JSON: {"schema": ref}}} for s in statuses}


def document_errors(schema: dict[str, Any]) -> None:
    """Make every operation of an OpenAPI ``schema`` say that its errors are problem documents.

    FastAPI documents its validation errors as ``application/json`` (``HTTPValidationError``);
    here every 4xx/5xx response is ``application/problem+json``, an operation that takes
    parameters or a body may answer 422, and one that takes a body 400 and 413.
    """
    every = responses(400, 413, 422)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = operation["responses"]
            for code, answer in answers.items():
                if code[:1] in ("4", "5") and PROBLEM_JSON not in answer.get("content", {PROBLEM_JSON: None}):
                    answer["content"] = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
            needed = [422] if operation.get("parameters") or "requestBody" in operation else []
            needed += [400, 413] if "requestBody" in operation else []
            for status in needed:
                answers.setdefault(str(status), dict(every[status]))
    text = repr(schema.get("paths"))
    components = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused in components and f"#/components/schemas/{unused}" not in text:
            del components[unused]


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes is answered 413, before any route reads it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _too_large(self, scope: Scope) -> Response:
        return problem_response(
            413, "Body too large", f"the request body may hold at most {self.limit} bytes",
            kind="body-too-large", instance=scope.get("path"),
        )  # fmt: skip

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    await self._too_large(scope)(scope, receive, send)
                    return
                break
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        # Read the body here (bounded), then hand it on: a chunked body has no length to check.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(scope)(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
