"""The page at ``/``: a form, a map, a timeline in both clocks, the checklist, exports, reports;
and ``/moderate``, where a moderator approves or rejects the reports sent without a token.

The page's languages are the i18next catalogues in ``static/locales`` (``en.json``, ``ru.json``,
``zh.json``, …): the page is told which there are, so a new language is a new file.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import HTMLResponse

from overland.api.deps import get_settings
from overland.api.settings import Settings

STATIC = Path(__file__).resolve().parent.parent / "static"
LOCALES = STATIC / "locales"
ATLAS = "countries-50m.json"  # Natural Earth 1:50m countries, from the world-atlas package
router = APIRouter(include_in_schema=False)


def languages(folder: Path = LOCALES) -> list[dict[str, str]]:
    """The page's languages: one per catalogue, English first, each with its own name for itself."""
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            name = json.loads(path.read_text(encoding="utf-8"))["meta"]["name"]
        except (ValueError, KeyError, TypeError):
            continue  # not a catalogue of the page
        found.append({"code": path.stem, "name": str(name)})
    return sorted(found, key=lambda lang: (lang["code"] != "en", lang["code"]))


def _page(name: str, settings: Settings) -> HTMLResponse:
    text = (STATIC / name).read_text(encoding="utf-8")
    text = text.replace("{{tiles}}", html.escape(settings.tiles, quote=True))
    text = text.replace("{{tiles_attribution}}", html.escape(settings.tiles_attribution, quote=True))
    text = text.replace("{{languages}}", html.escape(json.dumps(languages(), ensure_ascii=False), quote=True))
    return HTMLResponse(text, headers={"Cache-Control": "no-cache"})


@router.get("/", response_class=HTMLResponse)
async def page(settings: Annotated[Settings, Depends(get_settings)]) -> HTMLResponse:
    """The page, told its languages and the map tiles to use (none by default: it then needs no internet)."""
    return _page("index.html", settings)


@router.get("/moderate", response_class=HTMLResponse)
async def moderate(settings: Annotated[Settings, Depends(get_settings)]) -> HTMLResponse:
    """The moderators' page: the reports sent without a token, to approve or reject (with a moderator's token)."""
    return _page("moderate.html", settings)
