"""Benchmark of the freight simulator (a plain script, not a test).

For one simulated year (after a 7-day warm-up) of each scenario: the best wall time of
``--repeat`` runs, the SimPy events the run schedules and the events per second; with the
default crane policy (a crane stays with its train, lifting its section in one event)
and with the policy of before (a decision after every lift, boxes from the yard chosen
at placement), which schedules about one event per lift. Beside them, in the same
process, the raw speed of SimPy (a bare timeout loop). Pinned to one core.

Events are counted in a separate run in a ``CountingEnvironment`` (the same seed gives
the same events); the timed runs use SimPy's plain environment.

    .venv/bin/python benchmarks/bench_freight.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import time

from machine import describe

SCENARIOS = ("khorgos-2021", "khorgos-2025", "khorgos-30mt")
POLICIES = {"default": {}, "before": {"crane_policy": "first-train-each-lift", "top_up": "placement"}}


def bare_simpy(events: int = 1_000_000) -> float:
    """Events per second of a process doing nothing but ``yield env.timeout(1)``."""
    import simpy

    env = simpy.Environment()

    def ticker():
        while True:
            yield env.timeout(1)

    env.process(ticker())
    start = time.perf_counter()
    env.run(until=events)
    return events / (time.perf_counter() - start)


def one_year(name: str, policy: dict, repeat: int) -> tuple[float, int, dict]:
    """Best wall time of one simulated year, its SimPy events, its figures."""
    import numpy as np

    from overland.io.freight_files import load_scenario
    from overland.sim.kpis import run_kpis
    from overland.sim.terminal import simulate_run

    params = load_scenario(name).params()
    counted = simulate_run(params, np.random.default_rng(0), days=365, warmup_days=7, count_events=True, **policy)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = simulate_run(params, np.random.default_rng(0), days=365, warmup_days=7, **policy)
        best = min(best, time.perf_counter() - start)
    return best, counted.events or 0, run_kpis(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    import numpy
    import simpy

    print(describe())
    print(f"simpy {simpy.__version__}, numpy {numpy.__version__}, one core")
    print(f"bare SimPy timeout loop: {bare_simpy():,.0f} events/s")
    for name in SCENARIOS:
        for label, policy in POLICIES.items():
            wall, events, k = one_year(name, policy, args.repeat)
            print(
                f"{name} ({label}): one simulated year in {wall:.2f} s, {events:,} SimPy events, "
                f"{events / wall:,.0f} events/s; {k['trains_per_day']:.1f} trains/day, "
                f"{k['tons_per_year'] / 1e6:.1f} Mt/yr, P90 dwell {k['dwell_p90_h']:.1f} h"
            )
    print(f"bare SimPy timeout loop, again: {bare_simpy():,.0f} events/s")


if __name__ == "__main__":
    main()
