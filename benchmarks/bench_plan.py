"""Benchmark the planner (not a test): warm plan latency and `overland plan` cold start.

Run: .venv/bin/python benchmarks/bench_plan.py
Targets (issue 3): a deterministic Naryn→Kashgar plan once the data is loaded, median
≤ 100 µs; `overland plan` cold start ≤ 0.5 s. Compare figures from one run only.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import overland
from machine import describe

VENV_BIN = Path(sys.executable).parent


def warm_plan(repeats: int = 2000) -> list[float]:
    catalog = overland.load_catalog()
    depart = datetime.fromisoformat("2026-11-25T05:00+06:00")
    service = overland.Overland(catalog=catalog, use_reports=False)
    service.plan("naryn", "kashgar", depart, via="torugart")  # expand the timetables once
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        service.plan("naryn", "kashgar", depart, via="torugart")
        samples.append(time.perf_counter() - start)
    return samples


def cold_start(repeats: int = 7) -> list[float]:
    command = [
        str(VENV_BIN / "overland"),
        "plan",
        "--from",
        "naryn",
        "--to",
        "kashgar",
        "--depart",
        "2026-11-25T05:00+06:00",
        "--format",
        "json",
    ]
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    print(describe())
    warm = warm_plan()
    print(
        f"warm plan naryn→kashgar via torugart: median {statistics.median(warm) * 1e6:.0f} µs, "
        f"p90 {statistics.quantiles(warm, n=10)[-1] * 1e6:.0f} µs over {len(warm)} runs"
    )
    cold = cold_start()
    print(f"`overland plan` cold start: median {statistics.median(cold):.3f} s over {len(cold)} runs")


if __name__ == "__main__":
    main()
