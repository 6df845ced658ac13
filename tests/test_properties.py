"""Properties of every stage's schedule over random horizons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

import overland
from overland.timing.calendars import day_off
from overland.timing.clocks import zone
from overland.timing.hours import weekly_hours

CATALOG = overland.load_catalog()
SERVICE = overland.Overland(catalog=CATALOG, use_reports=False)
STAGES = sorted(f"{c.id}/{s}" for c in CATALOG.crossings.values() for s in c.stages)

starts = st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))


@settings(max_examples=60, deadline=None)
@given(stage=st.sampled_from(STAGES), start=starts, days=st.integers(1, 21))
def test_windows_are_ordered_inside_the_horizon_and_in_the_stage_clock(stage, start, days):
    schedule = SERVICE.hours(stage, start, days=days)
    end = start + timedelta(days=days)
    previous_end = None
    for a, b in schedule.windows:
        assert start <= a < b <= end
        assert a.tzinfo is zone(schedule.clock) and b.tzinfo is zone(schedule.clock)
        assert a.utcoffset() == zone(schedule.clock).utcoffset(a.replace(tzinfo=None))
        if previous_end is not None:
            assert previous_end <= a
        previous_end = b


@settings(max_examples=60, deadline=None)
@given(stage=st.sampled_from(STAGES), start=starts, days=st.integers(1, 14), probe=st.floats(0, 1))
def test_open_means_weekly_hours_and_a_working_day_on_every_side(stage, start, days, probe):
    crossing, stage_id, model = CATALOG.stage(stage)
    schedule = SERVICE.hours(stage, start, days=days)
    moment = start + timedelta(days=days) * probe
    if not schedule.is_open(moment):
        return
    assert weekly_hours(model.hours.value, model.clock.value).is_open(moment.astimezone(zone(model.clock.value)))
    for code in set(model.weekends_of.value) | set(model.holidays_of.value):
        country_code, _, region = code.partition("-")
        country = CATALOG.countries[country_code]
        local_day = moment.astimezone(zone(country.clock.value)).date()
        if region:  # a region's own days off (Xinjiang's festivals)
            found = country.regions[region].day_off(local_day)
            reason = found[0] if found else None
        else:
            reason = day_off(
                country.holiday_calendar,
                local_day,
                weekends=code in model.weekends_of.value,
                holidays_=code in model.holidays_of.value,
            )
        noticed = any(
            n.closed.value.start <= moment + timedelta(days=1) and moment - timedelta(days=1) < n.closed.value.end
            for n in crossing.notices
            if n.stages is None or stage_id in n.stages
        )
        assert reason is None or (noticed and reason != "weekend"), (stage, moment, code, reason)
    for notice in crossing.notices:
        if notice.stages is None or stage_id in notice.stages:
            span = notice.closed.value
            assert not (span.start <= moment < span.end), (stage, moment, notice.id)


@settings(max_examples=40, deadline=None)
@given(stage=st.sampled_from(STAGES), start=starts, shift=st.integers(1, 72 * 60))
def test_a_later_start_never_finds_an_earlier_opening(stage, start, shift):
    early = SERVICE.hours(stage, start, days=30).next_opening(start)
    later_start = start + timedelta(minutes=shift)
    later = SERVICE.hours(stage, later_start, days=30).next_opening(later_start)
    if early is not None and later is not None:
        assert later >= early
