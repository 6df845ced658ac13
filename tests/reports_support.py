"""Fixtures of the reports tests: the database on both backends, a token, a report body.

``database_url`` is parametrized over a real SQLite file and a real PostgreSQL server
(``OVERLAND_TEST_POSTGRES_URL``, started by ``scripts/postgres`` from ``bash scripts/test``).
Without that variable the PostgreSQL cases fail under CI (``CI`` set) and are skipped
elsewhere, saying how to start a server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

POSTGRES_ENV = "OVERLAND_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def postgres_url() -> str:
    """The test server's URL, or fail (CI) / skip (elsewhere) saying how to get one."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        reason = (
            f"{POSTGRES_ENV} is not set: `bash scripts/test` starts a PostgreSQL server for these tests "
            "(or `source scripts/postgres` in your shell)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return url


def reset_postgres(url: str) -> None:
    """An empty database: the public schema dropped and made again."""
    from sqlalchemy import create_engine

    from overland.store.location import database_url

    engine = create_engine(database_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """An empty database: a SQLite file in a temporary directory, or the PostgreSQL test server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reports.sqlite3'}"
    url = postgres_url()
    reset_postgres(url)
    return url


@pytest.fixture
def store(database_url) -> Iterator[Any]:
    """The database, migrated to the newest schema."""
    from overland.store.db import Store

    opened = Store(database_url)
    yield opened
    opened.close()


def make_token(store, name: str = "alice") -> tuple[int, str]:
    """A new token's id and secret."""
    from overland.store.reports import create_token

    with store.writing() as session, session.begin():
        token, secret = create_token(session, name, now=datetime.now(UTC))
        return token.id, secret


def gate_report(
    day: str = "2026-11-02", *, note: str | None = "gate opened late", gate_minutes: float = 25, mode: str = "own-car"
) -> dict[str, Any]:
    """A Torugart report (Kyrgyzstan → China) through the gate and the Chinese port, as the API takes it.

    The gate's times carry their offset; the port's are given in its clock (``clock``).
    """
    started = datetime.fromisoformat(f"{day}T15:10+08:00")
    finished = started + timedelta(minutes=gate_minutes)
    port = finished + timedelta(minutes=15)
    body: dict[str, Any] = {
        "crossing": "torugart", "direction": "kg-cn", "mode": mode, "date": day, "outcome": "crossed",
        "stages": [
            {"stage": "gate", "arrived": f"{day}T13:40+08:00", "started": started.isoformat(),
             "finished": finished.isoformat()},
            {"stage": "cn-port", "arrived": f"{port:%Y-%m-%dT%H:%M}", "started": f"{port + timedelta(minutes=10):%Y-%m-%dT%H:%M}",
             "finished": f"{port + timedelta(minutes=160):%Y-%m-%dT%H:%M}", "clock": "Asia/Shanghai"},
        ],
    }  # fmt: skip
    if note is not None:
        body["note"] = note
    return body
