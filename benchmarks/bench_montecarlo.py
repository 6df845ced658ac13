"""Benchmark the Monte Carlo planner (not a test): 100,000 samples of one plan, and a 14-day departure scan.

Run: .venv/bin/python benchmarks/bench_montecarlo.py
Targets (issue 4): 100,000 samples Naryn→Kashgar ≤ 100 ms on one core; a 14-day scan
every 30 minutes with 10,000 samples each ≤ 30 s on this 2-core machine. The process
is pinned to one core. Compare figures from one run only.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import datetime

import overland
from machine import describe

DEPART = datetime.fromisoformat("2026-11-25T05:00+06:00")


def plan_samples(repeats: int = 15) -> list[float]:
    catalog = overland.load_catalog()
    overland.plan("naryn", "kashgar", DEPART, via="torugart", samples=100_000, catalog=catalog)  # windows expanded
    wall = []
    for seed in range(repeats):
        start = time.perf_counter()
        overland.plan("naryn", "kashgar", DEPART, via="torugart", samples=100_000, seed=seed, catalog=catalog)
        wall.append(time.perf_counter() - start)
    return wall


def scan() -> tuple[float, int]:
    start = time.perf_counter()
    result = overland.when(
        "naryn",
        "kashgar",
        datetime.fromisoformat("2026-11-23T00:00+06:00"),
        datetime.fromisoformat("2026-12-06T23:30+06:00"),
        every_minutes=30,
        samples=10_000,
        arrive_by=datetime.fromisoformat("2026-12-09T20:00+08:00"),
    )
    return time.perf_counter() - start, len(result.options)


def main() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(describe() + " · pinned to one core")
    wall = plan_samples()
    print(
        f"plan naryn→kashgar with 100,000 samples: median {statistics.median(wall) * 1e3:.0f} ms, "
        f"best {min(wall) * 1e3:.0f} ms over {len(wall)} runs"
    )
    seconds, departures = scan()
    print(f"scan of {departures} departures × 10,000 samples: {seconds:.1f} s")


if __name__ == "__main__":
    main()
