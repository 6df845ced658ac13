"""Sweep grid files in; sweep results (Parquet) and their plot (PNG) out.

A grid file names a base scenario and the terminal parameters to vary (see
:mod:`overland.sim.grid` for what may vary)::

    # examples/khorgos-sweep.yaml
    scenario: khorgos-2021        # a bundled scenario, or a path (relative to this file)
    description: cranes and tracks against traffic
    days: 90                      # optional: the command's --days, --warmup-days,
    replications: 3               #   --replications and --seed override these
    parameters:
      cranes: [3, 4, 5]           # a list of values,
      tracks: {from: 3, to: 4}    # a range (step 1 unless given),
      arrivals_per_day: 16        # or one value

Errors name the file, the line and the field, one line each. The results table has
one row per point and replication: the point's label and parameter values, the
replication, the seed, the scenario, the days, every figure of
:data:`overland.sim.kpis.KPI_LABELS`, and ``error`` (empty unless the run failed).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from overland.errors import DataError, UnknownIdError
from overland.io.data_files import YamlDoc, _dotted, read_yaml
from overland.io.freight_files import _looks_like_path, load_scenario
from overland.sim.grid import (
    MAX_DAYS,
    MAX_REPLICATIONS,
    MAX_RUNS,
    PARAMETERS,
    Grid,
    exclusive_problems,
    ordered,
    parse_values,
    value_text,
)
from overland.sim.kpis import KPI_LABELS

GRID_FIELDS = ("scenario", "description", "days", "warmup_days", "replications", "seed", "parameters")
RUN_COLUMNS = ("replication", "seed", "scenario", "days", "warmup_days")


class _Problems:
    def __init__(self, doc: YamlDoc) -> None:
        self.doc = doc
        self.lines: list[str] = []

    def add(self, loc: tuple[str | int, ...], text: str) -> None:
        self.lines.append(f"{self.doc.path}:{self.doc.line_of(loc)}: {_dotted(loc)}: {text}")


def _number(problems: _Problems, data: dict, key: str, *, whole: bool, low: float, high: float) -> Any:
    if key not in data:
        return None
    value = data[key]
    kind = "a whole number" if whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        problems.add((key,), f"must be {kind}, not {value!r}")
        return None
    if whole and not float(value).is_integer():
        problems.add((key,), f"must be {kind}, not {value:g}")
        return None
    if not low <= value <= high or (key == "days" and value == 0):
        above = "more than 0" if key == "days" else f"at least {low:g}"
        problems.add((key,), f"must be {above} and at most {high:g}, not {value:g}")
        return None
    return int(value) if whole else float(value)


def load_grid(path: Path) -> Grid:
    """The sweep grid in ``path``, its base scenario loaded and validated.

    Raises
    ------
    DataError
        One line per problem: ``file:line: field: problem``.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError([f"{path}: no such grid file"])
    doc = read_yaml(path)
    problems = _Problems(doc)
    data = doc.data
    if not isinstance(data, dict):
        problems.add((), "a sweep grid is a mapping with 'scenario' and 'parameters' (see examples/khorgos-sweep.yaml)")
        raise DataError(problems.lines)
    for key in data:
        if key not in GRID_FIELDS:
            problems.add((key,), f"unknown field: one of {', '.join(GRID_FIELDS)}")
    scenario_ref = data.get("scenario")
    if scenario_ref is None:
        problems.add((), "required field 'scenario' is missing: a bundled scenario name or a scenario file")
    elif not isinstance(scenario_ref, str) or not scenario_ref.strip():
        problems.add(("scenario",), f"must be a scenario name or a path, not {scenario_ref!r}")
        scenario_ref = None
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        problems.add(("description",), "must be text")
    settings = {
        "days": _number(problems, data, "days", whole=False, low=0, high=MAX_DAYS),
        "warmup_days": _number(problems, data, "warmup_days", whole=False, low=0, high=MAX_DAYS),
        "replications": _number(problems, data, "replications", whole=True, low=1, high=MAX_REPLICATIONS),
        "seed": _number(problems, data, "seed", whole=True, low=0, high=2**63 - 1),
    }
    axes = _axes(problems, data)
    if problems.lines:
        raise DataError(problems.lines)
    assert scenario_ref is not None  # a missing or empty scenario is a problem raised above
    scenario = _scenario(doc, scenario_ref)
    return Grid(
        source=str(path),
        scenario_id=scenario.id,
        scenario_json=scenario.model_dump_json(by_alias=True, exclude_none=True),
        description=description,
        axes=axes,
        settings={key: value for key, value in settings.items() if value is not None},
    )


def _axes(problems: _Problems, data: dict) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    parameters = data.get("parameters")
    known = ", ".join(PARAMETERS)
    if parameters is None:
        problems.add((), f"required field 'parameters' is missing: the values to sweep of one or more of {known}")
        return ()
    if not isinstance(parameters, dict) or not parameters:
        problems.add(("parameters",), f"must map one or more of {known} to their values")
        return ()
    found: dict[str, tuple[Any, ...]] = {}
    for name, raw in parameters.items():
        if name not in PARAMETERS:
            problems.add(("parameters", name), f"unknown parameter: one of {known}")
            continue
        values, wrong = parse_values(name, raw)
        for loc, text in wrong:
            problems.add(("parameters", name, *loc), text)
        if not wrong:
            found[name] = tuple(values)
    for name, text in exclusive_problems(list(parameters)):
        problems.add(("parameters", name), text)
    points = math.prod(len(v) for v in found.values()) if found else 0
    if points > MAX_RUNS:
        problems.add(("parameters",), f"{points:,} points: at most {MAX_RUNS:,} runs in one sweep")
    return tuple((name, found[name]) for name in ordered(list(found)))


def _scenario(doc: YamlDoc, ref: str) -> Any:
    line = doc.line_of(("scenario",))
    ref = ref.strip()
    target: str | Path = ref
    if _looks_like_path(ref) and not Path(ref).is_absolute():
        target = doc.path.parent / ref  # relative to the grid file
    try:
        return load_scenario(target)
    except UnknownIdError as error:
        raise DataError([f"{doc.path}:{line}: scenario: {error}"]) from None


def results_schema(names: list[str]) -> Any:
    """The columns of a sweep's results for the swept parameters ``names``."""
    import pyarrow as pa

    kinds = {int: pa.int64(), float: pa.float64(), str: pa.string()}
    run_kinds = {"replication": pa.int64(), "seed": pa.int64(), "scenario": pa.string(), "days": pa.float64(),
                 "warmup_days": pa.float64()}  # fmt: skip
    return pa.schema(
        [pa.field("point", pa.string())]
        + [pa.field(name, kinds[PARAMETERS[name].kind]) for name in names]
        + [pa.field(name, run_kinds[name]) for name in RUN_COLUMNS]
        + [pa.field(name, pa.float64()) for name in KPI_LABELS]
        + [pa.field("error", pa.string())]
    )


def write_results(path: Path, rows: list[dict[str, Any]], names: list[str], metadata: dict[str, Any]) -> None:
    """Write a sweep's rows to ``path`` (Parquet), with what identifies the sweep as metadata."""
    from overland.io.parquet_files import write_rows

    write_rows(path, rows, results_schema(names), {"sweep": metadata})


def read_results(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The rows of an earlier sweep's results and what identifies that sweep (None: not a sweep's table)."""
    from overland.io.parquet_files import read_rows

    rows, metadata, _ = read_rows(path)
    return rows, (metadata or {}).get("sweep")


def _mean(values: list[float]) -> float:
    xs = [v for v in values if v is not None and v == v]
    return sum(xs) / len(xs) if xs else math.nan


def write_plot(rows: list[dict[str, Any]], names: list[str], path: Path, *, title: str) -> Path:
    """Throughput (Mt a year) and P90 train dwell against each swept parameter, as a PNG.

    One column of panels per parameter; each line joins the points that share the
    other parameters' values (with more than six such lines, their mean and range).
    Dots are single replications; lines join the means over replications.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    good = [row for row in rows if row.get("error") is None]
    figures = (("tons_per_year", 1e-6, "throughput (Mt a year)"), ("dwell_p90_h", 1.0, "train dwell, P90 (h)"))
    fig, axes = plt.subplots(2, len(names), figsize=(4.2 * len(names) + 1, 7), dpi=100, squeeze=False)
    for column, name in enumerate(names):
        xs = sorted({row[name] for row in good}, key=lambda v: (isinstance(v, str), v))
        categorical = PARAMETERS[name].kind is str
        position = {x: (i if categorical else x) for i, x in enumerate(xs)}
        others = [n for n in names if n != name]
        groups: dict[tuple, dict[Any, list[dict]]] = {}
        for row in good:
            groups.setdefault(tuple(row[n] for n in others), {}).setdefault(row[name], []).append(row)
        for panel, (kpi, scale, ylabel) in enumerate(figures):
            ax = axes[panel][column]
            for by_x in groups.values():
                for x, reps in by_x.items():
                    ys = [r[kpi] * scale for r in reps if r[kpi] is not None and r[kpi] == r[kpi]]
                    ax.plot([position[x]] * len(ys), ys, ".", color="grey", alpha=0.35, markersize=3)
            if len(groups) <= 6:
                for key, by_x in sorted(groups.items()):
                    line_x = [x for x in xs if x in by_x]
                    line_y = [_mean([r[kpi] for r in by_x[x]]) * scale for x in line_x]
                    text = ", ".join(f"{n}={value_text(v)}" for n, v in zip(others, key, strict=True)) or None
                    ax.plot([position[x] for x in line_x], line_y, "o-", label=text)
                if others and panel == 0:
                    ax.legend(fontsize=7)
            else:
                per_x = {
                    x: [_mean([r[kpi] for r in by_x[x]]) * scale for by_x in groups.values() if x in by_x] for x in xs
                }
                means = [_mean(per_x[x]) for x in xs]
                low = [min((v for v in per_x[x] if v == v), default=math.nan) for x in xs]
                high = [max((v for v in per_x[x] if v == v), default=math.nan) for x in xs]
                at = [position[x] for x in xs]
                ax.fill_between(
                    at, low, high, color="#4a7ab5", alpha=0.2, label=f"range over {len(groups)} combinations"
                )
                ax.plot(at, means, "o-", color="#4a7ab5", label="mean")
                if panel == 0:
                    ax.legend(fontsize=7)
            if categorical:
                ax.set_xticks(range(len(xs)), [str(x) for x in xs], rotation=20, fontsize=7)
            elif PARAMETERS[name].kind is int:
                ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel(name)
            ax.set_ylabel(ylabel)
            ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    except OSError as error:
        raise DataError([f"{path}: cannot write ({error.strerror or error})"]) from None
    finally:
        plt.close(fig)
    return path
