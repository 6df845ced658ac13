"""`overland data validate` passes on the shipped data and fails clearly on broken copies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from overland.io.data_files import json_schemas

REPO = Path(__file__).resolve().parent.parent


def test_shipped_data_validates(cli):
    code, out, err = cli("data", "validate")
    assert code == 0, err
    assert "ok" in out and "torugart" in out


def break_file(path: Path, old: str, new: str, *, count: int = 1) -> int:
    """Replace ``old`` by ``new`` in ``path``; return the 1-based line of the change."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def errors_of(cli, data: Path) -> list[str]:
    code, out, err = cli("data", "validate", str(data))
    assert code == 1, out
    assert "Traceback" not in err
    return [line.removeprefix("error: ") for line in err.strip().splitlines()]


GATE_HOURS = '      - value: "09:00-12:00,14:00-18:00"\n'


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ("    kind: gate\n", "    kind: gate\n    colour: red\n", "stages.gate.colour", "unknown field"),
        (
            "      value: Asia/Bishkek\n",
            "      value: Asia/Bishkekk\n",
            "stages.kg-outer-checkpoint.clock",
            "unknown time zone 'Asia/Bishkekk'",
        ),
        (GATE_HOURS, '      - value: "9am-noon"\n', "stages.gate.hours", "is not valid OSM syntax"),
        (GATE_HOURS, '      - value: "09:00-12:00,14:00-18:00; PH off"\n', "stages.gate.hours", "uses PH/SH"),
        (
            "          default: true\n        - value: 6.8\n",
            "        - value: 6.8\n",
            "stages.kg-post.distances_km.torugart-pass",
            "mark exactly one with 'default: true'",
        ),
        (
            "    route:\n      - kg-outer-checkpoint\n",
            "    route:\n      - kg-outer-checkpoin\n",
            "directions[0].route[0]",
            "unknown stage 'kg-outer-checkpoin' (did you mean kg-outer-checkpoint?)",
        ),
        (
            '    source: "seed:001_d50ea4359e5afc49.txt"\n    quote: "you need to present',
            '    quote: "you need to present',
            "documents.passport",
            "a 'sourced' value needs a 'source'",
        ),
        (
            'source: "seed:000_20c60b193c1bfec8.txt"}',
            'source: "seed:000_nonexistent.txt"}',
            "names.en",
            "unknown seed file '000_nonexistent.txt'",
        ),
    ],
    ids=[
        "unknown-field",
        "bad-zone",
        "bad-opening-hours",
        "PH-in-hours",
        "no-default",
        "unknown-reference",
        "no-source",
        "unknown-seed",
    ],
)
def test_broken_crossing_file_names_file_line_and_field(cli, data_copy, old, new, field, expected):
    path = data_copy / "crossings" / "torugart.yaml"
    line = break_file(path, old, new)
    errors = errors_of(cli, data_copy)
    matching = [e for e in errors if e.startswith(f"{path}:")]
    assert matching, errors
    first = matching[0]
    assert re.match(rf"^{re.escape(str(path))}:\d+: {re.escape(field)}", first), first
    assert expected in first, first
    reported = int(first.split(":")[1])
    assert abs(line - reported) <= 6, f"reported line {reported}, broken near {line}: {first}"


def test_chinese_post_on_xinjiang_time_is_refused(cli, data_copy):
    path = data_copy / "crossings" / "torugart.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  cn-port:")
    fixed = text[:start] + text[start:].replace("      value: Asia/Shanghai\n", "      value: Asia/Urumqi\n", 1)
    path.write_text(fixed, encoding="utf-8")
    errors = errors_of(cli, data_copy)
    assert any("stages.cn-port" in e and "Chinese posts keep Beijing time, Asia/Shanghai" in e for e in errors), errors


def test_malformed_yaml_gives_its_line(cli, data_copy):
    path = data_copy / "crossings" / "torugart.yaml"
    line = break_file(path, "kind: road\n", "kind: road\nsummary: [unclosed\n")
    errors = errors_of(cli, data_copy)
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}:") and "malformed YAML" in errors[0]
    assert int(errors[0].split(":")[1]) >= line


def test_duplicate_key_is_refused(cli, data_copy):
    path = data_copy / "crossings" / "torugart.yaml"
    line = break_file(path, "kind: road\n", "kind: road\nkind: rail\n")
    errors = errors_of(cli, data_copy)
    assert errors == [f"{path}:{line + 1}: kind: duplicate key (first on line {line})"]


def test_place_with_unknown_country_and_missing_english_name(cli, data_copy):
    path = data_copy / "places.yaml"
    break_file(path, "    country: CN\n    kind: city\n", "    country: XX\n    kind: city\n")
    errors = errors_of(cli, data_copy)
    assert any(e.startswith(f"{path}:") and "places.kashgar.country: unknown country 'XX'" in e for e in errors), errors


def test_every_problem_is_reported_not_just_the_first(cli, data_copy):
    path = data_copy / "crossings" / "torugart.yaml"
    break_file(path, "    kind: gate\n", "    kind: gate\n    colour: red\n")
    break_file(path, "    kind: inspection\n", "    kind: inspectoin\n")
    errors = errors_of(cli, data_copy)
    assert any("stages.gate.colour" in e for e in errors)
    assert any("stages.cn-port.kind" in e for e in errors)


def test_missing_directory_is_one_clear_line(cli, tmp_path):
    errors = errors_of(cli, tmp_path / "nowhere")
    assert errors == [f"{tmp_path / 'nowhere'}: not a directory (give the folder holding places.yaml and crossings/)"]


def test_committed_json_schemas_are_current():
    for name, text in json_schemas().items():
        committed = REPO / "data" / "schema" / name
        assert committed.read_text(encoding="utf-8") == text, f"run `overland data schema` to refresh {name}"


def test_a_post_s_own_spread_must_name_a_post(cli, data_copy):
    path = data_copy / "uncertainty.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\nprocessing_spread_at: {}\n" in text
    own = "\nprocessing_spread_at:\n  irkeshtam/kg-pots:\n    value: 3.0\n    status: assumed\n    reason: a typo\n"
    path.write_text(text.replace("\nprocessing_spread_at: {}\n", own), encoding="utf-8")
    errors = errors_of(cli, data_copy)
    assert len(errors) == 1 and "processing_spread_at.irkeshtam/kg-pots" in errors[0], errors
    assert "unknown CROSSING/STAGE 'irkeshtam/kg-pots'" in errors[0] and "irkeshtam/kg-post" in errors[0], errors


def test_a_queue_plans_would_have_to_count_is_refused_with_its_file_and_line(cli, data_copy):
    """Plans count no queue, so the data's queue must have a median of none: a plain 20 minutes would
    make the Monte Carlo wait where the plan does not."""
    path = data_copy / "uncertainty.yaml"
    text = path.read_text(encoding="utf-8")
    assert "queue_minutes:\n  - value: 0\n" in text
    path.write_text(text.replace("queue_minutes:\n  - value: 0\n", "queue_minutes:\n  - value: 20\n"), encoding="utf-8")
    errors = errors_of(cli, data_copy)
    assert len(errors) == 1 and "uncertainty.yaml:" in errors[0] and "queue_minutes" in errors[0], errors
    assert "needs a median of none, not 20 min" in errors[0], errors
