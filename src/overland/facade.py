"""The Python facade: what the CLI and, later, the HTTP API call.

>>> import overland
>>> from datetime import datetime
>>> schedule = overland.hours("torugart/gate", datetime.fromisoformat("2026-11-27T12:30+08:00"), days=5)
>>> schedule.windows[0][0].isoformat()
'2026-11-27T14:00:00+08:00'
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from overland.errors import InputError
from overland.io.data_files import load_catalog as _load_catalog
from overland.model.catalog import Catalog
from overland.timing.windows import Schedule, stage_schedule

MAX_DAYS = 366


@cache
def _bundled_catalog() -> Catalog:
    return _load_catalog()


def load_catalog(data_dir: str | Path | None = None) -> Catalog:
    """The validated crossing data: the bundled data (loaded once), or the data under ``data_dir``."""
    if data_dir is None:
        return _bundled_catalog()
    return _load_catalog(Path(data_dir))


def hours(stage: str, start: datetime, *, days: int = 7, catalog: Catalog | None = None) -> Schedule:
    """The open windows of ``stage`` (``crossing/stage``) for ``days`` days from ``start``.

    ``start`` must carry its UTC offset. Closed days come with their reason.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        msg = f"start {start.isoformat()} has no UTC offset: give the clock, e.g. +08:00 for Beijing time"
        raise InputError(msg)
    if not 1 <= days <= MAX_DAYS:
        msg = f"days must be between 1 and {MAX_DAYS}, not {days}"
        raise InputError(msg)
    catalog = catalog or load_catalog()
    crossing, stage_id, _ = catalog.stage(stage)
    return stage_schedule(crossing, stage_id, catalog.countries, start, start + timedelta(days=days))
