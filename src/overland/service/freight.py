"""Rail freight as use cases: simulate a break-of-gauge terminal, size it for a target, sweep a grid on Dask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from overland import limits
from overland.errors import InputError

if TYPE_CHECKING:
    from overland.distributed.sweep import Sweep
    from overland.sim.capacity import CapacityResult
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
    ) -> Report:
        """Simulate a freight terminal scenario: figures per replication and their mean and 95 % interval.

        Statistics cover ``days`` days after ``warmup_days``; replication ``i`` uses the
        ``i``-th child of ``seed``.
        """
        check_run(days, warmup_days, replications)
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
    ) -> CapacityResult:
        """The fewest cranes, then tracks, that carry ``target_tons`` a year within ``max_dwell_h``.

        Every configuration is simulated with the same seeds (see :mod:`overland.sim.capacity`).
        """
        check_run(days, warmup_days, replications)
        if not target_tons > 0:
            msg = f"the target must be more than 0 tons a year, not {target_tons:g}"
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
                config, scenario=name, days=days, warmup_days=warmup_days, seed=seed, replications=replications
            )

        return find_capacity(
            params,
            target_tons=target_tons,
            max_dwell_h=max_dwell_h,
            evaluate=evaluate,
            statistic=statistic,
            on_trial=on_trial,
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
