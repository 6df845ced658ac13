"""A driver's break (a truck: 45 minutes after 4.5 h at the wheel) on a leg longer than the driving left before it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

import overland
from overland.model.crossing import Mode
from overland.planner.montecarlo import breaks_array
from overland.planner.rhythm import Rhythm, of_profile
from overland.planner.trip import EventKind, Traveller
from overland.planner.walk import walk
from tests.test_montecarlo import SERVICE, ZERO_SERVICE

HOUR = 3600.0
TRUCK = Rhythm(break_after=4.5 * HOUR, break_for=45 * 60.0)
FRIDAY = datetime.fromisoformat("2027-02-12T07:00+08:00")  # Ürümqi at dawn (05:00 Xinjiang time)


def drives(plan):
    return [e for e in plan.events if e.kind is EventKind.drive]


@pytest.mark.parametrize(
    ("since", "driving", "breaks", "after"),
    [
        (0.0, 4.5, 0, 4.5),  # just the allowance: no break
        (0.0, 7.0, 1, 2.5),  # one break after 4.5 h, 2.5 h driven since
        (0.0, 10.0, 2, 1.0),
        (2.0, 2.0, 0, 4.0),  # shorter than what is left of the allowance
        (2.0, 3.0, 1, 0.5),  # the break falls 2.5 h into the leg
        (4.5, 1.0, 1, 1.0),  # the allowance is used up: the break comes first
    ],
)
def test_a_drive_takes_a_break_each_time_the_driving_since_the_last_reaches_the_allowance(
    since, driving, breaks, after
):
    assert TRUCK.breaks(since * HOUR, driving * HOUR) == breaks
    assert since * HOUR + driving * HOUR - breaks * TRUCK.break_after == pytest.approx(after * HOUR)
    assert breaks_array(TRUCK, np.array([since * HOUR]), np.array([driving * HOUR]))[0] == breaks
    assert Rhythm().breaks(since * HOUR, driving * HOUR) == 0  # no rule, no break


def test_a_truck_takes_its_break_on_the_670_km_leg_and_arrives_45_minutes_later_than_a_car():
    car = SERVICE.plan("urumqi", "khorgos", FRIDAY, mode="own-car")
    truck = SERVICE.plan("urumqi", "khorgos", FRIDAY, mode="truck")
    [by_car], [by_truck] = drives(car), drives(truck)
    assert by_car.km == by_truck.km == 670
    assert by_car.note == "urumqi → khorgos"
    assert by_truck.note == "urumqi → khorgos, with a 45-minute break at 11:30 (after 4.5 h at the wheel)"
    assert by_truck.start == by_car.start == FRIDAY
    assert by_truck.end - by_car.end == timedelta(minutes=45)
    assert truck.arrive - car.arrive == timedelta(minutes=45)
    assert not [e for e in truck.events if e.kind is EventKind.wait]


def test_kashgar_to_almaty_by_truck_breaks_inside_each_long_leg_not_before_the_hop_after_it():
    plan = SERVICE.plan("kashgar", "almaty", datetime.fromisoformat("2027-02-03T09:00+08:00"), mode="truck",
                        via="khorgos")  # fmt: skip
    assert plan.complete
    notes = {e.note.split(",")[0]: e for e in drives(plan)}
    for leg in ("kashgar → aksu", "korla → urumqi", "urumqi → khorgos"):
        assert ", with a 45-minute break at " in notes[leg].note, leg
    # 5.2 h from Kashgar: the break after 4.5 h at the wheel, at 13:30, 42 minutes before Aksu.
    assert notes["kashgar → aksu"].note.endswith("at 13:30 (after 4.5 h at the wheel)")
    assert notes["kashgar → aksu"].end.strftime("%H:%M") == "14:56"
    # Aksu → Kuqa (4.3 h) from a night's rest (left at sunrise, 09:48) fits the allowance; the 0.2 h left of it
    # then runs out 11 minutes into Kuqa → Korla.
    assert notes["aksu → kuqa"].note == "aksu → kuqa"
    assert notes["kuqa → korla"].note.endswith("at 14:18 (after 4.5 h at the wheel)")
    # 2.5 h driven since the break on the way to Khorgos: the 1-km hop to the post takes none.
    assert notes["khorgos → khorgos/cn-post"].note == "khorgos → khorgos/cn-post"
    assert not [e for e in plan.events if e.kind is EventKind.wait and "break" in e.note]


def test_a_leg_within_the_allowance_that_the_hours_before_it_push_over_takes_its_break_before_it():
    """Via Torugart: the legs to Naryn and to Bishkek are shorter than 4.5 h, but the driving before them would
    pass it: the break is taken at the stop before each (as a wait), not on the way."""
    plan = SERVICE.plan("kashgar", "almaty", datetime.fromisoformat("2027-02-03T09:00+08:00"), mode="truck")
    breaks = [e for e in plan.events if e.kind is EventKind.wait and e.note.startswith("a 45-minute break")]
    assert [e.stage or e.place for e in breaks] == ["torugart/kg-outer-checkpoint", "balykchy"]
    assert all(e.end - e.start == timedelta(minutes=45) for e in breaks)
    assert not [e for e in drives(plan) if "break" in e.note]


def test_two_breaks_on_one_leg_are_both_said():
    planner = SERVICE.planner
    traveller = Traveller(mode=Mode.truck, rhythm=replace(TRUCK, break_after=3 * HOUR))
    route = planner.routes("urumqi", "khorgos", traveller.mode)[0]
    plan = planner.plan_route(route, FRIDAY, traveller)
    [drive] = drives(plan)
    assert drive.note == "urumqi → khorgos, with 45-minute breaks at 10:00 and 13:45 (one each 3 h at the wheel)"
    car = planner.plan_route(route, FRIDAY, Traveller(mode=Mode.truck, rhythm=Rhythm()))
    assert plan.arrive - car.arrive == timedelta(minutes=90)


TRIPS = [("urumqi", "almaty", "khorgos"), ("almaty", "urumqi", "khorgos"), ("kashgar", "almaty", "khorgos"),
         ("kashgar", "almaty", None), ("kashgar", "osh", "irkeshtam")]  # fmt: skip


@pytest.mark.parametrize(("origin", "destination", "via"), TRIPS)
@pytest.mark.parametrize("break_after", [4.5, 2.0])
def test_zero_spread_truck_samples_take_the_plan_s_breaks(origin, destination, via, break_after):
    planner = ZERO_SERVICE.planner
    rhythm = replace(of_profile(ZERO_SERVICE.catalog.profile(Mode.truck)), break_after=break_after * HOUR)
    traveller = Traveller(mode=Mode.truck, rhythm=rhythm)
    route = planner.routes(origin, destination, traveller.mode, (via,) if via else ())[0]
    program = planner.program(route, traveller.mode)
    leaving = [datetime(2026, 5, 1, tzinfo=UTC) + timedelta(minutes=97 * i) for i in range(150)]
    samples = planner.sample(route, np.array([d.timestamp() for d in leaving]), traveller, np.random.default_rng(0))
    blockers = planner.blockers_of(program, traveller)
    walked = [walk(program, 0, d.timestamp(), d.timestamp(), blockers, rhythm, record=False) for d in leaving]
    complete = [n for n, w in enumerate(walked) if not w.blockers]
    assert complete
    for n in complete:
        assert samples.arrive[n] == walked[n].t, leaving[n]


def test_with_road_spread_each_sample_s_drawn_time_decides_its_break():
    """Kuqa → Korla takes 4.5 h: a sample drawn shorter drives it through, one drawn longer stops 45 minutes on
    the way, so no sample takes between 4.5 h and 5.25 h."""
    planner = SERVICE.planner
    traveller = Traveller(mode=Mode.truck, rhythm=of_profile(SERVICE.catalog.profile(Mode.truck)))
    route = planner.routes("kuqa", "korla", traveller.mode)[0]
    samples = planner.sample(route, np.full(4000, FRIDAY.timestamp()), traveller, np.random.default_rng(1))
    hours = (samples.arrive - FRIDAY.timestamp()) / HOUR
    through, stopped = hours[hours <= 4.5], hours[hours > 4.5]
    assert len(through) > 1000 and len(stopped) > 1000
    assert stopped.min() > 5.25
