"""The HTTP app under load and abuse: plans in a bounded pool (503 with Retry-After past it, the
rest of the API quick meanwhile), a departure scan's sample budget, numbers that are numbers,
security headers on every response, and the methods of a path."""

from __future__ import annotations

import asyncio
import re
import threading
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from overland.api import Settings, create_app
from overland.api.headers import policy, tile_source
from overland.service import Overland

PLAN = {"from": "naryn", "to": "kashgar", "depart": "2026-12-01T08:00+06:00"}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(scan_samples=10_000))) as test_client:
        yield test_client


class HeldService(Overland):
    """A service whose plans wait until the test lets them go."""

    def __init__(self) -> None:
        super().__init__(use_reports=False)
        self.go = threading.Event()
        self.started = threading.Event()

    def plan(self, *args, **kwargs):
        self.started.set()
        assert self.go.wait(30)
        return super().plan(*args, **kwargs)


def test_past_the_pool_and_its_line_a_plan_is_503_and_the_places_stay_quick():
    service = HeldService()
    app = create_app(Settings(plan_workers=1, plans_waiting=1), service=service)

    async def scenario():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            first = asyncio.create_task(http.post("/api/plan", json=PLAN))
            await asyncio.to_thread(service.started.wait, 10)
            second = asyncio.create_task(http.post("/api/plan", json=PLAN))  # waits in line
            await asyncio.sleep(0.05)
            third = await http.post("/api/plan", json=PLAN)  # the line is full
            began = time.perf_counter()
            places = await http.get("/api/places")
            quick = time.perf_counter() - began
            service.go.set()
            return await first, await second, third, places, quick

    first, second, third, places, quick = asyncio.run(scenario())
    assert first.status_code == 200 and second.status_code == 200
    assert third.status_code == 503 and third.headers["retry-after"] == "5"
    assert third.json()["type"] == "/problems/busy" and "try again in 5 seconds" in third.json()["detail"]
    assert places.status_code == 200 and quick < 5  # not stuck behind the held plans


def test_a_scan_over_the_sample_budget_says_what_to_change(client):
    body = {**PLAN, "start": PLAN["depart"], "end": "2026-12-01T20:00+06:00", "every_minutes": 60, "samples": 1000}
    del body["depart"]
    answer = client.post("/api/when", json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("13 departures × 1,000 samples is more than 10,000")
    assert "10,000 samples in all" in client.get("/openapi.json").json()["info"]["description"]


@pytest.mark.parametrize(
    ("path", "field", "value"),
    [("/api/plan", "samples", True), ("/api/plan", "seed", 1.5), ("/api/plan", "samples", "100")],
)
def test_numbers_must_be_numbers(client, path, field, value):
    answer = client.post(path, json={**PLAN, field: value})
    assert answer.status_code == 422 and answer.json()["errors"][0]["loc"] == ["body", field]


def test_every_response_carries_the_security_headers(client):
    for answer in (
        client.get("/"),
        client.get("/api/places"),
        client.get("/static/app.js"),
        client.get("/api/nothing"),
        client.post("/api/plan", content=b"{"),
    ):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "script-src 'self';" in answer.headers["content-security-policy"]
    page = client.get("/").text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script for the policy to refuse
    assert not re.search(r"\son[a-z]+=", page)  # nor inline handlers


def test_the_tiles_host_is_allowed_only_when_set():
    assert "img-src 'self' data:;" in policy("")
    assert tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://*.tile.openstreetmap.org"
    assert "https://*.tile.openstreetmap.org" in policy("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png")


def test_options_and_wrong_methods_name_every_method_of_the_path(client):
    answer = client.options("/api/reports")
    assert answer.status_code == 204 and answer.headers["allow"] == "GET, OPTIONS, POST"
    wrong = client.delete("/api/reports")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, OPTIONS, POST"
    assert "use GET, OPTIONS, POST" in wrong.json()["detail"]
    assert client.options("/api/hours/torugart/gate").headers["allow"] == "GET, OPTIONS"
    assert client.options("/api/nothing").status_code == 404
