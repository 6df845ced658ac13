"""The bearer tokens of the report routes, checked before the request's body is read.

FastAPI reads and parses a request's JSON body before it runs the route's dependencies:
a body that is not JSON, sent without a token, would be answered 422 about the body
instead of 401. The routes of the reports router are :class:`TokenFirst` routes: one that
depends on :func:`reporter` or :func:`moderator` checks the token first, before the body
is read, and the dependency hands on the token's id found then. The dependencies stay in
the routes' signatures, so the schema (``/openapi.json``) still names the security scheme.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

BEARER = HTTPBearer(
    auto_error=False, scheme_name="reportingToken", description="A token made with `overland admin token create NAME`."
)
MODERATOR = HTTPBearer(
    auto_error=False, scheme_name="moderatorToken",
    description="A moderator's token, made with `overland admin token create NAME --moderator`.",
)  # fmt: skip


def secret_of(request: Request) -> str:
    """The token of ``Authorization: Bearer TOKEN`` ("" without one, or with another scheme)."""
    scheme, _, secret = (request.headers.get("Authorization") or "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def check_token(request: Request, *, moderating: bool) -> int:
    """The id of the token the request carries: 401 without a known token; when ``moderating``, 403
    with a token that may only report."""
    found = getattr(request.state, "token_id", None)
    if found is not None:  # checked already, before the body was read
        return int(found)
    reports = request.app.state.service.reports
    secret = secret_of(request)
    token_id = reports.moderator_id(secret) if moderating else reports.token_id(secret)
    request.state.token_id = token_id
    return int(token_id)


def reporter(request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> int:
    """The id of the token the request carries; 401 without a token or with one the store does not know."""
    return check_token(request, moderating=False)


def moderator(request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Depends(MODERATOR)]) -> int:
    """The id of the moderator's token the request carries; 401 without a known token, 403 with a reporter's."""
    return check_token(request, moderating=True)


def _needs_token(dependant: Dependant) -> bool | None:
    """None when the route takes no token; else whether it needs a moderator's."""
    for dependency in dependant.dependencies:
        if dependency.call is moderator:
            return True
        if dependency.call is reporter:
            return False
        found = _needs_token(dependency)
        if found is not None:
            return found
    return None


class TokenFirst(APIRoute):
    """A route that checks its token (if it takes one) before anything reads the request's body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        moderating = _needs_token(self.dependant)
        if moderating is None:
            return handler

        async def token_first(request: Request) -> Response:
            await run_in_threadpool(check_token, request, moderating=moderating)  # the store is read blocking
            return await handler(request)

        return token_first
