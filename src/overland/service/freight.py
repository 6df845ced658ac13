"""Rail freight as use cases: simulate a terminal, size it for a target, find its capacity, a corridor, a grid sweep."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from overland import limits
from overland.errors import InputError

if TYPE_CHECKING:
    from overland.distributed.sweep import Sweep
    from overland.sim.capacity import CapacityResult, RateResult
    from overland.sim.corridor import CorridorReport
    from overland.sim.grid import Grid, RunSettings
    from overland.sim.kpis import Report
    from overland.sim.scenario import Scenario, TerminalParams


def check_run(days: float, warmup_days: float, replications: int) -> None:
    """The run's length, warm-up and replications must lie within the shared limits."""
    if not 0 < days <= limits.MAX_SIM_DAYS:
        msg = f"days must be more than 0 and at most {limits.MAX_SIM_DAYS}, not {days:g}"
        raise InputError(msg)
    if not 0 <= warmup_days <= limits.MAX_SIM_DAYS:
        msg = f"warm-up days must be between 0 and {limits.MAX_SIM_DAYS}, not {warmup_days:g}"
        raise InputError(msg)
    if isinstance(replications, bool) or not 1 <= replications <= limits.MAX_REPLICATIONS:
        msg = f"replications must be between 1 and {limits.MAX_REPLICATIONS}, not {replications}"
        raise InputError(msg)


def check_policies(crane_policy: str | None, top_up: str | None) -> None:
    """The crane policy and the yard top-up, when given, must name variants of :mod:`overland.sim.policies`."""
    from overland.sim.policies import CRANE_POLICIES, TOP_UPS

    if crane_policy is not None and crane_policy not in CRANE_POLICIES:
        msg = f"unknown crane policy {crane_policy!r}: one of {', '.join(CRANE_POLICIES)}"
        raise InputError(msg)
    if top_up is not None and top_up not in TOP_UPS:
        msg = f"unknown yard top-up {top_up!r}: one of {', '.join(TOP_UPS)}"
        raise InputError(msg)


@dataclass
class SweepRun:
    """A sweep ready to run: the grid, its settings and what is done already (see :meth:`Freight.sweep`)."""

    grid: Grid
    settings: RunSettings
    job: Sweep


class Freight:
    """The freight use cases of the service (they read the scenario files, nothing else of it)."""

    @staticmethod
    def scenario(scenario: str | Path | Scenario | TerminalParams) -> tuple[str, TerminalParams]:
        """(name, parameters) of a bundled scenario's name, a scenario file, a loaded scenario or plain parameters."""
        from overland.io.freight_files import load_scenario
        from overland.sim.scenario import Scenario, TerminalParams

        if isinstance(scenario, TerminalParams):
            return "custom", scenario
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        return scenario.id, scenario.params()

    def simulate(
        self,
        scenario: str | Path | Scenario | TerminalParams,
        *,
        days: float = 365,
        seed: int = 0,
        replications: int = 1,
        warmup_days: float = 7,
        progress: Callable[[float], None] | None = None,
        crane_policy: str | None = None,
        top_up: str | None = None,
    ) -> Report:
        """Simulate a freight terminal scenario: figures per replication and their mean and 95 % interval.

        Statistics cover ``days`` days after ``warmup_days``; replication ``i`` uses the
        ``i``-th child of ``seed``. ``crane_policy`` and ``top_up`` name variants of
        :mod:`overland.sim.policies` (default: the scenario's crane policy, else a crane stays
        with its train; boxes from the yard join a set while it is on its track).
        """
        check_run(days, warmup_days, replications)
        check_policies(crane_policy, top_up)
        from overland.sim.runner import replicate

        name, params = self.scenario(scenario)
        return replicate(
            params,
            scenario=name,
            days=days,
            warmup_days=warmup_days,
            seed=seed,
            replications=replications,
            progress=progress,
            crane_policy=crane_policy,
            top_up=top_up,
        )

    def capacity(
        self,
        scenario: str | Path | Scenario | TerminalParams,
        *,
        target_tons: float,
        max_dwell_h: float,
        statistic: str = "p90",
        days: float = 90,
        warmup_days: float = 7,
        seed: int = 0,
        replications: int = 3,
        on_trial: Callable[..., None] | None = None,
        crane_policy: str | None = None,
        top_up: str | None = None,
    ) -> CapacityResult:
        """The fewest cranes, then tracks, that carry ``target_tons`` a year within ``max_dwell_h``.

        Every configuration is simulated with the same seeds (see :mod:`overland.sim.capacity`).
        """
        check_run(days, warmup_days, replications)
        check_policies(crane_policy, top_up)
        if not target_tons > 0:
            msg = f"the target must be more than 0 Mt a year, not {target_tons / 1e6:g}"
            raise InputError(msg)
        if not max_dwell_h > 0:
            msg = f"the dwell limit must be more than 0 hours, not {max_dwell_h:g}"
            raise InputError(msg)
        from overland.sim.capacity import STATISTICS, find_capacity
        from overland.sim.runner import replicate

        if statistic not in STATISTICS:
            msg = f"dwell statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}"
            raise InputError(msg)
        name, params = self.scenario(scenario)

        def evaluate(config: TerminalParams) -> Report:
            return replicate(
                config,
                scenario=name,
                days=days,
                warmup_days=warmup_days,
                seed=seed,
                replications=replications,
                crane_policy=crane_policy,
                top_up=top_up,
            )

        return find_capacity(
            params,
            target_tons=target_tons,
            max_dwell_h=max_dwell_h,
            evaluate=evaluate,
            statistic=statistic,
            on_trial=on_trial,
        )

    def rate(
        self,
        scenario: str | Path | Scenario | TerminalParams,
        *,
        max_dwell_h: float = 24,
        statistic: str = "p90",
        days: float = 90,
        warmup_days: float = 7,
        seed: int = 0,
        replications: int = 3,
        points: int = 10,
        crane_policy: str | None = None,
        top_up: str | None = None,
        on_run: Callable[[], None] | None = None,
    ) -> RateResult:
        """How many trains a day the terminal sustains with the dwell statistic within ``max_dwell_h``.

        The arrivals of every flow are scaled together; each rate is simulated with the
        same replications (see :func:`overland.sim.capacity.sustainable_rate`). ``on_run``
        is told of every run (at most ``(points + 4) * replications``).
        """
        check_run(days, warmup_days, replications)
        check_policies(crane_policy, top_up)
        if not max_dwell_h > 0:
            msg = f"the dwell limit must be more than 0 hours, not {max_dwell_h:g}"
            raise InputError(msg)
        if not 2 <= points <= 100:
            msg = f"points must be between 2 and 100, not {points}"
            raise InputError(msg)
        from overland.sim.capacity import STATISTICS, sustainable_rate
        from overland.sim.runner import replication_kpis

        if statistic not in STATISTICS:
            msg = f"dwell statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}"
            raise InputError(msg)
        _, params = self.scenario(scenario)

        def run(config: TerminalParams, replication: int) -> dict[str, float]:
            return replication_kpis(
                config,
                replication,
                seed=seed,
                days=days,
                warmup_days=warmup_days,
                crane_policy=crane_policy,
                top_up=top_up,
            )

        return sustainable_rate(
            params,
            max_dwell_h=max_dwell_h,
            run=run,
            replications=replications,
            statistic=statistic,
            points=points,
            on_run=on_run,
        )

    def corridor(
        self,
        corridor: str | Path,
        *,
        start: date | None = None,
        days: float = 45,
        warmup_days: float = 7,
        close: Sequence[str] = (),
        routing: str | None = None,
        flexible_share: float | None = None,
        detour_h: float | None = None,
        replications: int = 5,
        seed: int = 0,
        progress: Callable[[float], None] | None = None,
    ) -> CorridorReport:
        """Terminals side by side with routing between them, with the closures ``close`` asks for and without.

        ``close`` holds specs such as ``khorgos:spring-festival-2026`` (a notice of the
        terminal's crossing), ``khorgos:holidays`` (its posts' holiday calendars) or
        ``khorgos:2026-02-16..2026-02-18`` (see :func:`overland.io.freight_files.closures_for`).
        Statistics start on ``start`` (00:00 in the corridor's clock; default: two weeks before
        the first closure) and cover ``days`` days. ``routing``, ``flexible_share`` and
        ``detour_h`` override the corridor file's.
        """
        import math
        from datetime import datetime, timedelta
        from zoneinfo import ZoneInfo

        from overland.io.freight_files import closures_for, load_corridor, load_scenario
        from overland.sim.corridor import ROUTINGS, ClosureSpan, CorridorTerminal, simulate_corridor

        check_run(days, warmup_days, replications)
        spec = load_corridor(corridor)
        routing = routing or spec.routing.kind.value.value
        if routing not in ROUTINGS:
            msg = f"unknown routing {routing!r}: one of {', '.join(ROUTINGS)}"
            raise InputError(msg)
        share = spec.routing.flexible_share.value if flexible_share is None else flexible_share
        if not 0 <= share <= 1:
            msg = f"the flexible share must be between 0 and 1, not {share:g}"
            raise InputError(msg)
        distribution = spec.routing.detour.value
        detour = distribution.mean() * distribution.factor if detour_h is None else detour_h
        if detour < 0:
            msg = f"the detour must not be negative, not {detour:g} h"
            raise InputError(msg)
        clock = ZoneInfo(spec.clock.value)
        names = list(spec.terminals)
        if start is None:
            if not close:
                msg = "give --start, the first day of statistics (or a closure to start two weeks before)"
                raise InputError(msg)
            probe = closures_for(spec, list(close), first_day=date(1900, 1, 1), last_day=date(1900, 1, 1))
            dated = [c[1] for c in probe]
            if not dated:
                msg = "give --start: the closures asked for need a span of days to look in"
                raise InputError(msg)
            start = min(dated).astimezone(clock).date() - timedelta(days=14)
        origin = datetime.combine(start, datetime.min.time(), clock) - timedelta(days=warmup_days)
        last_day = start + timedelta(days=math.ceil(days))
        spans = []
        for name, begin, end, label, note in closures_for(
            spec, list(close), first_day=origin.date(), last_day=last_day
        ):
            start_h = (begin - origin).total_seconds() / 3600
            end_h = (end - origin).total_seconds() / 3600
            if end_h <= 0 or start_h >= (warmup_days + days) * 24:
                msg = f"--close {name}: {label} ({begin:%Y-%m-%d}) is outside the simulated days"
                raise InputError(msg)
            spans.append(ClosureSpan(names.index(name), start_h, end_h, label, note))
        terminals = [CorridorTerminal(name, load_scenario(t.scenario).params()) for name, t in spec.terminals.items()]
        return simulate_corridor(
            terminals,
            corridor=spec.id,
            closures=spans,
            days=days,
            warmup_days=warmup_days,
            seed=seed,
            replications=replications,
            routing=routing,
            flexible_share=share,
            detour_h=detour,
            progress=progress,
            origin=origin,
        )

    def prepare_sweep(
        self,
        grid_file: Path,
        out: Path,
        *,
        days: float | None = None,
        warmup_days: float | None = None,
        replications: int | None = None,
        seed: int | None = None,
    ) -> SweepRun:
        """A sweep of the grid in ``grid_file`` into the table ``out``: what is done there already is kept."""
        from overland.distributed import sweep as sweeps
        from overland.io.sweep_files import load_grid, read_results, write_results

        grid = load_grid(grid_file)
        settings = grid.run_settings(days=days, warmup_days=warmup_days, replications=replications, seed=seed)
        check_run(settings.days, settings.warmup_days, settings.replications)
        job = sweeps.prepare(grid, settings, out, read=read_results, write=write_results)
        return SweepRun(grid, settings, job)

    def run_sweep(self, run: SweepRun, client: Any, *, on_row: Callable[[dict[str, Any]], None] | None = None) -> None:
        """Run the sweep's pending rows on the Dask ``client`` (the table is saved as rows come in)."""
        from overland.distributed import sweep as sweeps

        if run.job.pending:
            sweeps.execute(run.job, client, on_row=on_row)
        else:
            run.job.save()

    def write_sweep_plot(self, run: SweepRun, path: Path) -> Path:
        """A PNG of throughput and P90 dwell against the swept parameters."""
        from overland.io.sweep_files import write_plot

        s = run.settings
        title = f"{run.grid.scenario_id}: {s.days:g} days × {s.replications} runs per point, seed {s.seed}"
        return write_plot(run.job.table(), run.grid.names, path, title=title)
