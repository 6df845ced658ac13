"""The command line as a user meets it: lists, fact sheets, hours, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo


def test_hours_of_the_torugart_gate_around_a_weekend(cli):
    code, out, err = cli(
        "hours", "torugart/gate", "--from", "2026-11-27T12:30+08:00", "--days", "5", "--format", "json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["stage"] == "torugart/gate"
    assert result["clock"] == "Asia/Shanghai"
    windows = [(w["start"], w["end"]) for w in result["windows"]]
    # Friday's afternoon window opens at 14:00 Beijing time, after the lunch break.
    assert windows[0] == ("2026-11-27T14:00:00+08:00", "2026-11-27T18:00:00+08:00")
    # The weekend is named ...
    assert result["closures"] == [
        {"date": "2026-11-28", "reason": "Saturday: weekend in China and Kyrgyzstan"},
        {"date": "2026-11-29", "reason": "Sunday: weekend in China and Kyrgyzstan"},
    ]
    # ... and Monday 30 November opens both windows.
    assert ("2026-11-30T09:00:00+08:00", "2026-11-30T12:00:00+08:00") in windows
    assert ("2026-11-30T14:00:00+08:00", "2026-11-30T18:00:00+08:00") in windows


def test_hours_text_shows_both_clocks(cli):
    code, out, _ = cli(
        "hours", "torugart/gate", "--from", "2026-11-27T12:30+08:00", "--days", "4", "--clock", "Asia/Bishkek"
    )
    assert code == 0
    assert "14:00-18:00" in out and "12:00-16:00" in out  # Beijing and Kyrgyz time
    assert "closed — weekend in China and Kyrgyzstan" in out
    assert "09:00-12:00, 14:00-18:00" in out


def test_lists_name_the_places_and_crossings(cli):
    code, out, _ = cli("places", "--format", "json")
    assert code == 0
    places = json.loads(out)
    assert places["torugart-pass"]["clock_zone"] == "Asia/Bishkek"
    assert places["kashgar"]["clock_zone"] == "Asia/Shanghai"
    code, out, _ = cli("crossings", "--format", "json")
    assert {c["id"] for c in json.loads(out)} >= {"torugart"}


def test_show_lists_the_torugart_chain_in_order_with_sources(cli):
    code, out, err = cli("show", "torugart", "--format", "json", "--on", "2026-11-23")
    assert code == 0, err
    sheet = json.loads(out)
    route = next(d for d in sheet["directions"] if d["id"] == "kg-cn")["route"]
    assert route == [
        "kg-outer-checkpoint",
        "kg-post",
        "gate",
        "cn-port",
        "cn-passport-check-1",
        "cn-passport-check-2",
        "cn-immigration-customs",
        "kashgar-traffic-office",
    ]
    gate_hours = sheet["stages"]["gate"]["hours"]
    default = next(c for c in gate_hours if c.get("default"))
    assert default["value"] == "09:00-12:00,14:00-18:00"
    assert default["source"] == "seed:001_d50ea4359e5afc49.txt"
    assert len(gate_hours) > 1  # the disagreeing reports are kept
    kg_cn = next(h for h in sheet["hours_by_direction"] if h["direction"] == "kg-cn")
    gate_row = next(s for s in kg_cn["stages"] if s["stage"] == "gate")
    assert gate_row["on_day"] == "09:00-12:00, 14:00-18:00"
    assert gate_row["in_from_clock"] == "07:00-10:00, 12:00-16:00"
    port = sheet["stages"]["cn-port"]["distances_km"]["torugart-pass"]
    assert {c["value"] for c in port} >= {4, 6}
    # S0's "about 110 km from the pass" is the clearance post at Topa, not the pass-top port.
    clearance = sheet["stages"]["cn-immigration-customs"]["distances_km"]["torugart-pass"]
    assert 110 in {c["value"] for c in clearance} and 110 not in {c["value"] for c in port}


def test_show_text_marks_assumed_values(cli):
    code, out, _ = cli("show", "torugart", "--on", "2026-11-23")
    assert code == 0
    assert "assumed" in out and "sourced: seed:001_d50ea4359e5afc49.txt" in out
    assert "07:00-10:00," in out and "12:00-16:00" in out  # the gate's hours in Kyrgyz time


def test_unknown_ids_get_one_line_with_a_suggestion(cli):
    code, out, err = cli("show", "torugat")
    assert code == 2
    assert err.strip() == "error: unknown crossing 'torugat' (did you mean torugart?)"
    code, _, err = cli("hours", "torugart/gaet", "--from", "2026-11-27T12:30+08:00")
    assert code == 2 and "did you mean gate?" in err


def test_time_without_offset_says_which_clock_to_give(cli):
    code, _, err = cli("hours", "torugart/gate", "--from", "2026-11-27T12:30")
    assert code == 2
    assert "no UTC offset" in err and "+08:00" in err and "Traceback" not in err


def test_bad_zone_and_bad_time_are_usage_errors(cli):
    code, _, err = cli("hours", "torugart/gate", "--from", "2026-11-27T12:30+08:00", "--clock", "Asia/Nowhere")
    assert code == 2 and "unknown time zone 'Asia/Nowhere'" in err
    code, _, err = cli("hours", "torugart/gate", "--from", "next friday")
    assert code == 2 and "not ISO 8601" in err


def test_installed_command_runs_without_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "overland", "show", "nowhere"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "unknown crossing 'nowhere'" in result.stderr and "Traceback" not in result.stderr


def test_help_paragraphs_fill_the_terminal_width(cli, monkeypatch):
    """A docstring's line breaks do not cut the help's lines short: each paragraph is wrapped to the terminal
    (the docstring breaks after "has some", which left a line of two words at 80 columns)."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = cli("plan", "--help")
    assert code == 0
    assert any("has some for the route" in line for line in out.splitlines()), out


def test_the_plan_s_summary_says_when_to_set_off(cli, monkeypatch):
    """Asked to leave Naryn on Tuesday morning, the plan waits at home for the gate's next opening: the
    summary's "Leave" is when the first drive starts, with the time asked for beside it."""
    monkeypatch.setenv("COLUMNS", "200")
    args = ("plan", "--from", "naryn", "--to", "kashgar", "--via", "torugart", "--depart", "2026-12-01T10:01+06:00")
    code, out, _ = cli(*args)
    assert code == 0
    code, text, _ = cli(*args, "--format", "json")
    first_drive = next(e for e in json.loads(text)["events"] if e["kind"] == "drive")
    sets_off = datetime.fromisoformat(first_drive["start"]).astimezone(ZoneInfo("Asia/Bishkek"))
    assert sets_off > datetime.fromisoformat("2026-12-01T10:02+06:00")  # it does wait at home
    assert f"Leave {sets_off:%a %d %b %H:%M} Kyrgyz time (you asked Tue 01 Dec 10:01) · arrive" in out
