"""Properties of plans over random departures and profiles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import overland
from overland.planner.trip import EventKind, nights_between
from overland.timing.clocks import zone
from tests.test_montecarlo import ZERO_SERVICE

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
        if event.kind not in (EventKind.drive, EventKind.ride, EventKind.transfer):
            assert event.end.tzinfo.key == expected
        assert event.start.tzinfo.key == expected
        assert event.start.utcoffset() == zone(expected).utcoffset(event.start.replace(tzinfo=None))


TRIPS_BOTH_WAYS = [
    *TRIPS,
    ("kashgar", "osh", "irkeshtam"),
    ("yining", "almaty", "khorgos"),
    ("bishkek", "kashgar", None),
]


def _day_clock(node: str):
    """The clock the traveller's day is kept by at ``node`` (a place or a post)."""
    return SERVICE.planner.node(node)[3]


def test_the_day_in_xinjiang_is_kept_in_xinjiang_time_and_shown_in_beijing_time():
    assert str(_day_clock("kashgar")) == "Asia/Urumqi"
    assert str(_day_clock("torugart/cn-immigration-customs")) == "Asia/Urumqi"
    assert str(_day_clock("naryn")) == str(SERVICE.planner.node("naryn")[2]) == "Asia/Bishkek"
    plan = SERVICE.plan("urumqi", "almaty", datetime(2026, 6, 16, 6, tzinfo=zone("Asia/Shanghai")), via="khorgos")
    first = next(e for e in plan.events if e.kind is EventKind.drive)
    assert first.start == datetime(2026, 6, 16, 7, tzinfo=zone("Asia/Shanghai"))  # 05:00 Xinjiang time
    assert plan.day_clocks == ("Asia/Urumqi",)


def _local_hour(moment: datetime) -> float:
    return moment.hour + moment.minute / 60


def _at_a_post_or_between(plan, event) -> bool:
    """True when the traveller spends ``event`` away from any bed (a post, or a place without lodging), or
    by a post whose beds lie in a country whose posts they have not reached yet (between two countries)."""
    place = CATALOG.bed_place(event.place) if event.place else None
    if place is None:
        return True
    if not event.stage:
        return False
    crossing = event.stage.split("/")[0]
    earlier = [e.stage for e in plan.events if e.kind is EventKind.process and e.start < event.start
               and e.stage and e.stage.startswith(f"{crossing}/")]  # fmt: skip
    reached = {code for stage in earlier for code in CATALOG.stage(stage)[2].staffed_by}
    return bool(earlier) and place.country not in reached


def _runs_at_night(event, rhythm) -> bool:
    """True for a ride that may run through the quiet hours: a timetabled service, or one longer than the day."""
    departures = CATALOG.services[event.service].departures
    longer = (event.end - event.start).total_seconds() > rhythm.awake_length
    return longer or (departures is not None and departures.value.timetabled)


@settings(max_examples=60, deadline=None)
@given(trip=st.sampled_from(TRIPS_BOTH_WAYS), depart=departures, mode=modes)
def test_a_day_a_person_can_follow(trip, depart, mode):
    """No night at a post or between posts, no drive in the quiet hours, every night counted and placed,
    every wait over an hour with its cause."""
    plan = plan_of(trip, depart, mode)
    rhythm = plan.traveller.rhythm
    nights_shown = 0
    for event in plan.events:
        if event.kind is EventKind.drive and rhythm.quiet is not None and event.end > event.start:
            quiet_from, quiet_to = rhythm.quiet[0] / 3600, rhythm.quiet[1] / 3600
            # Outside the quiet hours of the day where the drive starts and of the one where it ends: in the
            # clock the day is kept by there (Xinjiang time in China, the clock shown elsewhere).
            for clock in (_day_clock(event.stage or event.place), _day_clock(event.to)):
                for moment in (event.start, event.end - timedelta(seconds=1)):
                    hour = _local_hour(moment.astimezone(clock))
                    assert quiet_to <= hour < quiet_from, ("drive in the quiet hours", event)
        if event.kind is EventKind.ride and rhythm.quiet is not None and not _runs_at_night(event, rhythm):
            quiet_from, quiet_to = rhythm.quiet[0] / 3600, rhythm.quiet[1] / 3600
            for moment in (event.start, event.end - timedelta(seconds=1)):
                hour = _local_hour(moment.astimezone(_day_clock(event.stage or event.place)))
                assert quiet_to <= hour < quiet_from, ("a shared taxi in the quiet hours", event)
        if event.kind in (EventKind.wait, EventKind.night, EventKind.vehicle_held):
            covered = nights_between(event.start, event.end)
            if event.kind is EventKind.night:
                nights_shown += covered
                assert event.note.startswith(("night in", "nothing on the way")), event.note
                assert not _at_a_post_or_between(plan, event), ("night without a bed", event)
            elif event.kind is EventKind.wait:
                assert covered == 0, ("a wait spanning a night", event)
            if (event.end - event.start) > timedelta(hours=1) and event.kind is not EventKind.vehicle_held:
                assert len(event.note) > 20 and ":" in event.note, ("a long wait without its cause", event)
    assert plan.night_count == nights_shown


@settings(max_examples=25, deadline=None)
@given(trip=st.sampled_from(TRIPS_BOTH_WAYS), depart=departures, mode=modes)
def test_the_monte_carlo_walk_is_the_plan_at_zero_spread(trip, depart, mode):
    origin, destination, via = trip
    plan = ZERO_SERVICE.plan(origin, destination, depart, via=via, mode=mode, samples=50, seed=1)
    if plan.complete:
        assert plan.distribution is not None
        assert plan.distribution.arrive == (plan.arrive, plan.arrive, plan.arrive)
