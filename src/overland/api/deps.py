"""Dependencies of the routes, overridable in tests (``app.dependency_overrides``)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

from overland.api.settings import Settings
from overland.model.catalog import Catalog


async def get_catalog(request: Request) -> Catalog:
    """The catalog the app was made with."""
    return request.app.state.catalog


async def get_settings(request: Request) -> Settings:
    """The settings the app was made with."""
    return request.app.state.settings


class JSONBytes(Response):
    """JSON written by orjson, straight from plain data (the schema is in the route's ``response_model``)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        return orjson.dumps(content)


_CACHE: dict[tuple[int, object], tuple[Catalog, bytes]] = {}
_CACHE_SIZE = 512


def cached_json(catalog: Catalog, key: object, make: Any) -> bytes:
    """``make()`` as JSON bytes, kept per catalog and key (the data never changes while the app runs)."""
    kept = _CACHE.get((id(catalog), key))
    if kept is not None and kept[0] is catalog:
        return kept[1]
    body = orjson.dumps(make())
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[(id(catalog), key)] = (catalog, body)
    return body
