"""A freight sweep: every point of a grid × every replication, one Dask task each, resumable.

Run ``r`` (1-based) of a point draws from child ``r - 1`` of
``numpy.random.SeedSequence(seed)``, exactly as replication ``r`` of
``overland freight simulate --seed SEED`` (:func:`overland.sim.runner.replicate`): every
point runs on the same random trains (common random numbers, as the capacity
search does), a row does not depend on how many replications or points there are,
and a row equals the serial ``overland.simulate(params, seed=SEED, replications=R).runs[r - 1]``.

A task carries plain data: the base scenario as JSON (sent to each worker once and
parsed there once), the point's values, the replication and the run settings.

The results table is rewritten (whole, atomically) every few seconds and when the
sweep ends or is interrupted; running the same sweep with the same ``out`` again runs
only the point × replication rows not yet done (failed rows are tried again).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from overland.errors import InputError, OverlandError
from overland.sim.grid import Grid, Point, RunSettings, label, point_params
from overland.sim.kpis import KPI_LABELS

CHECKPOINT_SECONDS = 2.0
Key = tuple[str, int]  # (point label, replication)


@lru_cache(maxsize=8)
def base_params(scenario_json: str) -> Any:
    """The scenario's parameters, parsed once per worker process."""
    from overland.sim.scenario import Scenario

    return Scenario.model_validate_json(scenario_json).params()


def describe_error(error: BaseException) -> str:
    """A failure as one line for the ``error`` column."""
    if isinstance(error, OverlandError):
        return str(error)
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _identity(point: Point, replication: int, scenario_id: str, settings: RunSettings) -> dict[str, Any]:
    return {
        "point": label(point),
        **dict(point),
        "replication": replication,
        "seed": settings.seed,
        "scenario": scenario_id,
        "days": float(settings.days),
        "warmup_days": float(settings.warmup_days),
    }


def failed_row(point: Point, replication: int, scenario_id: str, settings: RunSettings, error: str) -> dict[str, Any]:
    """The row of a run that failed: its identity, no figures, the error."""
    return {**_identity(point, replication, scenario_id, settings), **dict.fromkeys(KPI_LABELS), "error": error}


def run_point(
    scenario_json: str, scenario_id: str, point: Point, replication: int, settings: RunSettings
) -> dict[str, Any]:
    """One replication of one point: the row of the results table (the worker task; no Dask here).

    A point that cannot be simulated (a terminal that would lock, any other error)
    gives a row with its parameters and the error instead of raising.
    """
    import numpy as np

    from overland.sim.kpis import run_kpis
    from overland.sim.terminal import simulate_run

    try:
        params = point_params(base_params(scenario_json), point)
        child = np.random.SeedSequence(settings.seed).spawn(replication)[replication - 1]
        rng = np.random.Generator(np.random.PCG64(child))
        result = simulate_run(params, rng, days=settings.days, warmup_days=settings.warmup_days)
        figures = run_kpis(result)
    except Exception as error:  # noqa: BLE001  a failing point is reported in its row, the others go on
        return failed_row(point, replication, scenario_id, settings, describe_error(error))
    return {**_identity(point, replication, scenario_id, settings), **figures, "error": None}


def scenario_digest(grid: Grid) -> str:
    return hashlib.sha256(grid.scenario_json.encode()).hexdigest()[:16]


@dataclass
class Sweep:
    """A sweep ready to run: what is already in ``out``, what is left to run."""

    grid: Grid
    settings: RunSettings
    out: Path
    order: list[tuple[Point, int]]  # every run of the grid, in grid order
    rows: dict[Key, dict[str, Any]]  # the rows done (or failed) so far
    write: Callable[..., Any]  # write(out, rows, names, metadata): saves the results table
    kept: list[dict[str, Any]] = field(default_factory=list)  # rows of ``out`` for points not in this grid
    already_done: int = 0

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def pending(self) -> list[tuple[Point, int]]:
        return [(p, r) for p, r in self.order if (row := self.rows.get((label(p), r))) is None or row["error"]]

    def metadata(self) -> dict[str, Any]:
        s = self.settings
        return {
            "scenario": self.grid.scenario_id,
            "scenario_sha256": scenario_digest(self.grid),
            "days": s.days,
            "warmup_days": s.warmup_days,
            "seed": s.seed,
            "parameters": self.grid.names,
        }

    def table(self) -> list[dict[str, Any]]:
        """The rows in grid order (points, then replications), then the kept rows."""
        ordered = [self.rows[key] for p, r in self.order if (key := (label(p), r)) in self.rows]
        return ordered + self.kept

    def failed(self) -> list[dict[str, Any]]:
        return [row for row in self.table() if row["error"]]

    def save(self) -> None:
        self.write(self.out, self.table(), self.grid.names, self.metadata())


_WHAT = {"scenario": "scenario", "scenario_sha256": "scenario contents", "days": "days",
         "warmup_days": "warm-up days", "seed": "seed", "parameters": "swept parameters"}  # fmt: skip


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def prepare(
    grid: Grid, settings: RunSettings, out: Path, *, read: Callable[..., Any], write: Callable[..., Any]
) -> Sweep:
    """The sweep of ``grid`` into ``out``: the rows already done there are kept and not run again.

    ``read(out)`` gives (rows, metadata) of a results table, ``write(out, rows, names,
    metadata)`` saves one (the table's format is not this module's business).

    Raises
    ------
    InputError
        When ``out`` holds something else: not a sweep's table, or another sweep
        (another scenario, its contents, days, warm-up, seed or swept parameters).
    """
    out = Path(out)
    order = [(point, r) for point in grid.points() for r in range(1, settings.replications + 1)]
    sweep = Sweep(grid=grid, settings=settings, out=out, order=order, rows={}, write=write)
    if not out.exists():
        return sweep
    if out.is_dir():
        msg = f"{out} is a folder: give a file name such as results.parquet"
        raise InputError(msg)
    rows, metadata = read(out)
    if metadata is None:
        msg = f"{out} is not a table written by `overland freight sweep`: give another --out"
        raise InputError(msg)
    mine = sweep.metadata()
    for name, what in _WHAT.items():
        if metadata.get(name) != mine[name]:
            msg = (
                f"{out} holds a sweep with other {what} ({_show(metadata.get(name))}, not {_show(mine[name])}): "
                "give another --out, or remove the file to start again"
            )
            raise InputError(msg)
    wanted = {(label(p), r) for p, r in order}
    for row in rows:
        key: Key = (row["point"], row["replication"])
        if key in wanted:
            sweep.rows[key] = row
        else:
            sweep.kept.append(row)
    sweep.already_done = sum(1 for row in sweep.rows.values() if not row["error"])
    return sweep


def execute(
    sweep: Sweep,
    client: Any,
    *,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    checkpoint_seconds: float = CHECKPOINT_SECONDS,
) -> None:
    """Run the sweep's pending rows on the Dask ``client``, saving ``out`` as rows come in.

    ``on_row(row)`` is told of each finished row (a failed one carries its ``error``).
    The table is saved every ``checkpoint_seconds`` and at the end, also when interrupted.
    """
    from overland.distributed.cluster import run_tasks

    pending = sweep.pending
    grid, settings = sweep.grid, sweep.settings
    calls = [(grid.scenario_id, point, r, settings) for point, r in pending]
    last_save = time.monotonic()
    try:
        for i, row, error in run_tasks(client, run_point, calls, shared=(grid.scenario_json,)):
            point, r = pending[i]
            if error is not None:
                row = failed_row(point, r, grid.scenario_id, settings, describe_error(error))
            sweep.rows[(label(point), r)] = row
            if on_row is not None:
                on_row(row)
            if time.monotonic() - last_save >= checkpoint_seconds:
                sweep.save()
                last_save = time.monotonic()
    finally:
        sweep.save()


def point_means(rows: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """Per point (in the rows' order): its parameters, the runs done, failed, and the mean of each figure."""
    by_point: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_point.setdefault(row["point"], []).append(row)
    summary = []
    for point, runs in by_point.items():
        good = [r for r in runs if not r["error"]]
        means = {}
        for kpi in KPI_LABELS:
            values = [r[kpi] for r in good if r[kpi] is not None and r[kpi] == r[kpi]]
            means[kpi] = sum(values) / len(values) if values else None
        summary.append({
            "point": point, **{n: runs[0][n] for n in names}, "runs": len(good), "failed": len(runs) - len(good),
            "error": next((r["error"] for r in runs if r["error"]), None), **means,
        })  # fmt: skip
    return summary
