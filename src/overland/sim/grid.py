"""A sweep's grid: which terminal parameters vary and over which values; its points.

Pure: no Dask, no I/O. The grid file (read by :mod:`overland.io.sweep_files`) names
a base scenario and, under ``parameters:``, a list of values (or a ``{from, to, step}``
range, or one value) for each parameter it varies::

    scenario: khorgos-2021
    parameters:
      cranes: [3, 4, 5]
      tracks: {from: 3, to: 5}
      arrivals_per_day: [11, 16, 22]

The points are the cartesian product of the values, in the order of
:data:`PARAMETERS` (not of the file), so a point's label — ``cranes=4, tracks=3,
arrivals_per_day=16`` — names it the same however the file is written.
:func:`point_params` turns the base scenario's parameters into a point's.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from overland.errors import InputError
from overland.sim.scenario import TerminalParams, parse_spans

Value = int | float | str
Point = tuple[tuple[str, Value], ...]

MAX_VALUES = 1000  # values of one parameter
MAX_RUNS = 100_000  # points × replications of one sweep
MAX_DAYS = 3660  # as `overland freight simulate`
MAX_REPLICATIONS = 1000
DEFAULT_DAYS = 365.0
DEFAULT_WARMUP_DAYS = 7.0
DEFAULT_REPLICATIONS = 3
DEFAULT_SEED = 0


def arrivals_per_day(params: TerminalParams) -> float:
    """The loaded trains a day the arrivals bring on average, all flows together."""
    return sum(flow.trains_per_year() for flow in params.flows) / 365


def _at_least_one(value: Any) -> str | None:
    return None if value >= 1 else f"must be at least 1, not {value}"


def _positive(value: Any) -> str | None:
    return None if value > 0 else f"must be more than 0, not {value:g}"


def _share(value: Any) -> str | None:
    return None if 0 <= value <= 1 else f"must be a share between 0 and 1, not {value:g}"


def _spans(value: Any) -> str | None:
    try:
        parse_spans(value.split(","))
    except ValueError as error:
        return str(error)
    return None


def _scaled_crane_move(params: TerminalParams, minutes: float) -> TerminalParams:
    mean_min = params.crane_move.mean() * params.crane_move.factor * 60
    if not mean_min > 0:
        msg = "the scenario's crane_move has a mean of 0: it cannot be scaled to another mean"
        raise InputError(msg)
    return replace(params, crane_move=params.crane_move.scaled(minutes / mean_min))


def _scaled_arrivals(params: TerminalParams, per_day: float) -> TerminalParams:
    factor = arrivals_per_day(params) / per_day
    return replace(params, flows=tuple(replace(f, interarrival=f.interarrival.scaled(factor)) for f in params.flows))


@dataclass(frozen=True)
class Parameter:
    """A terminal parameter a sweep may vary."""

    name: str
    kind: type  # int, float or str
    help: str
    check: Callable[[Any], str | None]  # what is wrong with a value, or None
    apply: Callable[[TerminalParams, Any], TerminalParams]


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("cranes", int, "gantry cranes", _at_least_one, lambda p, v: replace(p, cranes=v)),
        Parameter("tracks", int, "transshipment tracks of each gauge", _at_least_one,
                  lambda p, v: p.with_config(standard=v, broad=v)),
        Parameter("tracks_standard", int, "1435 mm transshipment tracks", _at_least_one,
                  lambda p, v: p.with_config(standard=v)),
        Parameter("tracks_broad", int, "1520 mm transshipment tracks", _at_least_one,
                  lambda p, v: p.with_config(broad=v)),
        Parameter("max_cranes_per_train", int, "cranes that may work one train at once", _at_least_one,
                  lambda p, v: replace(p, max_cranes_per_train=v)),
        Parameter("direct_share", float, "share of boxes lifted train to train (the rest via the yard)", _share,
                  lambda p, v: replace(p, direct_share=v)),
        Parameter("yard_capacity_teu", int, "yard capacity, TEU", _at_least_one,
                  lambda p, v: replace(p, yard_capacity_teu=v)),
        Parameter("outbound_boxes", int, "boxes of a train formed from the yard", _at_least_one,
                  lambda p, v: replace(p, outbound_boxes=v)),
        Parameter("working_hours", str, "the cranes' daily working hours, e.g. 08:00-20:00 or "
                  "06:00-14:00,15:00-23:00", _spans,
                  lambda p, v: replace(p, working_hours=parse_spans(v.split(",")))),
        Parameter("crane_move_min", float, "mean minutes of a crane lift (the scenario's shape, scaled)",
                  _positive, _scaled_crane_move),
        Parameter("arrivals_per_day", float, "loaded trains arriving a day, all flows scaled alike", _positive,
                  _scaled_arrivals),
        Parameter("target_mt", float, "million tons a year the arrivals bring, all flows scaled alike", _positive,
                  lambda p, v: p.with_tons_per_year(v * 1e6)),
    )
}  # fmt: skip

# Parameters that set the same thing: a grid may vary one of each pair.
EXCLUSIVE = (("tracks", "tracks_standard"), ("tracks", "tracks_broad"), ("arrivals_per_day", "target_mt"))

Problems = list[tuple[tuple[str | int, ...], str]]  # (location below the parameter, what is wrong)


def _coerce(parameter: Parameter, raw: Any) -> tuple[Value | None, str | None]:
    """``raw`` as the parameter's kind, or what is wrong with it."""
    if parameter.kind is str:
        if isinstance(raw, list) and raw and all(isinstance(x, str) for x in raw):
            raw = ",".join(raw)
        if not isinstance(raw, str):
            return None, f"must be text such as 08:00-20:00 (several spans comma-separated), not {raw!r}"
        value: Value = ",".join(part.strip() for part in raw.split(","))
    elif isinstance(raw, bool) or not isinstance(raw, int | float):
        what = "a whole number" if parameter.kind is int else "a number"
        return None, f"must be {what}, not {raw!r}"
    elif parameter.kind is int:
        if isinstance(raw, float) and not raw.is_integer():
            return None, f"must be a whole number, not {raw:g}"
        value = int(raw)
    else:
        if not math.isfinite(raw):
            return None, f"must be a finite number, not {raw}"
        value = float(raw)
    problem = parameter.check(value)
    return (None, problem) if problem else (value, None)


def _range(parameter: Parameter, raw: dict) -> tuple[list[Value], Problems]:
    if parameter.kind is str:
        return [], [((), "a range needs numbers: list the values instead")]
    problems: Problems = []
    for key in raw:
        if key not in ("from", "to", "step"):
            problems.append(((key,), "unknown field of a range: from, to and step (step 1 if left out)"))
    for key in ("from", "to"):
        if key not in raw:
            problems.append(((), f"a range needs '{key}'"))
    if problems:
        return [], problems
    ends = {}
    for key in ("from", "to", "step"):
        if key not in raw:
            continue
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            problems.append(((key,), f"must be a number, not {value!r}"))
        elif parameter.kind is int and not float(value).is_integer():
            problems.append(((key,), f"must be a whole number for {parameter.name}, not {value:g}"))
        else:
            ends[key] = value
    if problems:
        return [], problems
    start, stop, step = ends["from"], ends["to"], ends.get("step", 1)
    if not step > 0:
        return [], [(("step",), f"must be more than 0, not {step:g}")]
    if stop < start:
        return [], [(("to",), f"must not be below from ({start:g}), not {stop:g}")]
    count = math.floor((stop - start) / step + 1e-9) + 1
    if count > MAX_VALUES:
        return [], [((), f"a range of {count:,} values: at most {MAX_VALUES:,}")]
    values: list[Value] = []
    for i in range(count):
        number = start + i * step
        value, problem = _coerce(parameter, round(number, 10) if parameter.kind is float else round(number))
        if problem:
            return [], [((), f"{number:g} {problem}")]
        values.append(value)  # type: ignore[arg-type]
    return values, []


def parse_values(name: str, raw: Any) -> tuple[list[Value], Problems]:
    """The values of parameter ``name`` from a grid file (a list, a range or one value), or the problems."""
    parameter = PARAMETERS[name]
    if isinstance(raw, dict):
        return _range(parameter, raw)
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        return [], [((), "give at least one value")]
    if len(items) > MAX_VALUES:
        return [], [((), f"{len(items):,} values: at most {MAX_VALUES:,}")]
    values: list[Value] = []
    problems: Problems = []
    seen: dict[Value, int] = {}
    for i, item in enumerate(items):
        loc: tuple[str | int, ...] = (i,) if items is raw else ()
        value, problem = _coerce(parameter, item)
        if problem:
            problems.append((loc, problem))
            continue
        if value in seen:
            problems.append((loc, f"{value_text(value)} appears twice (first as value {seen[value] + 1})"))
            continue
        seen[value] = i  # type: ignore[index]
        values.append(value)  # type: ignore[arg-type]
    return values, problems


def exclusive_problems(names: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs of parameters a grid varies together that set the same thing: (the later name, what is wrong)."""
    found = []
    for first, second in EXCLUSIVE:
        if first in names and second in names:
            found.append((second, f"set by '{first}' too: vary one of {first} and {second}"))
    return found


def value_text(value: Value) -> str:
    """A value as the label shows it: ``4``, ``16``, ``0.85``, ``08:00-20:00``."""
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def label(point: Point) -> str:
    """``cranes=4, tracks=3``: the point's name, the same however the grid file is written."""
    return ", ".join(f"{name}={value_text(value)}" for name, value in point)


def ordered(names: Sequence[str]) -> list[str]:
    """Parameter names in the order of :data:`PARAMETERS`."""
    return [name for name in PARAMETERS if name in names]


def expand(axes: Sequence[tuple[str, Sequence[Value]]]) -> list[Point]:
    """Every point of the grid: the cartesian product of the values, in :data:`PARAMETERS` order."""
    by_name = dict(axes)
    names = ordered(list(by_name))
    return [tuple(zip(names, combo, strict=True)) for combo in itertools.product(*(by_name[n] for n in names))]


def check_feasible(params: TerminalParams) -> None:
    """Refuse a terminal that would lock up: its yard cannot hold one train-load."""
    boxes = params.yard_capacity_boxes()
    if boxes < params.outbound_boxes:
        msg = (
            f"the yard holds {boxes} boxes ({params.yard_capacity_teu:,} TEU), fewer than the "
            f"{params.outbound_boxes} of a train formed from it: no such train could leave and the terminal would lock"
        )
        raise InputError(msg)


def point_params(base: TerminalParams, point: Point) -> TerminalParams:
    """The base terminal with the point's values set (structure first, then the arrival rate)."""
    params = base
    for name, value in point:
        params = PARAMETERS[name].apply(params, value)
    check_feasible(params)
    return params


@dataclass(frozen=True)
class RunSettings:
    """How long and how often each point is simulated, and the seed of its random streams."""

    days: float = DEFAULT_DAYS
    warmup_days: float = DEFAULT_WARMUP_DAYS
    replications: int = DEFAULT_REPLICATIONS
    seed: int = DEFAULT_SEED

    def __post_init__(self) -> None:
        if not 0 < self.days <= MAX_DAYS:
            msg = f"days must be more than 0 and at most {MAX_DAYS}, not {self.days:g}"
            raise InputError(msg)
        if not 0 <= self.warmup_days <= MAX_DAYS:
            msg = f"warm-up days must be between 0 and {MAX_DAYS}, not {self.warmup_days:g}"
            raise InputError(msg)
        if not 1 <= self.replications <= MAX_REPLICATIONS:
            msg = f"replications must be between 1 and {MAX_REPLICATIONS}, not {self.replications}"
            raise InputError(msg)
        if self.seed < 0:
            msg = f"the seed must be 0 or more, not {self.seed}"
            raise InputError(msg)


@dataclass(frozen=True)
class Grid:
    """A loaded grid file: the base scenario (as JSON text, what the tasks carry) and the values to sweep."""

    source: str  # the grid file, for messages
    scenario_id: str
    scenario_json: str
    description: str | None
    axes: tuple[tuple[str, tuple[Value, ...]], ...]  # in PARAMETERS order
    settings: dict[str, Any]  # days, warmup_days, replications, seed given in the file

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.axes]

    def points(self) -> list[Point]:
        return expand(self.axes)

    def run_settings(self, **given: Any) -> RunSettings:
        """The settings: each one given here (not None), else the grid file's, else the default."""
        chosen = {**self.settings, **{k: v for k, v in given.items() if v is not None}}
        settings = RunSettings(**chosen)
        runs = len(self.points()) * settings.replications
        if runs > MAX_RUNS:
            msg = f"{len(self.points()):,} points × {settings.replications} replications = {runs:,} runs: at most {MAX_RUNS:,}"
            raise InputError(msg)
        return settings
