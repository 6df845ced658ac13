"""Data that plans cannot handle is refused by `overland data validate`, one line each, quickly."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _validate(cli, data: Path) -> tuple[int, str]:
    start = time.perf_counter()
    code, out, err = cli("data", "validate", str(data))
    assert time.perf_counter() - start < 30, "validation must stay quick on hostile files"
    assert "Traceback" not in out + err
    return code, " ".join((out + err).split())


def test_a_chinese_post_in_xinjiang_time_is_refused_whoever_staffs_it(cli, data_copy):
    crossing = data_copy / "crossings" / "torugart.yaml"
    text = crossing.read_text(encoding="utf-8")
    gate = text.index("\n  gate:")
    at = text.index("value: Asia/Shanghai", gate)
    crossing.write_text(text[:at] + "value: Asia/Urumqi" + text[at + len("value: Asia/Shanghai") :], encoding="utf-8")
    code, said = _validate(cli, data_copy)
    assert code == 1 and "stages.gate" in said and "Chinese posts keep Beijing time" in said


def test_china_s_country_clock_must_be_beijing_time(cli, data_copy):
    places = data_copy / "places.yaml"
    _edit(
        places,
        "  CN:\n    name: China\n    clock:\n      value: Asia/Shanghai",
        "  CN:\n    name: China\n    clock:\n      value: Asia/Urumqi",
    )
    code, said = _validate(cli, data_copy)
    assert code == 1 and "countries.CN.clock: China keeps Beijing time" in said


def test_an_unknown_holiday_calendar_is_refused(cli, data_copy):
    _edit(data_copy / "places.yaml", "holiday_calendar: KG", "holiday_calendar: XX")
    code, said = _validate(cli, data_copy)
    assert code == 1 and "holiday_calendar 'XX': the holidays package has no calendar for it" in said


def test_distances_and_speeds_must_be_finite_and_plausible(cli, data_copy):
    legs = data_copy / "legs.yaml"
    text = legs.read_text(encoding="utf-8")
    first = re.search(r"km:\n      - value: (\d+)|km:\n      value: (\d+)|km: \{value: (\d+)", text)
    assert first is not None
    number = next(g for g in first.groups() if g)
    start = first.start()
    legs.write_text(text[:start] + text[start:].replace(f"value: {number}", "value: 1e308", 1), encoding="utf-8")
    code, said = _validate(cli, data_copy)
    assert code == 1 and "km" in said and "less than or equal to 5000" in said


def test_hours_with_hundreds_of_windows_are_refused(cli, data_copy):
    crossing = data_copy / "crossings" / "torugart.yaml"
    many = ",".join(f"{h:02d}:{m:02d}-{h:02d}:{m + 1:02d}" for h in range(0, 24) for m in range(0, 58, 2))
    _edit(crossing, "09:00-12:00,14:00-18:00", many)
    code, said = _validate(cli, data_copy)
    assert code == 1 and "hours" in said and ("at most 400" in said or "spans a week" in said)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than 40 levels deep"),
        ("a: !!python/object/apply:os.system ['echo hi']\n", "is not allowed: data files hold plain values"),
        (
            'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
            + "".join(
                f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]\n"
                for prev, name in zip("abcdefgh", "bcdefghi", strict=False)
            ),
            "values once its aliases are expanded",
        ),
    ],
    ids=["deep nesting", "python tag", "alias bomb"],
)
def test_hostile_yaml_is_refused_in_one_line(cli, data_copy, text, said):
    (data_copy / "legs.yaml").write_text(text, encoding="utf-8")
    code, out = _validate(cli, data_copy)
    assert code == 1 and said in out


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("values: [45, 46, 47, 48, 49, 50]", "values: [0]", "a train carries at least one box"),
        ("  cranes:\n    value: 3", "  cranes:\n    value: 1000000000", "terminal.cranes: at most 40"),
        (
            "{kind: exponential, mean: 3.117, unit: h}",
            "{kind: exponential, mean: 0.0001, unit: h}",
            "trains a day; at most 200",
        ),
    ],
    ids=["no boxes", "a billion cranes", "a train every third of a second"],
)
def test_a_freight_scenario_that_would_run_for_minutes_is_refused(cli, data_copy, old, new, said):
    scenario = data_copy / "freight" / "khorgos-2021.yaml"
    _edit(scenario, old, new)
    start = time.perf_counter()
    code, out, err = cli("freight", "simulate", str(scenario), "--days", "30")
    assert time.perf_counter() - start < 30
    assert code != 0 and "Traceback" not in out + err and said in " ".join(err.split())
