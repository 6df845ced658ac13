"""Exports of a plan read back with their own libraries."""

from __future__ import annotations

import json

import gpxpy
import icalendar


def plan_as(cli, fmt: str) -> str:
    code, out, err = cli(
        "plan", "--from", "naryn", "--to", "kashgar", "--depart", "2026-11-25T05:00+06:00", "--format", fmt
    )
    assert code == 0, err
    return out


def test_ics_has_one_event_per_step_in_its_own_time_zone(cli):
    calendar = icalendar.Calendar.from_ical(plan_as(cli, "ics"))
    events = calendar.walk("VEVENT")
    gate = next(e for e in events if "Gate at Torugart Pass" in str(e["summary"]))
    start = gate.decoded("dtstart")
    assert start.utcoffset().total_seconds() == 8 * 3600
    assert str(start.tzinfo) in {"Asia/Shanghai", "China Standard Time"} or "Shanghai" in repr(start.tzinfo)
    zones = {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}
    assert {"Asia/Shanghai", "Asia/Bishkek"} <= zones


def test_gpx_route_passes_the_pass_and_ends_in_kashgar(cli):
    gpx = gpxpy.parse(plan_as(cli, "gpx"))
    points = gpx.routes[0].points
    assert points[0].name == "Naryn" and points[-1].name == "Kashgar"
    names = [p.name for p in points]
    assert "Gate at Torugart Pass (the border line)" in names
    assert all(p.time is not None for p in points)


def test_geojson_is_rfc7946_longitude_first(cli):
    collection = json.loads(plan_as(cli, "geojson"))
    assert collection["type"] == "FeatureCollection"
    line = collection["features"][0]["geometry"]
    assert line["type"] == "LineString"
    lon, lat = line["coordinates"][-1]
    assert 75 < lon < 77 and 39 < lat < 40  # Kashgar
    assert all(f["type"] == "Feature" for f in collection["features"])
