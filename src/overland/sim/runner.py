"""Replications: independent runs of one scenario, and the statistics over them."""

from __future__ import annotations

from collections.abc import Callable

from overland.sim.kpis import Report, dwell_hours, run_kpis, summarize
from overland.sim.scenario import TerminalParams
from overland.sim.terminal import simulate_run

Progress = Callable[[float], None]


def replicate(
    params: TerminalParams,
    *,
    scenario: str,
    days: float,
    warmup_days: float,
    seed: int,
    replications: int,
    progress: Progress | None = None,
) -> Report:
    """Run ``replications`` independent replications and summarise them.

    Replication ``i`` draws from the ``i``-th child of ``numpy.random.SeedSequence(seed)``,
    so its figures do not depend on how many replications are run, nor (for the
    arrivals) on the number of cranes or tracks. ``progress(fraction)`` is told how
    far the whole batch has come.
    """
    import numpy as np

    children = np.random.SeedSequence(seed).spawn(replications)
    runs, dwell, balance = [], [], []
    yard_series: list[tuple[float, float, float]] = []
    events = 0
    for i, child in enumerate(children):
        rng = np.random.Generator(np.random.PCG64(child))
        step = None
        if progress is not None:

            def step(fraction: float, i: int = i) -> None:
                progress((i + fraction) / replications)

        result = simulate_run(params, rng, days=days, warmup_days=warmup_days, progress=step)
        runs.append(run_kpis(result))
        dwell.extend(dwell_hours(result))
        balance.append(dict(result.boxes))
        events += result.events
        if i == 0:
            yard_series = [(h / 24, teu, waiting) for h, teu, waiting in result.yard_samples]
    return Report(
        scenario=scenario,
        days=days,
        warmup_days=warmup_days,
        seed=seed,
        replications=replications,
        runs=runs,
        summary=summarize(runs),
        dwell_hours=dwell,
        yard_series=yard_series,
        balance=balance,
        events=events,
        params=params,
    )
