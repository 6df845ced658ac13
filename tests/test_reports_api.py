"""``POST /api/reports``, ``GET /api/reports``, ``GET /api/observed``: tokens, validation, limits, on both backends.

The app's service is given the test database (a SQLite file, or the PostgreSQL test server).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from overland.api import Settings, create_app
from overland.service import Overland
from overland.store.schema import Report
from tests.reports_support import database_url, gate_report, make_token, store

PROBLEM = "application/problem+json"


@pytest.fixture
def app(store):
    return create_app(Settings(reports_per_hour=5), service=Overland(store=store))


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def auth(store) -> dict[str, str]:
    _, secret = make_token(store)
    return {"Authorization": f"Bearer {secret}"}


def assert_problem(response, status: int, *, kind: str, says: str = "") -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"/problems/{kind}"
    assert says in body["detail"], body["detail"]
    return body


# --- tokens -------------------------------------------------------------------------------


def test_no_token_is_401_and_nothing_is_stored(client, store):
    response = client.post("/api/reports", json=gate_report())
    body = assert_problem(response, 401, kind="unauthorized", says="Authorization: Bearer TOKEN")
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert body["title"] == "Unauthorized"
    with store.session() as session:
        assert session.query(Report).count() == 0


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ovl_not-a-real-token",
        "Bearer ",
        "Basic YWxpY2U6c2VjcmV0",
        "ovl_no-scheme",
        "Bearer " + "x" * 300,
    ],
)
def test_a_wrong_token_is_401(client, store, auth, header):
    response = client.post("/api/reports", json=gate_report(), headers={"Authorization": header})
    assert_problem(response, 401, kind="unauthorized")
    with store.session() as session:
        assert session.query(Report).count() == 0


def test_the_token_is_checked_before_the_fields_of_the_body(client):
    response = client.post("/api/reports", json={"crossing": 1, "stages": "none"})
    assert_problem(response, 401, kind="unauthorized")


@pytest.mark.parametrize("body", [b"{not json", b'{"crossing": "torugart",', b"\xff\xfe", b""])
def test_the_token_is_checked_before_the_body_is_parsed(client, store, auth, body):
    json_type = {"Content-Type": "application/json"}
    for header in ({}, {"Authorization": "Bearer ovl_not-a-real-token"}):
        response = client.post("/api/reports", content=body, headers=json_type | header)
        assert_problem(response, 401, kind="unauthorized")
    problem = assert_problem(
        client.post("/api/reports", content=body, headers=json_type | auth), 422, kind="invalid-request"
    )
    assert problem["errors"][0]["loc"][0] == "body"
    with store.session() as session:
        assert session.query(Report).count() == 0


def test_invalid_json_with_a_good_token_is_named(client, auth):
    response = client.post(
        "/api/reports", content=b'{"crossing": "torugart",', headers=auth | {"Content-Type": "application/json"}
    )
    assert_problem(response, 422, kind="invalid-request", says="the body is not valid JSON")


def test_a_revoked_token_is_401(client, store, auth):
    from overland.store.reports import revoke_token

    with store.writing() as session, session.begin():
        revoke_token(session, "alice", now=datetime.now(UTC))
    assert_problem(
        client.post("/api/reports", json=gate_report(), headers=auth), 401, kind="unauthorized", says="revoked"
    )


# --- submitting ---------------------------------------------------------------------------


def test_a_report_is_stored_and_listed_without_token_data(client, store, auth):
    response = client.post("/api/reports", json=gate_report(), headers=auth)
    assert response.status_code == 201, response.text
    saved = response.json()
    assert response.headers["location"] == f"/api/reports/{saved['id']}"
    gate, port = saved["stages"]
    assert (gate["arrived"], gate["processing_minutes"], gate["wait_minutes"]) == (
        "2026-11-02T13:40:00+08:00",
        25.0,
        90.0,
    )
    assert port["arrived"].endswith("+08:00")  # given without offset in the stage's clock, Asia/Shanghai
    listed = client.get("/api/reports", params={"crossing": "torugart"}).json()
    assert listed["reports"] == [saved] and listed["next_before"] is None
    assert client.get(f"/api/reports/{saved['id']}").json() == saved
    text = client.get("/api/reports").text
    secret = auth["Authorization"].split()[1]
    assert secret not in text and "token" not in text and "digest" not in text


def test_sql_metacharacters_and_markup_in_a_note_come_back_verbatim(client, auth):
    note = "'; DROP TABLE reports; -- \" OR 1=1 <script>window.__pwned=1</script> %s $1"
    response = client.post("/api/reports", json=gate_report(note=note), headers=auth)
    assert response.status_code == 201, response.text
    assert client.get("/api/reports").json()["reports"][0]["note"] == note
    assert client.post("/api/reports", json=gate_report(note="second"), headers=auth).status_code == 201


def test_an_oversize_body_is_413(client, auth):
    body = gate_report(note="x" * 1900)
    body["stages"] = body["stages"] * 10
    big = client.post("/api/reports", json=body | {"note": "x" * 20_000}, headers=auth)
    assert_problem(big, 413, kind="body-too-large", says="at most 16384 bytes")
    chunked = client.post(
        "/api/reports",
        content=iter([b"{" + b" " * 10_000, b" " * 10_000 + b"}"]),
        headers=auth | {"Content-Type": "application/json"},
    )
    assert_problem(chunked, 413, kind="body-too-large")


def _errors(response) -> dict[str, str]:
    body = assert_problem(response, 422, kind=response.json()["type"].rsplit("/", 1)[1])
    return {".".join(str(p) for p in e["loc"][1:]): e["msg"] for e in body["errors"]}


def test_times_out_of_order_are_refused_field_by_field(client, auth):
    body = gate_report()
    body["stages"][0]["started"] = "2026-11-02T13:00+08:00"  # before arriving
    errors = _errors(client.post("/api/reports", json=body, headers=auth))
    assert "before arrived" in errors["stages.0.started"]


def test_stages_must_follow_each_other(client, auth):
    body = gate_report()
    body["stages"][1]["clock"] = "Asia/Tokyo"  # read an hour ahead of Beijing: the port before the gate
    errors = _errors(client.post("/api/reports", json=body, headers=auth))
    assert "before the previous stage's finished" in errors["stages.1.arrived"]


def test_a_stage_longer_than_three_days_is_refused(client, auth):
    body = gate_report()
    body["stages"][1]["finished"] = "2026-11-09T10:00"
    errors = _errors(client.post("/api/reports", json=body, headers=auth))
    assert "no stage takes more than 3 days" in errors["stages.1.finished"]


def test_a_crossing_in_the_future_is_refused(client, auth):
    day = (date.today() + timedelta(days=5)).isoformat()
    errors = _errors(client.post("/api/reports", json=gate_report(day), headers=auth))
    assert "in the future" in errors["date"]


def test_stages_must_exist_in_the_direction_in_order(client, auth):
    body = gate_report()
    body["stages"] = [body["stages"][1], body["stages"][0]]
    errors = _errors(client.post("/api/reports", json=body, headers=auth))
    assert "comes before 'cn-port'" in errors["stages.1.stage"]
    body = gate_report()
    body["stages"][0]["stage"] = "kg-outer-checkpint"
    errors = _errors(client.post("/api/reports", json=body, headers=auth))
    assert "not a stage of torugart kg-cn" in errors["stages.0.stage"]
    body = gate_report()
    body["direction"] = "cn-kz"
    errors = _errors(client.post("/api/reports", json=body, headers=auth))
    assert "did you mean cn-kg" in errors["direction"]


def test_a_time_without_offset_or_clock_is_refused(client, auth):
    body = gate_report()
    del body["stages"][1]["clock"]
    errors = _errors(client.post("/api/reports", json=body, headers=auth))
    assert "has no UTC offset" in errors["stages.1.arrived"]
    body = gate_report()
    body["stages"][0]["finished"] = "2026-11-31T15:35+08:00"
    body["stages"][1]["clock"] = "Asia/Kashgr"
    errors = _errors(client.post("/api/reports", json=body, headers=auth))
    assert "not a time of the calendar" in errors["stages.0.finished"]
    assert "unknown time zone 'Asia/Kashgr'" in errors["stages.1.clock"]


def test_the_body_must_fit_the_schema(client, auth):
    response = client.post("/api/reports", json=gate_report() | {"mode": "camel", "extra": 1}, headers=auth)
    body = assert_problem(response, 422, kind="invalid-request")
    assert {tuple(e["loc"]) for e in body["errors"]} == {("body", "mode"), ("body", "extra")}


def test_a_token_may_send_so_many_reports_an_hour(client, store, auth):
    for _ in range(5):
        assert client.post("/api/reports", json=gate_report(), headers=auth).status_code == 201
    refused = client.post("/api/reports", json=gate_report(), headers=auth)
    body = assert_problem(refused, 429, kind="rate-limited", says="5 reports an hour")
    assert 3000 < int(refused.headers["retry-after"]) <= 3601
    assert body["title"] == "Too many reports"
    _, other = make_token(store, "bob")  # the limit is per token
    assert (
        client.post("/api/reports", json=gate_report(), headers={"Authorization": f"Bearer {other}"}).status_code == 201
    )


# --- idempotency keys ---------------------------------------------------------------------


def _count(store) -> int:
    with store.session() as session:
        return session.query(Report).count()


def test_a_retry_with_the_same_idempotency_key_is_answered_with_the_first_report(client, store, auth):
    keyed = auth | {"Idempotency-Key": "trip-2026-11-02-a"}
    first = client.post("/api/reports", json=gate_report(), headers=keyed)
    assert first.status_code == 201, first.text
    again = client.post("/api/reports", json=gate_report(), headers=keyed)
    assert again.status_code == 201, again.text
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert _count(store) == 1
    # the same JSON written otherwise (key order, spacing) is the same body
    reordered = json.dumps(dict(reversed(list(gate_report().items()))), indent=2).encode()
    same = client.post("/api/reports", content=reordered, headers=keyed | {"Content-Type": "application/json"})
    assert same.status_code == 201 and same.json()["id"] == first.json()["id"]
    other = client.post("/api/reports", json=gate_report(note="another crossing"), headers=keyed)
    body = assert_problem(
        other, 422, kind="idempotency-key-reused", says="this Idempotency-Key was used for another report"
    )
    assert body["title"] == "Idempotency-Key reused"
    assert _count(store) == 1
    # without a key, every request is a new report, as before
    ids = {client.post("/api/reports", json=gate_report(), headers=auth).json()["id"] for _ in range(2)}
    assert len(ids) == 2 and first.json()["id"] not in ids
    # a new key is a new report, and the key is the sender's own: another token's is another report
    assert client.post("/api/reports", json=gate_report(), headers=auth | {"Idempotency-Key": "b"}).status_code == 201
    _, bob = make_token(store, "bob")
    bobs = client.post("/api/reports", json=gate_report(), headers=keyed | {"Authorization": f"Bearer {bob}"})
    assert bobs.status_code == 201 and bobs.json()["id"] != first.json()["id"]
    assert _count(store) == 5


def test_a_retry_is_answered_even_past_the_hourly_limit(client, store, auth):
    for i in range(5):
        sent = client.post("/api/reports", json=gate_report(), headers=auth | {"Idempotency-Key": f"k{i}"})
        assert sent.status_code == 201
    again = client.post("/api/reports", json=gate_report(), headers=auth | {"Idempotency-Key": "k4"})
    assert again.status_code == 201 and again.json()["id"] == sent.json()["id"]
    assert_problem(
        client.post("/api/reports", json=gate_report(), headers=auth | {"Idempotency-Key": "k5"}),
        429,
        kind="rate-limited",
    )
    assert _count(store) == 5


@pytest.mark.parametrize("key", ["", "x" * 101, "ключ".encode(), b"a\x01b"], ids=["empty", "long", "utf-8", "control"])
def test_an_idempotency_key_must_be_printable_ascii(client, store, auth, key):
    response = client.post("/api/reports", json=gate_report(), headers=auth | {"Idempotency-Key": key})
    assert_problem(response, 400, kind="invalid-idempotency-key", says="Idempotency-Key")
    assert _count(store) == 0
    longest = client.post("/api/reports", json=gate_report(), headers=auth | {"Idempotency-Key": "~ " * 50})
    assert longest.status_code == 201, longest.text


def test_idempotency_keys_survive_reopening_the_store_and_are_kept_a_day(database_url):
    from overland.store.db import Store
    from overland.store.schema import IdempotencyKey

    moment = [datetime(2026, 11, 20, 12, tzinfo=UTC)]

    def clock() -> datetime:
        return moment[0]

    opened = Store(database_url)
    _, secret = make_token(opened)
    keyed = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "2f1c7a2e-8f0b-4c55"}
    try:
        with TestClient(create_app(Settings(), service=Overland(store=opened, clock=clock))) as client:
            first = client.post("/api/reports", json=gate_report(), headers=keyed)
            assert first.status_code == 201, first.text
    finally:
        opened.close()
    reopened = Store(database_url)
    try:
        with TestClient(create_app(Settings(), service=Overland(store=reopened, clock=clock))) as client:
            moment[0] += timedelta(hours=23, minutes=59)
            again = client.post("/api/reports", json=gate_report(), headers=keyed)
            assert again.status_code == 201 and again.json() == first.json()
            assert _count(reopened) == 1
            moment[0] += timedelta(minutes=2)  # a day has passed: the key is forgotten, a new report is stored
            later = client.post("/api/reports", json=gate_report(), headers=keyed)
            assert later.status_code == 201 and later.json()["id"] != first.json()["id"]
        with reopened.session() as session:
            assert [k.report_id for k in session.query(IdempotencyKey)] == [later.json()["id"]]
    finally:
        reopened.close()


def test_the_schema_documents_the_idempotency_key(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/reports", "/api/reports/queue"):
        post = paths[path]["post"]
        (header,) = [p for p in post["parameters"] if p["name"] == "Idempotency-Key"]
        assert header["in"] == "header" and not header["required"] and "24 hours" in header["description"]
        assert "Idempotency-Key" in post["responses"]["400"]["description"]
        assert "Idempotency-Key" in post["responses"]["422"]["description"]
        assert "Idempotency-Key" in post["description"]


# --- reading ------------------------------------------------------------------------------


def test_lists_page_and_filter(client, auth):
    ids = [client.post("/api/reports", json=gate_report(), headers=auth).json()["id"] for _ in range(3)]
    first = client.get("/api/reports", params={"limit": 2}).json()
    assert [r["id"] for r in first["reports"]] == ids[:0:-1]
    second = client.get("/api/reports", params={"limit": 2, "before": first["next_before"]}).json()
    assert [r["id"] for r in second["reports"]] == ids[:1] and second["next_before"] is None
    assert client.get("/api/reports", params={"crossing": "khorgos"}).json()["reports"] == []
    assert len(client.get("/api/reports", params={"crossing": "torugart", "stage": "gate"}).json()["reports"]) == 3
    assert_problem(client.get("/api/reports", params={"crossing": "torugat"}), 422, kind="unknown-id")
    assert_problem(client.get("/api/reports", params={"stage": "gate"}), 422, kind="invalid-input")
    assert_problem(client.get("/api/reports/999"), 404, kind="unknown-id")


def test_observed_statistics_of_a_stage(client, store, auth):
    from overland.store.reports import set_hidden

    for minutes in (20, 30, 40, 50, 60):
        assert client.post("/api/reports", json=gate_report(gate_minutes=minutes), headers=auth).status_code == 201
    seen = client.get("/api/observed/torugart/gate").json()
    assert seen["stage"] == "torugart/gate" and seen["name"].startswith("Gate at Torugart")
    assert seen["reports"] == 5 and seen["first"] == seen["last"] == "2026-11-02"
    assert seen["processing_minutes"] == {"count": 5, "p50": 40.0, "p90": 56.0}
    assert seen["wait_minutes"] == {"count": 5, "p50": 90.0, "p90": 90.0}
    assert seen["outcomes"] == {"crossed": 5}
    (estimate,) = seen["estimates"]
    assert estimate["mode"] == "own-car" and estimate["reports"] == 5
    assert estimate["data_p50_minutes"] == 30.0
    assert 0 < estimate["observed_share"] < 1
    assert client.get("/api/observed/torugart/gate", params={"mode": "truck"}).json()["reports"] == 0
    rows = client.get("/api/observed").json()
    assert [(r["stage"], r["reports"]) for r in rows] == [("torugart/cn-port", 5), ("torugart/gate", 5)]
    # The answer is worked out once and kept, until the reports change (here, in the database).
    assert client.get("/api/observed/torugart/gate").json() == seen
    with store.writing() as session, session.begin():
        set_hidden(session, 5)
    assert client.get("/api/observed/torugart/gate").json()["reports"] == 4

    with store.writing() as session, session.begin():
        for report_id in (1, 2, 3, 4):
            set_hidden(session, report_id)
    assert client.get("/api/observed/torugart/gate").json()["reports"] == 0
    assert client.get("/api/reports").json()["reports"] == []
    assert client.get("/api/observed").json() == []


def test_observed_of_an_unknown_stage_is_404(client):
    assert_problem(client.get("/api/observed/torugart/gat"), 404, kind="unknown-id", says="did you mean gate")


def test_an_unreachable_database_is_503(tmp_path):
    app = create_app(Settings(database_url="postgresql://nobody:pw@127.0.0.1:1/none"))
    with TestClient(app) as client:
        response = client.get("/api/reports")
    assert_problem(response, 503, kind="database-unavailable")
    assert "pw" not in response.text


def test_the_schema_documents_the_report_routes(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/reports", "/api/reports/{report_id}", "/api/observed", "/api/observed/{crossing}/{stage}"} <= set(
        paths
    )
    post = paths["/api/reports"]["post"]
    assert {"201", "401", "413", "422", "429"} <= set(post["responses"])


def test_a_server_reads_the_reports_again_only_after_its_refresh_time(store, auth):
    now = [0.0]
    service = Overland(store=store, reports_refresh_seconds=10, timer=lambda: now[0])
    with TestClient(create_app(Settings(reports_per_hour=50), service=service)) as client:
        assert client.get("/api/observed/torugart/gate").json()["reports"] == 0
        for minutes in (20, 40, 60):
            assert client.post("/api/reports", json=gate_report(gate_minutes=minutes), headers=auth).status_code == 201
        assert len(client.get("/api/reports").json()["reports"]) == 3  # the list reads the database
        assert client.get("/api/observed/torugart/gate").json()["reports"] == 0  # the plans' reports: not yet
        now[0] = 10.5
        assert client.get("/api/observed/torugart/gate").json()["reports"] == 3


# --- wrong tokens -------------------------------------------------------------------------


class FakeClock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_tokens_from_one_address_are_throttled_before_any_token_is_checked(store, auth):
    clock = FakeClock()
    app = create_app(Settings(failed_tokens_per_minute=10), service=Overland(store=store), clock=clock)
    wrong = {"Authorization": "Bearer ovl_guess"}
    with TestClient(app, client=("203.0.113.7", 50000)) as client, TestClient(app, client=("198.51.100.9", 1)) as other:
        for second in range(10):
            clock.now = 1000.0 + second
            assert_problem(client.post("/api/reports", json=gate_report(), headers=wrong), 401, kind="unauthorized")
        clock.now = 1015.0
        refused = client.post("/api/reports", json=gate_report(), headers=wrong)
        body = assert_problem(refused, 429, kind="too-many-wrong-tokens", says="10 wrong tokens a minute")
        assert refused.headers["retry-after"] == "45"  # the first failure, at 1000, leaves the minute at 1060
        assert body["title"] == "Too many wrong tokens"
        # the right token from that address is refused too, before the body is read
        assert_problem(client.post("/api/reports", json=gate_report(), headers=auth), 429, kind="too-many-wrong-tokens")
        assert_problem(
            client.post("/api/reports", content=b"{not json", headers=auth), 429, kind="too-many-wrong-tokens"
        )
        assert_problem(client.get("/api/moderation/reports", headers=wrong), 429, kind="too-many-wrong-tokens")
        assert client.get("/api/reports").status_code == 200  # routes without a token are not throttled
        # another address is not
        assert other.post("/api/reports", json=gate_report(), headers=auth).status_code == 201
        assert_problem(other.post("/api/reports", json=gate_report(), headers=wrong), 401, kind="unauthorized")
        clock.now = 1060.0  # the first failure has left the window: nine remain, one more may be tried
        assert client.post("/api/reports", json=gate_report(), headers=auth).status_code == 201
        assert_problem(client.post("/api/reports", json=gate_report(), headers=wrong), 401, kind="unauthorized")
        refused = client.post("/api/reports", json=gate_report(), headers=auth)
        assert_problem(refused, 429, kind="too-many-wrong-tokens")
        assert refused.headers["retry-after"] == "1"  # the second failure, at 1001, leaves at 1061
        clock.now = 1200.0
        assert client.post("/api/reports", json=gate_report(), headers=auth).status_code == 201
    with store.session() as session:
        assert session.query(Report).count() == 3


def test_right_tokens_and_requests_without_one_do_not_count(store, auth):
    clock = FakeClock()
    app = create_app(Settings(failed_tokens_per_minute=2), service=Overland(store=store), clock=clock)
    with TestClient(app) as client:
        for _ in range(3):
            assert_problem(client.post("/api/reports", json=gate_report()), 401, kind="unauthorized")
            assert client.post("/api/reports", json=gate_report(), headers=auth).status_code == 201
        for _ in range(2):
            assert_problem(
                client.post("/api/reports", json=gate_report(), headers={"Authorization": "Bearer x"}),
                401,
                kind="unauthorized",
            )
        assert_problem(client.post("/api/reports", json=gate_report(), headers=auth), 429, kind="too-many-wrong-tokens")


def test_the_count_of_wrong_tokens_is_bounded():
    from overland.api.tokens import FailedTokens

    clock = FakeClock()
    throttle = FailedTokens(3, clock=clock, addresses=100)
    for i in range(1000):
        throttle.failed(f"10.0.{i // 256}.{i % 256}")
    assert len(throttle) == 100
    for _ in range(50):
        throttle.failed("203.0.113.7")
    assert len(throttle._failures["203.0.113.7"]) == 3 and throttle.retry_after("203.0.113.7") == 60
    clock.now += 61
    throttle.failed("192.0.2.1")  # the others' failures left the window: they are forgotten
    assert len(throttle) == 1 and throttle.retry_after("203.0.113.7") == 0
