"""Durability: ``overland serve`` on SQLite is killed with SIGKILL while clients submit reports.

Every report the server answered 201 must be in the database afterwards, as sent, and the
database must pass SQLite's integrity check. The server is the real command in its own
process (uvicorn, the app's own store dependency); the clients are threads with httpx.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from overland.store.db import Store
from tests.reports_support import gate_report, make_token

CLIENTS = 6
ACKED_BEFORE_KILL = 60  # reports answered 201 before the kill
MAX_PER_CLIENT = 400  # bounded: the loop stops by itself even if the kill never comes
DEADLINE = 90  # seconds
# Servers killed one after another on the same database: 1 in the test command; the long run sets more
# (OVERLAND_DURABILITY_KILLS=45, figures in BENCHMARKS.md).
KILLS = int(os.environ.get("OVERLAND_DURABILITY_KILLS", "1"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped ({server.returncode}): {log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/api/reports", timeout=2).status_code == 200:  # opens the store too
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the server did not answer within 60 s: {log.read_text()[-2000:]}")


def _round(path: Path, secret: str, tmp_path: Path, number: int) -> tuple[int | None, list[tuple[int, str]], list[str]]:
    """One server started on the database, clients sending reports, and a SIGKILL mid-way:
    (the server's return code, the reports answered 201 as (id, note), the failures)."""
    url = f"sqlite:///{path}"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / f"server-{number}.log"
    env = os.environ | {"OVERLAND_DATABASE_URL": url, "OVERLAND_REPORTS_PER_HOUR": "100000"}
    with log.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "overland", "serve", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(base, server, log)
        acked: list[tuple[int, str]] = []
        failures: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()
        started = time.monotonic()

        def client(n: int) -> None:
            headers = {"Authorization": f"Bearer {secret}"}
            with httpx.Client(base_url=base, timeout=15, headers=headers) as http:
                for i in range(MAX_PER_CLIENT):
                    if stop.is_set() or time.monotonic() - started > DEADLINE:
                        return
                    note = f"round {number} client {n} report {i} '; DROP TABLE reports; --"
                    try:
                        response = http.post("/api/reports", json=gate_report(note=note))
                    except httpx.TransportError:
                        return  # the server is gone: this report was never answered
                    if response.status_code == 201:
                        with lock:
                            acked.append((response.json()["id"], note))
                    else:
                        failures.append(f"{response.status_code} {response.text[:300]}")
                        return

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
        for thread in threads:
            thread.start()
        while time.monotonic() - started < DEADLINE:
            with lock:
                if len(acked) >= ACKED_BEFORE_KILL:
                    break
            time.sleep(0.01)
        os.kill(server.pid, signal.SIGKILL)  # mid-way: the clients are still sending
        server.wait(timeout=30)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        if server.poll() is None:
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=30)

    return server.returncode, acked, failures


def test_every_report_answered_201_survives_sigkill(tmp_path):
    path = tmp_path / "reports.sqlite3"
    url = f"sqlite:///{path}"
    store = Store(url)
    _, secret = make_token(store)
    store.close()

    acked: list[tuple[int, str]] = []
    for number in range(KILLS):
        code, answered, failures = _round(path, secret, tmp_path, number)
        acked += answered
        assert code == -signal.SIGKILL
        assert not failures, failures
        assert len(answered) >= ACKED_BEFORE_KILL, f"only {len(answered)} reports answered before the deadline"

    with sqlite3.connect(path) as db:  # a plain connection: what is on the disk, WAL included
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = dict(db.execute("SELECT id, note FROM reports").fetchall())
        stages = dict(db.execute("SELECT report_id, count(*) FROM report_stages GROUP BY report_id").fetchall())
    missing = [(report_id, note) for report_id, note in acked if stored.get(report_id) != note]
    assert not missing, f"{len(missing)} of {len(acked)} reports answered 201 are not in the database: {missing[:5]}"
    assert all(stages.get(report_id) == 2 for report_id, _ in acked)
    print(f"{len(acked)} answered 201, {len(stored)} stored")
    assert len(stored) >= len(acked)  # reports in flight at the kill may or may not have been committed
