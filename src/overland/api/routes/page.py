"""The page at ``/``: a form, a map, a timeline in both clocks, the checklist, exports."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import HTMLResponse

from overland.api.deps import get_settings
from overland.api.settings import Settings

STATIC = Path(__file__).resolve().parent.parent / "static"
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def page(settings: Annotated[Settings, Depends(get_settings)]) -> HTMLResponse:
    """The page, told the map tiles to use (none by default: it then needs no internet)."""
    text = (STATIC / "index.html").read_text(encoding="utf-8")
    text = text.replace("{{tiles}}", html.escape(settings.tiles, quote=True))
    text = text.replace("{{tiles_attribution}}", html.escape(settings.tiles_attribution, quote=True))
    return HTMLResponse(text, headers={"Cache-Control": "no-cache"})
