"""Calibration: a stage's processing time learned from crossing reports, with the sourced data as the prior.

An empirical-Bayes blend. The data's distribution of a stage's processing time counts
as ``prior_weight`` pseudo-observations; each report's observed time counts as one
observation, weighted down by its age with a half-life (``0.5 ** (age / half_life)``,
so a report ``half_life`` days old counts half as much as one from ``as_of``). The
result is a :class:`~overland.model.distributions.Mixture` of the prior (weight
``prior_weight``) and an :class:`~overland.model.distributions.Empirical` of the
observed minutes with their weights (weight: the sum of those weights). With few or old
reports the data dominates; with many recent ones the observations do. Being a mixture,
it has a median (the deterministic plan) and draws (the Monte Carlo plan) like any
distribution in the data, so the planner needs no change: :func:`calibrate` returns a
:class:`Catalog` whose stages carry the blended distribution as their default claim,
status ``derived``, with the data's own claims kept beside it.

Pure: no I/O, no clock. The reports come in as :class:`Observation` values and the
date the ages are counted from as ``as_of``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from overland.model.catalog import Catalog
from overland.model.crossing import MinutesValue, Mode
from overland.model.distributions import (
    Constant,
    Distribution,
    Empirical,
    Mixture,
    Part,
)
from overland.model.provenance import Fact, Status
from overland.model.report import Observation

HALF_LIFE_DAYS = 180.0
PRIOR_WEIGHT = 5.0
MAX_SHARE = 0.25  # of a stage's whole weight (the prior's included), for one sender and for one day's reports
SPAN_FACTOR = 8.0  # a report's minutes are kept within the prior's P5 / 8 and P95 × 8
MAX_OBSERVATIONS = 1000  # the newest ones per stage and mode; older ones weigh next to nothing anyway
MIN_WEIGHT = 1e-9  # an observation never weighs less (keeps the mixture's weights positive)


@dataclass(frozen=True, slots=True)
class StageCalibration:
    """How one stage's processing time for one mode was calibrated."""

    stage: str  # crossing/stage
    mode: Mode
    reports: int
    first: date
    last: date
    observed_share: float  # the observations' share of the blend's weight
    prior_median: float  # minutes
    median: float  # minutes, of the blend
    half_life_days: float
    prior_weight: float

    def describe(self) -> str:
        """One line: ``torugart/gate: 12 reports (2026-05-01 to 2026-11-20), P50 45 min (data 30 min)``."""
        span = self.first.isoformat() if self.first == self.last else f"{self.first} to {self.last}"
        return (
            f"{self.stage}: {self.reports} report{'s' if self.reports != 1 else ''} ({span}), "
            f"{self.observed_share:.0%} of the weight → P50 {self.median:.0f} min (data {self.prior_median:.0f} min)"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "mode": self.mode.value,
            "reports": self.reports,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "observed_share": round(self.observed_share, 4),
            "prior_p50_minutes": round(self.prior_median, 1),
            "p50_minutes": round(self.median, 1),
            "half_life_days": self.half_life_days,
            "prior_weight": self.prior_weight,
        }


@dataclass(frozen=True)
class Calibration:
    """The calibrated catalog and what was calibrated in it."""

    catalog: Catalog
    stages: tuple[StageCalibration, ...]


Windows = dict[tuple[str, date, date], tuple[tuple[datetime, datetime], ...]]


def open_minutes(catalog: Catalog, obs: Observation, known: Windows | None = None) -> tuple[float | None, float | None]:
    """The minutes the stage was open (by the data's hours) between ``started`` and ``finished``, and the
    longest opening of the stage in the week after; (None, None) without both times.

    The planner counts a stage's processing in its open hours, each check within one
    opening; a report whose check ran across the midday break says wall-clock minutes
    that include the break. Pure: the schedule comes from the catalog. The stage's windows are
    read over whole UTC days (from the day before ``started`` to a week after ``finished``) and
    kept in ``known`` when given, so reports of the same days share them.
    """
    if obs.started is None or obs.finished is None or obs.finished < obs.started:
        return None, None
    from overland.planner.schedule import stage_schedule

    first = obs.started.astimezone(UTC).date() - timedelta(days=1)
    last = obs.finished.astimezone(UTC).date() + timedelta(days=8)
    key = (obs.ref, first, last)
    windows = known.get(key) if known is not None else None
    if windows is None:
        crossing, stage_id, _ = catalog.stage(obs.ref)
        start = datetime.combine(first, time(0), tzinfo=UTC)
        schedule = stage_schedule(
            crossing, stage_id, catalog.countries, start, datetime.combine(last, time(0), tzinfo=UTC)
        )
        windows = tuple(schedule.windows)
        if known is not None:
            known[key] = windows
    inside = (
        sum(max((min(end, obs.finished) - max(start, obs.started)).total_seconds(), 0) for start, end in windows) / 60
    )
    longest = max(((end - start).total_seconds() / 60 for start, end in windows), default=None)
    return inside, longest


def learned_minutes(catalog: Catalog, obs: Observation, known: Windows | None = None) -> tuple[float, bool]:
    """The processing minutes a report teaches: its open minutes (its wall-clock minutes when it gives no
    times, or when the data says the stage was shut all along), at most the stage's longest opening.
    The flag says whether the value was cut to that opening.
    """
    inside, longest = open_minutes(catalog, obs, known)
    value = obs.processing_minutes if not inside else inside
    assert value is not None  # only observations with a processing time are learned from
    if longest is not None and value > longest:
        return longest, True
    return value, False


class Learned:
    """What each report teaches about its stage, kept between calibrations of one catalog.

    A server calibrates again whenever reports arrive; all but the new ones were read
    before. Reading what a report teaches means expanding its stage's open windows over its
    days, most of a calibration's cost; this keeps the windows of each stage and day range
    and the minutes of each report. Bounded: past ``limit`` entries it starts again empty.
    """

    def __init__(self, catalog: Catalog, limit: int = 20_000) -> None:
        self.catalog = catalog
        self.limit = limit
        self._windows: Windows = {}
        self._minutes: dict[Observation, tuple[float, bool]] = {}

    def minutes(self, obs: Observation) -> tuple[float, bool]:
        """:func:`learned_minutes` of ``obs`` on this memo's catalog."""
        found = self._minutes.get(obs)
        if found is None:
            if len(self._minutes) + len(self._windows) > self.limit:
                self._minutes.clear()
                self._windows.clear()
            found = self._minutes[obs] = learned_minutes(self.catalog, obs, self._windows)
        return found


def recency_weight(day: date, as_of: date, half_life_days: float) -> float:
    """``0.5 ** (age / half_life_days)``, the age in days counted back from ``as_of`` (none for a later day)."""
    age = max((as_of - day).days, 0)
    return max(0.5 ** (age / half_life_days), MIN_WEIGHT)


def capped_weights(weights: Sequence[float], groups: Sequence[Sequence[Any]], prior_weight: float,
           share: float = MAX_SHARE) -> list[float]:  # fmt: skip
    """``weights`` scaled down so that, for each grouping in ``groups`` (one key per weight, e.g. the sender,
    the day; None: a group of its own), no group holds more than ``share`` of the total weight, the
    prior's included. A burst of reports from one sender or on one day then moves a stage's time by a
    bounded amount, whatever their number."""
    scaled = list(weights)
    for _ in range(50):  # scaling a group down lowers the total: repeat until no group is over
        changed = False
        total = prior_weight + sum(scaled)
        for keys in groups:
            sums: dict[Any, float] = defaultdict(float)
            for key, weight in zip(keys, scaled, strict=True):
                if key is not None:
                    sums[key] += weight
            for key, held in sums.items():
                limit = share * total
                if held > limit * (1 + 1e-9):
                    factor = limit / held
                    scaled = [w * factor if k == key else w for k, w in zip(keys, scaled, strict=True)]
                    changed = True
        if not changed:
            break
    return [max(w, MIN_WEIGHT) for w in scaled]


def as_distribution(value: float | Distribution) -> Distribution:
    """A number of minutes as a constant; a distribution as it is."""
    if isinstance(value, int | float):
        return Constant(kind="constant", value=float(value))
    return value


def blend(
    prior: float | Distribution,
    values: Sequence[float],
    weights: Sequence[float],
    *,
    prior_weight: float = PRIOR_WEIGHT,
) -> Mixture:
    """The prior as ``prior_weight`` pseudo-observations mixed with ``values`` weighted by ``weights``.

    Values are rounded to a tenth of a minute and equal ones merged (their weights
    added), which keeps the distribution small without moving it.
    """
    if len(values) != len(weights) or not values:
        msg = "blend needs one weight per value and at least one value"
        raise ValueError(msg)
    if not prior_weight > 0:
        msg = f"the prior's weight must be more than 0, not {prior_weight:g}"
        raise ValueError(msg)
    dist = as_distribution(prior)
    if isinstance(dist, Mixture):
        total = sum(part.weight for part in dist.parts)
        parts = [Part(weight=prior_weight * part.weight / total, value=part.value) for part in dist.parts]
    else:
        parts = [Part(weight=prior_weight, value=dist)]
    merged: dict[float, float] = defaultdict(float)
    for value, weight in zip(values, weights, strict=True):
        if value < 0 or not math.isfinite(value) or not weight > 0:
            msg = f"an observation needs a time of at least 0 minutes and a weight above 0 (got {value}, {weight})"
            raise ValueError(msg)
        merged[round(value, 1)] += weight
    atoms = sorted(merged)
    observed = Empirical(kind="empirical", values=atoms, weights=[merged[v] for v in atoms])
    parts.append(Part(weight=sum(merged.values()), value=observed))
    return Mixture(kind="mixture", parts=parts)


def quantile(dist: Distribution, q: float) -> float:
    """The smallest value whose cdf reaches ``q`` (bisection on the cdf; exact on atoms)."""
    if not 0 < q < 1:
        msg = f"q must be between 0 and 1, not {q}"
        raise ValueError(msg)
    for atom in sorted(dist.atoms):
        if dist.cdf(atom) >= q - 1e-12 and (atom == 0 or dist.cdf(atom * (1 - 1e-12)) < q - 1e-12):
            return atom
    lo, hi = 0.0, 1.0
    while dist.cdf(hi) < q:
        hi *= 2
    for _ in range(100):
        mid = (lo + hi) / 2
        if dist.cdf(mid) >= q:
            hi = mid
        else:
            lo = mid
    return hi


def empirical_quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile of ``values`` by linear interpolation between order statistics; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def calibrate(
    catalog: Catalog,
    observations: Iterable[Observation],
    *,
    as_of: date,
    half_life_days: float = HALF_LIFE_DAYS,
    prior_weight: float = PRIOR_WEIGHT,
    modes: Iterable[Mode] | None = None,
    learned: Learned | None = None,
) -> Calibration:
    """``catalog`` with the processing time of every stage and mode that has observations blended with them.

    ``modes`` limits the calibration to some modes (all when left out). Observations of
    stages the catalog does not know, or without a processing time, are left out. The
    blended claim is the default, status ``derived``; the data's claims stay beside it.
    ``learned`` keeps what each report teaches for the next calibration of the same catalog.
    """
    if not half_life_days > 0:
        msg = f"the half-life must be more than 0 days, not {half_life_days:g}"
        raise ValueError(msg)
    wanted = set(modes) if modes is not None else None
    groups: dict[tuple[str, str, Mode], list[Observation]] = defaultdict(list)
    for obs in observations:
        if obs.processing_minutes is None or (wanted is not None and obs.mode not in wanted):
            continue
        crossing = catalog.crossings.get(obs.crossing)
        if crossing is None or obs.stage not in crossing.stages:
            continue
        groups[(obs.crossing, obs.stage, obs.mode)].append(obs)
    if not groups:
        return Calibration(catalog, ())

    crossings = dict(catalog.crossings)
    stage_updates: dict[str, dict[str, Any]] = defaultdict(dict)
    used: list[StageCalibration] = []
    if learned is None or learned.catalog is not catalog:
        learned = Learned(catalog)
    for (crossing_id, stage_id, mode), group in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2].value)
    ):
        stage = stage_updates[crossing_id].get(stage_id) or crossings[crossing_id].stages[stage_id]
        group = sorted(group, key=lambda o: o.day, reverse=True)[:MAX_OBSERVATIONS]
        weights = capped_weights([recency_weight(o.day, as_of, half_life_days) for o in group],
                                 [[o.reporter for o in group], [o.day for o in group]], prior_weight)  # fmt: skip
        fact = stage.processing_for(mode)
        prior = as_distribution(fact.value) if fact is not None else Constant(kind="constant", value=0.0)
        minutes = [learned.minutes(o) for o in group]
        low, high = _span(prior)
        mixed = blend(prior, [min(max(value, low), high) for value, _ in minutes], weights, prior_weight=prior_weight)
        capped = sum(cut for _, cut in minutes)
        first, last = min(o.day for o in group), max(o.day for o in group)
        share = sum(weights) / (sum(weights) + prior_weight)  # after the caps
        said = fact.claim.status.value if fact is not None else "none in the data"
        derived_from = (
            f"{len(group)} report{'s' if len(group) != 1 else ''} from {first.isoformat()} to {last.isoformat()}, "
            f"half-life {half_life_days:g} days, blended with the data's prior "
            f"({prior.describe()} min, {said}) weighing {prior_weight:g} reports; no sender and no day above "
            f"{MAX_SHARE:.0%} of the weight, minutes kept within {low:.0f}-{high:.0f}; minutes counted in the "
            f"stage's open hours" + (f", {capped} cut to its longest opening" if capped else "")
        )
        claim: dict[str, Any] = {
            "status": Status.derived.value, "derived_from": derived_from, "default": True,
            "value": mixed.model_dump(by_alias=True, exclude_none=True),
        }  # fmt: skip
        others = (
            [c.model_dump(by_alias=True, exclude_none=True) | {"default": False} for c in fact.root] if fact else []
        )
        new_fact = Fact[MinutesValue].model_validate([claim, *others])
        processing = dict(stage.processing_minutes) | {mode.value: new_fact}
        stage_updates[crossing_id][stage_id] = stage.model_copy(update={"processing_minutes": processing})
        used.append(StageCalibration(
            stage=f"{crossing_id}/{stage_id}", mode=mode, reports=len(group), first=first, last=last,
            observed_share=share, prior_median=prior.median(), median=mixed.median(),
            half_life_days=half_life_days, prior_weight=prior_weight,
        ))  # fmt: skip
    for crossing_id, stages in stage_updates.items():
        crossing = crossings[crossing_id]
        crossings[crossing_id] = crossing.model_copy(update={"stages": dict(crossing.stages) | stages})
    return Calibration(replace(catalog, crossings=crossings), tuple(used))


def _span(prior: Distribution) -> tuple[float, float]:
    """The minutes a report may teach: from the prior's P5 / ``SPAN_FACTOR`` to its P95 × ``SPAN_FACTOR``
    (up to a day for a stage the data gives no time)."""
    if not prior.mean() > 0:
        return 0.0, 24 * 60.0
    return quantile(prior, 0.05) / SPAN_FACTOR, quantile(prior, 0.95) * SPAN_FACTOR


def observed_summary(observations: Sequence[Observation]) -> dict[str, Any]:
    """What reports saw at a stage, unweighted: how many, the first and last day, P50 and P90 minutes of
    waiting (arrived → started) and of processing (started → finished)."""

    def stats(values: list[float]) -> dict[str, Any]:
        return {
            "count": len(values),
            "p50": _round(empirical_quantile(values, 0.5)),
            "p90": _round(empirical_quantile(values, 0.9)),
        }

    days = [o.day for o in observations]
    return {
        "observations": len(observations),
        "first": min(days).isoformat() if days else None,
        "last": max(days).isoformat() if days else None,
        "wait_minutes": stats([o.wait_minutes for o in observations if o.wait_minutes is not None]),
        "processing_minutes": stats([o.processing_minutes for o in observations if o.processing_minutes is not None]),
    }


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None
