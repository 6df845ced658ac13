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
    crane_policy: str | None = None,
    top_up: str | None = None,
    closures: tuple[tuple[float, float], ...] = (),
    count_events: bool = False,
) -> Report:
    """Run ``replications`` independent replications and summarise them.

    Replication ``i`` draws from the ``i``-th child of ``numpy.random.SeedSequence(seed)``,
    so its figures do not depend on how many replications are run, nor (for the
    arrivals) on the number of cranes or tracks. ``progress(fraction)`` is told how
    far the whole batch has come. ``crane_policy`` and ``top_up`` name the variants of
    :mod:`overland.sim.policies` (default: the parameters' policy, top-up at loading);
    ``closures`` are model-time spans when the terminal is closed; ``count_events``
    counts SimPy's events (``Report.events``, a little slower).
    """
    import numpy as np

    children = np.random.SeedSequence(seed).spawn(replications)
    runs, dwell, balance = [], [], []
    yard_series: list[tuple[float, float, float]] = []
    events: int | None = 0 if count_events else None
    policy = ""
    for i, child in enumerate(children):
        rng = np.random.Generator(np.random.PCG64(child))
        step = None
        if progress is not None:

            def step(fraction: float, i: int = i) -> None:
                progress((i + fraction) / replications)

        result = simulate_run(
            params, rng, days=days, warmup_days=warmup_days, progress=step, crane_policy=crane_policy,
            top_up=top_up, closures=closures, count_events=count_events,
        )  # fmt: skip
        runs.append(run_kpis(result))
        dwell.extend(dwell_hours(result))
        balance.append(dict(result.boxes))
        if events is not None and result.events is not None:
            events += result.events
        policy = result.policy
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
        policy=policy,
    )


def replication_rng(seed: int, replication: int):
    """The generator of replication ``replication`` (0-based) of ``seed``: the same as :func:`replicate` uses."""
    import numpy as np

    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(replication,))))


def replication_kpis(
    params: TerminalParams,
    replication: int,
    *,
    seed: int,
    days: float,
    warmup_days: float,
    crane_policy: str | None = None,
    top_up: str | None = None,
) -> dict[str, float]:
    """The figures of one replication (as :func:`replicate` would give for it)."""
    rng = replication_rng(seed, replication)
    result = simulate_run(params, rng, days=days, warmup_days=warmup_days, crane_policy=crane_policy, top_up=top_up)
    return run_kpis(result)
