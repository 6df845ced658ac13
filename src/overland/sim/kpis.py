"""Figures of a run: throughput, dwell, queues, utilisation, the yard; statistics over replications.

Every figure covers the statistics window (after the warm-up). A train's *dwell*
runs from its arrival at the border until the last of its boxes leaves on a train
of the other gauge; its *crane time* from getting a track until its last box is
lifted off. Trains still inside at the end are left out of the dwell figures and
counted in ``trains_unfinished``.

The dwell is cut into its parts, which add up to it: held on arrival, waiting for
tracks (and yard room), at the cranes (from getting its tracks to its last lift), the
departure hold of the set loaded from it, and the wait of its boxes left in the yard
for a later train (``yard_wait``). The time the emptied train still holds its track
(``track_time`` counts it) is not part of its boxes' dwell. The
last part explains a dwell that falls as traffic rises: the more trains, the sooner
one takes the boxes waiting in the yard (``yard_wait_share``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from overland.sim.recorder import GAUGES, RunResult

# Student's t, 97.5 % quantile, by degrees of freedom (for 95 % confidence intervals).
_T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip

# The figures in the order they are shown, with their unit and a short label.
KPI_LABELS: dict[str, tuple[str, str]] = {
    "trains_per_day": ("trains/day", "inbound trains unloaded"),
    "outbound_trains_per_day": ("trains/day", "loaded trains departed"),
    "trains_per_year": ("trains/yr", "inbound trains unloaded, a year"),
    "teu_per_year": ("TEU/yr", "TEU departed, a year"),
    "tons_per_year": ("t/yr", "tons departed, a year"),
    "dwell_mean_h": ("h", "train dwell, mean"),
    "dwell_p50_h": ("h", "train dwell, P50"),
    "dwell_p90_h": ("h", "train dwell, P90"),
    "dwell_max_h": ("h", "train dwell, max"),
    "arrival_hold_mean_h": ("h", "held on arrival, mean"),
    "track_wait_mean_h": ("h", "wait for a track, mean"),
    "crane_time_mean_h": ("h", "at the cranes per train, mean"),
    "departure_hold_mean_h": ("h", "departure hold of its set, mean"),
    "yard_wait_mean_h": ("h", "its boxes wait in the yard, mean"),
    "yard_wait_share": ("share", "share of dwell waiting in the yard"),
    "track_time_mean_h": ("h", "on the transshipment tracks, mean"),
    "crane_wait_mean_h": ("h", "wait for the first lift, mean"),
    "handling_mean_h": ("h", "first to last lift per train, mean"),
    "box_dwell_mean_h": ("h", "box dwell, mean"),
    "queue_mean_standard": ("trains", "waiting for a 1435 mm track, mean"),
    "queue_max_standard": ("trains", "waiting for a 1435 mm track, max"),
    "queue_mean_broad": ("trains", "waiting for a 1520 mm track, mean"),
    "queue_max_broad": ("trains", "waiting for a 1520 mm track, max"),
    "crane_utilisation": ("share", "crane utilisation (lifting)"),
    "crane_down_share": ("share", "cranes broken down"),
    "track_utilisation_standard": ("share", "1435 mm track utilisation"),
    "track_utilisation_broad": ("share", "1520 mm track utilisation"),
    "yard_mean_teu": ("TEU", "yard occupancy, mean"),
    "yard_max_teu": ("TEU", "yard occupancy, max"),
    "trains_inside_mean": ("trains", "trains inside (L), mean"),
    "train_arrivals_per_h": ("trains/h", "train arrival rate (λ)"),
    "boxes_inside_mean": ("boxes", "boxes inside (L), mean"),
    "box_arrivals_per_h": ("boxes/h", "box arrival rate (λ)"),
    "trains_unfinished": ("trains", "trains still inside at the end"),
}


def _percentile(sorted_values: list[float], q: float) -> float:
    """Linear-interpolated percentile ``q`` (0–100) of sorted values (numpy's default method)."""
    if not sorted_values:
        return math.nan
    pos = (len(sorted_values) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (pos - low)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def dwell_hours(result: RunResult) -> list[float]:
    """The dwell of every train that arrived in the window and has left, in hours."""
    w = result.warmup_h
    return [t.t_done - t.t_arrive for t in result.trains if t.t_arrive >= w and t.t_done == t.t_done]


def run_kpis(result: RunResult) -> dict[str, float]:
    """The figures of one run (see :data:`KPI_LABELS`)."""
    p = result.params
    w, end = result.warmup_h, result.horizon_h
    hours = end - w
    days = hours / 24
    per_year = 365 / days
    in_window = [t for t in result.trains if t.t_arrive >= w]
    dwell = sorted(dwell_hours(result))
    unloaded = [t for t in result.trains if w <= t.t_unloaded <= end]
    departed = [r for r in result.outbound if w <= r.t_depart <= end]
    levels = result.levels
    teu = result.window_boxes["departed"] * p.teu_per_box
    done_in_window = [t for t in in_window if t.t_unloaded == t.t_unloaded]
    left = [t for t in in_window if t.t_done == t.t_done]  # the trains of the dwell figures
    yard_wait = [t.t_done - (t.t_direct_left if t.t_direct_left == t.t_direct_left else t.t_unloaded) for t in left]
    dwell_sum = sum(t.t_done - t.t_arrive for t in left)
    k: dict[str, float] = {
        "trains_per_day": len(unloaded) / days,
        "outbound_trains_per_day": len(departed) / days,
        "trains_per_year": len(unloaded) * per_year,
        "teu_per_year": teu * per_year,
        "tons_per_year": teu * p.tons_per_teu * per_year,
        "dwell_mean_h": _mean(dwell),
        "dwell_p50_h": _percentile(dwell, 50),
        "dwell_p90_h": _percentile(dwell, 90),
        "dwell_max_h": dwell[-1] if dwell else math.nan,
        "arrival_hold_mean_h": _mean([t.t_ready - t.t_arrive for t in left]),
        "departure_hold_mean_h": _mean(
            [t.t_direct_left - t.t_unloaded for t in left if t.t_direct_left == t.t_direct_left]
        ),
        "yard_wait_mean_h": _mean(yard_wait),
        "yard_wait_share": sum(yard_wait) / dwell_sum if dwell_sum > 0 else math.nan,
        "crane_time_mean_h": _mean([t.t_unloaded - t.t_track for t in done_in_window]),
        "track_time_mean_h": _mean([t.t_released - t.t_track for t in in_window if t.t_released == t.t_released]),
        "track_wait_mean_h": _mean([t.t_track - t.t_ready for t in done_in_window]),
        "crane_wait_mean_h": _mean([t.t_first_lift - t.t_track for t in done_in_window]),
        "handling_mean_h": _mean([t.t_unloaded - t.t_first_lift for t in done_in_window]),
        "box_dwell_mean_h": result.box_dwell_sum_h / result.box_dwell_count if result.box_dwell_count else math.nan,
        "crane_utilisation": result.crane_busy_h / (p.cranes * hours),
        "crane_down_share": result.crane_down_h / (p.cranes * hours),
        "yard_mean_teu": levels["yard_boxes"].mean(end) * p.teu_per_box,
        "yard_max_teu": levels["yard_boxes"].peak * p.teu_per_box,
        "trains_inside_mean": levels["trains_inside"].mean(end),
        "train_arrivals_per_h": len(in_window) / hours,
        "boxes_inside_mean": levels["boxes_inside"].mean(end),
        "box_arrivals_per_h": result.window_boxes["arrived"] / hours,
        "trains_unfinished": float(sum(1 for t in in_window if t.t_done != t.t_done)),
    }
    for g in GAUGES:
        k[f"queue_mean_{g}"] = levels[f"waiting_{g}"].mean(end)
        k[f"queue_max_{g}"] = levels[f"waiting_{g}"].peak
        k[f"track_utilisation_{g}"] = levels[f"tracks_busy_{g}"].mean(end) / p.tracks[g]
    return {name: k[name] for name in KPI_LABELS}


def t975(df: int) -> float:
    """Student's t 97.5 % quantile for ``df`` degrees of freedom."""
    if df < 1:
        return math.nan
    if df <= len(_T975):
        return _T975[df - 1]
    return 1.96 + 2.4 / df  # within 0.002 of the exact value for df > 30


@dataclass(frozen=True)
class Estimate:
    """The mean over replications and the half-width of its 95 % confidence interval."""

    mean: float
    ci95: float | None  # None with a single replication
    n: int

    @property
    def low(self) -> float:
        return self.mean - (self.ci95 or 0.0)

    @property
    def high(self) -> float:
        return self.mean + (self.ci95 or 0.0)


def estimate(values: list[float]) -> Estimate:
    """Mean and 95 % t-interval half-width of independent replications (nan values left out)."""
    xs = [v for v in values if v == v]
    n = len(xs)
    if n == 0:
        return Estimate(math.nan, None, 0)
    mean = sum(xs) / n
    if n == 1:
        return Estimate(mean, None, 1)
    var = sum((x - mean) ** 2 for x in xs) / (n - 1)
    return Estimate(mean, t975(n - 1) * math.sqrt(var / n), n)


def summarize(runs: list[dict[str, float]]) -> dict[str, Estimate]:
    """Each figure's :class:`Estimate` over the replications."""
    return {name: estimate([r[name] for r in runs]) for name in KPI_LABELS}


@dataclass
class Report:
    """A simulation over several replications: the figures, and what the plots need."""

    scenario: str
    days: float
    warmup_days: float
    seed: int
    replications: int
    runs: list[dict[str, float]]
    summary: dict[str, Estimate]
    dwell_hours: list[float]  # every replication's trains, pooled
    yard_series: list[tuple[float, float, float]]  # first replication: (day, TEU in yard, trains waiting)
    balance: list[dict[str, int]]  # per replication: arrived, departed, on_inbound, in_yard, on_outbound
    events: int | None  # SimPy events over all replications (None when not counted)
    params: Any = field(repr=False, default=None)
    policy: str = ""  # the crane policy and the yard top-up

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "scenario": self.scenario,
            "days": self.days,
            "warmup_days": self.warmup_days,
            "seed": self.seed,
            "replications": self.replications,
            "policy": self.policy,
            "kpis": {
                name: {
                    "mean": _clean(e.mean),
                    "ci95": _clean(e.ci95) if e.ci95 is not None else None,
                    "unit": KPI_LABELS[name][0],
                }
                for name, e in self.summary.items()
            },
            "runs": [{name: _clean(v) for name, v in run.items()} for run in self.runs],
            "boxes": self.balance,
        }


def _clean(value: float | None) -> float | None:
    if value is None or value != value or math.isinf(value):
        return None
    return round(value, 6)
