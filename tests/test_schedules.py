"""Opening windows of real stages over weekends, lunch, holidays of three countries, notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

import overland
from overland.errors import InputError, UnknownIdError
from overland.timing.clocks import zone
from tests.conftest import assert_closed, assert_open

GATE = "torugart/gate"


def test_gate_keeps_beijing_hours_with_a_lunch_break():
    assert_closed(GATE, "2026-11-25T08:59+08:00")
    assert_open(GATE, "2026-11-25T09:00+08:00")
    assert_open(GATE, "2026-11-25T11:59+08:00")
    assert_closed(GATE, "2026-11-25T12:30+08:00")
    assert_open(GATE, "2026-11-25T14:00+08:00")
    assert_closed(GATE, "2026-11-25T18:00+08:00")


def test_gate_hours_are_beijing_time_not_xinjiang_time():
    # 09:00 Beijing is 07:00 in Bishkek and in the tz database's Xinjiang time.
    assert_open(GATE, "2026-11-25T07:00+06:00")
    assert_closed(GATE, "2026-11-25T06:59+06:00")


def test_gate_closed_on_the_weekend_of_both_sides():
    assert_closed(GATE, "2026-11-28T10:00+08:00", because="weekend in China and Kyrgyzstan")
    assert_closed(GATE, "2026-11-29T15:00+08:00", because="weekend")
    assert_open(GATE, "2026-11-30T09:30+08:00")


def test_chinese_national_day_week_closes_the_gate():
    for day in range(1, 8):
        assert_closed(GATE, f"2026-10-0{day}T10:00+08:00")
    assert_closed(GATE, "2026-10-01T10:00+08:00", because="public holiday in China: National Day")
    assert_open(GATE, "2026-10-08T09:00+08:00")


def test_kyrgyz_independence_day_closes_the_gate_but_not_a_chinese_office():
    assert_closed(GATE, "2026-08-31T10:00+08:00", because="public holiday in Kyrgyzstan: Independence Day")
    assert_open("torugart/kashgar-traffic-office", "2026-08-31T10:00+08:00")


def test_make_up_saturday_opens_chinese_posts_but_not_the_shared_gate():
    # 10 October 2026 is a Chinese make-up working Saturday; Kyrgyzstan rests.
    assert_closed(GATE, "2026-10-10T10:00+08:00", because="weekend in Kyrgyzstan (China works: make-up working day)")
    assert_open("torugart/kashgar-traffic-office", "2026-10-10T10:00+08:00")
    assert_closed("torugart/kashgar-traffic-office", "2026-10-11T10:00+08:00", because="weekend in China")


def test_announced_spring_festival_closure_overrides_the_calendar():
    assert_closed(GATE, "2026-02-18T10:00+08:00", because="closure notice")
    # The revised notice reopens at 08:00 Kyrgyz time on 20 February (10:00 Beijing),
    # although 20 February is a Chinese day off in the holiday calendar.
    assert_closed(GATE, "2026-02-20T09:30+08:00")
    assert_open(GATE, "2026-02-20T10:00+08:00")


def test_kyrgyz_post_closes_on_kyrgyz_holidays_only():
    assert_closed(
        "torugart/kg-post", "2026-05-05T10:00+06:00", because="public holiday in Kyrgyzstan: Constitution Day"
    )
    assert_open("torugart/kg-post", "2026-10-01T10:00+06:00")  # Chinese National Day


def test_kazakh_clock_moved_to_utc_plus_5_on_1_march_2024():
    almaty = zone("Asia/Almaty")
    assert datetime(2024, 2, 29, 12, tzinfo=almaty).utcoffset().total_seconds() == 6 * 3600
    assert datetime(2024, 3, 1, 12, tzinfo=almaty).utcoffset().total_seconds() == 5 * 3600


def test_windows_carry_the_offset_of_the_stage_clock():
    schedule = overland.hours(GATE, datetime.fromisoformat("2026-11-27T06:30+00:00"), days=1)
    assert schedule.windows[0][0].isoformat() == "2026-11-27T14:30:00+08:00"


def test_unknown_stage_suggests_a_close_match():
    with pytest.raises(UnknownIdError, match="did you mean gate"):
        overland.hours("torugart/gaet", datetime.fromisoformat("2026-11-27T12:30+08:00"))


def test_time_without_offset_is_refused():
    with pytest.raises(InputError, match="no UTC offset"):
        overland.hours(GATE, datetime.fromisoformat("2026-11-27T12:30"))


def test_kazakh_holidays_close_the_khorgos_posts():
    assert_closed("khorgos/kz-post", "2026-12-16T12:00+05:00", because="public holiday in Kazakhstan: Independence Day")
    assert_closed("khorgos/cn-post", "2026-03-23T12:00+08:00", because="public holiday in Kazakhstan: Nowruz Holiday")
    assert_open("khorgos/kz-post", "2026-12-15T12:00+05:00")


def test_kazakh_post_hours_follow_the_clock_change_of_1_march_2024(catalog):
    # The 2005 unified hours, 08:30 local, are 02:30 UTC on UTC+6 and 03:30 UTC on UTC+5.
    from overland.planner.schedule import stage_schedule

    crossing = catalog.crossing("khorgos")
    stage = crossing.stages["kz-post"]
    old_hours = next(c for c in stage.hours.root if c.value.startswith("08:30"))
    with_old_hours = crossing.model_copy(
        update={
            "stages": {**crossing.stages, "kz-post": stage.model_copy(update={"hours": type(stage.hours)([old_hours])})}
        }
    )

    def first_window_utc(day: str) -> str:
        start = datetime.fromisoformat(f"{day}T00:00+00:00")
        schedule = stage_schedule(with_old_hours, "kz-post", catalog.countries, start, start + timedelta(days=1))
        return schedule.windows[0][0].astimezone(UTC).strftime("%H:%M")

    assert first_window_utc("2024-02-28") == "02:30"
    assert first_window_utc("2024-03-06") == "03:30"


@pytest.mark.parametrize("code", ["CN", "KG", "KZ"])
def test_holidays_loaded_country_by_country_equal_the_library_s_own(code):
    """calendars loads one country module instead of all 250; the days and names are the same."""
    import holidays

    from overland.timing.calendars import _calendar

    for year in (2024, 2025, 2026, 2027):
        ours, theirs = _calendar(code, year), holidays.country_holidays(code, years=year, language="en_US")
        assert dict(ours) == dict(theirs)
        assert sorted(getattr(ours, "weekend_workdays", ())) == sorted(getattr(theirs, "weekend_workdays", ()))
        assert ours.weekend == theirs.weekend


def test_a_past_date_replays_the_hours_that_held_then():
    # 2010: the 2005 unified hours (08:30-12:00 and 13:00-17:00 Astana time, then UTC+6);
    # the last day of the round-the-clock regime and the first of the assumed one after it.
    assert_closed("khorgos/kz-post", "2010-06-01T08:00+06:00")
    assert_open("khorgos/kz-post", "2010-06-01T09:00+06:00")
    assert_closed("khorgos/kz-post", "2010-06-01T12:30+06:00")
    assert_open("khorgos/kz-post", "2026-06-30T23:30+05:00")
    assert_open("khorgos/kz-post", "2026-07-01T00:30+05:00")


def test_hours_say_which_claim_held_on_which_days(cli):
    code, out, _ = cli("hours", "khorgos/kz-post", "--from", "2026-06-29T10:00+05:00", "--days", "3")
    assert code == 0
    words = " ".join(out.split())
    assert "29 Jun 2026 to 30 Jun 2026: '24/7' (sourced: https://www.nur.kz/" in words
    assert "01 Jul 2026 to 02 Jul 2026: '24/7' (assumed:" in words
    assert "Tue 30 Jun 2026 │ 00:00-24:00" in out  # a day inside one long opening is open all day


def test_days_no_hours_claim_holds_on_use_the_default_and_say_so(catalog):
    from dataclasses import replace

    crossing = catalog.crossing("torugart")
    stage = crossing.stages["gate"]
    ended = stage.hours.claim.model_copy(update={"valid_until": datetime(2020, 12, 31).date()})
    only_ended = stage.model_copy(update={"hours": type(stage.hours)([ended])})
    changed = crossing.model_copy(update={"stages": {**crossing.stages, "gate": only_ended}})
    service = overland.Overland(catalog=replace(catalog, crossings={**catalog.crossings, "torugart": changed}),
                                use_reports=False)  # fmt: skip
    schedule = service.hours(GATE, datetime.fromisoformat("2026-11-25T00:00+08:00"), days=2)
    assert schedule.is_open(datetime.fromisoformat("2026-11-25T09:30+08:00"))  # the default, all the same
    assert (
        "2026-11-25 to 2026-11-26: none of the data's hours hold then; the default '09:00-12:00,14:00-18:00' is "
        "used (sourced: seed:001_d50ea4359e5afc49.txt)"
    ) in schedule.notes
    trip = service.plan("naryn", "kashgar", datetime.fromisoformat("2026-11-25T05:00+06:00"), via="torugart")
    assert (
        "torugart/gate: none of the data's hours hold on 2026-11-25; the default '09:00-12:00,14:00-18:00' is used"
        in trip.warnings
    )


def test_days_off_the_calendar_only_guesses_are_marked_estimated():
    # China publishes each year's days off in November; 2027's is not in the calendar, so the
    # Monday after the National Day weekend is the library's guess, said as such.
    assert_closed(GATE, "2027-10-04T10:00+08:00", because="National Day (observed) (estimated: a guess by rule")
    schedule = overland.hours(GATE, datetime.fromisoformat("2027-10-01T00:00+08:00"), days=7)
    assert any(
        note.startswith("China: the official 2027 holiday schedule is not in the calendar yet")
        for note in schedule.notes
    )
    # 2026's schedule is published (make-up Saturday 10 October included): nothing is marked.
    published = overland.hours(GATE, datetime.fromisoformat("2026-10-01T00:00+08:00"), days=7)
    assert not any("estimated" in c.reason for c in published.closures)
    assert not any(note.startswith("China:") for note in published.notes)


def test_xinjiang_s_festivals_close_the_chinese_posts_not_the_kyrgyz_ones():
    # Corban 2025: Xinjiang's notice gives 6-10 June off (Friday to Tuesday).
    because = "public holiday in Xinjiang: Corban festival"
    assert_closed("torugart/cn-port", "2025-06-09T10:00+08:00", because=because)
    assert_closed("irkeshtam/cn-border-post", "2025-06-10T11:00+08:00", because=because)
    assert_closed(GATE, "2025-06-10T10:00+08:00", because=because)
    assert_open("torugart/kg-post", "2025-06-09T10:00+06:00")
    assert_open("irkeshtam/cn-border-post", "2025-06-11T11:00+08:00")
    # Rozi 2022 fell in the Labour Day holiday; its day off moved to Thursday 5 May.
    assert_closed("irkeshtam/cn-immigration-customs", "2022-05-05T11:00+08:00", because="Rozi festival")


def test_a_year_xinjiang_has_not_announced_is_estimated_and_says_so():
    # Eid al-Adha 2027 is 16 May in the Kyrgyz calendar: estimated off from the day before to two after.
    assert_closed("irkeshtam/cn-border-post", "2027-05-17T11:00+08:00", because="Corban festival (estimated")
    assert_closed("irkeshtam/cn-border-post", "2027-05-18T11:00+08:00", because="2027 notice is not in the data")
    assert_open("irkeshtam/cn-border-post", "2027-05-19T11:00+08:00")


def test_no_festival_is_estimated_before_everyone_in_xinjiang_had_the_days_off():
    # Until order 174 (2012) the days off were for those who keep the festival; Corban 2010 was 16 November.
    assert_open("irkeshtam/cn-border-post", "2010-11-16T11:00+08:00")
