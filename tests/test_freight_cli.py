"""``overland freight`` as a user meets it: figures, files, and one-line errors."""

from __future__ import annotations

import csv
import json
import shutil

from overland.io.freight_files import scenario_dir


def test_scenarios_lists_both_with_their_configuration(cli):
    code, out, err = cli("freight", "scenarios")
    assert code == 0, err
    assert "khorgos-2021" in out and "3 cranes, 3+3 tracks" in out
    assert "khorgos-30mt" in out and "8 cranes" in out


def test_simulate_prints_the_figures_and_the_assumptions(cli):
    code, out, err = cli("freight", "simulate", "khorgos-2021", "--days", "20", "--seed", "1")
    assert code == 0, err
    assert out.startswith("khorgos-2021 — Khorgos Gateway dry port, 2021\n")
    assert "20 days after a 7-day warm-up · 1 replication · seed 1" in out
    for label in ("inbound trains unloaded", "train dwell, P90", "crane utilisation", "yard occupancy, max"):
        assert label in out
    assert "assumed (10 of 23 values):" in out and "terminal.direct_share" in out
    assert " arrived = " in out and " left + " in out


def test_simulate_json_gives_mean_and_interval_over_replications(cli):
    code, out, err = cli(
        "freight", "simulate", "khorgos-2021", "--days", "15", "--replications", "3", "--seed", "2", "--format", "json"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["replications"] == 3 and len(result["runs"]) == 3
    trains = result["kpis"]["trains_per_day"]
    assert trains["unit"] == "trains/day" and trains["ci95"] > 0
    runs = [r["trains_per_day"] for r in result["runs"]]
    assert abs(sum(runs) / 3 - trains["mean"]) < 1e-6
    for balance in result["boxes"]:
        inside = balance["on_inbound"] + balance["in_yard"] + balance["on_outbound"]
        assert balance["arrived"] == balance["departed"] + inside
    assert "terminal.breakdowns" in result["assumed"]


def test_simulate_is_reproducible_by_seed(cli):
    args = ("freight", "simulate", "khorgos-2021", "--days", "10", "--format", "json")
    _, first, _ = cli(*args, "--seed", "5")
    _, again, _ = cli(*args, "--seed", "5")
    _, other, _ = cli(*args, "--seed", "6")
    assert first == again and first != other


def test_simulate_writes_plots_and_csv(cli, tmp_path):
    plots, tables = tmp_path / "plots", tmp_path / "csv"
    code, out, err = cli(
        "freight", "simulate", "khorgos-2021", "--days", "10", "--replications", "2",
        "--plot", str(plots), "--csv", str(tables),
    )  # fmt: skip
    assert code == 0, err
    for name in ("khorgos-2021-dwell.png", "khorgos-2021-occupancy.png"):
        data = (plots / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
        assert f"wrote {plots / name}" in out
    with (tables / "khorgos-2021-summary.csv").open() as f:
        rows = {row["kpi"]: row for row in csv.DictReader(f)}
    assert rows["dwell_p90_h"]["unit"] == "h" and float(rows["dwell_p90_h"]["mean"]) > 0
    with (tables / "khorgos-2021-runs.csv").open() as f:
        assert len(list(csv.DictReader(f))) == 2
    with (tables / "khorgos-2021-occupancy.csv").open() as f:
        series = list(csv.DictReader(f))
    assert len(series) == 17 * 24  # hourly over 7 warm-up days and 10 days
    assert series[0] == {"day": "0.0000", "yard_teu": "0", "trains_waiting": "0"}


def test_a_scenario_file_path_works(cli, tmp_path):
    path = tmp_path / "mine.yaml"
    shutil.copy(scenario_dir() / "khorgos-30mt.yaml", path)
    code, out, err = cli("freight", "simulate", str(path), "--days", "3", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["scenario"] == "khorgos-30mt"


def test_bad_input_gets_one_line_and_a_non_zero_exit(cli, tmp_path):
    code, out, err = cli("freight", "simulate", "khorgos-2012")
    assert code == 2 and out == ""
    # The year scenarios are close too; swapped digits (2012 for 2021) come first.
    assert (
        err == "error: unknown scenario 'khorgos-2012' (did you mean khorgos-2021 or khorgos-2022 or khorgos-2016?)\n"
    )

    code, _, err = cli("freight", "simulate", "khorgos-2021", "--days", "0")
    assert code == 2 and err == "error: days must be more than 0 and at most 3660, not 0\n"

    broken = tmp_path / "broken.yaml"
    text = (scenario_dir() / "khorgos-2021.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("    value: 18000\n", "    value: lots\n"), encoding="utf-8")
    code, _, err = cli("freight", "simulate", str(broken))
    line = text.splitlines().index("    value: 18000") + 1
    assert code == 1
    assert err.startswith(f"error: {broken}:{line - 1}: terminal.yard_capacity_teu")
    assert err.count("\n") == 1 and "Traceback" not in err

    code, _, err = cli("freight", "capacity", "khorgos-2021", "--target-mt", "30", "--max-dwell", "a day")
    assert code == 2 and err == "error: duration 'a day' is not understood: write e.g. 24h, 90min or 1.5d\n"


def test_capacity_finds_a_configuration_for_a_modest_target(cli):
    # The yard top-up of the time this test was written (boxes chosen when a set is placed),
    # under which three cranes miss the limit; the default is tested below.
    code, out, err = cli(
        "freight", "capacity", "khorgos-2021", "--target-mt", "12", "--max-dwell", "1d",
        "--days", "20", "--replications", "1", "--format", "json",
        "--crane-policy", "first-train-each-lift", "--top-up", "placement",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert result["max_dwell_h"] == 24
    answer = result["answer"]
    assert answer["cranes"] >= 4  # three cranes would be 86 % busy and miss the limit
    chosen = next(
        t for t in result["trials"]
        if (t["cranes"], t["tracks_standard"], t["tracks_broad"]) == tuple(answer.values())
    )  # fmt: skip
    assert chosen["meets"] and chosen["dwell_p90_h"] <= 24 and chosen["mt_per_year"] >= 12 * 0.97
    assert not any(t["meets"] for t in result["trials"] if t["cranes"] < answer["cranes"])


def test_capacity_out_of_reach_says_why(cli):
    code, out, err = cli(
        "freight", "capacity", "khorgos-2021", "--target-mt", "12", "--max-dwell", "2h", "--days", "20",
        "--replications", "1",
    )  # fmt: skip
    assert code == 2
    assert err.startswith("error: more cranes no longer shorten the p90 dwell")
    assert "cranes" in out  # the trials are still shown


def test_simulate_says_when_there_is_no_interval_and_where_the_dwell_goes(cli):
    code, out, err = cli("freight", "simulate", "khorgos-2021", "--days", "20", "--seed", "1")
    assert code == 0, err
    assert "± 95 %: one replication: no interval (give --replications 3 or more)" in out
    assert "cranes: stay-with-train, top-up while on the track" in out
    dwell = next(line for line in out.splitlines() if line.startswith("dwell, mean "))
    assert "held on arrival" in dwell and "cranes" in dwell
    assert "of the dwell is boxes left in the yard waiting for a train going their" in out
    code, out, err = cli("freight", "simulate", "khorgos-2021", "--days", "20", "--replications", "2",
                         "--crane-policy", "first-train-each-lift", "--top-up", "placement")  # fmt: skip
    assert code == 0, err
    assert "one replication" not in out and "cranes: first-train-each-lift, top-up at placement" in out
    code, _, err = cli("freight", "simulate", "khorgos-2021", "--crane-policy", "zones")
    assert code == 2 and err.startswith("error: unknown crane policy 'zones': one of stay-with-train")
