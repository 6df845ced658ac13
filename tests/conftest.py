"""Shared fixtures and domain assertions: ``assert_open(stage, time)``, ``assert_closed(...)``."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the property tests on a fixed set of examples so a landing never hangs on luck;
# locally they explore new examples every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

import overland
from overland.io.data_files import default_data_dir
from overland.planner.schedule import Schedule

REPO = Path(__file__).resolve().parent.parent
# Deterministic terminal output for the CLI tests (set before the CLI's consoles exist).
os.environ["COLUMNS"] = "100"
os.environ["NO_COLOR"] = "1"
os.environ.pop("OVERLAND_DATA", None)
# Crossing reports: never the user's own database (`overland plan` would learn from its reports).
os.environ.pop("OVERLAND_DATABASE_URL", None)
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="overland-test-data-")
atexit.register(shutil.rmtree, os.environ["XDG_DATA_HOME"], ignore_errors=True)


@pytest.fixture
def cli(capsys) -> Callable[..., tuple[int, str, str]]:
    """Run ``overland ARGS...`` in-process through its real entry point: (exit code, stdout, stderr)."""
    from overland.cli.app import main

    def run(*args: str) -> tuple[int, str, str]:
        saved = sys.argv
        sys.argv = ["overland", *args]
        try:
            main()
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        finally:
            sys.argv = saved
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


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
