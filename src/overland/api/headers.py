"""What every response says about itself: security headers (a content security policy the page
keeps, no sniffing, no framing, no referrer), and the methods a path allows.

``OPTIONS`` on any path of the API answers 204 with every method its routes take, and a method a
path does not take is 405 with the same ``Allow`` (Starlette would name only the first route's).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from overland.api import problems


def tile_source(template: str) -> str:
    """The CSP source of a tile URL template (``https://{s}.tile.example.org/{z}/{x}/{y}.png`` →
    ``https://*.tile.example.org``); empty without tiles."""
    if not template:
        return ""
    parts = urlsplit(template)
    host = parts.netloc.replace("{s}", "*")
    if not parts.scheme or not host or re.search(r"[{}\s;']", host):
        return f"{parts.scheme}:" if parts.scheme in ("http", "https") else ""
    return f"{parts.scheme}://{host}"


def policy(tiles: str) -> str:
    """The page's content security policy: its own scripts, styles and data only (the tiles' host too)."""
    images = " ".join(filter(None, ("'self'", "data:", tile_source(tiles))))
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; font-src 'self'; manifest-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """Adds the security headers to every response and answers ``OPTIONS`` with the path's methods."""

    def __init__(self, app: ASGIApp, *, tiles: str = "") -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", policy(tiles).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self.headers if name not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        methods = _allowed(scope)
        if methods and (scope["method"] == "OPTIONS" or scope["method"] not in methods):
            allow = ", ".join(sorted(methods))
            if scope["method"] == "OPTIONS":
                await send_with_headers(
                    {"type": "http.response.start", "status": 204, "headers": [(b"allow", allow.encode())]}
                )
                await send_with_headers({"type": "http.response.body", "body": b""})
                return
            detail = f"{scope['method']} is not allowed on {scope['path']}: use {allow}"
            response = problems.problem_response(
                405, "Method Not Allowed", detail, instance=scope["path"], headers={"Allow": allow}
            )
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _path_methods(app: Any) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """Each path of the app's schema as a pattern, with the methods its operations take."""
    found = []
    for path, operations in app.openapi().get("paths", {}).items():
        pattern = re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$")
        found.append((pattern, frozenset(method.upper() for method in operations if method.isalpha())))
    return found


def _allowed(scope: Scope) -> set[str]:
    """Every method the API takes on the request's path (empty: the path is not in the API's schema)."""
    app = scope["app"]
    paths = getattr(app.state, "path_methods", None)
    if paths is None:
        paths = app.state.path_methods = _path_methods(app)
    methods = {m for pattern, taken in paths if pattern.match(scope["path"]) for m in taken}
    if methods:
        methods.add("OPTIONS")
    return methods
