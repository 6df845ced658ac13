"""Properties of plans over random departures and profiles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import overland
from overland.planner.trip import EventKind
from overland.timing.clocks import zone

CATALOG = overland.load_catalog()
SERVICE = overland.Overland(catalog=CATALOG, use_reports=False)
TRIPS = [
    ("naryn", "kashgar", "torugart"),
    ("kashgar", "naryn", "torugart"),
    ("osh", "kashgar", "irkeshtam"),
    ("almaty", "yining", "khorgos"),
]
departures = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 6, 30), timezones=st.just(UTC))
modes = st.sampled_from(["own-car", "passenger", "truck", "motorbike"])


def plan_of(trip, depart, mode):
    origin, destination, via = trip
    return SERVICE.plan(origin, destination, depart, via=via, mode=mode)


@settings(max_examples=40, deadline=None)
@given(trip=st.sampled_from(TRIPS), depart=departures, later=st.integers(1, 5 * 24 * 60), mode=modes)
def test_leaving_later_never_arrives_earlier(trip, depart, later, mode):
    early = plan_of(trip, depart, mode)
    late = plan_of(trip, depart + timedelta(minutes=later), mode)
    if early.arrive is not None and late.arrive is not None:
        assert late.arrive >= early.arrive


@settings(max_examples=40, deadline=None)
@given(trip=st.sampled_from(TRIPS), depart=departures, mode=modes)
def test_no_stage_works_inside_a_closed_window(trip, depart, mode):
    plan = plan_of(trip, depart, mode)
    planner = SERVICE.planner
    for event in plan.events:
        if event.kind is not EventKind.process:
            continue
        table = planner.timetable(event.stage)
        start, end = event.start.timestamp(), event.end.timestamp()
        assert table.earliest_fit(start, end - start, until=start) == start, (event.stage, event.start)


@settings(max_examples=40, deadline=None)
@given(trip=st.sampled_from(TRIPS), depart=departures, mode=modes)
def test_times_never_go_backwards_and_carry_their_own_clock(trip, depart, mode):
    plan = plan_of(trip, depart, mode)
    previous = None
    for event in plan.events:
        assert event.end >= event.start
        if previous is not None:
            assert event.start >= previous
        previous = event.start
        if event.stage:
            expected = CATALOG.stage(event.stage)[2].clock.value
        else:
            expected = CATALOG.clock_of(event.place)
        if event.kind not in (EventKind.drive, EventKind.transfer):
            assert event.end.tzinfo.key == expected
        assert event.start.tzinfo.key == expected
        assert event.start.utcoffset() == zone(expected).utcoffset(event.start.replace(tzinfo=None))
