"""The bearer tokens of the report routes, checked before the request's body is read.

FastAPI reads and parses a request's JSON body before it runs the route's dependencies:
a body that is not JSON, sent without a token, would be answered 422 about the body
instead of 401. The routes of the reports router are :class:`TokenFirst` routes: one that
depends on :func:`reporter` or :func:`moderator` checks the token first, before the body
is read, and the dependency hands on the token's id found then. The dependencies stay in
the routes' signatures, so the schema (``/openapi.json``) still names the security scheme.

Wrong tokens are counted per client address, in the app's memory (:class:`FailedTokens`:
bounded, per worker process, not in the database). Past ``OVERLAND_FAILED_TOKENS_PER_MINUTE``
wrong tokens in a sliding minute, the address is answered 429 with ``Retry-After`` before any
token it sends is looked at, a right one included, until its oldest counted failure is a minute
old. A request without an ``Authorization`` header, and a token that is right, do not count.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from overland.api.problems import ProblemError
from overland.errors import Unauthorized

BEARER = HTTPBearer(
    auto_error=False, scheme_name="reportingToken", description="A token made with `overland admin token create NAME`."
)
MODERATOR = HTTPBearer(
    auto_error=False, scheme_name="moderatorToken",
    description="A moderator's token, made with `overland admin token create NAME --moderator`.",
)  # fmt: skip


class FailedTokens:
    """The wrong tokens each client address sent in the last ``window`` seconds, at most ``limit`` each.

    ``clock`` gives seconds (monotonic by default; tests pass their own). At most ``addresses``
    addresses are kept: past that, the one whose last failure is the oldest is forgotten.
    """

    def __init__(
        self, limit: int, *, window: float = 60.0, clock: Callable[[], float] = time.monotonic, addresses: int = 10_000
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.addresses = addresses
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()  # the least recently failed first
        self._lock = threading.Lock()  # the checks run in the server's thread pool

    def retry_after(self, address: str) -> int:
        """0 when ``address`` may present a token; else the seconds until its oldest failure leaves the window."""
        with self._lock:
            now = self.clock()
            failures = self._failures.get(address)
            if failures is None:
                return 0
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if not failures:
                del self._failures[address]
                return 0
            if len(failures) < self.limit:
                return 0
            return max(1, math.ceil(failures[0] + self.window - now))

    def failed(self, address: str) -> None:
        """Count a wrong token from ``address``."""
        with self._lock:
            now = self.clock()
            failures = self._failures.get(address)
            if failures is None:
                while self._failures and (
                    len(self._failures) >= self.addresses
                    or next(iter(self._failures.values()))[-1] <= now - self.window
                ):
                    self._failures.popitem(last=False)  # full, or its failures are all out of the window
                failures = self._failures[address] = deque(maxlen=self.limit)
            else:
                self._failures.move_to_end(address)
            failures.append(now)

    def __len__(self) -> int:
        """How many addresses are kept."""
        return len(self._failures)


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
    throttle: FailedTokens = request.app.state.failed_tokens
    address = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(address)
    if wait:
        msg = (
            f"{throttle.limit} wrong tokens a minute may be sent from one address: "
            f"try again in {wait} seconds, with the right token"
        )
        raise ProblemError(
            429, "Too many wrong tokens", msg, kind="too-many-wrong-tokens", headers={"Retry-After": str(wait)}
        )
    reports = request.app.state.service.reports
    secret = secret_of(request)
    try:
        token_id = reports.moderator_id(secret) if moderating else reports.token_id(secret)
    except Unauthorized:
        if request.headers.get("Authorization"):  # a token was tried; a request without one does not count
            throttle.failed(address)
        raise
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
