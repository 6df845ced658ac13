"""The settings of the HTTP app, read from ``OVERLAND_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from overland.limits import MAX_SCAN_WORK

NODE_MODULES = Path(__file__).resolve().parents[3] / "node_modules"
REPO_LEAFLET = NODE_MODULES / "leaflet" / "dist"
REPO_ATLAS = NODE_MODULES / "world-atlas"
REPO_TOPOJSON = NODE_MODULES / "topojson-client" / "dist"


class Settings(BaseSettings):
    """How the app runs. Each field is also ``OVERLAND_<NAME>`` in the environment.

    ``data`` is the data directory (default: the bundled data), the same variable the
    command line reads. ``leaflet_dir`` is Leaflet's ``dist`` folder, ``atlas_dir`` the
    ``world-atlas`` package (Natural Earth's countries as TopoJSON) and ``topojson_dir``
    ``topojson-client``'s ``dist`` folder (defaults: the ones ``npm ci`` puts under
    ``node_modules`` at the repository root): the page's map draws the country borders
    from them, with no internet. ``tiles`` is a tile URL template such as
    ``https://tile.openstreetmap.org/{z}/{x}/{y}.png``, drawn under the borders for
    deployments that can reach it; empty (the default), the map needs no internet.
    """

    model_config = SettingsConfigDict(env_prefix="OVERLAND_", extra="ignore")

    data: Path | None = None
    leaflet_dir: Path = REPO_LEAFLET
    atlas_dir: Path = REPO_ATLAS
    topojson_dir: Path = REPO_TOPOJSON
    tiles: str = ""
    tiles_attribution: str = ""
    max_body_bytes: int = Field(default=16 * 1024, ge=256, le=1024 * 1024)
    # Heavy requests (plans, exports, comparisons, departure scans): how many run at once (default:
    # one per processor), how many more may wait (past that: 503 with Retry-After), and how many
    # samples one departure scan may draw in all (departures x samples per departure).
    plan_workers: int = Field(default_factory=lambda: os.cpu_count() or 2, ge=1, le=256)
    plans_waiting: int = Field(default=16, ge=0, le=10_000)
    scan_samples: int = Field(default=2_000_000, ge=1_000, le=MAX_SCAN_WORK)
    # Crossing reports: the database (empty: a SQLite file in the user's data directory; see
    # overland.store.location) and how many reports one token may submit in an hour. Reports sent
    # without a token wait for a moderator: at most `queued_reports_per_hour` an hour from one
    # address, each body at most `queued_report_bytes`.
    database_url: str = ""
    reports_per_hour: int = Field(default=20, ge=1, le=100_000)
    queued_reports_per_hour: int = Field(default=5, ge=1, le=100_000)
    queued_report_bytes: int = Field(default=6 * 1024, ge=256, le=1024 * 1024)
    # How long the reports read stay in use before the plans and /api/observed read them again: a
    # burst of reports then costs one new calibration, not one per plan.
    reports_refresh_seconds: float = Field(default=10.0, ge=0, le=3600)
    # Wrong reporting or moderator tokens one client address may send in a sliding minute; past
    # that it is answered 429, whatever token it sends, until the oldest failure is a minute old.
    failed_tokens_per_minute: int = Field(default=10, ge=1, le=100_000)
