"""Door-to-door plans on the real data: corridors, waits over weekends and holidays, blockers."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

import overland
from overland.planner.trip import EventKind


def processed(plan, stage: str):
    return [e for e in plan.events if e.kind is EventKind.process and e.stage == stage]


@pytest.mark.parametrize(
    ("origin", "destination", "via", "depart"),
    [
        ("naryn", "kashgar", "torugart", "2026-11-25T06:00+06:00"),
        ("kashgar", "naryn", "torugart", "2026-09-23T06:00+08:00"),  # in November: see the test below
        ("osh", "kashgar", "irkeshtam", "2026-11-25T06:00+06:00"),
        ("kashgar", "osh", "irkeshtam", "2026-11-25T06:00+08:00"),
        ("almaty", "yining", "khorgos", "2026-11-25T06:00+05:00"),
        ("yining", "almaty", "khorgos", "2026-11-25T06:00+08:00"),
    ],
)
def test_each_corridor_plans_through_its_stages_in_order(origin, destination, via, depart):
    plan = overland.plan(origin, destination, datetime.fromisoformat(depart), via=via)
    assert plan.complete, plan.blockers
    assert plan.via == via
    crossing = overland.load_catalog().crossing(via)
    direction = next(d for d in crossing.directions if d.id == plan.direction)
    seen = [e.stage.split("/")[1] for e in plan.events if e.kind is EventKind.process]
    expected = [s for s in direction.route if crossing.stages[s].applies_to(plan.traveller.mode)]
    assert list(dict.fromkeys(seen)) == expected
    assert plan.arrive > plan.depart
    assert plan.events[0].kind is EventKind.depart and plan.events[-1].kind is EventKind.arrive


def test_kashgar_to_naryn_in_late_november_fits_a_day_kept_in_xinjiang_time():
    """The day is kept in Xinjiang time (05:00 is 07:00 Beijing time): an hour at Chinese immigration, the
    pass after its lunch break, and the warned road into Naryn before dark, the same day."""
    plan = overland.plan("kashgar", "naryn", datetime.fromisoformat("2026-11-25T06:00+08:00"), via="torugart")
    assert plan.complete and not plan.nights
    first = next(e for e in plan.events if e.kind is EventKind.drive)
    assert first.start >= datetime.fromisoformat("2026-11-25T07:00+08:00")
    assert not any(w.startswith("driving after dark: torugart/kg-outer-checkpoint → naryn") for w in plan.warnings)


def test_a_day_that_starts_at_08_00_xinjiang_time_does_not_fit_kashgar_to_naryn_in_late_november():
    """Quiet hours until 08:00 Xinjiang time (10:00 Beijing time): the warned road into Naryn would end after
    dark. The plan says so, and what would work."""
    plan = overland.plan("kashgar", "naryn", datetime.fromisoformat("2026-11-25T06:00+08:00"), via="torugart",
                         quiet_hours="20:00-08:00")  # fmt: skip
    assert not plan.complete
    assert plan.blockers[0].reason == "no way on fits your day"
    assert any("mountain road the data warns about in November" in e.note for e in plan.events)
    assert any(
        s.startswith("with driving the mountain roads the data warns about after dark") for s in plan.suggestions
    )


def test_a_winter_morning_sets_off_at_sunrise_when_leaving_earlier_arrives_no_sooner():
    """Almaty -> Kashgar over New Year: the quiet hours end at 05:00 Xinjiang time (07:00 Beijing time), three
    hours before the sun. The nights in Khorgos and Urumqi end at sunrise instead: each day still ends in the
    same bed before dark, and the trip arrives when it would have. The last morning, into Kashgar, leaves
    early: waiting for the sun there would arrive later."""
    plan = overland.Overland(use_reports=False).plan(
        "almaty", "kashgar", datetime.fromisoformat("2026-12-31T07:00+05:00"), via="khorgos"
    )
    assert plan.complete
    nights = {e.place: e for e in plan.nights}
    for town in ("khorgos", "urumqi"):
        assert "waiting for daylight (sunrise " in nights[town].note, nights[town].note
        assert nights[town].end.hour >= 9, nights[town].end  # Beijing time: the sun rises about 09:45-10:15
    dark = [w for w in plan.warnings if w.startswith("driving after dark")]
    assert not any(w.startswith(("driving after dark: khorgos → urumqi", "driving after dark: urumqi → korla"))
                   for w in dark), dark  # fmt: skip
    assert any(w.startswith("driving after dark: aksu → kashgar") for w in dark), dark
    assert f"{plan.arrive:%a %d %b %H:%M}" == "Mon 04 Jan 12:11"


def test_reaching_the_gate_after_friday_closing_waits_for_monday():
    # Leave Tash Rabat late on Friday 27 November 2026: the gate (closing 18:00 Beijing
    # time) is shut until Monday 30 November 09:00.
    plan = overland.plan("tash-rabat", "kashgar", datetime.fromisoformat("2026-11-27T15:00+06:00"), via="torugart")
    gate = processed(plan, "torugart/gate")[0]
    assert gate.start.isoformat() == "2026-11-30T09:00:00+08:00" or gate.start.date().isoformat() == "2026-11-30"
    assert gate.start.weekday() == 0
    assert any("weekend" in e.note for e in plan.events if e.kind is EventKind.wait) or plan.night_count >= 2


def test_national_day_week_is_waited_out():
    plan = overland.plan("naryn", "kashgar", datetime.fromisoformat("2026-09-30T20:00+06:00"), via="torugart")
    gate = processed(plan, "torugart/gate")[0]
    assert gate.start.date().isoformat() == "2026-10-08"
    notes = " ".join(e.note for e in plan.events)
    assert "National Day" in notes


def test_kyrgyz_independence_day_is_waited_out():
    plan = overland.plan("naryn", "kashgar", datetime.fromisoformat("2026-08-30T20:00+06:00"), via="torugart")
    gate = processed(plan, "torugart/gate")[0]
    assert gate.start.date().isoformat() == "2026-09-01"
    assert "Independence Day" in " ".join(e.note for e in plan.events)


def test_xinjiang_s_corban_festival_is_waited_out_and_named():
    # Corban 2025: Xinjiang's days off ran Friday 6 to Tuesday 10 June; Kyrgyzstan rested on the 6th only.
    plan = overland.plan("naryn", "kashgar", datetime.fromisoformat("2025-06-08T20:00+06:00"), via="torugart")
    gate = processed(plan, "torugart/gate")[0]
    assert gate.start.date().isoformat() == "2025-06-11"
    assert "public holiday in Xinjiang: Corban festival" in " ".join(e.note for e in plan.events)


def test_own_vehicle_is_held_overnight_and_plates_come_the_next_working_day():
    plan = overland.plan("naryn", "kashgar", datetime.fromisoformat("2026-11-25T05:00+06:00"), via="torugart")
    held = [e for e in plan.events if e.kind is EventKind.vehicle_held]
    assert len(held) == 1
    office = processed(plan, "torugart/kashgar-traffic-office")[0]
    assert office.start.date() > processed(plan, "torugart/cn-immigration-customs")[0].start.date()
    assert any(e.kind is EventKind.night and e.place == "kashgar" for e in plan.events)


def test_passengers_skip_the_traffic_office():
    plan = overland.plan(
        "naryn", "kashgar", datetime.fromisoformat("2026-11-25T05:00+06:00"), via="torugart", mode="passenger"
    )
    assert plan.complete
    assert not processed(plan, "torugart/kashgar-traffic-office")
    assert not [e for e in plan.events if e.kind is EventKind.vehicle_held]


def test_own_vehicle_without_entry_documents_ends_at_the_gate(cli):
    code, out, err = cli(
        "plan",
        "--from",
        "naryn",
        "--to",
        "kashgar",
        "--depart",
        "2026-11-25T05:00+06:00",
        "--via",
        "torugart",
        "--has",
        "passport,chinese-visa,chinese-guide",
        "--format",
        "json",
    )
    assert code == 3, err
    result = json.loads(out)
    assert result["arrive"] is None
    assert result["blockers"][0]["stage"] == "torugart/gate"
    assert "journey ends at the gate" in result["blockers"][0]["reason"]
    assert result["events"][-1]["kind"] == "blocked"
    assert any(e["kind"] == "process" and e["stage"] == "torugart/kg-post" for e in result["events"])


def test_passenger_without_pre_arranged_transport_is_turned_back():
    plan = overland.plan(
        "naryn",
        "kashgar",
        datetime.fromisoformat("2026-11-25T05:00+06:00"),
        via="torugart",
        mode="passenger",
        documents=["passport", "chinese-visa"],
    )
    assert not plan.complete
    assert plan.blockers[0].stage == "torugart/gate"
    assert "pre-arranged-transport" in plan.blockers[0].reason


def test_a_drone_is_stopped_at_the_chinese_port():
    plan = overland.plan(
        "naryn", "kashgar", datetime.fromisoformat("2026-11-25T05:00+06:00"), via="torugart", carrying=["drone"]
    )
    assert plan.blockers[0].stage == "torugart/cn-port"
    assert "drone" in plan.blockers[0].reason


def test_advice_keeps_the_disputed_medical_exam_with_its_sources():
    plan = overland.plan("naryn", "kashgar", datetime.fromisoformat("2026-11-25T05:00+06:00"), via="torugart")
    exam = next(a for a in plan.advice if a.kind == "medical-exam")
    assert "glasses" in exam.text and "2019" in (exam.note or "")
    assert any(a.kind == "no-photography" for a in plan.advice)


def test_plan_json_has_the_documented_shape(cli):
    code, out, _ = cli(
        "plan", "--from", "naryn", "--to", "kashgar", "--depart", "2026-11-25T05:00+06:00", "--format", "json"
    )
    assert code == 0
    result = json.loads(out)
    assert {"from", "to", "via", "depart", "arrive", "events", "warnings", "blockers"} <= set(result)
    assert result["via"] == "torugart"
    for event in result["events"]:
        assert {"kind", "place", "stage", "start", "end", "note"} <= set(event)
        assert datetime.fromisoformat(event["start"]).utcoffset() is not None
    gate = next(e for e in result["events"] if e["kind"] == "process" and e["stage"] == "torugart/gate")
    assert gate["start"].endswith("+08:00")
    assert result["events"][0]["start"].endswith("+06:00")


def test_plan_text_shows_both_clocks_and_explains_waits(cli):
    code, out, _ = cli("plan", "--from", "naryn", "--to", "kashgar", "--depart", "2026-11-27T07:00+06:00")
    assert code == 0
    assert "Beijing time" in out and "Kyrgyz time" in out
    assert "torugart/gate" in out


def test_unknown_place_and_missing_offset_are_one_line(cli):
    code, _, err = cli("plan", "--from", "narin", "--to", "kashgar", "--depart", "2026-11-27T07:00+06:00")
    assert code == 2 and "did you mean naryn" in err
    code, _, err = cli("plan", "--from", "naryn", "--to", "kashgar", "--depart", "2026-11-27T07:00")
    assert code == 2 and "no UTC offset" in err
    code, _, err = cli(
        "plan", "--from", "naryn", "--to", "kashgar", "--depart", "2026-11-27T07:00+06:00", "--has", "pasport"
    )
    assert code == 2 and "did you mean passport" in err


def test_compare_lists_each_crossing(cli):
    code, out, err = cli(
        "compare", "--from", "naryn", "--to", "kashgar", "--depart", "2026-11-25T05:00+06:00", "--format", "json"
    )
    assert code == 0, err
    options = json.loads(out)["options"]
    assert options[0]["via"] == "torugart"
    assert all({"arrive", "nights", "waiting_hours", "blockers"} <= set(o) for o in options)


def test_unknown_mode_and_unreachable_destination_are_one_line(cli):
    code, _, err = cli(
        "compare", "--from", "naryn", "--to", "kashgar", "--depart", "2026-11-27T07:00+06:00", "--mode", "bike"
    )
    assert code == 2 and "unknown mode 'bike'" in err
    # Pakistan is entered only at Khunjerab: avoiding it leaves no way, said in a traveller's words.
    code, _, err = cli(
        "plan", "--from", "naryn", "--to", "islamabad", "--depart", "2026-11-27T07:00+06:00", "--avoid", "khunjerab"
    )
    assert code == 2
    assert "no way from Naryn (Kyrgyzstan) to Islamabad (Pakistan) for own-car" in err
    assert "Pakistan can be entered at khunjerab; you avoid khunjerab" in " ".join(err.split())


def test_a_trip_over_several_borders_is_planned_and_a_closed_season_stops_it(cli):
    # Naryn to Islamabad crosses into China and on into Pakistan over Khunjerab, shut December to March.
    code, out, _ = cli("plan", "--from", "naryn", "--to", "islamabad", "--depart", "2026-11-27T07:00+06:00",
                       "--format", "json")  # fmt: skip
    plan = json.loads(out)
    assert code == 3 and plan["via"].endswith(",khunjerab") and plan["direction"].endswith(",cn-pk")
    assert plan["blockers"][0]["stage"] == "khunjerab/cn-tashkurgan"
    code, out, _ = cli("plan", "--from", "naryn", "--to", "islamabad", "--depart", "2026-06-03T07:00+06:00",
                       "--via", "torugart,khunjerab", "--format", "json")  # fmt: skip
    plan = json.loads(out)
    assert code == 0 and plan["via"] == "torugart,khunjerab" and plan["direction"] == "kg-cn,cn-pk"
    clocks = {e["start"][-6:] for e in plan["events"]}
    assert {"+06:00", "+08:00", "+05:00"} <= clocks  # Kyrgyz, Beijing and Pakistan time, each where it happens


def test_avoiding_a_country_routes_around_it(cli):
    code, out, _ = cli("plan", "--from", "almaty", "--to", "kashgar", "--depart", "2026-06-03T07:00+05:00",
                       "--avoid", "Kyrgyzstan", "--format", "json")  # fmt: skip
    plan = json.loads(out)
    assert code == 0 and plan["via"] in {"khorgos", "alashankou", "bakhty"}
    code, out, _ = cli("plan", "--from", "almaty", "--to", "kashgar", "--depart", "2026-06-03T07:00+05:00",
                       "--format", "json")  # fmt: skip
    assert json.loads(out)["via"] == "korday,torugart"  # through Kyrgyzstan when allowed: two days sooner
    code, _, err = cli("plan", "--from", "almaty", "--to", "kashgar", "--depart", "2026-06-03T07:00+05:00",
                       "--via", "torugart")  # fmt: skip
    assert code == 2 and "Torugart joins Kyrgyzstan and China; the trip reaches it from Kazakhstan" in " ".join(
        err.split()
    )


def test_a_window_running_over_a_month_boundary_is_one_window():
    # The outer Kyrgyz checkpoint is open round the clock on working days; a check that
    # starts minutes before midnight UTC at the end of January must fit in one window.

    table = overland.default().planner.timetable("torugart/kg-outer-checkpoint")
    start = datetime.fromisoformat("2027-02-01T05:51+06:00").timestamp()
    assert table.earliest_fit(start, 15 * 60, until=start) == start


def test_a_passport_that_enters_china_without_a_visa_needs_no_chinese_visa():
    service = overland.Overland(use_reports=False)
    depart = datetime.fromisoformat("2026-12-02T05:00+06:00")
    american = service.plan("naryn", "kashgar", depart, via="torugart", nationality="us")
    british = service.plan("naryn", "kashgar", depart, via="torugart", nationality="GB")
    assert "chinese-visa" in [n.document for n in american.needs]
    assert "chinese-visa" not in [n.document for n in british.needs]
    assert british.as_json()["entry"] == [
        {"country": "CN", "kind": "visa-free", "days": 30, "until": "2026-12-31", "after": "visa",
         "source": british.as_json()["entry"][0]["source"]},
    ]  # fmt: skip
    # Everything but the visa: the American is turned back at the first Chinese check, the Briton goes through.
    papers = [n.document for n in american.needs if n.document != "chinese-visa"]
    assert not service.plan("naryn", "kashgar", depart, via="torugart", nationality="GB", documents=papers).blockers
    stopped = service.plan("naryn", "kashgar", depart, via="torugart", nationality="US", documents=papers)
    assert "Chinese visa ('chinese-visa') is required here" in stopped.blockers[0].reason
    # Crossing into China on the last days of the visa-free regime is said, with what comes after it.
    late = service.plan("naryn", "kashgar", datetime.fromisoformat("2026-12-30T05:00+06:00"), nationality="GB")
    assert any(w.startswith("China: visa-free entry for GB passports holds until 2026-12-31; from 2027-01-01: visa")
               for w in late.warnings)  # fmt: skip


def test_a_passport_the_data_does_not_know_is_said_and_avoid_visa_needs_one(cli):
    code, _, err = cli("plan", "--from", "naryn", "--to", "kashgar", "--depart", "2026-12-02T05:00+06:00",
                       "--nationality", "BR")  # fmt: skip
    assert code == 2 and "nationality BR: the data has no entry regimes for it" in " ".join(err.split())
    code, _, err = cli("plan", "--from", "naryn", "--to", "kashgar", "--depart", "2026-12-02T05:00+06:00",
                       "--avoid-visa")  # fmt: skip
    assert code == 2 and "avoiding visas needs a nationality" in err
    # A Briton needs a Tajik e-visa: --avoid-visa leaves out the way through Tajikistan.
    code, out, _ = cli("compare", "--from", "naryn", "--to", "kashgar", "--depart", "2026-06-03T05:00+06:00",
                       "--nationality", "GB", "--format", "json")  # fmt: skip
    assert any(o["via"] == "kyzyl-art,kulma" for o in json.loads(out)["options"])
    code, out, _ = cli("compare", "--from", "naryn", "--to", "kashgar", "--depart", "2026-06-03T05:00+06:00",
                       "--nationality", "GB", "--avoid-visa", "--format", "json")  # fmt: skip
    assert code == 0 and not any("kulma" in o["via"] for o in json.loads(out)["options"])


def test_no_night_in_the_hotels_of_a_country_not_yet_entered():
    """Out of Kazakhstan late in the day, the Chinese port at Khorgos cannot be done before it closes: the
    hotels of Khorgos beside it are in China, which the traveller has not entered. The night is in
    Zharkent, the last bed in Kazakhstan, not between the two posts."""
    plan = overland.Overland(use_reports=False).plan(
        "almaty", "yining", datetime.fromisoformat("2026-12-02T14:00+05:00"), via="khorgos"
    )
    nights = [e for e in plan.events if e.kind is EventKind.night]
    assert [(e.place, e.stage) for e in nights] == [("zharkent", None)]
    assert processed(plan, "khorgos/kz-post")[0].start > nights[0].end  # Kazakhstan is left the next morning
    # Leaving China the same port is the first post: its hotels are where the traveller still is.
    back = overland.Overland(use_reports=False).plan(
        "yining", "almaty", datetime.fromisoformat("2026-12-02T18:00+08:00"), via="khorgos"
    )
    assert all(e.stage != "khorgos/kz-post" for e in back.events if e.kind is EventKind.night)


def test_a_season_s_closure_is_said_once_as_a_span():
    """Khunjerab is shut from December to March: a February departure waits at home, and the wait says
    the closed weeks once ("Wed 18 Feb - Tue 31 Mar (42 days): ..."), not one line per day."""
    plan = overland.Overland(use_reports=False).plan(
        "kashgar", "islamabad", datetime.fromisoformat("2026-02-18T07:00+08:00"), mode="passenger"
    )
    first = next(e for e in plan.events if e.kind in (EventKind.wait, EventKind.night))
    assert first.place == "kashgar"
    assert "Wed 18 Feb - Tue 31 Mar (42 days): not in the weekly hours" in first.note
    assert first.note.count("not in the weekly hours") == 1 and len(first.note) < 600


@pytest.mark.parametrize(
    ("origin", "destination", "depart", "dark"),
    [
        # June, a night in Sary-Tash and a second walk from it: no drive is in the dark.
        ("osh", "kashgar", "2026-06-02T07:00+06:00", []),
        # December: the drive to Ulugqat's 10:00 opening before sunrise, then a night in Sary-Tash and the
        # next morning's drive to Osh: two drives on two days, two warnings.
        ("kashgar", "osh", "2026-12-02T14:00+08:00", ["kashgar → irkeshtam/cn-immigration-customs", "sary-tash → osh"]),
    ],
)
def test_driving_after_dark_is_warned_of_at_the_times_the_plan_drives(origin, destination, depart, dark):
    """The warning once took a bed's arrival for the time the traveller left it (a drive 'at 01:46-06:46'
    the plan never made) and joined an evening's drive to the next morning's over the night between."""
    plan = overland.Overland(use_reports=False).plan(origin, destination, datetime.fromisoformat(depart),
                                                     via="irkeshtam")  # fmt: skip
    warned = [w for w in plan.warnings if w.startswith("driving after dark")]
    assert [w.split(", ")[0].removeprefix("driving after dark: ") for w in warned] == dark
    drives = {(e.note, f"{e.start:%a %d %b %H:%M}") for e in plan.events if e.kind is EventKind.drive}
    for w in warned:
        legs, _, when = w.removeprefix("driving after dark: ").split(", ")
        assert (legs, when[:16]) in drives, (w, drives)


def test_a_traveller_without_quiet_hours_is_told_why_a_drive_waits_for_the_morning():
    """With no quiet hours a night is still a night: a motorbike out of the Chinese post at Khorgos after
    midnight cannot drive on to the Kazakh post without a bed first. Wording that reason once assumed
    quiet hours and crashed the plan (and the retry a blocked plan makes without them)."""
    service = overland.Overland(use_reports=False)
    plan = service.plan("korla", "osh", datetime.fromisoformat("2027-08-16T00:26+05:00"), mode="motorbike",
                        quiet_hours="none")  # fmt: skip
    assert plan.complete
    assert any("would start after midnight, with no bed for the night before it" in e.note for e in plan.events)
    blocked = service.plan("besham", "karakol", datetime.fromisoformat("2027-02-18T23:21+05:00"), mode="truck",
                           quiet_hours="20:00-08:00")  # fmt: skip
    assert blocked.blockers and blocked.arrive is None
