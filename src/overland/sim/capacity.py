"""The smallest crane/track configuration that carries a target tonnage within a dwell limit.

The arrivals of every flow are scaled so that they bring the target tons a year
(same shapes, shorter gaps). Then:

1. Cranes start at the fewest that could do the lifting at all (offered lift hours
   per hour, over the share of the day they work and are not broken, plus one);
   tracks of each gauge at the fewest that could hold the trains being worked.
2. For a number of cranes, the configuration is simulated; while it misses the
   target and trains queue for tracks, one track is added to the gauge whose trains
   queue longest. When the tracks no longer queue, one crane is added and the
   tracks start again from their lower bounds.
3. The first configuration that meets the target is the answer: the fewest cranes
   that can do it, with the fewest tracks this greedy search finds for them.

A configuration meets the target when its mean tonnage over the replications is at
least ``(1 - tolerance)`` of the target (arrivals are random) and the mean of the
chosen dwell statistic (P90 by default) is within the limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from overland.sim.kpis import Estimate, Report
from overland.sim.scenario import GAUGES_ORDER, TerminalParams

STATISTICS = {"mean": "dwell_mean_h", "p50": "dwell_p50_h", "p90": "dwell_p90_h", "max": "dwell_max_h"}
QUEUE_SIGNIFICANT = 0.05  # mean trains waiting for a track below which tracks are not the bottleneck


@dataclass(frozen=True)
class Trial:
    """One configuration tried and how it did."""

    cranes: int
    standard: int
    broad: int
    tons_per_year: Estimate
    dwell_h: Estimate
    queue_standard: float
    queue_broad: float
    crane_utilisation: float
    meets: bool

    @property
    def label(self) -> str:
        return f"{self.cranes} cranes, {self.standard}+{self.broad} tracks (1435+1520 mm)"


@dataclass(frozen=True)
class CapacityResult:
    """The answer of :func:`find_capacity`: the configuration found (or None) and every trial."""

    target_tons: float
    max_dwell_h: float
    statistic: str
    best: Trial | None
    trials: list[Trial]
    limit_reason: str | None = None


def lower_bounds(params: TerminalParams) -> tuple[int, dict]:
    """The fewest cranes that could do the lifting, and the fewest tracks per gauge, for ``params``."""
    hours_per_day = sum(end - start for start, end in params.working_hours)
    availability = hours_per_day / 24
    if params.breakdown_between is not None and params.breakdown_repair is not None:
        up = params.breakdown_between.mean() * params.breakdown_between.factor
        down = params.breakdown_repair.mean() * params.breakdown_repair.factor
        availability *= up / (up + down)
    lift_h = params.crane_move.mean() * params.crane_move.factor
    yard_lift_h = params.yard_move.mean() * params.yard_move.factor
    share = params.direct_share
    lift_hours = 0.0
    track_hours = {g: 0.0 for g in GAUGES_ORDER}
    for flow in params.flows:
        rate = 1 / (flow.interarrival.mean() * flow.interarrival.factor)  # trains an hour
        boxes = flow.boxes.mean()
        work = boxes * (share * lift_h + (1 - share) * 2 * yard_lift_h)
        lift_hours += rate * work
        on_track = boxes * lift_h / min(params.max_cranes_per_train, params.cranes)
        track_hours[flow.arrival_gauge] += rate * on_track
        track_hours[flow.departure_gauge] += rate * on_track * (1 if share > 0 else 0)
    cranes = math.floor(lift_hours / availability) + 1
    tracks = {g: max(1, math.floor(track_hours[g]) + 1) for g in GAUGES_ORDER}
    return cranes, tracks


def find_capacity(
    params: TerminalParams,
    *,
    target_tons: float,
    max_dwell_h: float,
    evaluate: Callable[[TerminalParams], Report],
    statistic: str = "p90",
    tolerance: float = 0.03,
    max_cranes: int = 40,
    max_tracks: int = 80,
    on_trial: Callable[[Trial], None] | None = None,
) -> CapacityResult:
    """Search the smallest configuration meeting the target (see the module docstring).

    ``evaluate`` simulates a configuration (the replications and their seeds are its
    business: use the same seeds for every configuration, so that they are compared
    on the same arrivals). ``on_trial`` is told of every trial as it ends.
    """
    if statistic not in STATISTICS:
        msg = f"statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}"
        raise ValueError(msg)
    key = STATISTICS[statistic]
    scaled = params.with_tons_per_year(target_tons)
    first_cranes, _ = lower_bounds(scaled)
    trials: list[Trial] = []
    tried: dict[tuple[int, int, int], Trial] = {}

    def trial(cranes: int, standard: int, broad: int) -> Trial:
        config = (cranes, standard, broad)
        if config in tried:
            return tried[config]
        report = evaluate(scaled.with_config(cranes=cranes, standard=standard, broad=broad))
        s = report.summary
        tons = s["tons_per_year"]
        dwell = s[key]
        meets = tons.mean >= (1 - tolerance) * target_tons and dwell.mean == dwell.mean and dwell.mean <= max_dwell_h
        result = Trial(
            cranes, standard, broad, tons, dwell,
            s["queue_mean_standard"].mean, s["queue_mean_broad"].mean, s["crane_utilisation"].mean, meets,
        )  # fmt: skip
        tried[config] = result
        trials.append(result)
        if on_trial is not None:
            on_trial(result)
        return result

    previous_best = math.inf
    stalled = 0
    for cranes in range(first_cranes, max_cranes + 1):
        _, bounds = lower_bounds(scaled.with_config(cranes=cranes))
        standard, broad = bounds[GAUGES_ORDER[0]], bounds[GAUGES_ORDER[1]]
        best_here = math.inf
        while standard + broad <= max_tracks:
            result = trial(cranes, standard, broad)
            if result.meets:
                return CapacityResult(target_tons, max_dwell_h, statistic, result, trials)
            best_here = min(best_here, result.dwell_h.mean if result.dwell_h.mean == result.dwell_h.mean else math.inf)
            if max(result.queue_standard, result.queue_broad) < QUEUE_SIGNIFICANT:
                break  # the tracks are not what holds it back: more cranes
            if result.queue_standard >= result.queue_broad:
                standard += 1
            else:
                broad += 1
        stalled = stalled + 1 if best_here >= 0.98 * previous_best else 0
        previous_best = min(previous_best, best_here)
        if stalled >= 2:
            reason = (
                f"more cranes and tracks no longer shorten the {statistic} dwell (about {previous_best:.1f} h): "
                f"the limit of {max_dwell_h:g} h is below what the holds and the yard take"
            )
            return CapacityResult(target_tons, max_dwell_h, statistic, None, trials, reason)
    reason = f"no configuration up to {max_cranes} cranes and {max_tracks} tracks meets the target"
    return CapacityResult(target_tons, max_dwell_h, statistic, None, trials, reason)
