"""The smallest crane/track configuration that carries a target tonnage within a dwell limit.

The arrivals of every flow are scaled so that they bring the target tons a year
(same shapes, shorter gaps). Then:

1. Cranes start at the fewest that could do the lifting at all (offered lift hours
   per hour, over the share of the day they work and are not broken, plus one).
2. Each number of cranes is tried with ample tracks (twice the fewest that could
   hold the trains being worked, at least as many as cranes, plus two; doubled while
   trains still queue for them). Too few cranes miss the target whatever the tracks:
   then one more crane.
3. For the first number of cranes that meets the target, bisection finds the fewest
   1435 mm tracks (with ample 1520 mm ones), then the fewest 1520 mm tracks. More
   cranes or tracks are taken never to make things worse (every configuration runs on
   the same arrivals, which keeps the comparison steady).

The answer is the fewest cranes that can do it, with the fewest tracks of each gauge for them.
When the throughput is met but two more cranes in a row shorten the dwell by less
than 2 % each, the limit is out of reach (the holds and yard waits alone exceed it)
and the search stops with the reason.

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
STALL = 0.02  # a crane more that shortens the dwell by less than this share, twice in a row, is no help


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


def crane_availability(params: TerminalParams) -> float:
    """The share of the time a crane may lift: within the working hours and not under repair."""
    availability = sum(end - start for start, end in params.working_hours) / 24
    if params.breakdown_between is not None and params.breakdown_repair is not None:
        up = params.breakdown_between.mean() * params.breakdown_between.factor
        down = params.breakdown_repair.mean() * params.breakdown_repair.factor
        availability *= up / (up + down)
    return availability


def lower_bounds(params: TerminalParams) -> tuple[int, dict]:
    """The fewest cranes that could do the lifting, and the fewest tracks per gauge, for ``params``."""
    availability = crane_availability(params)
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

    def ample(cranes: int) -> int:
        _, bounds = lower_bounds(scaled.with_config(cranes=cranes))
        return max(cranes, 2 * max(bounds.values())) + 2

    best_dwell = math.inf
    stalled = 0
    for cranes in range(first_cranes, max_cranes + 1):
        many = min(ample(cranes), max_tracks // 2)
        result = trial(cranes, many, many)
        while not result.meets and max(result.queue_standard, result.queue_broad) >= QUEUE_SIGNIFICANT:
            if 2 * many > max_tracks // 2:
                break
            many *= 2  # trains still queue for tracks: "ample" was not
            result = trial(cranes, many, many)
        if not result.meets:
            # Too few cranes, whatever the tracks. Unless more cranes no longer help at all.
            dwell = result.dwell_h.mean if result.dwell_h.mean == result.dwell_h.mean else math.inf
            carried = result.tons_per_year.mean >= (1 - tolerance) * target_tons
            stalled = stalled + 1 if carried and dwell >= (1 - STALL) * best_dwell else 0
            best_dwell = min(best_dwell, dwell)
            if stalled >= 2:
                reason = (
                    f"more cranes no longer shorten the {statistic} dwell (about {best_dwell:.1f} h at best, "
                    f"limit {max_dwell_h:g} h): the holds and the wait for trains in the yard take longer"
                )
                return CapacityResult(target_tons, max_dwell_h, statistic, None, trials, reason)
            continue
        # The fewest 1435 mm tracks with ample 1520 mm ones, then the fewest 1520 mm tracks.
        standard = _fewest(lambda s: trial(cranes, s, many).meets, many)
        broad = _fewest(lambda b: trial(cranes, standard, b).meets, many)
        best = trial(cranes, standard, broad)
        return CapacityResult(target_tons, max_dwell_h, statistic, best, trials)
    reason = f"no configuration up to {max_cranes} cranes and {max_tracks} tracks meets the target"
    return CapacityResult(target_tons, max_dwell_h, statistic, None, trials, reason)


def _fewest(meets: Callable[[int], bool], high: int) -> int:
    """The smallest ``n`` in 1..``high`` with ``meets(n)``, given ``meets(high)`` (bisection; assumes monotone)."""
    low = 0  # meets(low) is taken as False
    while high - low > 1:
        mid = (low + high) // 2
        if meets(mid):
            high = mid
        else:
            low = mid
    return high
