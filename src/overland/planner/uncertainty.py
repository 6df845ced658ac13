"""What the Monte Carlo samples say: arrival quantiles, the chances that matter, each stage's wait.

Quantiles are sample values (the inverted empirical CDF, no interpolation), so with
every distribution at zero spread they are exactly the deterministic plan's times.
A sample that finds no opening within the horizon counts as arriving never: it
moves the upper quantiles to "beyond the horizon" rather than dropping out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from overland.planner.montecarlo import Samples, gate_of, in_spans, same_local_day
from overland.planner.program import Drive

LEVELS = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class Quantiles:
    """P10, P50 and P90 of a quantity (None: beyond the horizon)."""

    p10: float | None
    p50: float | None
    p90: float | None

    def as_json(self, digits: int = 2) -> dict:
        return {k: (round(v, digits) if v is not None else None) for k, v in vars(self).items()}


Moments = tuple[datetime | None, datetime | None, datetime | None]  # P10, P50, P90 (None: beyond the horizon)


@dataclass(frozen=True)
class StageWait:
    """One stage in the samples: how long they waited in front of it (hours) and how often at all, and
    P10/P50/P90 of when they reached it and left it, in the stage's clock."""

    stage: str
    p_wait: float
    hours: Quantiles
    reached: Moments = (None, None, None)
    left: Moments = (None, None, None)


@dataclass(frozen=True)
class Input:
    """A distribution the samples drew from, with how it is known."""

    stage: str
    what: str  # "processing" or "opening delay at 14:00"
    distribution: str
    status: str


@dataclass(frozen=True)
class ArrivalDistribution:
    """The Monte Carlo view of a plan."""

    samples: int
    seed: int
    arrive: tuple[datetime | None, datetime | None, datetime | None]  # P10, P50, P90 in the destination's clock
    hours: Quantiles  # door to door
    p_gate_same_day: float | None  # through the gate the day the plan does (None: no gate on the route)
    p_closed_day: float  # held over a weekend, holiday or announced closure
    p_after_dark: float  # arriving after dark
    p_no_opening: float  # no opening within the horizon
    stages: list[StageWait]
    inputs: list[Input]

    def as_json(self) -> dict:
        return {
            "samples": self.samples,
            "seed": self.seed,
            "arrive": _moments_json(self.arrive),
            "door_to_door_hours": self.hours.as_json(),
            "p_gate_same_day": _round(self.p_gate_same_day),
            "p_held_over_closed_day": _round(self.p_closed_day),
            "p_arrive_after_dark": _round(self.p_after_dark),
            "p_no_opening": _round(self.p_no_opening),
            "stages": [
                {
                    "stage": s.stage,
                    "p_wait": _round(s.p_wait),
                    "wait_hours": s.hours.as_json(),
                    "reached": _moments_json(s.reached),
                    "left": _moments_json(s.left),
                }
                for s in self.stages
            ],
            "inputs": [vars(i) for i in self.inputs],
        }


def _moments_json(moments: Moments) -> dict[str, str | None]:
    return dict(zip(("p10", "p50", "p90"), (m.isoformat() if m else None for m in moments), strict=True))


def _round(p: float | None) -> float | None:
    return None if p is None else round(p, 4)


def quantiles(values: np.ndarray, levels=LEVELS) -> list[float | None]:
    """Sample quantiles (inverted CDF); NaN samples count as infinitely late."""
    filled = np.where(np.isnan(values), np.inf, values)
    found = np.quantile(filled, levels, method="inverted_cdf")
    return [float(v) if np.isfinite(v) else None for v in found]


def summarise(samples: Samples, *, seed: int, destination_zone: Any, darkness: Any = None,
              planned_gate: float | None = None) -> ArrivalDistribution:  # fmt: skip
    """Summarise a Monte Carlo walk. ``darkness`` is the destination's :class:`~overland.timing.daylight.Darkness`;
    ``planned_gate`` when the plan passes the gate (the samples passing it that day are counted)."""
    arrive, depart = samples.arrive, samples.depart
    n = arrive.size
    arrive_q = quantiles(arrive)
    hours = Quantiles(*[(q / 3600 if q is not None else None) for q in quantiles(arrive - depart)])
    gate = gate_of(samples.program)
    p_gate = None
    if gate is not None:
        stage = samples.stages[gate]
        zone = samples.program.checks[gate].zone
        if planned_gate is not None:
            planned = np.full(stage.processed.shape, planned_gate)
            p_gate = float(same_local_day(zone, planned, stage.processed).mean())
        else:
            set_out = samples.set_out if samples.set_out is not None else stage.reached
            p_gate = float(same_local_day(zone, set_out, stage.processed).mean())
    p_dark = 0.0
    finite = arrive[~np.isnan(arrive)]
    if darkness is not None and finite.size:
        p_dark = float(in_spans(darkness.arrays(float(finite.min()), float(finite.max())), arrive).sum() / n)
    stages = []
    for stage, op in zip(samples.stages, samples.program.checks, strict=True):
        wait = stage.start - stage.reached
        reached, left = quantiles(stage.reached), quantiles(stage.end)
        stages.append(
            StageWait(
                stage.node,
                float((wait > 0).sum() / n),
                Quantiles(*[(q / 3600 if q is not None else None) for q in quantiles(wait)]),
                reached=(_moment(reached[0], op.zone), _moment(reached[1], op.zone), _moment(reached[2], op.zone)),
                left=(_moment(left[0], op.zone), _moment(left[1], op.zone), _moment(left[2], op.zone)),
            )
        )
    inputs = []
    for op in samples.program.checks:
        if op.processing is not None and not isinstance(op.processing.value, int | float):
            inputs.append(
                Input(op.node, "processing", f"{op.duration_dist.describe()} min", op.processing.claim.status)
            )
        for delay, dist in zip(op.stage.opening_delays, op.delay_dists, strict=True):
            at = f" at {delay.opens_at}" if delay.opens_at else ""
            inputs.append(Input(op.node, f"opening delay{at}", f"{dist.describe()} min", delay.minutes.claim.status))
    shift = max((op.opening_spread for op in samples.program.checks), default=0.0)
    if shift:
        inputs.append(Input("every post", "hours", f"moved up to {shift / 60:g} min either way, opening and closing "
                            "together (triangular)", samples.program.status("opening_spread")))  # fmt: skip
    queue = next((op.queue for op in samples.program.checks if op.queue is not None), None)
    if queue is not None:
        inputs.append(Input("every post", "queue before processing", f"{queue.describe()} min",
                            samples.program.status("queue_minutes")))  # fmt: skip
    inputs.extend(_estimated_inputs(samples))
    for move in samples.program.ops:  # a passenger's rides whose services' durations are distributions
        if isinstance(move, Drive) and move.ride is not None:
            drawn, duration = move.ride.duration, move.ride.service.duration_minutes
            if drawn is not None and duration is not None and not isinstance(duration.value, int | float):
                inputs.append(Input(move.start, f"{move.ride.title}: duration", f"{drawn.describe()} min",
                                    duration.claim.status))  # fmt: skip
    return ArrivalDistribution(
        samples=n, seed=seed,
        arrive=(_moment(arrive_q[0], destination_zone), _moment(arrive_q[1], destination_zone),
                _moment(arrive_q[2], destination_zone)),
        hours=hours, p_gate_same_day=p_gate, p_closed_day=float(samples.closed_day.sum() / n),
        p_after_dark=p_dark, p_no_opening=float(np.isnan(arrive).sum() / n), stages=stages, inputs=inputs,
    )  # fmt: skip


def _estimated_inputs(samples: Samples) -> list[Input]:
    """A line per day off the calendar only estimates that some sample met at a stage it shuts (waited
    through it or passed that day): each sample drew whether it is off (the plan keeps it off)."""
    met: dict[tuple, list[str]] = {}
    for node, low, high, guesses in samples.guessed:
        stage = samples.stages[next(i for i, op in enumerate(samples.program.checks) if op.node == node)]
        with np.errstate(invalid="ignore"):
            touched = (stage.reached < high) & (stage.start >= low)
        if touched.any() and node not in met.setdefault(guesses, []):
            met[guesses].append(node)
    p_off = samples.program.estimated_off
    found = []
    for guesses, nodes in met.items():
        days = " and ".join(f"{day:%a %d %b %Y} in {code}" for code, day in guesses)
        found.append(Input(", ".join(nodes), f"day off {days} (only estimated by the calendar)",
                           f"off in {p_off:.0%} of samples, open in the rest", samples.program.status("estimated_day_off")))  # fmt: skip
    return found


def _moment(t: float | None, zone: Any) -> datetime | None:
    return datetime.fromtimestamp(round(t), zone) if t is not None else None
