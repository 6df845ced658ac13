"""Shared fixtures and domain assertions: ``assert_open(stage, time)``, ``assert_closed(...)``."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import overland
from overland.io.data_files import default_data_dir
from overland.timing.windows import Schedule

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def catalog():
    return overland.load_catalog()


def _schedule_around(stage: str, moment: datetime) -> Schedule:
    return overland.hours(stage, moment - timedelta(days=2), days=4)


def assert_open(stage: str, when: str) -> None:
    """The stage is open at ``when`` (ISO 8601 with offset)."""
    moment = datetime.fromisoformat(when)
    schedule = _schedule_around(stage, moment)
    assert schedule.is_open(moment), f"{stage} should be open at {when}; windows: {schedule.windows}"


def assert_closed(stage: str, when: str, *, because: str | None = None) -> None:
    """The stage is closed at ``when``; ``because`` must appear in that day's closure reason."""
    moment = datetime.fromisoformat(when)
    schedule = _schedule_around(stage, moment)
    assert not schedule.is_open(moment), f"{stage} should be closed at {when}"
    if because is not None:
        day = moment.astimezone(schedule.start.tzinfo).date()
        reasons = [c.reason for c in schedule.closures if c.day == day]
        assert reasons, f"{stage}: {day} is not a closed day (closures: {schedule.closures})"
        assert because in reasons[0], f"{stage} on {day}: {reasons[0]!r} does not mention {because!r}"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data, for tests that break it."""
    target = tmp_path / "data"
    shutil.copytree(default_data_dir(), target)
    return target
