"""``overland freight sweep`` on a Dask LocalCluster of 2 worker processes: serial results, resume, failures."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import overland
from overland.distributed import cluster as clusters
from overland.distributed import sweep as sweeps
from overland.io.freight_files import load_scenario
from overland.io.sweep_files import load_grid, read_results, write_results
from overland.sim.grid import RunSettings
from overland.sim.kpis import KPI_LABELS

REPO = Path(__file__).resolve().parent.parent
GRID = """\
scenario: khorgos-2021
days: 2
warmup_days: 1
replications: 2
seed: 7
parameters:
  cranes: [3, 4]
  tracks_standard: [3, 5]
"""


@pytest.fixture(scope="module")
def client():
    """One local cluster of 2 worker processes for the module's library-level tests."""
    with clusters.dask_client(workers=2) as client:
        yield client


def write_grid(tmp_path: Path, text: str = GRID) -> Path:
    path = tmp_path / "grid.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def serial_rows() -> dict[tuple[int, int, int], dict[str, float]]:
    """The same runs, one after another in this process, through the default service: (cranes, tracks, replication) → figures."""
    base = load_scenario("khorgos-2021").params()
    expected = {}
    for cranes in (3, 4):
        for standard in (3, 5):
            report = overland.simulate(
                base.with_config(cranes=cranes, standard=standard), days=2, warmup_days=1, seed=7, replications=2
            )
            for r, run in enumerate(report.runs, start=1):
                expected[(cranes, standard, r)] = run
    return expected


def assert_same_figures(row: dict, run: dict[str, float]) -> None:
    for name in KPI_LABELS:
        value = run[name]
        assert row[name] == value or (math.isnan(value) and math.isnan(row[name])), (row["point"], name)


def test_sweep_on_a_local_cluster_equals_a_serial_run(cli, tmp_path):
    out, plot = tmp_path / "results.parquet", tmp_path / "sweep.png"
    code, stdout, stderr = cli("freight", "sweep", str(write_grid(tmp_path)), "--out", str(out), "--plot", str(plot))
    assert code == 0, stderr
    assert "khorgos-2021 sweep of cranes × tracks_standard: 4 points × 2 replications = 8 runs" in stdout
    assert "2 days after a 1-day warm-up · seed 7" in stdout
    assert "running 8 runs on 2 local workers" in stdout
    assert f"wrote {out} (8 rows)" in stdout and f"wrote {plot}" in stdout
    assert plot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    rows, meta = read_results(out)
    assert meta == {"scenario": "khorgos-2021", "scenario_sha256": meta["scenario_sha256"], "days": 2.0,
                    "warmup_days": 1.0, "seed": 7, "parameters": ["cranes", "tracks_standard"]}  # fmt: skip
    assert [(r["cranes"], r["tracks_standard"], r["replication"]) for r in rows] == [
        (c, t, r) for c in (3, 4) for t in (3, 5) for r in (1, 2)
    ]  # grid order, whatever order the workers finished in
    expected = serial_rows()
    for row in rows:
        assert row["error"] is None and row["seed"] == 7 and row["scenario"] == "khorgos-2021"
        assert row["point"] == f"cranes={row['cranes']}, tracks_standard={row['tracks_standard']}"
        assert_same_figures(row, expected[(row["cranes"], row["tracks_standard"], row["replication"])])


def test_an_interrupted_sweep_resumes_where_it_stopped(cli, client, tmp_path):
    grid_path = write_grid(tmp_path)
    out = tmp_path / "results.parquet"
    grid = load_grid(grid_path)
    job = sweeps.prepare(grid, grid.run_settings(), out, read=read_results, write=write_results)
    seen = []

    def interrupt_after_three(row: dict) -> None:
        seen.append(row)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweeps.execute(job, client, on_row=interrupt_after_three)
    saved, _ = read_results(out)
    assert len(saved) == 3  # what was done is saved when interrupted

    # Mark a saved row: if the resumed sweep ran it again, the mark would be gone.
    saved[0]["trains_per_day"] = -1.0
    write_results(out, saved, grid.names, job.metadata())
    code, stdout, stderr = cli(
        "freight", "sweep", str(grid_path), "--out", str(out), "--scheduler", client.scheduler.address
    )
    assert code == 0, stderr
    assert f"3 runs already in {out}; 5 to run" in stdout
    assert "running 5 runs on 2 workers at tcp://127.0.0.1:" in stdout
    rows, _ = read_results(out)
    assert len(rows) == 8 and all(row["error"] is None for row in rows)
    marked = [row for row in rows if row["trains_per_day"] == -1.0]
    assert [(r["point"], r["replication"]) for r in marked] == [(saved[0]["point"], saved[0]["replication"])]
    expected = serial_rows()
    for row in rows:
        if row is not marked[0]:
            assert_same_figures(row, expected[(row["cranes"], row["tracks_standard"], row["replication"])])

    # More replications later: only the new ones run.
    code, stdout, _ = cli("freight", "sweep", str(grid_path), "--out", str(out), "--replications", "3",
                          "--scheduler", client.scheduler.address)  # fmt: skip
    assert code == 0 and f"8 runs already in {out}; 4 to run" in stdout
    assert len(read_results(out)[0]) == 12

    # Nothing left: no cluster needed, the table is written again as it is.
    code, stdout, _ = cli("freight", "sweep", str(grid_path), "--out", str(out), "--replications", "3")
    assert code == 0 and f"12 runs already in {out}; 0 to run" in stdout and "running" not in stdout


def test_a_failing_point_is_reported_and_the_others_are_kept(cli, client, tmp_path):
    grid_path = write_grid(tmp_path, GRID.replace("  tracks_standard: [3, 5]\n", "  yard_capacity_teu: [20, 18000]\n"))
    out = tmp_path / "results.parquet"
    args = ("freight", "sweep", str(grid_path), "--out", str(out), "--scheduler", client.scheduler.address)
    code, stdout, stderr = cli(*args)
    assert code == 0, stderr
    reason = "the yard holds 10 boxes (20 TEU), fewer than the 48 of a train formed from it"
    assert "failed: cranes=3, yard_capacity_teu=20 (replication " in stderr and reason in stderr
    assert f"wrote {out} (8 rows; 4 failed, their rows carry the error)" in stdout
    rows, _ = read_results(out)
    failed = [row for row in rows if row["error"]]
    assert {(r["cranes"], r["yard_capacity_teu"]) for r in failed} == {(3, 20), (4, 20)}
    assert all(reason in r["error"] and r["trains_per_day"] is None for r in failed)
    assert all(r["trains_per_day"] > 0 for r in rows if not r["error"])
    code, stdout, _ = cli(*args)  # failed runs are tried again, the others are not
    assert code == 0 and f"4 runs already in {out}; 4 to run" in stdout


def test_a_task_that_raises_or_dies_gives_its_error(client):
    import operator

    results = dict(
        (i, (value, error))
        for i, value, error in clusters.run_tasks(client, operator.truediv, [(1, 2), (1, 0), (3, 1)])
    )  # fmt: skip
    assert results[0] == (0.5, None) and results[2] == (3.0, None)
    assert isinstance(results[1][1], ZeroDivisionError)
    assert sweeps.describe_error(results[1][1]) == "ZeroDivisionError: division by zero"


def test_the_example_grid_runs(cli, client, tmp_path):
    out = tmp_path / "example.parquet"
    code, stdout, stderr = cli(
        "freight", "sweep", str(REPO / "examples" / "khorgos-sweep.yaml"), "--out", str(out), "--days", "1",
        "--warmup", "0", "--replications", "1", "--scheduler", client.scheduler.address,
    )  # fmt: skip
    assert code == 0, stderr
    assert "18 points × 1 replication = 18 runs" in stdout
    assert len(read_results(out)[0]) == 18


def test_the_output_must_belong_to_the_same_sweep(cli, tmp_path):
    grid_path = write_grid(tmp_path)
    out = tmp_path / "results.parquet"
    grid = load_grid(grid_path)
    job = sweeps.prepare(
        grid, RunSettings(days=2, warmup_days=1, replications=2, seed=7), out, read=read_results, write=write_results
    )
    job.save()  # an empty table of this sweep
    code, _, stderr = cli("freight", "sweep", str(grid_path), "--out", str(out), "--days", "3")
    assert code == 2
    assert (
        stderr
        == f"error: {out} holds a sweep with other days (2, not 3): give another --out, or remove the file to start again\n"
    )
    code, _, stderr = cli("freight", "sweep", str(grid_path), "--out", str(out), "--seed", "8")
    assert code == 2 and "holds a sweep with other seed (7, not 8)" in stderr
    other = tmp_path / "plans.parquet"
    from overland.io.trip_files import write_plans

    write_plans(other, [], source="trips.csv")
    code, _, stderr = cli("freight", "sweep", str(grid_path), "--out", str(other))
    assert (
        code == 2
        and stderr == f"error: {other} is not a table written by `overland freight sweep`: give another --out\n"
    )


def test_sweep_errors_are_one_line_each(cli, tmp_path, monkeypatch):
    bad = write_grid(tmp_path, "scenario: khorgos-2021\nparameters:\n  cranes: [3, three]\n")
    code, out, err = cli("freight", "sweep", str(bad), "--out", str(tmp_path / "r.parquet"))
    assert code == 1 and out == ""
    assert err == f"error: {bad}:3: parameters.cranes[1]: must be a whole number, not 'three'\n"

    good = write_grid(tmp_path)
    code, _, err = cli("freight", "sweep", str(good), "--out", str(tmp_path / "r.parquet"), "--workers", "2",
                       "--scheduler", "tcp://127.0.0.1:8786")  # fmt: skip
    assert code == 2 and "--workers sets the size of the local cluster" in err

    monkeypatch.setattr(clusters, "CONNECT_TIMEOUT_S", 1)
    code, _, err = cli(
        "freight", "sweep", str(good), "--out", str(tmp_path / "r.parquet"), "--scheduler", "tcp://127.0.0.1:9"
    )
    assert code == 2 and err.startswith("error: cannot reach a Dask scheduler at tcp://127.0.0.1:9 (")
    assert "start one with `dask scheduler`" in err
    assert not (tmp_path / "r.parquet").exists()

    code, _, err = cli(
        "freight", "sweep", str(good), "--out", str(tmp_path / "r.parquet"), "--plot", str(tmp_path / "p.svg")
    )
    assert code == 2 and err == f"error: --plot {tmp_path / 'p.svg'}: give a .png file name\n"
