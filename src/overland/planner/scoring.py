"""Scoring predictions against what happened: the P50's error, interval coverage, CRPS, PIT.

A prediction is a sample of values (hours) and the observed value (hours, on the same
axis). Scores:

* ``error``: the P50 minus the observed value (positive: the model said later or longer);
* ``inside80`` / ``inside90``: the observed value inside P10–P90 / P5–P95 (ends included);
* ``crps``: the continuous ranked probability score of the sample (hours; lower is better,
  a proper score: it rewards a sharp prediction only where it is right), by ``scoringrules``;
* ``interval``: the interval score of the P10–P90 band (hours; Gneiting and Raftery's, by
  ``scoringrules``): its width, plus ten times how far the observed value falls outside it. The
  proper score of that band: its least expected value is the band that holds 80 % of the values;
* ``pit``: the probability integral transform, the share of the sample below the observed
  value (ties count half), uniform on [0, 1] when the predictions are calibrated.

Pure: numbers in, numbers out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

LEVELS = (0.05, 0.1, 0.5, 0.9, 0.95)
NOMINAL = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)  # central intervals of the reliability diagram


def crps(observed: float, draws: np.ndarray) -> float:
    """The CRPS of the sample ``draws`` for the value ``observed`` (same unit as both)."""
    import scoringrules

    return float(scoringrules.crps_ensemble(float(observed), np.asarray(draws, dtype=float)))


def interval_score(observed: float, p10: float, p90: float) -> float:
    """The interval score of the central 80 % band [``p10``, ``p90``] for the value ``observed``."""
    import scoringrules

    return float(scoringrules.interval_score(float(observed), p10, p90, 0.2))


def pit(observed: float, draws: np.ndarray) -> float:
    """The share of ``draws`` below ``observed``, ties counted half (the mid PIT, so a point mass on the
    observed value gives one half)."""
    values = np.asarray(draws, dtype=float)
    return float(((values < observed).sum() + 0.5 * (values == observed).sum()) / values.size)


@dataclass(frozen=True)
class Score:
    """How one prediction fared (hours)."""

    observed: float
    p05: float
    p10: float
    p50: float
    p90: float
    p95: float
    crps: float
    pit: float
    interval: float  # the interval score of the P10-P90 band

    @property
    def error(self) -> float:
        """P50 minus the observed value: positive when the model said later or longer."""
        return self.p50 - self.observed

    @property
    def inside80(self) -> bool:
        return self.p10 <= self.observed <= self.p90

    @property
    def inside90(self) -> bool:
        return self.p05 <= self.observed <= self.p95

    def as_json(self) -> dict[str, Any]:
        return {
            "observed_hours": round(self.observed, 3),
            "p05": round(self.p05, 3), "p10": round(self.p10, 3), "p50": round(self.p50, 3),
            "p90": round(self.p90, 3), "p95": round(self.p95, 3),
            "error_hours": round(self.error, 3), "inside_p10_p90": self.inside80, "inside_p5_p95": self.inside90,
            "crps_hours": round(self.crps, 4), "pit": round(self.pit, 4),
            "interval_score_hours": round(self.interval, 4),
        }  # fmt: skip


def score(observed: float, draws: np.ndarray) -> Score:
    """Score the sample ``draws`` against ``observed``."""
    values = np.asarray(draws, dtype=float)
    q = np.quantile(values, LEVELS, method="inverted_cdf")
    p05, p10, p50, p90, p95 = (float(v) for v in q)
    return Score(observed, p05, p10, p50, p90, p95, crps=crps(observed, values), pit=pit(observed, values),
                 interval=interval_score(observed, p10, p90))  # fmt: skip


@dataclass(frozen=True)
class Summary:
    """Scores of a group of predictions."""

    count: int
    inside80: float | None  # share inside P10-P90
    inside90: float | None
    median_abs_error: float | None  # hours
    mean_crps: float | None
    mean_pit: float | None
    mean_interval: float | None = None  # the interval score of the P10-P90 band, on average

    def as_json(self) -> dict[str, Any]:
        def r(x: float | None, digits: int = 3) -> float | None:
            return None if x is None else round(x, digits)

        return {
            "facts": self.count, "inside_p10_p90": r(self.inside80), "inside_p5_p95": r(self.inside90),
            "median_abs_error_hours": r(self.median_abs_error), "mean_crps_hours": r(self.mean_crps, 4),
            "mean_pit": r(self.mean_pit), "mean_interval_score_hours": r(self.mean_interval, 4),
        }  # fmt: skip


def summarise(scores: Sequence[Score]) -> Summary:
    """Coverage, the median absolute error of the P50, the mean CRPS and mean PIT of ``scores``."""
    if not scores:
        return Summary(0, None, None, None, None, None)
    n = len(scores)
    return Summary(
        count=n,
        inside80=sum(s.inside80 for s in scores) / n,
        inside90=sum(s.inside90 for s in scores) / n,
        median_abs_error=float(np.median([abs(s.error) for s in scores])),
        mean_crps=math.fsum(s.crps for s in scores) / n,
        mean_pit=math.fsum(s.pit for s in scores) / n,
        mean_interval=math.fsum(s.interval for s in scores) / n,
    )


def reliability(scores: Sequence[Score], nominal: Sequence[float] = NOMINAL) -> list[tuple[float, float]]:
    """(nominal, observed) coverage of the central intervals: the share of PITs within ``nominal / 2`` of one half.

    A calibrated model lies on the diagonal; below it the intervals are too narrow.
    """
    pits = np.array([s.pit for s in scores])
    if not pits.size:
        return []
    return [(a, float((np.abs(pits - 0.5) <= a / 2 + 1e-12).mean())) for a in nominal]


def pit_histogram(scores: Sequence[Score], bins: int = 10) -> list[int]:
    """How many PITs fall in each of ``bins`` equal bins of [0, 1] (flat when calibrated)."""
    pits = np.clip(np.array([s.pit for s in scores]), 0, 1 - 1e-12)
    counts, _ = np.histogram(pits, bins=bins, range=(0.0, 1.0))
    return [int(c) for c in counts]
