"""The HTTP API: every route answers what the command line answers, and bad input is a 4xx problem."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import warnings
from datetime import datetime
from pathlib import Path

import gpxpy
import httpx
import pytest

import overland
from overland.api import Settings, create_app
from overland.io.exports import to_ics

with warnings.catch_warnings():  # starlette suggests httpx2 over httpx; the client works the same
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

REPO = Path(__file__).resolve().parent.parent
PROBLEM = "application/problem+json"
TRIP = {"from": "naryn", "to": "kashgar", "depart": "2026-11-27T07:00+06:00"}
# Through Torugart: with the Bishkek-Osh road in the data a passenger's earliest route from Naryn
# to Kashgar is now through Irkeshtam, which needs no pre-arranged transport.
WALKER = {**TRIP, "via": "torugart", "mode": "passenger", "documents": ["passport", "chinese-visa"]}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as test_client:
        yield test_client


def cli_json(cli, *args: str):
    code, out, err = cli(*args)
    assert code in (0, 3), err
    return json.loads(out)


def assert_problem(response: httpx.Response, status: int, *, kind: str | None = None, says: str = "") -> dict:
    """An RFC 9457 problem document with this status, a title and a detail mentioning ``says``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    if kind is not None:
        assert problem["type"] == f"/problems/{kind}"
    assert says in problem["detail"], problem["detail"]
    return problem


# --- the data ----------------------------------------------------------------------------


def test_places_as_the_command_line_lists_them(client, cli):
    response = client.get("/api/places")
    assert response.status_code == 200
    places = response.json()
    assert places == cli_json(cli, "places", "--format", "json")
    assert places["naryn"]["clock_zone"] == "Asia/Bishkek"
    assert places["kashgar"]["clock_zone"] == "Asia/Shanghai"


def test_crossings_list_their_stages_in_order(client, cli):
    rows = client.get("/api/crossings").json()
    assert rows == cli_json(cli, "crossings", "--format", "json")
    torugart = next(row for row in rows if row["id"] == "torugart")
    assert torugart["directions"]["kg-cn"][:3] == ["kg-outer-checkpoint", "kg-post", "gate"]


def test_crossing_sheet_gives_the_gate_hours_in_both_clocks(client, cli):
    sheet = client.get("/api/crossings/torugart", params={"on": "2026-11-25"}).json()
    assert sheet == cli_json(cli, "show", "torugart", "--on", "2026-11-25", "--format", "json")
    kg_cn = next(d for d in sheet["hours_by_direction"] if d["direction"] == "kg-cn")
    gate = next(s for s in kg_cn["stages"] if s["stage"] == "gate")
    assert (gate["clock"], gate["on_day"]) == ("Asia/Shanghai", "09:00-12:00, 14:00-18:00")
    assert (kg_cn["from_clock"], gate["in_from_clock"]) == ("Asia/Bishkek", "07:00-10:00, 12:00-16:00")
    assert sheet["stages"]["gate"]["hours"][0]["source"].startswith("seed:")


def test_unknown_crossing_is_a_404_problem_with_a_suggestion(client):
    assert_problem(client.get("/api/crossings/torugat"), 404, kind="unknown-id", says="did you mean torugart")


@pytest.mark.parametrize("on", ["2026-02-30", "1969-12-31", "25.11.2026"])
def test_crossing_sheet_refuses_a_bad_day(client, on):
    assert_problem(client.get("/api/crossings/torugart", params={"on": on}), 422)


# --- hours ------------------------------------------------------------------------------


def test_hours_match_the_readme_example(client, cli):
    response = client.get("/api/hours/torugart/gate", params={"from": "2026-11-27T12:30+08:00", "days": 5})
    assert response.status_code == 200
    schedule = response.json()
    assert schedule == cli_json(
        cli, "hours", "torugart/gate", "--from", "2026-11-27T12:30+08:00", "--days", "5", "--format", "json"
    )
    assert schedule["windows"][0] == {"start": "2026-11-27T14:00:00+08:00", "end": "2026-11-27T18:00:00+08:00"}
    assert schedule["closures"][0] == {"date": "2026-11-28", "reason": "Saturday: weekend in China and Kyrgyzstan"}


def test_hours_take_an_unescaped_plus_in_the_query(client):
    raw = client.get("/api/hours/torugart/gate?from=2026-11-27T12:30+08:00&days=1").json()
    escaped = client.get("/api/hours/torugart/gate?from=2026-11-27T12:30%2B08:00&days=1").json()
    assert raw == escaped
    assert raw["from"] == "2026-11-27T12:30:00+08:00"


def test_hours_without_offset_say_which_clock_the_stage_keeps(client):
    response = client.get("/api/hours/torugart/gate", params={"from": "2026-11-27T12:30"})
    assert_problem(response, 422, kind="invalid-input", says="no UTC offset")
    assert "Asia/Shanghai" in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"from": "2026-11-27T12:30+08:00", "days": 0}, "days"),
        ({"from": "2026-11-27T12:30+08:00", "days": 367}, "days"),
        ({"from": "2026-11-27T12:30+08:00", "days": "a week"}, "days"),
        ({"from": "next friday"}, "not a time like"),
        ({"from": "9999-12-31T00:00+08:00"}, "out of range"),
        ({}, "from"),
    ],
)
def test_hours_refuse_bad_queries(client, query, says):
    problem = assert_problem(client.get("/api/hours/torugart/gate", params=query), 422)
    assert says in json.dumps(problem)


def test_unknown_stage_is_a_404_problem(client):
    assert_problem(
        client.get("/api/hours/torugart/gat", params={"from": "2026-11-27T12:30+08:00"}),
        404,
        kind="unknown-id",
        says="did you mean gate",
    )


# --- plans ------------------------------------------------------------------------------


def test_plan_is_the_command_line_plan_with_both_clocks_and_a_route(client, cli):
    response = client.post("/api/plan", json=TRIP)
    assert response.status_code == 200
    plan = response.json()
    shown = cli_json(cli, "plan", "--from", "naryn", "--to", "kashgar", "--depart", TRIP["depart"], "--format", "json")
    for key, value in shown.items():
        if key in ("events", "advice", "blockers"):
            assert [{k: item[k] for k in cli_item} for item, cli_item in zip(plan[key], value, strict=True)] == value
        else:
            assert plan[key] == value, key
    assert plan["complete"] is True
    assert plan["arrive"] == "2026-11-30T16:25:55+08:00"  # the car is held at customs over the weekend
    assert (plan["home_clock"], plan["home_clock_name"]) == ("Asia/Bishkek", "Kyrgyz time")

    wait = next(e for e in plan["events"] if e["kind"] == "wait" and e["stage"] == "torugart/gate")
    assert wait["note"] == "closed for the midday break until 14:00 Beijing time"
    assert (wait["end"], wait["clock_name"]) == ("2026-11-27T14:00:00+08:00", "Beijing time")
    assert wait["end_home"] == "2026-11-27T12:00:00+06:00"
    assert wait["name"] == "Gate at Torugart Pass (the border line)"

    route = plan["route"]
    assert (route[0]["node"], route[-1]["node"]) == ("naryn", "kashgar")
    assert "torugart/gate" in [p["node"] for p in route]
    assert route[0]["lat"] == pytest.approx(41.427, abs=0.01)


def test_plan_in_a_named_clock_is_the_plan_with_its_offset(client):
    local = client.post("/api/plan", json={**TRIP, "depart": "2026-11-27T07:00", "clock": "Asia/Bishkek"}).json()
    assert local == client.post("/api/plan", json=TRIP).json()


def test_a_blocked_plan_is_still_a_plan(client):
    response = client.post("/api/plan", json=WALKER)
    assert response.status_code == 200
    plan = response.json()
    assert plan["complete"] is False and plan["arrive"] is None
    assert plan["blockers"][0]["stage"] == "torugart/gate"
    assert "arranged in advance" in plan["blockers"][0]["reason"]
    assert plan["events"][-1]["kind"] == "blocked"


def test_the_traveller_s_day_and_passport_are_the_command_line_s(client, cli):
    """quiet hours, nationality and the rest are options of the API as of `overland plan`: the same answers."""
    body = {"from": "kashgar", "to": "naryn", "depart": "2026-11-25T06:00+08:00", "via": "torugart"}
    plan = client.post("/api/plan", json={**body, "quiet_hours": "20:00-08:00", "nationality": "de"}).json()
    shown = cli_json(cli, "plan", "--from", "kashgar", "--to", "naryn", "--depart", body["depart"], "--via",
                     "torugart", "--quiet-hours", "20:00-08:00", "--nationality", "DE", "--format", "json")  # fmt: skip
    assert plan["complete"] is False and plan["blockers"][0]["reason"] == "no way on fits your day"
    assert [b["reason"] for b in plan["blockers"]] == [b["reason"] for b in shown["blockers"]]
    assert plan["entry"] == shown["entry"] and plan["entry"]
    assert plan["day"] == shown["day"]
    assert (plan["day"]["quiet_hours"], plan["day"]["counted_in"]) == ("20:00-08:00", ["Asia/Urumqi"])
    assert plan["day"]["text"].startswith("no travel 20:00-08:00 (Xinjiang time where people keep it)")
    assert client.post("/api/plan", json={**body, "quiet_hours": "none"}).json()["complete"] is True
    avoided = client.post("/api/compare", json={**TRIP, "avoid": ["torugart"]}).json()
    assert "torugart" not in [o["via"] for o in avoided["options"]]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [("quiet_hours", "10pm-5am", "quiet_hours"), ("max_drive_hours", 30, "at most 24"),
     ("max_drive_hours", "lots", "max_drive_hours"), ("nationality", "GER", "nationality")],
)  # fmt: skip
def test_bad_traveller_options_are_clear_problems(client, field, value, says):
    assert_problem(client.post("/api/plan", json={**TRIP, field: value}), 422, says=says)


def test_a_drone_is_turned_back(client):
    plan = client.post("/api/plan", json={**TRIP, "carrying": ["drone"]}).json()
    assert plan["complete"] is False
    assert any("drone" in b["reason"].lower() for b in plan["blockers"])


def test_the_route_passes_every_place_the_plan_reaches(client):
    plan = client.post("/api/plan", json={**TRIP, "from": "bishkek", "via": "torugart"}).json()
    nodes = [p["node"] for p in plan["route"]]
    reached = [e["stage"] or e["place"] for e in plan["events"]] + [e["to"] for e in plan["events"] if e.get("to")]
    assert set(reached) <= set(nodes)
    assert nodes[:3] == ["bishkek", "balykchy", "naryn"]  # the towns driven through, not only the stops
    assert all(a != b for a, b in zip(nodes, nodes[1:], strict=False))


def test_a_departure_in_the_past_and_unknown_items_are_cautions_and_warnings(client):
    plan = client.post("/api/plan", json={**TRIP, "depart": "2020-06-01T07:00+06:00", "carrying": ["Drones", "knife"]})
    assert plan.status_code == 200
    body = plan.json()
    kinds = [(c["kind"], c.get("item")) for c in body["cautions"]]
    assert kinds == [("departure-in-the-past", None), ("unknown-item", "drones"), ("unknown-item", "knife")]
    past, drones, knife = body["cautions"]
    assert past["depart"] == "2020-06-01T07:00:00+06:00" and past["now"] > past["depart"]
    assert (drones["suggestion"], drones["known"], knife["suggestion"]) == ("drone", ["drone"], None)
    assert "did you mean drone?" in drones["text"]
    assert [c["text"] for c in body["cautions"]] == body["warnings"][:3]
    assert body["complete"] is True  # "drones" is not the drone a post forbids: the warning says so


def test_a_carried_item_is_read_in_any_case(client):
    plan = client.post("/api/plan", json={**TRIP, "carrying": [" Drone "]}).json()
    assert plan["complete"] is False  # the drone a post forbids
    assert not any(c["kind"] == "unknown-item" for c in plan["cautions"])


def test_a_trip_from_a_place_to_itself_is_refused(client):
    assert_problem(
        client.post("/api/plan", json={**TRIP, "to": "Naryn"}), 422, kind="invalid-input", says="the same place (naryn)"
    )


@pytest.mark.parametrize(
    ("body", "kind", "says"),
    [
        ({**TRIP, "from": "narin"}, "unknown-id", "did you mean naryn"),
        ({**TRIP, "via": "torugat"}, "unknown-id", "torugart"),
        ({**TRIP, "documents": ["pasport"]}, "unknown-id", "did you mean passport"),
        ({**TRIP, "depart": "2026-11-27T07:00"}, "invalid-input", "naryn keeps Asia/Bishkek"),
        ({**TRIP, "depart": "2026-11-27T07:00", "clock": "Asia/Nowhere"}, "invalid-input", "unknown time zone"),
        ({**TRIP, "depart": "2026-11-31T07:00+06:00"}, "invalid-request", "day is out of range"),
        ({**TRIP, "depart": "2126-11-27T07:00+06:00"}, "invalid-request", "between 1970-01-01 and 2100-01-01"),
        ({**TRIP, "depart": "tomorrow"}, "invalid-request", "not a time like"),
        ({**TRIP, "mode": "camel"}, "invalid-request", "mode"),
        ({**TRIP, "vehicle": "bicycle"}, "invalid-request", "vehicle"),
        ({**TRIP, "documents": [f"doc-{i}" for i in range(33)]}, "invalid-request", "at most 32"),
        ({**TRIP, "from": "x" * 65}, "invalid-request", "at most 64"),
        ({**TRIP, "speed": "fast"}, "invalid-request", "not a field"),
        ({"to": "kashgar", "depart": TRIP["depart"]}, "invalid-request", "body.from"),
    ],
)
def test_plan_refuses_bad_input_with_a_clear_problem(client, body, kind, says):
    assert_problem(client.post("/api/plan", json=body), 422, kind=kind, says=says)


def test_unreadable_bodies_are_4xx_problems(client):
    headers = {"content-type": "application/json"}
    assert_problem(client.post("/api/plan", content=b'{"from": ', headers=headers), 422, says="not valid JSON")
    assert_problem(client.post("/api/plan", content=b"\xff\xfe{", headers=headers), 400, says="UTF-8")
    assert_problem(client.post("/api/plan", content=b"[1, 2]", headers=headers), 422)
    assert_problem(client.post("/api/plan", content=b"from=naryn", headers={"content-type": "text/plain"}), 422)


def test_a_body_over_the_limit_is_a_413_problem(client):
    big = {**TRIP, "carrying": ["x" * 60] * 300}
    assert_problem(client.post("/api/plan", json=big), 413, kind="body-too-large", says="16384 bytes")

    def chunks():  # no Content-Length: the limit still holds
        for _ in range(40):
            yield b" " * 1024

    assert_problem(client.post("/api/plan", content=chunks(), headers={"content-type": "application/json"}), 413)


def test_wrong_method_and_unknown_path_are_problems(client):
    response = client.delete("/api/places")
    assert_problem(response, 405, says="use GET")
    assert response.headers["allow"] == "GET, OPTIONS"
    assert_problem(client.get("/api/plan"), 405, says="POST")
    assert_problem(client.get("/api/nowhere"), 404, says="/openapi.json")
    assert_problem(client.get("/static/nothing.js"), 404)


def test_exports_are_the_command_line_exports(client, catalog):
    calendar = client.post("/api/plan/ics", json=TRIP)
    assert calendar.status_code == 200
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert 'filename="overland-naryn-kashgar-20261127T0700.ics"' in calendar.headers["content-disposition"]
    trip = overland.Overland(catalog=catalog).plan("naryn", "kashgar", datetime.fromisoformat(TRIP["depart"]))
    assert calendar.text == to_ics(trip, catalog)
    assert "TZID:Asia/Shanghai" in calendar.text

    route = client.post("/api/plan/gpx", json=TRIP)
    assert route.headers["content-type"].startswith("application/gpx+xml")
    gpx = gpxpy.parse(route.text)
    assert gpx.routes[0].points[0].name == "Naryn" and gpx.routes[0].points[-1].name == "Kashgar"

    layer = client.post("/api/plan/geojson", json=TRIP)
    assert layer.headers["content-type"].startswith("application/geo+json")
    line = layer.json()["features"][0]["geometry"]
    assert line["type"] == "LineString"
    assert line["coordinates"][0] == pytest.approx([75.984, 41.427], abs=0.01)  # longitude first


@pytest.mark.parametrize("fmt", ["ics", "gpx", "geojson"])
def test_exports_refuse_bad_input(client, fmt):
    assert_problem(client.post(f"/api/plan/{fmt}", json={**TRIP, "to": "kashgr"}), 422, says="did you mean kashgar")


def test_compare_matches_the_readme_example(client, cli):
    response = client.post("/api/compare", json=TRIP)
    assert response.status_code == 200
    assert response.json() == cli_json(
        cli, "compare", "--from", "naryn", "--to", "kashgar", "--depart", TRIP["depart"], "--format", "json"
    )
    assert response.json()["options"][0]["via"] == "torugart"


def test_compare_refuses_plan_only_fields_and_unknown_places(client):
    assert_problem(client.post("/api/compare", json={**TRIP, "via": "torugart"}), 422, says="not a field")
    assert_problem(client.post("/api/compare", json={**TRIP, "to": "kasgar"}), 422, kind="unknown-id")


# --- the schema, the page, the settings, the command -----------------------------------------


def test_openapi_states_the_routes_limits_and_problems(client):
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) >= {
        "/api/places", "/api/crossings", "/api/crossings/{crossing_id}", "/api/hours/{crossing}/{stage}",
        "/api/plan", "/api/plan/ics", "/api/plan/gpx", "/api/plan/geojson", "/api/compare",
    }  # fmt: skip
    hours = schema["paths"]["/api/hours/{crossing}/{stage}"]["get"]
    days = next(p for p in hours["parameters"] if p["name"] == "days")["schema"]
    assert (days["minimum"], days["maximum"]) == (1, 366)
    plan_request = schema["components"]["schemas"]["PlanRequest"]["properties"]
    assert plan_request["documents"]["anyOf"][0]["maxItems"] == 32
    assert "16384 bytes" in schema["info"]["description"]
    bad = schema["paths"]["/api/plan"]["post"]["responses"]["422"]["content"]
    assert bad == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert "Problem" in schema["components"]["schemas"]


def test_page_and_its_map_library_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for needed in ('id="plan-form"', 'id="map"', 'id="timeline"', 'id="checklist"', "/vendor/leaflet/leaflet.js"):
        assert needed in page.text
    assert not re.search(r"(src|href)=\"https?://", page.text)  # nothing from a CDN
    leaflet = client.get("/vendor/leaflet/leaflet.js")
    assert leaflet.status_code == 200 and "Leaflet" in leaflet.text[:500]
    assert client.get("/static/app.js").status_code == 200
    # The borders (Natural Earth through world-atlas) and their reader, also from node_modules, sent compressed.
    assert "/vendor/topojson-client/topojson-client.min.js" in page.text
    atlas = client.get("/vendor/world-atlas/countries-50m.json", headers={"Accept-Encoding": "gzip"})
    assert atlas.status_code == 200 and atlas.headers["content-encoding"] == "gzip"
    countries = {g["properties"]["name"] for g in atlas.json()["objects"]["countries"]["geometries"]}
    assert {"Kyrgyzstan", "China", "Kazakhstan", "Tajikistan", "Pakistan", "Uzbekistan"} <= countries
    assert client.get("/vendor/topojson-client/topojson-client.min.js").status_code == 200


def test_the_page_is_told_its_languages_one_per_catalogue(client):
    page = client.get("/").text
    found = re.search(r'<meta name="overland-languages" content="([^"]*)">', page)
    assert found is not None
    listed = json.loads(found.group(1).replace("&quot;", '"'))
    assert listed == [
        {"code": "en", "name": "English"},
        {"code": "ru", "name": "Русский"},
        {"code": "zh", "name": "中文"},
    ]
    for language in listed:
        catalogue = client.get(f"/static/locales/{language['code']}.json")
        assert catalogue.status_code == 200 and catalogue.json()["form"]["plan"]
    moderate = client.get("/moderate")
    assert moderate.status_code == 200 and 'id="moderate-token"' in moderate.text


def test_a_fourth_language_is_a_file(tmp_path):
    import shutil

    from overland.api.routes.page import LOCALES, languages

    for path in LOCALES.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    english = json.loads((tmp_path / "en.json").read_text(encoding="utf-8"))
    (tmp_path / "ky.json").write_text(json.dumps({**english, "meta": {"name": "Кыргызча"}}), encoding="utf-8")
    (tmp_path / "notes.json").write_text("[1, 2]", encoding="utf-8")  # not a catalogue: left out
    assert [lang["code"] for lang in languages(tmp_path)] == ["en", "ky", "ru", "zh"]


def test_settings_come_from_overland_variables(monkeypatch, data_copy):
    places = data_copy / "places.yaml"
    text = places.read_text(encoding="utf-8")
    assert "  naryn:\n    names:\n      en:\n        value: Naryn\n" in text
    places.write_text(text.replace("        value: Naryn\n", "        value: Naryn town\n", 1), encoding="utf-8")
    monkeypatch.setenv("OVERLAND_DATA", str(data_copy))
    monkeypatch.setenv("OVERLAND_MAX_BODY_BYTES", "300")
    monkeypatch.setenv("OVERLAND_TILES", "https://tiles.example/{z}/{x}/{y}.png")
    with TestClient(create_app()) as local:
        names = local.get("/api/places").json()["naryn"]["names"]["en"]
        assert names[0]["value"] == "Naryn town"
        assert_problem(local.post("/api/plan", json={**TRIP, "carrying": ["x" * 300]}), 413, says="300 bytes")
        assert 'content="https://tiles.example/{z}/{x}/{y}.png"' in local.get("/").text


def test_serve_starts_the_server(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OVERLAND_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "overland", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/crossings", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server did not start within 30 s"
                time.sleep(0.2)
        assert response.status_code == 200
        assert [row["id"] for row in response.json()] == [
            "alashankou",
            "bakhty",
            "dostuk",
            "irkeshtam",
            "karkara",
            "khorgos",
            "khunjerab",
            "korday",
            "kulma",
            "kyzyl-art",
            "torugart",
        ]
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in err
