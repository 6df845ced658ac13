"""One service under both adapters: the command line and the HTTP API give the same plan, also with
crossing reports in the database; concurrent requests give the answers serial ones do."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from overland.api import Settings, create_app
from overland.service import Overland
from tests.reports_support import database_url, gate_report, make_token, store

TRIP = {"from": "naryn", "to": "kashgar", "depart": "2026-11-25T05:00+06:00", "via": "torugart"}
CLI_TRIP = ("plan", "--from", "naryn", "--to", "kashgar", "--depart", "2026-11-25T05:00+06:00", "--via", "torugart")


def test_the_command_line_and_the_api_answer_the_same_plan_with_reports_in_the_database(
    cli, database_url, store, monkeypatch
):
    # Reports that make the Torugart gate slow: both adapters must learn from them.
    with TestClient(create_app(Settings(reports_per_hour=50), service=Overland(store=store))) as client:
        secrets = [make_token(store, name)[1] for name in ("alice", "bob", "chen", "dana")]
        for back in range(1, 13):  # a dozen recent reports from four senders outweigh the data's prior
            day = (date.today() - timedelta(days=back)).isoformat()
            sent = client.post("/api/reports", json=gate_report(day, gate_minutes=75),
                               headers={"Authorization": f"Bearer {secrets[back % 4]}"})  # fmt: skip
            assert sent.status_code == 201, sent.text
        from_api = client.post("/api/plan", json=TRIP).json()
    monkeypatch.setenv("OVERLAND_DATABASE_URL", database_url)
    code, out, err = cli(*CLI_TRIP, "--format", "json")
    assert code == 0, err
    from_cli = json.loads(out)
    used = {o["stage"] for o in from_cli["observations"]}
    assert "torugart/gate" in used  # the reports were used...
    assert from_api["observations"] == from_cli["observations"]  # ...by both, the same way
    for key in ("arrive", "nights", "waiting_hours", "warnings"):
        assert from_api[key] == from_cli[key], key
    for key in ("events", "blockers", "advice"):  # the API adds names and home-clock times to each
        assert [{k: e[k] for k in c} for e, c in zip(from_api[key], from_cli[key], strict=True)] == from_cli[key]
    # Without the reports the gate takes the data's time: the plan really changed.
    code, out, _ = cli(*CLI_TRIP, "--format", "json", "--no-observations")
    plain = json.loads(out)
    gate = [e for e in from_cli["events"] if e["stage"] == "torugart/gate" and e["kind"] == "process"]
    plain_gate = [e for e in plain["events"] if e["stage"] == "torugart/gate" and e["kind"] == "process"]
    assert gate[0]["end"] != plain_gate[0]["end"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_concurrent_plans_and_scans_answer_as_serial_ones(database_url):
    # One clock for both runs: "the departure is in the past (it is now ...)" names the minute.
    def service() -> Overland:
        return Overland(database_url=database_url, clock=lambda: datetime(2026, 11, 30, 12, tzinfo=UTC))

    app = create_app(Settings(database_url=database_url), service=service())
    trips = [
        {**TRIP, "depart": f"2026-11-{day:02d}T{hour:02d}:00+06:00"} for day in (23, 25, 27) for hour in (4, 9, 15)
    ] + [{**TRIP, "from": "kashgar", "to": "naryn", "depart": "2026-12-01T08:00+08:00"}]
    scan = {"from": "tash-rabat", "to": "kashgar", "start": "2026-11-25T04:00+06:00", "end": "2026-11-25T12:00+06:00",
            "every_minutes": 60, "samples": 300, "seed": 4}  # fmt: skip
    with TestClient(create_app(Settings(database_url=database_url), service=service())) as fresh:
        serial_plans = [fresh.post("/api/plan", json={**t, "samples": 200, "seed": 1}).json() for t in trips]
        serial_scan = fresh.post("/api/when", json=scan).json()
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=8) as pool:
        plans = [pool.submit(client.post, "/api/plan", json={**t, "samples": 200, "seed": 1}) for t in trips * 3]
        scans = [pool.submit(client.post, "/api/when", json=scan) for _ in range(3)]
        answers = [p.result() for p in plans]
        scanned = [s.result() for s in scans]
    assert all(a.status_code == 200 for a in answers + scanned)
    assert [a.json() for a in answers] == serial_plans * 3
    assert all(s.json() == serial_scan for s in scanned)
