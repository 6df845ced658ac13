"""Dependencies of the routes, overridable in tests (``app.dependency_overrides``)."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import Depends, Request
from starlette.responses import Response

from overland.api.settings import Settings
from overland.service import Overland


def get_service(request: Request) -> Overland:
    """The service the app was made with."""
    return request.app.state.service


def get_settings(request: Request) -> Settings:
    """The settings the app was made with."""
    return request.app.state.settings


ServiceDep = Annotated[Overland, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


class JSONBytes(Response):
    """JSON written by orjson, straight from plain data (the schema is in the route's ``response_model``)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        return orjson.dumps(content)


def cached_json(request: Request, key: object, make: Any) -> bytes:
    """``make()`` as JSON bytes, kept by the app under ``key`` (its data never change while it runs)."""
    kept: dict[object, bytes] = request.app.state.json_cache
    body = kept.get(key)
    if body is None:
        body = orjson.dumps(make())
        if len(kept) >= JSON_CACHE_SIZE:
            kept.pop(next(iter(kept)), None)
        kept[key] = body
    return body


JSON_CACHE_SIZE = 512
