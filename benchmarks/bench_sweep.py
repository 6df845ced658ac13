"""Benchmark of ``overland freight sweep`` on Dask (a plain script, not a test).

Runs the same sweep (the example grid, ``--days`` days × ``--replications`` runs per
point) serially in this process, then on a LocalCluster of 1 and of 2 worker processes,
and prints the wall times and the speed-up of 2 workers over 1. With ``--scheduler
ADDRESS`` it runs the sweep once more on that cluster (start one by hand: see the
README, "Sweeps and batches on Dask").

    .venv/bin/python benchmarks/bench_sweep.py [--days 120] [--replications 2] [--repeat 3] [--scheduler tcp://127.0.0.1:8786]

The sweep's time is measured with the cluster up and each worker warmed (overland
imported); starting the cluster is timed apart. The set-ups take turns, ``--repeat``
rounds, and the best time of each is kept (the machine may be shared). Every run's
figures are checked equal to the serial run's.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path

from machine import describe as machine

REPO = Path(__file__).resolve().parent.parent
GRID = REPO / "examples" / "khorgos-sweep.yaml"


def _warm() -> int:
    import overland.distributed.sweep
    import overland.sim.terminal  # noqa: F401

    return os.getpid()


def serial(grid, settings) -> tuple[float, list[dict]]:
    from overland.distributed.sweep import run_point

    start = time.perf_counter()
    rows = [
        run_point(grid.scenario_json, grid.scenario_id, point, r, settings)
        for point in grid.points()
        for r in range(1, settings.replications + 1)
    ]
    return time.perf_counter() - start, rows


def on_dask(grid, settings, client) -> tuple[float, list[dict]]:
    from overland.distributed import sweep as sweeps

    client.run(_warm)
    with tempfile.TemporaryDirectory() as folder:
        job = sweeps.prepare(grid, settings, Path(folder) / "results.parquet")
        start = time.perf_counter()
        sweeps.execute(job, client)
        wall = time.perf_counter() - start
        return wall, job.table()


def _same(rows: list[dict], reference: list[dict]) -> bool:
    from overland.sim.kpis import KPI_LABELS

    def equal(a, b) -> bool:
        return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))

    return len(rows) == len(reference) and all(
        equal(row[k], ref[k]) for row, ref in zip(rows, reference, strict=True) for k in KPI_LABELS
    )


def _row(what: str, walls: list[float], runs: int, note: str = "") -> str:
    best = min(walls)
    spread = f" (all: {', '.join(f'{w:.2f}' for w in walls)})" if len(walls) > 1 else ""
    return f"| {what} | {best:.2f} s{spread} | {runs / best:.2f} runs/s | {note} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=120)
    parser.add_argument("--replications", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of serial, 1 worker, 2 workers (best taken)")
    parser.add_argument("--scheduler", help="also run on the Dask cluster at this address")
    args = parser.parse_args()

    import dask
    import distributed
    import numpy
    import simpy

    from overland.distributed.cluster import dask_client, describe
    from overland.io.sweep_files import load_grid

    grid = load_grid(GRID)
    settings = grid.run_settings(days=args.days, replications=args.replications)
    runs = len(grid.points()) * settings.replications
    print(machine())
    print(f"dask {dask.__version__}, distributed {distributed.__version__}, simpy {simpy.__version__}, "
          f"numpy {numpy.__version__}")  # fmt: skip
    print(f"sweep: {GRID.relative_to(REPO)}, {len(grid.points())} points × {settings.replications} replications "
          f"= {runs} runs of {settings.days:g} days (+{settings.warmup_days:g} warm-up); best of {args.repeat} rounds")  # fmt: skip
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")

    walls: dict[str, list[float]] = {"serial": [], 1: [], 2: [], "hand": []}
    starts: dict[int, list[float]] = {1: [], 2: []}
    same = True
    where = ""
    for _ in range(args.repeat):  # rounds interleave the set-ups, so a burst of other work hits them alike
        wall, reference = serial(grid, settings)
        walls["serial"].append(wall)
        for workers in (1, 2):
            start = time.perf_counter()
            with dask_client(workers=workers) as client:
                starts[workers].append(time.perf_counter() - start)
                wall, rows = on_dask(grid, settings, client)
            walls[workers].append(wall)
            same = same and _same(rows, reference)
        if args.scheduler:
            with dask_client(args.scheduler) as client:
                where = describe(client)
                wall, rows = on_dask(grid, settings, client)
            walls["hand"].append(wall)
            same = same and _same(rows, reference)
    print("| set-up | sweep wall time, best | runs/s | note |")
    print("| --- | --- | --- | --- |")
    print(_row("serial, in this process, no Dask", walls["serial"], runs))
    for workers in (1, 2):
        note = f"cluster start {min(starts[workers]):.2f} s"
        print(_row(f"LocalCluster, {workers} worker{'s' if workers > 1 else ''}", walls[workers], runs, note))
    if args.scheduler:
        print(_row(f"scheduler and workers started by hand ({where})", walls["hand"], runs))
    print(f"every run's figures equal the serial run's: {'yes' if same else 'NO'}")
    best = {key: min(value) for key, value in walls.items() if value}
    ratios = [w1 / w2 for w1, w2 in zip(walls[1], walls[2], strict=True)]
    print(f"speed-up of 2 workers over 1: {best[1] / best[2]:.2f}× (best against best; per round: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}); 2 workers over serial: {best['serial'] / best[2]:.2f}×")  # fmt: skip
    if args.scheduler:
        print(f"by hand: {best['hand'] / best[2]:.2f}× the time of the LocalCluster of 2; "
              f"speed-up over 1 local worker: {best[1] / best['hand']:.2f}×")  # fmt: skip
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":  # the local cluster's worker processes import this file: run nothing then
    main()
