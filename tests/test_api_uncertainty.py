"""The HTTP API's Monte Carlo: `samples` on a plan and `POST /api/when` answer what the CLI answers."""

from __future__ import annotations

import json
import warnings

import pytest

from overland.api import Settings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PROBLEM = "application/problem+json"
SPAN = {
    "from": "tash-rabat",
    "to": "kashgar",
    "mode": "passenger",
    "start": "2026-11-25T04:00+06:00",
    "end": "2026-11-25T09:00+06:00",
    "every_minutes": 60,
    "samples": 500,
    "arrive_by": "2026-11-25T23:00+08:00",
    "confidence": 0.5,
}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_plan_with_samples_carries_the_distribution_the_cli_prints(client, cli):
    body = {"from": "naryn", "to": "kashgar", "depart": "2026-11-25T05:00+06:00", "samples": 2000, "seed": 4}
    answer = client.post("/api/plan", json=body)
    assert answer.status_code == 200
    shown = json.loads(
        cli(
            "plan",
            "--from",
            "naryn",
            "--to",
            "kashgar",
            "--depart",
            "2026-11-25T05:00+06:00",
            "--samples",
            "2000",
            "--seed",
            "4",
            "--format",
            "json",
        )[1]
    )
    assert answer.json()["distribution"] == shown["distribution"]


def test_a_plan_without_samples_has_no_distribution(client):
    answer = client.post("/api/plan", json={"from": "naryn", "to": "kashgar", "depart": "2026-11-25T05:00+06:00"})
    assert answer.json().get("distribution") is None


def test_when_answers_what_the_cli_answers(client, cli):
    answer = client.post("/api/when", json=SPAN)
    assert answer.status_code == 200
    shown = json.loads(
        cli(
            "when",
            "--from",
            "tash-rabat",
            "--to",
            "kashgar",
            "--mode",
            "passenger",
            "--between",
            SPAN["start"],
            SPAN["end"],
            "--every",
            "1h",
            "--samples",
            "500",
            "--arrive-by",
            SPAN["arrive_by"],
            "--confidence",
            "0.5",
            "--format",
            "json",
        )[1]
    )
    assert answer.json() == shown
    assert answer.json()["latest_meeting"]["depart"].startswith("2026-11-25T09:00")


@pytest.mark.parametrize(
    "change, words",
    [
        ({"end": "2026-12-25T09:00+06:00"}, "more than 14 days"),
        ({"start": "2026-11-25T04:00"}, "has no UTC offset"),
        ({"samples": 10**6}, "samples"),
        ({"confidence": 1.5}, "confidence"),
        ({"from": "nowhere"}, "unknown place"),
        ({"every_minutes": 1}, "every_minutes"),
    ],
)
def test_bad_when_requests_are_problems(client, change, words):
    answer = client.post("/api/when", json={**SPAN, **change})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith(PROBLEM)
    assert words in json.dumps(answer.json())
