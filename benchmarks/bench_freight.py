"""Benchmark of the freight simulator (a plain script, not a test).

Prints, for one simulated year of each shipped scenario, the SimPy events the model
schedules, the wall time and the events per second (best of ``--repeat`` runs, one core),
and the raw speed of SimPy on this machine (a bare timeout loop) for comparison.

    .venv/bin/python benchmarks/bench_freight.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

from machine import describe


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


def one_year(name: str, repeat: int) -> tuple[float, int, dict]:
    """Best wall time of one simulated year (after a 7-day warm-up), its events, its figures."""
    import overland

    best, events, summary = float("inf"), 0, {}
    for _ in range(repeat):
        start = time.perf_counter()
        report = overland.simulate(name, days=365, warmup_days=7, seed=0, replications=1)
        wall = time.perf_counter() - start
        if wall < best:
            best, events, summary = wall, report.events, report.summary
    return best, events, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import numpy
    import simpy

    print(describe())
    print(f"simpy {simpy.__version__}, numpy {numpy.__version__}")
    print(f"bare SimPy timeout loop: {bare_simpy():,.0f} events/s")
    for name in ("khorgos-2021", "khorgos-30mt"):
        wall, events, s = one_year(name, args.repeat)
        print(
            f"{name}: one simulated year (+7 days warm-up) in {wall:.2f} s wall, "
            f"{events:,} SimPy events, {events / wall:,.0f} events/s; "
            f"{s['trains_per_day'].mean:.1f} trains/day, {s['tons_per_year'].mean / 1e6:.1f} Mt/yr, "
            f"P90 dwell {s['dwell_p90_h'].mean:.1f} h"
        )


if __name__ == "__main__":
    main()
