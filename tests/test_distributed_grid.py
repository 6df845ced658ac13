"""Sweep grids without Dask: the file format, its errors, the points and a point's parameters."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from overland.distributed.sweep import base_params, run_point
from overland.errors import DataError, InputError
from overland.io.freight_files import load_scenario
from overland.io.sweep_files import RUN_COLUMNS, load_grid, results_schema
from overland.sim.grid import (
    PARAMETERS,
    RunSettings,
    arrivals_per_day,
    expand,
    label,
    point_params,
)
from overland.sim.kpis import KPI_LABELS
from overland.sim.scenario import Gauge

REPO = Path(__file__).resolve().parent.parent


def grid_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "grid.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    path = grid_file(tmp_path, text)
    with pytest.raises(DataError) as caught:
        load_grid(path)
    return [line.removeprefix(f"{path}:") for line in caught.value.lines]


def test_the_bundled_example_grid_loads():
    grid = load_grid(REPO / "examples" / "khorgos-sweep.yaml")
    assert grid.scenario_id == "khorgos-2021"
    assert grid.names == ["cranes", "tracks", "arrivals_per_day"]
    assert dict(grid.axes)["cranes"] == (3, 4, 5)  # from a {from: 3, to: 5} range
    assert len(grid.points()) == 18
    settings = grid.run_settings()
    assert (settings.days, settings.replications, settings.seed) == (90, 3, 0)
    assert grid.run_settings(days=2, replications=1).days == 2  # the command's options win


def test_points_are_named_and_ordered_the_same_however_the_file_is_written(tmp_path):
    one = load_grid(grid_file(tmp_path, "scenario: khorgos-2021\nparameters:\n  tracks: [3, 4]\n  cranes: 5\n"))
    assert one.names == ["cranes", "tracks"]
    assert [label(p) for p in one.points()] == ["cranes=5, tracks=3", "cranes=5, tracks=4"]
    assert label((("direct_share", 0.85), ("arrivals_per_day", 16.0))) == "direct_share=0.85, arrivals_per_day=16"
    assert expand([("cranes", [3, 4]), ("direct_share", [0.5])]) == [
        (("cranes", 3), ("direct_share", 0.5)),
        (("cranes", 4), ("direct_share", 0.5)),
    ]


def test_ranges_lists_and_single_values(tmp_path):
    grid = load_grid(grid_file(tmp_path, (
        "scenario: khorgos-2021\n"
        "parameters:\n"
        "  direct_share: {from: 0.5, to: 0.9, step: 0.1}\n"
        "  working_hours: ['00:00-24:00', [06:00-14:00, 15:00-23:00]]\n"
        "  cranes: 4\n"
    )))  # fmt: skip
    axes = dict(grid.axes)
    assert axes["direct_share"] == (0.5, 0.6, 0.7, 0.8, 0.9)
    assert axes["working_hours"] == ("00:00-24:00", "06:00-14:00,15:00-23:00")
    assert axes["cranes"] == (4,)


def test_grid_errors_name_file_line_and_field(tmp_path):
    lines = problems_of(tmp_path, (
        "scenario: khorgos-2021\n"      # 1
        "dayz: 3\n"                     # 2
        "replications: 0\n"             # 3
        "parameters:\n"                 # 4
        "  cranse: [3, 4]\n"            # 5
        "  tracks: [3, 0, 2.5, 3]\n"    # 6
        "  tracks_standard: [4]\n"      # 7
        "  direct_share: [1.5]\n"       # 8
        "  working_hours: [25:00-26:00]\n"  # 9
        "  outbound_boxes: {from: 50, to: 40}\n"  # 10
    ))  # fmt: skip
    assert (
        lines[0]
        == "2: dayz: unknown field: one of scenario, description, days, warmup_days, replications, seed, parameters"
    )
    assert lines[1] == "3: replications: must be at least 1 and at most 1000, not 0"
    assert lines[2].startswith("5: parameters.cranse: unknown parameter: one of cranes, tracks, ")
    assert "6: parameters.tracks[1]: must be at least 1, not 0" in lines
    assert "6: parameters.tracks[2]: must be a whole number, not 2.5" in lines
    assert "6: parameters.tracks[3]: 3 appears twice (first as value 1)" in lines
    assert "7: parameters.tracks_standard: set by 'tracks' too: vary one of tracks and tracks_standard" in lines
    assert "8: parameters.direct_share[0]: must be a share between 0 and 1, not 1.5" in lines
    assert any(line.startswith("9: parameters.working_hours[0]: working span '25:00-26:00'") for line in lines)
    assert "10: parameters.outbound_boxes.to: must not be below from (50), not 40" in lines


def test_missing_parts_and_an_unknown_scenario(tmp_path):
    assert problems_of(tmp_path, "description: nothing\n") == [
        "1: (top): required field 'scenario' is missing: a bundled scenario name or a scenario file",
        "1: (top): required field 'parameters' is missing: the values to sweep of one or more of "
        + ", ".join(PARAMETERS),
    ]
    assert problems_of(tmp_path, "scenario: khorgos-2012\nparameters: {cranes: [3]}\n") == [
        # The year scenarios are close too; swapped digits (2012 for 2021) come first.
        "1: scenario: unknown scenario 'khorgos-2012' (did you mean khorgos-2021 or khorgos-2022 or khorgos-2016?)"
    ]
    assert problems_of(tmp_path, "scenario: mine.yaml\nparameters: {cranes: [3]}\n") == [
        f"1: scenario: scenario file {str(tmp_path / 'mine.yaml')!r} not found"
    ]


def test_a_scenario_path_is_relative_to_the_grid_file(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        (REPO / "data" / "freight" / "khorgos-30mt.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    grid = load_grid(grid_file(tmp_path, "scenario: mine.yaml\nparameters: {cranes: [8]}\n"))
    assert grid.scenario_id == "khorgos-30mt"


def test_run_settings_are_checked():
    with pytest.raises(InputError, match="days must be more than 0"):
        RunSettings(days=0)
    with pytest.raises(InputError, match="replications must be between 1 and 1000"):
        RunSettings(replications=0)


def test_a_point_sets_its_values_on_the_base_terminal():
    base = load_scenario("khorgos-2021").params()
    params = point_params(base, (("cranes", 5), ("tracks_broad", 4), ("arrivals_per_day", 22.0)))
    assert params.cranes == 5 and params.tracks == {Gauge.standard: 3, Gauge.broad: 4}
    assert arrivals_per_day(base) == pytest.approx(11, rel=0.01)
    assert arrivals_per_day(params) == pytest.approx(22)
    shares = [f.trains_per_year() / (arrivals_per_day(params) * 365) for f in params.flows]
    assert shares == pytest.approx([0.7, 0.3], abs=0.01)  # the flows keep their split
    heavier = point_params(base, (("target_mt", 30.0),))
    assert heavier.offered_tons_per_year() == pytest.approx(30e6)
    slower = point_params(base, (("crane_move_min", 5.0),))
    assert slower.crane_move.mean() * slower.crane_move.factor * 60 == pytest.approx(5)
    assert point_params(base, (("working_hours", "08:00-20:00"),)).working_hours == ((8, 20),)


def test_a_terminal_that_would_lock_is_refused_with_its_reason():
    base = load_scenario("khorgos-2021").params()
    with pytest.raises(InputError, match="the yard holds 10 boxes .20 TEU., fewer than the 48"):
        point_params(base, (("yard_capacity_teu", 20),))


def test_a_row_equals_the_same_replication_of_a_serial_simulation():
    import overland

    grid_json = load_scenario("khorgos-2021").model_dump_json(by_alias=True, exclude_none=True)
    settings = RunSettings(days=2, warmup_days=1, replications=3, seed=11)
    point = (("cranes", 4),)
    report = overland.simulate(
        base_params(grid_json).with_config(cranes=4), days=2, warmup_days=1, seed=11, replications=3
    )
    for r in (3, 1):  # any replication alone, in any order
        row = run_point(grid_json, "khorgos-2021", point, r, settings)
        assert row["error"] is None and row["seed"] == 11 and row["replication"] == r
        for name, value in report.runs[r - 1].items():
            assert row[name] == value or (math.isnan(value) and math.isnan(row[name])), name


def test_no_parameter_shares_a_name_with_another_column():
    names = list(PARAMETERS)
    fixed = ["point", *RUN_COLUMNS, *KPI_LABELS, "error"]
    assert not set(names) & set(fixed)
    assert results_schema(names).names == ["point", *names, *RUN_COLUMNS, *KPI_LABELS, "error"]
