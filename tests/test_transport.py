"""Passengers ride the buses, shared taxis and border-zone vehicles of data/transport.yaml."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import overland
from overland.io.exports import to_geojson, to_gpx, to_ics
from overland.model.crossing import Mode
from overland.model.provenance import Fact
from overland.model.transport import Departures, weekdays
from overland.planner.rides import schedule_of
from overland.planner.trip import EventKind
from overland.planner.walk import walk
from tests.test_data_files import break_file, errors_of
from tests.test_montecarlo import ZERO, zero_spread

CATALOG = overland.load_catalog()
SERVICE = overland.Overland(catalog=CATALOG, use_reports=False)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def rides(plan) -> list:
    return [e for e in plan.events if e.kind is EventKind.ride]


def with_departures(catalog, service_id: str, **value):
    """``catalog`` with the departures of ``service_id`` replaced (an assumed claim, for the test)."""
    fact = Fact[Departures].model_validate({"value": value, "status": "assumed", "reason": "a test timetable"})
    service = catalog.services[service_id].model_copy(update={"departures": fact})
    return replace(catalog, services={**catalog.services, service_id: service})


# -- what a passenger's plan says -------------------------------------------------------------


def test_a_passenger_plan_names_the_shared_taxi_and_the_border_zone_vehicles():
    plan = SERVICE.plan("osh", "kashgar", at("2026-06-02T07:00+06:00"), via="irkeshtam", mode="passenger")
    notes = [e.note for e in rides(plan)]
    assert notes[0] == "shared taxi Osh → Sary-Tash (500 KGS a seat, 2011): Shared 4WD Osh - Sary-Tash"
    assert notes[1].startswith("taxi Sary-Tash → Irkeshtam-Avtodorozhny (200 KGS a seat, 2011)")
    assert notes[2].startswith("shuttle Irkeshtam-Avtodorozhny → Chinese border post at Irkeshtam (100 KGS a person")
    assert [e.service for e in rides(plan)][:3] == [
        "osh-sary-tash-shared-4wd", "sary-tash-irkeshtam-minivan", "irkeshtam-zone-vehicle",
    ]  # fmt: skip
    assert not [e for e in plan.events if e.kind is EventKind.drive]  # every leg has a service
    first = rides(plan)[0]
    assert first.end - first.start == timedelta(minutes=240)  # the service's own 4 hours, not the leg's 5
    shown = plan.as_json()["events"]
    assert {"kind": "ride", "service": "osh-sary-tash-shared-4wd"}.items() <= next(
        e for e in shown if e["kind"] == "ride"
    ).items()


def test_a_driver_still_drives():
    plan = SERVICE.plan("osh", "kashgar", at("2026-06-02T07:00+06:00"), via="irkeshtam", mode="own-car")
    assert not rides(plan)
    assert not [a for a in plan.advice if a.kind == "transport"]


def test_a_shared_taxi_leaves_when_full_from_its_first_departure():
    plan = SERVICE.plan("bishkek", "osh", at("2026-06-02T03:00+06:00"), mode="passenger")
    (ride,) = rides(plan)
    assert ride.start == at("2026-06-02T06:00+06:00")
    assert ride.note.startswith("shared taxi Bishkek → Osh (1,000 KGS a seat, 2011)")
    assert ride.end - ride.start == timedelta(minutes=690)  # the median of 11-12 hours, over four legs
    assert ride.km == pytest.approx(sum(leg.km.value for leg in plan_legs("bishkek", "osh")))
    stay = plan.events[1]
    assert stay.note == (
        "stay at Bishkek, leave Tue 06:00: the next shared taxi leaves when full from 06:00 Kyrgyz time (Bishkek → Osh)"
    )


def plan_legs(origin: str, destination: str):
    route = SERVICE.planner.routes(origin, destination, Mode.passenger)[0]
    return [step.leg for step in route.steps if step.leg is not None]


def test_a_timetabled_bus_leaves_at_its_time():
    plan = SERVICE.plan("kashgar", "tashkurgan", at("2026-06-02T07:00+08:00"), mode="passenger")
    (ride,) = rides(plan)
    assert (ride.start, ride.end) == (at("2026-06-02T10:30+08:00"), at("2026-06-02T16:30+08:00"))
    assert ride.note == "bus Kashgar → Tashkurgan (44 CNY a seat, undated): Local bus Kashgar - Tashkurgan"
    assert "the bus leaves daily at 10:30 Beijing time (Kashgar → Tashkurgan)" in plan.events[1].note


def test_a_bus_on_a_day_it_does_not_run_waits_for_the_next_running_day():
    weekly = with_departures(CATALOG, "kashgar-tashkurgan-bus", days="Mo,Th", times=["09:00"], clock="Asia/Shanghai")
    service = overland.Overland(catalog=weekly, use_reports=False)
    tuesday = at("2026-06-02T07:00+08:00")
    plan = service.plan("kashgar", "tashkurgan", tuesday, mode="passenger")
    (ride,) = rides(plan)
    assert ride.start == at("2026-06-04T09:00+08:00")  # Thursday
    assert plan.night_count == 2
    assert "the bus leaves Mon and Thu 09:00 Beijing time (Kashgar → Tashkurgan)" in plan.events[1].note
    monday = service.plan("kashgar", "tashkurgan", at("2026-06-08T08:59+08:00"), mode="passenger")
    assert rides(monday)[0].start == at("2026-06-08T09:00+08:00")
    missed = service.plan("kashgar", "tashkurgan", at("2026-06-08T09:01+08:00"), mode="passenger")
    assert rides(missed)[0].start == at("2026-06-11T09:00+08:00")


def test_a_timetabled_night_bus_runs_through_the_quiet_hours():
    night_bus = with_departures(CATALOG, "kashgar-tashkurgan-bus", days="daily", times=["21:00"], clock="Asia/Shanghai")
    plan = overland.Overland(catalog=night_bus, use_reports=False).plan(
        "kashgar", "tashkurgan", at("2026-06-02T07:00+08:00"), mode="passenger"
    )
    assert plan.traveller.rhythm.quiet == (22 * 3600, 5 * 3600)
    (ride,) = rides(plan)
    assert (ride.start, ride.end) == (at("2026-06-02T21:00+08:00"), at("2026-06-03T03:00+08:00"))
    assert plan.arrive == at("2026-06-03T03:00+08:00")


def test_a_shared_taxi_does_not_run_into_the_night():
    plan = SERVICE.plan("bishkek", "osh", at("2026-06-02T14:00+06:00"), mode="passenger")
    (ride,) = rides(plan)
    # 11.5 hours from 14:00 would run into the quiet hours (22:00-05:00): the next morning's first taxi.
    assert ride.start == at("2026-06-03T06:00+06:00")
    night = next(e for e in plan.events if e.kind is EventKind.night)
    assert night.note.startswith("night in Bishkek, leave Wed 06:00")


def test_a_bus_longer_than_the_day_leaves_in_the_waking_hours_and_runs_on():
    plan = SERVICE.plan("islamabad", "gilgit", at("2026-06-02T23:00+05:00"), mode="passenger")
    (ride,) = rides(plan)
    assert ride.start == at("2026-06-03T05:00+05:00")
    assert ride.end - ride.start == timedelta(hours=22)  # the median of 20-24 hours
    assert ride.note.startswith("bus Islamabad → Gilgit")
    assert not [w for w in plan.warnings if w.startswith("driving after dark")]  # a passenger does not drive


def test_on_foot_the_traveller_rides_too():
    plan = SERVICE.plan("osh", "andijan", at("2026-06-02T07:00+06:00"), mode="foot")
    assert [e.service for e in rides(plan)] == ["osh-dostuk-minibus", "dostuk-andijan-shared-taxi"]
    assert rides(plan)[0].end - rides(plan)[0].start == timedelta(minutes=15)


def test_a_leg_without_a_service_says_so():
    plan = SERVICE.plan("kashgar", "osh", at("2026-06-02T07:00+08:00"), via="irkeshtam", mode="passenger")
    drives = [e for e in plan.events if e.kind is EventKind.drive]
    assert drives and all("no bus or shared taxi in data/transport.yaml" in e.note for e in drives)
    # The compulsory vehicle runs both ways across the zone.
    assert "irkeshtam-zone-vehicle" in [e.service for e in rides(plan)]


def test_a_service_through_the_posts_with_a_timetable_is_advice_with_its_source():
    plan = SERVICE.plan("kashgar", "osh", at("2026-06-02T07:00+08:00"), via="irkeshtam", mode="passenger")
    (bus,) = [a for a in plan.advice if a.kind == "transport"]
    assert bus.stage == "kashgar"
    assert bus.text.startswith("Kashgar - Osh international sleeper bus: the bus leaves Mon and Thu 09:00 Beijing time")
    assert "580 CNY a seat" in bus.text
    assert bus.source == "sourced: http://what-when-how.com/Tutorial/topic-7476c28r2a/Central-Asia-312.html"


def test_the_exports_carry_the_rides():
    plan = SERVICE.plan("osh", "kashgar", at("2026-06-02T07:00+06:00"), via="irkeshtam", mode="passenger")
    assert "SUMMARY:Ride: shared taxi Osh → Sary-Tash" in to_ics(plan, CATALOG).replace("\r\n ", "")
    assert "<rtept" in to_gpx(plan, CATALOG)
    points = [f["properties"]["id"] for f in json.loads(to_geojson(plan, CATALOG))["features"][1:]]
    assert points[0] == "osh" and "irkeshtam/kg-post" in points


def test_the_cli_shows_the_ride(cli):
    code, out, _ = cli("plan", "--from", "bishkek", "--to", "osh", "--depart", "2026-06-02T03:00+06:00",
                       "--mode", "passenger")  # fmt: skip
    assert code == 0
    assert "ride 600 km" in out and "shared taxi Bishkek → Osh" in out


# -- the departure rule ---------------------------------------------------------------------


def test_days_and_departure_words():
    assert weekdays("Mo-Fr") == (0, 1, 2, 3, 4)
    assert weekdays("Sa-Mo") == (0, 5, 6)
    assert weekdays("Mo,Th") == (0, 3)
    every = Departures(days="Mo-We,Fr", when_full=True, first="07:00", last="20:00", clock="Asia/Almaty")
    assert every.describe_days() == "Mon-Wed and Fri"
    with pytest.raises(ValueError, match="not both"):
        Departures(days="daily", times=["09:00"], when_full=True, clock="Asia/Almaty")
    with pytest.raises(ValueError, match="before first"):
        Departures(days="daily", when_full=True, first="20:00", last="07:00", clock="Asia/Almaty")


def test_a_when_full_schedule_leaves_between_first_and_last():
    schedule = schedule_of(Departures(days="Mo-Fr", when_full=True, first="07:00", last="20:00", clock="Asia/Almaty"))
    monday = at("2026-06-01T00:00+05:00")
    assert schedule.next(monday.timestamp()) == at("2026-06-01T07:00+05:00").timestamp()
    assert schedule.next(at("2026-06-01T12:34+05:00").timestamp()) == at("2026-06-01T12:34+05:00").timestamp()
    assert schedule.next(at("2026-06-05T20:01+05:00").timestamp()) == at("2026-06-08T07:00+05:00").timestamp()


# -- the Monte Carlo walk -------------------------------------------------------------------

PASSENGER_TRIPS = [
    ("bishkek", "osh", None),
    ("osh", "kashgar", "irkeshtam"),
    ("kashgar", "osh", "irkeshtam"),
    ("kashgar", "islamabad", None),
    ("islamabad", "kashgar", None),
    ("yining", "almaty", "khorgos"),
    ("almaty", "karakol", "karkara"),
    ("osh", "andijan", None),
]
WEEKLY = overland.Overland(
    catalog=zero_spread(
        with_departures(CATALOG, "kashgar-tashkurgan-bus", days="Mo,Th", times=["21:00"], clock="Asia/Shanghai")
    ),
    use_reports=False,
)
ZERO_RIDES = overland.Overland(catalog=ZERO, use_reports=False)


@settings(max_examples=30, deadline=None)
@given(
    trip=st.sampled_from(PASSENGER_TRIPS),
    depart=st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2027, 6, 30), timezones=st.just(UTC)),
    mode=st.sampled_from(["passenger", "foot"]),
    weekly=st.booleans(),
    spread=st.lists(st.integers(0, 14 * 24 * 60), min_size=1, max_size=8),
)
def test_zero_spread_rides_arrive_exactly_when_the_plan_does(trip, depart, mode, weekly, spread):
    origin, destination, via = trip
    service = WEEKLY if weekly else ZERO_RIDES
    planner = service.planner
    traveller = service.traveller(mode)
    route = planner.routes(origin, destination, traveller.mode, (via,) if via else ())[0]
    leaving = [depart + timedelta(minutes=m) for m in spread]
    samples = planner.sample(route, np.array([d.timestamp() for d in leaving]), traveller, np.random.default_rng(0))
    program = planner.program(route, traveller.mode)
    for n, leave in enumerate(leaving):
        plan = planner.plan_route(route, leave, traveller)
        if not plan.complete:
            continue
        assert round(samples.arrive[n]) == plan.arrive.timestamp(), (leave, plan.arrive)
        walked = walk(program, 0, leave.timestamp(), leave.timestamp(), {}, traveller.rhythm)
        assert samples.arrive[n] == walked.t


def test_a_weekly_night_bus_on_a_trip_over_a_border_keeps_the_stay_before_it():
    plan = WEEKLY.plan("kashgar", "islamabad", at("2026-06-02T07:00+08:00"), mode="passenger", samples=50, seed=1)
    night = plan.events[1]
    assert (night.kind, night.start, night.end) == (EventKind.night, plan.depart, at("2026-06-04T21:00+08:00"))
    assert night.note.startswith(
        "night in Kashgar, leave Thu 21:00: the bus leaves Mon and Thu 21:00 Beijing time (Kashgar → Tashkurgan)"
    )
    assert rides(plan)[0].end == at("2026-06-05T03:00+08:00")
    assert plan.distribution.arrive == (plan.arrive, plan.arrive, plan.arrive)


def test_ride_durations_are_drawn_where_the_data_gives_a_spread():
    plan = SERVICE.plan("bishkek", "osh", at("2026-06-02T03:00+06:00"), mode="passenger", samples=500, seed=2)
    drawn = {(i.stage, i.what) for i in plan.distribution.inputs}
    assert ("bishkek", "shared taxi Bishkek → Osh: duration") in drawn
    assert plan.distribution.hours.p10 < plan.distribution.hours.p90
    plan = ZERO_RIDES.plan("bishkek", "osh", at("2026-06-02T03:00+06:00"), mode="passenger", samples=200, seed=2)
    assert plan.distribution.arrive == (plan.arrive, plan.arrive, plan.arrive)


# -- the data file --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ("    kind: shared-taxi\n    from: osh\n", "    kind: rickshaw\n    from: osh\n",
         "services.osh-sary-tash-shared-4wd.kind", "Input should be 'bus'"),
        ('times: ["10:30"]', 'times: ["10.30"]', "services.kashgar-tashkurgan-bus.departures[0].value.times[0]",
         "should match pattern"),
        ("    from: osh\n    to: sary-tash\n", "    from: osh\n    to: sary-tsh\n",
         "services.osh-sary-tash-shared-4wd.to", "unknown place or CROSSING/STAGE 'sary-tsh' (did you mean sary-tash"),
        ("      value: {amount: 500, currency: KGS, per: seat}\n", "      value: {amount: 500, currency: KGS, per: ride}\n",
         "services.osh-sary-tash-shared-4wd.price[0].value.per", "Input should be 'seat'"),
    ],
    ids=["unknown-kind", "bad-time", "unknown-place", "bad-price"],
)  # fmt: skip
def test_a_broken_transport_file_names_file_line_and_field(cli, data_copy, old, new, field, expected):
    path = data_copy / "transport.yaml"
    line = break_file(path, old, new)
    errors = [e for e in errors_of(cli, data_copy) if e.startswith(f"{path}:")]
    assert errors, errors
    first = errors[0]
    assert re.match(rf"^{re.escape(str(path))}:\d+: {re.escape(field)}: ", first), first
    assert expected in first, first
    assert abs(int(first.split(":")[1]) - line) <= 2, (line, first)


def test_the_transport_file_is_optional(data_copy):
    (data_copy / "transport.yaml").unlink()
    catalog = overland.load_catalog(data_copy)
    assert catalog.services == {}
    plan = overland.Overland(catalog=catalog, use_reports=False).plan(
        "bishkek", "osh", at("2026-06-02T03:00+06:00"), mode="passenger"
    )
    assert not rides(plan)
