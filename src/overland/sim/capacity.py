"""How much a terminal can take, and what it needs to take more.

Two questions:

- :func:`sustainable_rate` — *how many trains a day can it take?* The largest arrival
  rate at which the dwell statistic stays within a limit and the queues stay stable
  (the trains unloaded keep up with the trains arriving), with its confidence
  interval over replications, and the curve of dwell against trains a day.
- :func:`find_capacity` — *what would a target need?* The smallest crane/track
  configuration that carries a target tonnage within a dwell limit.

Sustainable rate: every flow's arrivals are scaled together (same shapes, same mix).
A grid of rates from a sixth of the terminal's nominal capacity (cranes and tracks
working flat out, :func:`nominal_trains_per_day`) to a quarter above it is simulated,
each with the same replications (replication ``i`` meets the same random trains,
stretched in time, at every rate). For each replication the largest rate that holds
is refined by bisection up to the next rate that does not; the answer is the mean
over replications with its 95 % interval. A rate *holds* in a run when the trains
unloaded are at least ``1 - STABLE_GAP`` of the trains that arrived in the window and
the dwell statistic is within the limit. Where the dwell fails at low rates but holds
at higher ones (boxes waiting in the yard for a train going their way wait less when
trains are more frequent), the result says so.

Configuration search: the arrivals of every flow are scaled so that they bring the target tons a year
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

from overland.sim.kpis import Estimate, Report, estimate
from overland.sim.scenario import GAUGES_ORDER, TerminalParams

STATISTICS = {"mean": "dwell_mean_h", "p50": "dwell_p50_h", "p90": "dwell_p90_h", "max": "dwell_max_h"}
QUEUE_SIGNIFICANT = 0.05  # mean trains waiting for a track below which tracks are not the bottleneck
STALL = 0.02  # a crane more that shortens the dwell by less than this share, twice in a row, is no help
STABLE_GAP = 0.02  # a run whose unloaded trains fall short of its arrivals by more than this share is unstable
WORSE = 0.05  # more cranes or tracks whose dwell is worse by more than this share (and the noise) is reported


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
    """The answer of :func:`find_capacity`: the configuration found (or None) and every trial.

    ``worse`` lists pairs of trials where more cranes or tracks gave a worse dwell
    (beyond the noise): the search takes more never to be worse, so with such pairs the
    answer may not be the smallest.
    """

    target_tons: float
    max_dwell_h: float
    statistic: str
    best: Trial | None
    trials: list[Trial]
    limit_reason: str | None = None
    worse: tuple[tuple[Trial, Trial], ...] = ()


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
                return CapacityResult(
                    target_tons, max_dwell_h, statistic, None, trials, reason, worse=worse_with_more(trials)
                )
            continue
        # The fewest 1435 mm tracks with ample 1520 mm ones, then the fewest 1520 mm tracks.
        standard = _fewest(lambda s: trial(cranes, s, many).meets, many)
        broad = _fewest(lambda b: trial(cranes, standard, b).meets, many)
        best = trial(cranes, standard, broad)
        return CapacityResult(target_tons, max_dwell_h, statistic, best, trials, worse=worse_with_more(trials))
    reason = f"no configuration up to {max_cranes} cranes and {max_tracks} tracks meets the target"
    return CapacityResult(target_tons, max_dwell_h, statistic, None, trials, reason, worse=worse_with_more(trials))


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


def worse_with_more(trials: list[Trial]) -> tuple[tuple[Trial, Trial], ...]:
    """Pairs ``(fewer, more)`` where more cranes and tracks (none fewer) gave a clearly worse dwell."""
    found = []
    for a in trials:
        for b in trials:
            if b is a or not (b.cranes >= a.cranes and b.standard >= a.standard and b.broad >= a.broad):
                continue
            da, db = a.dwell_h.mean, b.dwell_h.mean
            if da != da or db != db:
                continue
            noise = (a.dwell_h.ci95 or 0.0) + (b.dwell_h.ci95 or 0.0)
            if db > da * (1 + WORSE) + noise:
                found.append((a, b))
    return tuple(found)


# -- how many trains a day ----------------------------------------------------


def nominal_trains_per_day(params: TerminalParams) -> tuple[float, str]:
    """The inbound trains a day the terminal could take working flat out, and what binds.

    Cranes: their lift hours a day (within the working hours, less repairs) over the lift
    hours an inbound train needs (boxes bound for the yard are lifted twice). Tracks: each
    gauge's tracks over the hours a train holds one (placement, its lifts with as many
    cranes as a train may have, and for the emptied train its release). Queueing makes the
    real capacity lower.
    """
    availability = crane_availability(params)
    lift_h = params.crane_move.mean() * params.crane_move.factor
    yard_lift_h = params.yard_move.mean() * params.yard_move.factor
    share = params.direct_share
    placement = params.placement.mean() * params.placement.factor if params.placement is not None else 0.0
    release = params.release.mean() * params.release.factor if params.release is not None else 0.0
    per_crane = min(params.max_cranes_per_train, params.cranes)
    rates = [1 / (f.interarrival.mean() * f.interarrival.factor) for f in params.flows]
    total = sum(rates)
    lift_hours = 0.0
    track_hours = {g: 0.0 for g in GAUGES_ORDER}
    for rate, flow in zip(rates, params.flows, strict=True):
        weight = rate / total
        boxes = flow.boxes.mean()
        lift_hours += weight * boxes * (share * lift_h + (1 - share) * 2 * yard_lift_h)
        lifting = placement + boxes * (share * lift_h + (1 - share) * yard_lift_h) / per_crane
        track_hours[flow.arrival_gauge] += weight * (lifting + release)  # the emptied train is released
        if share > 0:
            track_hours[flow.departure_gauge] += weight * lifting  # the loaded set leaves at its last lift
    bounds = {"cranes": params.cranes * availability * 24 / lift_hours}
    for g in GAUGES_ORDER:
        if track_hours[g] > 0:
            bounds[f"{g.mm} mm tracks"] = params.tracks[g] * 24 / track_hours[g]
    binding = min(bounds, key=bounds.__getitem__)
    return bounds[binding], binding


@dataclass(frozen=True)
class RatePoint:
    """One arrival rate of the curve: what the replications did at it."""

    trains_per_day: float  # offered
    carried_per_day: float  # unloaded, mean over replications
    dwell_h: Estimate  # the dwell statistic
    yard_wait_share: float
    crane_utilisation: float
    track_utilisation: dict[str, float]  # by gauge (standard, broad)
    queue_trains: float  # waiting for a track, both gauges, mean
    holds: int  # replications in which it held
    replications: int


@dataclass(frozen=True)
class RateResult:
    """The answer of :func:`sustainable_rate`.

    ``capacity`` is the largest sustainable rate (trains a day) over the replications,
    ``per_replication`` each replication's; ``at_least`` is True when even the highest
    rate tried held (the capacity is then at least that). ``low_rate_fails`` lists rates
    below the capacity where the dwell exceeded the limit in most replications.
    """

    statistic: str
    max_dwell_h: float
    capacity: Estimate
    per_replication: tuple[float, ...]
    curve: tuple[RatePoint, ...]
    nominal_per_day: float
    binding: str  # what binds at the nominal capacity
    teu_per_train: float
    tons_per_teu: float
    offered_per_day: float  # what the scenario brings
    at_least: bool = False
    low_rate_fails: tuple[float, ...] = ()
    never_holds: bool = False

    def teu_per_year(self, trains_per_day: float) -> float:
        return trains_per_day * 365 * self.teu_per_train

    def tons_per_year(self, trains_per_day: float) -> float:
        return self.teu_per_year(trains_per_day) * self.tons_per_teu

    def at_capacity(self) -> RatePoint | None:
        """The curve's point closest to the capacity from below (what binds there)."""
        below = [p for p in self.curve if p.trains_per_day <= self.capacity.mean]
        return below[-1] if below else None


RunKpis = Callable[[TerminalParams, int], dict[str, float]]


def run_holds(kpis: dict[str, float], key: str, max_dwell_h: float) -> bool:
    """True when a run kept up with its arrivals and its dwell statistic is within the limit."""
    arrived = kpis["train_arrivals_per_h"] * 24
    stable = kpis["trains_per_day"] >= (1 - STABLE_GAP) * arrived
    dwell = kpis[key]
    return stable and dwell == dwell and dwell <= max_dwell_h


def sustainable_rate(
    params: TerminalParams,
    *,
    max_dwell_h: float,
    run: RunKpis,
    replications: int,
    statistic: str = "p90",
    points: int = 10,
    refine: int = 4,
    low: float = 1 / 6,
    high: float = 1.25,
    on_run: Callable[[], None] | None = None,
) -> RateResult:
    """The largest arrival rate the terminal sustains (see the module docstring).

    ``run(params, i)`` simulates replication ``i`` of ``params`` and returns its figures
    (:func:`overland.sim.kpis.run_kpis`); ``on_run`` is told of every run as it ends.
    At most ``(points + refine) * replications`` runs.
    """
    if statistic not in STATISTICS:
        msg = f"statistic must be one of {', '.join(STATISTICS)}, not {statistic!r}"
        raise ValueError(msg)
    if points < 2 or replications < 1:
        msg = "give at least 2 points and 1 replication"
        raise ValueError(msg)
    key = STATISTICS[statistic]
    nominal, binding = nominal_trains_per_day(params)
    rates = [nominal * (low + (high - low) * k / (points - 1)) for k in range(points)]

    def simulate(rate: float, i: int) -> dict[str, float]:
        kpis = run(params.with_trains_per_day(rate), i)
        if on_run is not None:
            on_run()
        return kpis

    grid = [[simulate(rate, i) for i in range(replications)] for rate in rates]
    held = [[run_holds(k, key, max_dwell_h) for k in row] for row in grid]
    per_replication = []
    at_least = False
    for i in range(replications):
        good = [k for k in range(points) if held[k][i]]
        if not good:
            per_replication.append(0.0)
            continue
        top = good[-1]
        if top == points - 1:
            at_least = True
            per_replication.append(rates[top])
            continue
        lo, hi = rates[top], rates[top + 1]
        for _ in range(refine):
            mid = (lo + hi) / 2
            if run_holds(simulate(mid, i), key, max_dwell_h):
                lo = mid
            else:
                hi = mid
        per_replication.append(lo)
    curve = tuple(_point(rate, row, hold, key) for rate, row, hold in zip(rates, grid, held, strict=True))
    capacity = estimate(per_replication)
    low_fails = tuple(
        p.trains_per_day for p in curve if p.trains_per_day < capacity.mean and 2 * p.holds < p.replications
    )
    rates_per_train = params.teu_per_train()
    return RateResult(
        statistic=statistic,
        max_dwell_h=max_dwell_h,
        capacity=capacity,
        per_replication=tuple(per_replication),
        curve=curve,
        nominal_per_day=nominal,
        binding=binding,
        teu_per_train=rates_per_train,
        tons_per_teu=params.tons_per_teu,
        offered_per_day=params.trains_per_day(),
        at_least=at_least,
        low_rate_fails=low_fails,
        never_holds=not any(per_replication),
    )


def _point(rate: float, runs: list[dict[str, float]], holds: list[bool], key: str) -> RatePoint:
    def mean(name: str) -> float:
        values = [r[name] for r in runs if r[name] == r[name]]
        return sum(values) / len(values) if values else math.nan

    return RatePoint(
        trains_per_day=rate,
        carried_per_day=mean("trains_per_day"),
        dwell_h=estimate([r[key] for r in runs]),
        yard_wait_share=mean("yard_wait_share"),
        crane_utilisation=mean("crane_utilisation"),
        track_utilisation={g.value: mean(f"track_utilisation_{g}") for g in GAUGES_ORDER},
        queue_trains=mean("queue_mean_standard") + mean("queue_mean_broad"),
        holds=sum(holds),
        replications=len(runs),
    )
