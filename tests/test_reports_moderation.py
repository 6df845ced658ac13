"""Reports from anyone, moderated: ``POST /api/reports/queue`` (no token), ``/api/moderation/...``
(a moderator's token) and ``overland admin reports pending|approve|reject``, on both backends.

A report sent without a token waits until a moderator approves it: until then it is not
listed, not in the statistics and not used by the plans. One address may send so many an
hour, each body is small, and a robot filling in the hidden field is answered but not heard.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator

import pytest

from overland.api import Settings, create_app
from overland.service import Overland
from overland.store.schema import Report
from tests.reports_support import database_url, gate_report, make_token, store

with warnings.catch_warnings():  # starlette suggests httpx2 over httpx; the client works the same
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
TRIP = {"from": "naryn", "to": "kashgar", "depart": "2026-11-05T05:00+06:00", "via": "torugart"}


@pytest.fixture
def app(store):
    return create_app(Settings(queued_reports_per_hour=3, queued_report_bytes=4096), service=Overland(store=store))


def _client(app, address: str = "203.0.113.7") -> TestClient:
    return TestClient(app, client=(address, 50000))


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with _client(app) as test_client:
        yield test_client


@pytest.fixture
def moderator(store) -> dict[str, str]:
    from datetime import UTC, datetime

    from overland.store.reports import create_token

    with store.writing() as session, session.begin():
        _, secret = create_token(session, "mod", now=datetime.now(UTC), moderator=True)
    return {"Authorization": f"Bearer {secret}"}


def assert_problem(response, status: int, *, kind: str, says: str = "") -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"/problems/{kind}"
    assert says in body["detail"], body["detail"]
    return body


def _learned(client) -> list[str]:
    """The stages whose times the plan learned from reports."""
    return [o["stage"] for o in client.post("/api/plan", json=TRIP).json()["observations"]]


def test_a_report_without_a_token_waits_unseen_and_unused_until_a_moderator_approves_it(client, store, moderator):
    ids = []
    for _ in range(3):
        queued = client.post("/api/reports/queue", json=gate_report(gate_minutes=100))
        assert queued.status_code == 202, queued.text
        assert queued.json()["state"] == "pending" and "moderator" in queued.json()["detail"]
        ids.append(queued.json()["id"])
    assert client.get("/api/reports").json()["reports"] == []
    assert client.get("/api/observed").json() == []
    assert_problem(client.get(f"/api/reports/{ids[0]}"), 404, kind="unknown-id")
    assert _learned(client) == []  # the plans do not learn from the queue

    waiting = client.get("/api/moderation/reports", headers=moderator).json()["reports"]
    assert [(r["id"], r["state"], r["token"]) for r in waiting] == [(i, "pending", "(no token)") for i in ids[::-1]]
    assert waiting[0]["note"] == "gate opened late"
    for report_id in ids:
        approved = client.post(f"/api/moderation/reports/{report_id}/approve", headers=moderator)
        assert approved.status_code == 200 and approved.json()["state"] == "published"
    assert [r["id"] for r in client.get("/api/reports").json()["reports"]] == ids[::-1]
    assert client.get("/api/observed/torugart/gate").json()["reports"] == 3
    assert "torugart/gate" in _learned(client)  # now they do
    assert client.get("/api/moderation/reports", headers=moderator).json()["reports"] == []
    everything = client.get("/api/moderation/reports", headers=moderator, params={"state": "all"}).json()
    assert [r["state"] for r in everything["reports"]] == ["published"] * 3


def test_a_rejected_report_is_never_shown(client, moderator):
    report_id = client.post("/api/reports/queue", json=gate_report()).json()["id"]
    rejected = client.post(f"/api/moderation/reports/{report_id}/reject", headers=moderator)
    assert rejected.json()["state"] == "hidden"
    assert client.get("/api/reports").json()["reports"] == []
    assert_problem(
        client.post(f"/api/moderation/reports/{report_id}/approve", headers=moderator),
        409, kind="not-pending", says="not waiting for a moderator (it is hidden)",
    )  # fmt: skip
    assert_problem(client.post("/api/moderation/reports/999/approve", headers=moderator), 404, kind="unknown-id")


def test_a_token_holders_report_is_published_at_once(client, store):
    _, secret = make_token(store)
    saved = client.post("/api/reports", json=gate_report(), headers={"Authorization": f"Bearer {secret}"})
    assert saved.status_code == 201
    assert [r["id"] for r in client.get("/api/reports").json()["reports"]] == [saved.json()["id"]]


def test_moderating_needs_a_moderators_token(client, store):
    assert_problem(client.get("/api/moderation/reports"), 401, kind="unauthorized")
    bad = {"Authorization": "Bearer ovl_nope"}
    assert_problem(client.post("/api/moderation/reports/1/approve", headers=bad), 401, kind="unauthorized")
    _, reporter = make_token(store)
    assert_problem(
        client.get("/api/moderation/reports", headers={"Authorization": f"Bearer {reporter}"}),
        403, kind="forbidden", says="may send reports but not moderate",
    )  # fmt: skip


def test_the_moderators_token_is_checked_before_the_body(client, store):
    _, reporter = make_token(store)
    json_type = {"Content-Type": "application/json"}
    for header in ({}, {"Authorization": "Bearer ovl_nope"}):
        response = client.post("/api/moderation/reports/1/approve", content=b"{not json", headers=json_type | header)
        assert_problem(response, 401, kind="unauthorized")
    with_reporters = {"Authorization": f"Bearer {reporter}"}
    response = client.post(
        "/api/moderation/reports/1/approve", content=b"{not json", headers=json_type | with_reporters
    )
    assert_problem(response, 403, kind="forbidden")


def test_one_address_may_send_so_many_reports_an_hour(app, client, store):
    for _ in range(3):
        assert client.post("/api/reports/queue", json=gate_report()).status_code == 202
    refused = client.post("/api/reports/queue", json=gate_report())
    assert_problem(refused, 429, kind="rate-limited", says="3 reports an hour may be sent without a token")
    assert 3000 < int(refused.headers["retry-after"]) <= 3601
    with _client(app, "198.51.100.9") as elsewhere:  # the limit is per address
        assert elsewhere.post("/api/reports/queue", json=gate_report()).status_code == 202
    with store.session() as session:
        digests = {r.address_digest for r in session.query(Report)}
    assert len(digests) == 2 and not any("203.0.113.7" in d or "198.51" in d for d in digests)


def test_a_queued_report_retried_with_its_idempotency_key_is_queued_once(app, client, store):
    keyed = {"Idempotency-Key": "form-7c1e"}
    first = client.post("/api/reports/queue", json=gate_report(), headers=keyed)
    assert first.status_code == 202, first.text
    for _ in range(3):  # retries stored nothing, and are answered past the hourly limit of 3
        again = client.post("/api/reports/queue", json=gate_report(), headers=keyed)
        assert again.status_code == 202 and again.json() == first.json()
    assert_problem(
        client.post("/api/reports/queue", json=gate_report(note="another"), headers=keyed),
        422, kind="idempotency-key-reused", says="this Idempotency-Key was used for another report",
    )  # fmt: skip
    assert_problem(
        client.post("/api/reports/queue", json=gate_report(), headers={"Idempotency-Key": "x" * 101}),
        400, kind="invalid-idempotency-key",
    )  # fmt: skip
    with _client(app, "198.51.100.9") as elsewhere:  # the key is the address's own
        theirs = elsewhere.post("/api/reports/queue", json=gate_report(), headers=keyed)
        assert theirs.status_code == 202 and theirs.json()["id"] != first.json()["id"]
    assert client.post("/api/reports/queue", json=gate_report()).status_code == 202  # no key: a new report
    with store.session() as session:
        assert session.query(Report).count() == 3


def test_the_hidden_field_filled_in_is_answered_but_nothing_is_stored(client, store):
    answer = client.post("/api/reports/queue", json={**gate_report(), "website": "http://cheap-pills.example"})
    assert answer.status_code == 202 and answer.json()["id"] is None
    with store.session() as session:
        assert session.query(Report).count() == 0


def test_a_large_report_is_413_and_a_wrong_one_422_naming_each_field(client, store):
    body = {**gate_report(note="Торугарт " * 220)}  # under the note's 2000 characters, over 4096 bytes
    assert len(body["note"]) <= 2000
    assert_problem(client.post("/api/reports/queue", json=body), 413, kind="body-too-large", says="4096 bytes")
    wrong = gate_report()
    wrong["stages"][0]["started"] = "2026-11-02T13:00+08:00"
    problem = assert_problem(client.post("/api/reports/queue", json=wrong), 422, kind="invalid-input")
    assert problem["errors"][0]["loc"] == ["body", "stages", 0, "started"]
    with store.session() as session:
        assert session.query(Report).count() == 0


def test_the_schema_documents_the_queue_and_the_moderation(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"202", "413", "422", "429"} <= set(paths["/api/reports/queue"]["post"]["responses"])
    approve = paths["/api/moderation/reports/{report_id}/approve"]["post"]
    assert {"200", "401", "403", "404", "409", "429"} <= set(approve["responses"])


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def db(database_url, monkeypatch) -> str:
    monkeypatch.setenv("OVERLAND_DATABASE_URL", database_url)
    return database_url


def test_moderators_tokens_and_the_queue_on_the_command_line(cli, db):
    from overland.model.report import ReportIn

    code, out, err = cli("admin", "token", "create", "mod", "--moderator")
    assert code == 0 and out.startswith("ovl_") and "moderator's token" in err
    code, out, _ = cli("admin", "token", "list")
    assert "mod" in out and "yes" in out
    service = Overland(database_url=db)
    report = ReportIn.model_validate(_as_model())
    queued = [service.reports.submit_anonymous(report, address="203.0.113.7", per_hour=5)["id"] for _ in range(2)]
    service.close()
    code, out, _ = cli("admin", "reports", "pending")
    assert code == 0 and "(no token)" in out and "pending" in out and str(queued[0]) in out
    code, out, _ = cli("admin", "reports", "approve", str(queued[0]))
    assert code == 0 and f"report {queued[0]} approved" in out
    code, out, _ = cli("admin", "reports", "reject", str(queued[1]))
    assert code == 0 and f"report {queued[1]} rejected" in out
    code, out, _ = cli("admin", "reports", "pending")
    assert out.strip() == "no report waits for a moderator"
    code, _, err = cli("admin", "reports", "approve", str(queued[1]))
    assert code == 2 and "not waiting for a moderator (it is hidden)" in err
    code, out, _ = cli("report", "export", "--format", "json")
    assert [r["id"] for r in json.loads(out)] == [queued[0]]


def _as_model() -> dict:
    body = gate_report()
    body["day"] = body.pop("date")
    for stage in body["stages"]:
        clock = stage.pop("clock", None)
        if clock:
            for name in ("arrived", "started", "finished"):
                stage[name] += "+08:00"
    return body
