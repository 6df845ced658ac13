"""The backtest and the fit: the planner scored on observed crossings, and its assumed numbers fitted to them.

A *knob* is a number of the data that no source gives (a processing time or an opening
delay marked ``assumed``) on a post some observations pass. Its candidates are a small grid
around the assumed value: for a processing time, lognormals whose median is the assumed one
times 0.25 to 8 and whose P90 is 1.5 or 3 times the median; for a delay that is a mixture of
"no delay" and "late", the share of late openings from 0 to 0.9. The assumed value itself is
always a candidate (the first). The spreads are knobs too: around every processing time the data
gives as one number (a P90 of 1.5 or 2 times it), around every road leg's time (1.25 to 2 times),
and, for each post, a spread of its own around its single-number times (:data:`POST_SPREADS`, or
the global one). The global processing spread stops at 2: it reaches the posts no account passes,
and wider ones move whole plans by days (VALIDATION.md); wider spreads are taken post by post.
Knobs as well: how far every post's hours move on a day (:data:`OPENING_SPREADS`, minutes either
way), the queue in front of every post (:data:`QUEUES`) and, for the replays alone, the window in
which a traveller whose account does not say when they set off leaves the last town
(:data:`START_WINDOWS`, hours after the night).

Fitting chooses, knob after knob (the global spreads, the posts in the order they are passed,
the global spreads again, then each post's own spread), the candidate with the least summed
interval score of the P10–P90 band over the facts it can change (the nearest to the assumed value
within :data:`TOLERANCE` of it), on posts with at least ``min_support`` observations (fewer leave
the assumed value, or the global spread). The interval score is the proper score of the band the
issue measures (its least expected value is the band holding 80 % of the values); the CRPS, the
score of the whole distribution, chose sharper bands that held fewer facts out of sample
(VALIDATION.md). The backtest scores three models:

* ``before``: every knob at its assumed value (the data before any fit);
* ``shipped``: the data as it stands (in sample for values already fitted from these observations);
* ``after``: leave-one-out: each observation predicted with the knobs fitted on all the others.

Values fitted earlier are recognised by their ``derived_from``, which starts with
:data:`FITTED_MARK`; the assumed value they replaced is the claim kept beside them, and is the
prior the fit starts from again. Pure: the planner, the observations and the seed come in.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from overland.model.catalog import Uncertainty
from overland.model.distributions import Constant, Distribution, Exponential, Lognormal, Mixture, Part
from overland.model.observed import ObservedCrossing
from overland.model.provenance import Fact, Status
from overland.planner.backtest import DAY_ANCHOR, Replay, Setup, Skipped, Target, run, setup
from overland.planner.program import Check, Drive, Program, minutes_distribution, spread
from overland.planner.scoring import Score, score
from overland.planner.search import Planner
from overland.planner.trip import Traveller

FITTED_MARK = "fitted by overland backtest"
MEDIAN_FACTORS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
SPREADS = (1.5, 3.0)  # P90 / median of a candidate lognormal
LATE_SHARES = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9)
PROCESSING_SPREADS = (1.5, 2.0)  # P90 / median around every processing time given as one number (wider: per post)
POST_SPREADS = (1.5, 2.0, 3.0, 4.0, 6.0, 8.0)  # the same at one post, where at least MIN_SUPPORT accounts pass it
ROAD_SPREADS = (1.25, 1.5, 2.0)  # P90 / median of road legs' times
OPENING_SPREADS = (15.0, 30.0, 60.0)  # minutes either side of a post's hours that it may open
START_WINDOWS = (2.0, 4.0, 6.0, 8.0)  # hours after the night within which a start no account gives is drawn
# A queue in front of every post: none, or with this chance one of an exponential length with this mean (minutes).
# The chance stays under a half: plans count no queue, so the data's queue must have a median of none.
QUEUES = tuple((share, mean) for share in (0.15, 0.3) for mean in (15.0, 30.0))
# A knob moves further from the assumed value only for at least this much less summed score: closer
# than that, 300 samples cannot tell the candidates apart, and the choice would flip with the seed.
TOLERANCE = 0.01
PASSES = 4  # passes of the coordinate search over all the knobs, at most: it stops at the first that moves none
START = "unknown-start-hours"  # the window a replay's start is drawn in when its account gives none (replays only)
QUEUE = "queue-minutes"  # the queue in front of every post: a distribution, not a ratio
GLOBAL = ("processing-spread", "road-spread", "opening-spread", START, QUEUE)
GLOBAL_GRIDS = {"processing-spread": PROCESSING_SPREADS, "road-spread": ROAD_SPREADS,
                "opening-spread": OPENING_SPREADS, START: START_WINDOWS}  # fmt: skip
GLOBAL_NAMES = {"processing-spread": "processing spread (P90/median)", "road-spread": "road time spread (P90/median)",
                "opening-spread": "opening spread (minutes either side of the hours)",
                START: "an unknown start: hours after the night it is drawn within",
                QUEUE: "queue in front of every post (minutes)"}  # fmt: skip
GLOBAL_NONE = {"processing-spread": 1.0, "road-spread": 1.0, "opening-spread": 0.0, START: 0.0}  # left out of the data
NO_QUEUE = Constant(kind="constant", value=0.0)
POST_SPREAD = "post-spread"  # a post's own spread around its single-number processing times
GLOBAL_SPREAD = Constant(kind="constant", value=0.0)  # a post's spread candidate: none of its own, the global one
MIN_SUPPORT = 3


@dataclass(frozen=True)
class Knob:
    """An assumed number the fit may change: a stage's processing time (under ``key``) or an opening delay."""

    stage: str  # crossing/stage ('*' for the whole model)
    what: str  # "processing all", "processing cn-kg/all", "opening delay at 14:00", a spread
    fact: Fact | None = field(repr=False)
    delay: int | None  # the index of the opening delay (None: processing)
    prior: Distribution
    fitted_before: bool  # the data's default is already a value fitted by the backtest
    candidates: tuple[Distribution, ...] = field(repr=False)
    scope: str = "stage"  # or one of GLOBAL: a ratio (a constant) for every single-number time or road leg,
    # or POST_SPREAD: the ratio around the post's own single-number processing times (GLOBAL_SPREAD: the global one)

    def applies(self, op: Check) -> bool:
        if self.scope == POST_SPREAD:
            return op.node == self.stage
        if self.scope != "stage":
            return False
        if self.delay is None:
            return op.processing is self.fact
        delays = op.stage.opening_delays
        return self.delay < len(delays) and delays[self.delay].minutes is self.fact

    def set(self, op: Check, value: Distribution, ratio: float = 1.0) -> Check:
        if self.delay is None:
            value = spread(value, ratio)
            return replace(op, duration_dist=value, duration=value.median() * 60)
        dists = list(op.delay_dists)
        dists[self.delay] = value
        return replace(op, delay_dists=tuple(dists))


def _prior(fact: Fact) -> tuple[Any, bool] | None:
    """The assumed value of ``fact`` (the claim a backtest fit replaced, or the default when assumed)."""
    chosen = fact.claim
    if chosen.status is Status.derived and (chosen.derived_from or "").startswith(FITTED_MARK):
        kept = next((c for c in fact.root if c is not chosen and c.status is Status.assumed), None)
        return (kept.value, True) if kept is not None else None
    if chosen.status is Status.assumed:
        return chosen.value, False
    return None


def _processing_candidates(prior: Distribution) -> tuple[Distribution, ...]:
    """The assumed time, then lognormals from the nearest to it (median the same, then halved or doubled,
    ...; the narrower first): on a near-tie the fit keeps the nearest (:data:`TOLERANCE`)."""
    median = prior.median() or 10.0
    found: list[Distribution] = [prior]
    for factor in sorted(MEDIAN_FACTORS, key=lambda f: (abs(math.log(f)), f)):
        for ratio in SPREADS:
            m = round(median * factor, 1)
            found.append(Lognormal(kind="lognormal", median=m, p90=round(m * ratio, 1)))
    return tuple(found)


def _delay_candidates(prior: Distribution) -> tuple[Distribution, ...] | None:
    """Late shares for a mixture of 'no delay' (a constant 0) and one late part; None for other shapes."""
    if not isinstance(prior, Mixture) or len(prior.parts) != 2:
        return None
    on_time = [p for p in prior.parts if isinstance(p.value, Constant) and p.value.value == 0]
    late = [p for p in prior.parts if p not in on_time]
    if len(on_time) != 1 or len(late) != 1:
        return None
    found: list[Distribution] = [prior]
    for share in LATE_SHARES:
        if share == 0:
            found.append(Constant(kind="constant", value=0.0))
            continue
        parts = [Part(weight=round(1 - share, 4), value=on_time[0].value), Part(weight=share, value=late[0].value)]
        found.append(Mixture(kind="mixture", parts=parts))
    return tuple(found)


def _queues() -> list[Distribution]:
    """The queue's candidates after none: with a chance of :data:`QUEUES`, one of exponential length."""
    return [Mixture(kind="mixture", parts=[Part(weight=round(1 - share, 4), value=NO_QUEUE),
                                           Part(weight=share, value=Exponential(kind="exponential", mean=mean))])
            for share, mean in QUEUES]  # fmt: skip


def global_knobs(uncertainty: Uncertainty | None) -> list[Knob]:
    """The spreads around single-number processing times, around road times and around posts' openings
    (``data/uncertainty.yaml``)."""
    found = []
    for scope in GLOBAL:
        fact = getattr(uncertainty, scope.replace("-", "_")) if uncertainty is not None else None
        prior = _prior(fact) if fact is not None else None
        if fact is not None and prior is None:
            continue  # sourced or derived otherwise: not the fit's to change
        candidates: tuple[Distribution, ...]
        if scope == QUEUE:
            first = minutes_distribution(prior[0]) if prior is not None else NO_QUEUE
            candidates = (first, *(q for q in _queues() if q != first))
        else:
            value = float(prior[0]) if prior is not None else GLOBAL_NONE[scope]
            candidates = (Constant(kind="constant", value=value),
                          *(Constant(kind="constant", value=r) for r in GLOBAL_GRIDS[scope] if r != value))  # fmt: skip
        before = prior is not None and prior[1]
        found.append(Knob("*", GLOBAL_NAMES[scope], fact, None, candidates[0], before, candidates, scope))
    return found


def post_spread_knobs(programs: Sequence[Program], uncertainty: Uncertainty | None) -> list[Knob]:
    """A spread of its own for each post whose processing time some program reads as one number.

    Its first candidate is :data:`GLOBAL_SPREAD` (the post follows the global spread), then the
    ratios of :data:`POST_SPREADS`. A post whose spread the data gives otherwise than as a
    backtest fit (sourced, say) is not the fit's to change.
    """
    own = uncertainty.processing_spread_at if uncertainty is not None else {}
    found: dict[str, Knob] = {}
    for program in programs:
        for op in program.checks:
            if op.node in found or op.processing is None:
                continue
            assumed = _prior(op.processing)  # the same knobs whether or not a fit was written to the data
            if not any(isinstance(v, int | float) for v in (op.processing.value, assumed and assumed[0])):
                continue
            fact = own.get(op.node)
            prior = _prior(fact) if fact is not None else None
            if fact is not None and prior is None:
                continue
            candidates = (GLOBAL_SPREAD, *(Constant(kind="constant", value=r) for r in POST_SPREADS))
            found[op.node] = Knob(op.node, "processing spread at the post (P90/median)", fact, None, GLOBAL_SPREAD,
                                  prior is not None and prior[1], candidates, POST_SPREAD)  # fmt: skip
    return list(found.values())


def knobs_of(programs: Sequence[Program]) -> list[Knob]:
    """The assumed numbers the programs' posts read, in the order the posts are passed, each once."""
    found: dict[int, Knob] = {}
    for program in programs:
        for op in program.checks:
            stage = op.stage
            if op.processing is not None and id(op.processing) not in found:
                prior = _prior(op.processing)
                if prior is not None:
                    key = next(k for k, v in stage.processing_minutes.items() if v is op.processing)
                    dist = minutes_distribution(prior[0])
                    found[id(op.processing)] = Knob(op.node, f"processing {key}", op.processing, None, dist,
                                                    prior[1], _processing_candidates(dist))  # fmt: skip
            for i, delay in enumerate(stage.opening_delays):
                if id(delay.minutes) in found:
                    continue
                prior = _prior(delay.minutes)
                if prior is None:
                    continue
                dist = minutes_distribution(prior[0])
                candidates = _delay_candidates(dist)
                if candidates is not None:
                    what = f"opening delay at {delay.opens_at}" if delay.opens_at else "opening delay"
                    found[id(delay.minutes)] = Knob(op.node, what, delay.minutes, i, dist, prior[1], candidates)
    return list(found.values())


def describe(knob: Knob, value: Distribution) -> str:
    """A candidate of ``knob`` in words (a post's spread that is the global one says so)."""
    if knob.scope == POST_SPREAD and value == GLOBAL_SPREAD:
        return "the global spread"
    return value.describe()


def with_values(program: Program, values: Sequence[tuple[Knob, Distribution]]) -> Program:
    """``program`` with each knob's posts reading the given distribution, the spreads set (a spread not given
    is none: every single number drawn as itself)."""
    if not values:
        return program
    ratios = {k.scope: v.median() for k, v in values if k.scope in GLOBAL}
    ratio, road, opening = (ratios.get(scope, GLOBAL_NONE[scope]) for scope in GLOBAL[:3])
    queues = [v for k, v in values if k.scope == QUEUE]  # none: the posts keep their own
    queue = queues[0] if queues and queues[0] != NO_QUEUE else None
    posts = {k.stage: v.median() for k, v in values if k.scope == POST_SPREAD and v != GLOBAL_SPREAD}
    ops: list[Drive | Check] = []
    for op in program.ops:
        if isinstance(op, Drive):
            ops.append(replace(op, spread=road))
            continue
        own = minutes_distribution(op.processing.value) if op.processing is not None else minutes_distribution(0)
        for knob, value in values:
            if knob.scope == "stage" and knob.applies(op):
                if knob.delay is None:
                    own = value
                else:
                    op = knob.set(op, value)
        ops.append(replace(op, duration_dist=spread(own, posts.get(op.node, ratio)), duration=own.median() * 60,
                           opening_spread=opening * 60, queue=queue if queues else op.queue))  # fmt: skip
    return replace(program, ops=tuple(ops))


@dataclass(frozen=True)
class Fitted:
    """A knob's choice on all the observations, and how many observations and facts it rests on."""

    knob: Knob
    value: Distribution
    observations: int
    facts: int
    loss_before: float  # the interval score summed over its facts, at the assumed value (hours)
    loss_after: float  # at the chosen value, in sample
    loo_choices: dict[str, int]  # how often each candidate (described) was chosen leaving one out


@dataclass(frozen=True)
class Scored:
    """One fact, predicted by a model, and its score."""

    target: Target
    score: Score


@dataclass(frozen=True)
class Backtest:
    """The planner held against the observations: each model's scored facts, the fit, what was left out."""

    samples: int
    seed: int
    observations: int
    models: dict[str, list[Scored]]  # 'before', 'shipped', 'after' (leave-one-out)
    fitted: list[Fitted]
    knobs: list[Knob]
    skipped: list[Skipped]
    anchors: dict[str, str]  # observation id -> where its replay starts
    written_only: bool = False  # only the numbers the data has from a fit were refitted


def _seed(seed: int, obs: ObservedCrossing) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(obs.id.encode())])


class _Runner:
    """Replays with caching: one replay per observation and set of knob values it reads."""

    def __init__(self, setups: list[Setup], knobs: list[Knob], samples: int, seed: int) -> None:
        self.setups = setups
        self.knobs = knobs
        self.samples = samples
        self.seed = seed
        self.cache: dict[tuple[int, tuple[int, ...]], Replay] = {}
        self.scores: dict[tuple[int, tuple[int, ...]], list[Score]] = {}
        # Which knobs each observation's posts read, and from which check on they matter.
        self.reads: list[dict[int, int]] = []
        for s in setups:
            reads: dict[int, int] = {}
            if s.program is not None:
                for k, knob in enumerate(knobs):
                    if knob.scope in GLOBAL and (knob.scope != START or s.anchor == DAY_ANCHOR):
                        reads[k] = -1
                for j, op in enumerate(s.program.checks):
                    for k, knob in enumerate(knobs):
                        if knob.applies(op):
                            reads.setdefault(k, j)
            self.reads.append(reads)
        self.upto = [[_upto(s, t) for t in s.targets] for s in setups]

    def _key(self, i: int, choice: Sequence[int]) -> tuple[int, tuple[int, ...]]:
        return (i, tuple(choice[k] for k in sorted(self.reads[i])))

    def replay(self, i: int, choice: Sequence[int]) -> Replay:
        s = self.setups[i]
        read = tuple(sorted(self.reads[i]))
        key = self._key(i, choice)
        found = self.cache.get(key)
        if found is None:
            program = None
            window = None
            if s.program is not None and read:
                values = [(self.knobs[k], self.knobs[k].candidates[choice[k]]) for k in read]
                program = with_values(s.program, values)
                window = next((v.median() * 3600 for knob, v in values if knob.scope == START), None)
            found = run(s, samples=self.samples, rng=_seed(self.seed, s.observation), program=program, window=window)
            self.cache[key] = found
        return found

    def shipped(self, i: int) -> Replay:
        key = (i, (-1,))
        found = self.cache.get(key)
        if found is None:
            s = self.setups[i]
            found = run(s, samples=self.samples, rng=_seed(self.seed, s.observation))
            self.cache[key] = found
        return found

    def affected(self, k: int, i: int) -> list[int]:
        """The targets of observation ``i`` knob ``k`` can change."""
        j = self.reads[i].get(k)
        return [] if j is None else [n for n, upto in enumerate(self.upto[i]) if j <= upto]

    def scored(self, i: int, choice: Sequence[int]) -> list[Score]:
        key = self._key(i, choice)
        found = self.scores.get(key)
        if found is None:
            replay = self.replay(i, choice)
            found = [score(t.observed, d) for t, d in zip(replay.targets, replay.draws, strict=True)]
            self.scores[key] = found
        return found

    def loss(self, i: int, choice: Sequence[int], targets: list[int]) -> float:
        """The interval score of the P10-P90 band summed over the facts ``targets`` of observation ``i``."""
        found = self.scored(i, choice)
        return sum(found[n].interval for n in targets)

    def choose(self, train: Sequence[int], min_support: int) -> list[int]:
        """Each knob's candidate (index) with the least summed interval score on ``train``, knob after knob, in passes
        over all the knobs until a pass changes none (at most ``PASSES``)."""
        choice = [0] * len(self.knobs)
        spreads = [k for k, knob in enumerate(self.knobs) if knob.scope in GLOBAL]
        posts = [k for k, knob in enumerate(self.knobs) if knob.scope == POST_SPREAD]
        stages = [k for k, knob in enumerate(self.knobs) if knob.scope == "stage"]
        self._pass(train, min_support, choice, [*spreads, *stages, *spreads, *posts])
        for _ in range(PASSES - 1):
            if not self._pass(train, min_support, choice, [*spreads, *stages, *posts]):
                break
        return choice

    def _pass(self, train: Sequence[int], min_support: int, choice: list[int], order: list[int]) -> bool:
        """Set each knob of ``order`` in ``choice`` to its best candidate given the others; True when one moved."""
        moved = False
        for k in order:
            knob = self.knobs[k]
            support = [(i, self.affected(k, i)) for i in train]
            support = [(i, t) for i, t in support if t]
            if len(support) < min_support:
                continue
            totals = []
            for c in range(len(knob.candidates)):
                trial = [*choice[:k], c, *choice[k + 1 :]]
                totals.append(sum(self.loss(i, trial, t) for i, t in support))
            least = min(totals)
            # The one chosen so far while it stays within the tolerance (so a pass moves a knob only for a
            # real gain, and the passes end); else the first within it: the candidates go from the assumed
            # value outwards.
            if totals[choice[k]] <= least * (1 + TOLERANCE):
                best = choice[k]
            else:
                best = next(c for c, total in enumerate(totals) if total <= least * (1 + TOLERANCE))
            moved |= best != choice[k]
            choice[k] = best
        return moved


def _upto(s: Setup, t: Target) -> int:
    """The last check (index in the replay's program) whose numbers can change the prediction of ``t``."""
    assert s.program is not None
    index = {op.node: j for j, op in enumerate(s.program.checks)}
    if t.kind == "arrived":
        return len(s.program.checks) - 1
    if t.kind == "reached":
        return index[t.node] - 1
    return max(index[n] for n in t.stages)


def backtest(
    planner: Planner,
    observations: Sequence[ObservedCrossing],
    traveller: Callable[[ObservedCrossing], Traveller],
    *,
    samples: int = 300,
    seed: int = 0,
    fit: bool = True,
    written_only: bool = False,
    min_support: int = MIN_SUPPORT,
    progress: Callable[[int], None] | None = None,
) -> Backtest:
    """Replay ``observations`` and score every fact under each model (see the module's docstring).

    ``traveller(obs)`` is the traveller of the observation's mode. Without ``fit`` only the data
    as it stands is scored ('shipped'). With ``written_only`` only the numbers the data already has
    from a fit are refitted (each fold from their assumed values); every other number stays as the
    data has it, so 'after' is the data as shipped, out of sample. ``progress(n)`` is called as
    observations are done.
    """
    setups = [setup(planner, obs, traveller(obs)) for obs in observations]
    skipped = [k for s in setups for k in s.skipped]
    anchors = {s.observation.id: s.anchor for s in setups if s.targets}
    programs = [s.program for s in setups if s.program is not None and s.targets]
    uncertainty = planner.catalog.uncertainty
    knobs = [*global_knobs(uncertainty), *knobs_of(programs), *post_spread_knobs(programs, uncertainty)] if fit else []
    if written_only:
        knobs = [k for k in knobs if k.fitted_before]
    runner = _Runner(setups, knobs, samples, seed)

    def scored(replay: Replay) -> list[Scored]:
        return [Scored(t, score(t.observed, d)) for t, d in zip(replay.targets, replay.draws, strict=True)]

    models: dict[str, list[Scored]] = {"shipped": []}
    for i in range(len(setups)):
        models["shipped"] += scored(runner.shipped(i))
    if progress:
        progress(1)
    fitted: list[Fitted] = []
    if fit and knobs:
        everyone = list(range(len(setups)))
        prior = [0] * len(knobs)
        models["before"] = [x for i in everyone for x in scored(runner.replay(i, prior))]
        best = runner.choose(everyone, min_support)
        loo: list[list[int]] = []
        after: list[Scored] = []
        for i in everyone:
            if setups[i].targets:
                others = [j for j in everyone if j != i]
                choice = runner.choose(others, min_support)
                after += scored(runner.replay(i, choice))
                loo.append(choice)
            if progress:
                progress(1)
        models["after"] = after
        for k, knob in enumerate(knobs):
            support = [(i, t) for i in everyone if (t := runner.affected(k, i))]
            picks: dict[str, int] = {}
            for choice in loo:
                name = describe(knob, knob.candidates[choice[k]])
                picks[name] = picks.get(name, 0) + 1
            fitted.append(
                Fitted(
                    knob=knob, value=knob.candidates[best[k]], observations=len(support),
                    facts=sum(len(t) for _, t in support),
                    loss_before=sum(runner.loss(i, prior, t) for i, t in support),
                    loss_after=sum(runner.loss(i, best, t) for i, t in support),
                    loo_choices=picks,
                )
            )  # fmt: skip
    elif progress:
        progress(len(setups))
    return Backtest(samples, seed, len(observations), models, fitted, knobs, skipped, anchors, written_only)


def _start_kind(t: Target) -> str:
    if t.anchor == "start":
        return "from the account's start"
    if t.anchor.startswith(("reached ", "left ")):
        return "from its first clock time at a post"
    return "from the planner's day"


GROUPINGS: dict[str, Callable[[Target], str]] = {
    "crossing": lambda t: t.crossing,
    "stage": lambda t: f"{t.crossing}/{t.stage}",
    "mode": lambda t: t.mode.value,
    "decade": lambda t: t.decade,
    "fact": lambda t: "clock time" if t.is_time else f"span ({t.kind})",
    "replay": _start_kind,
    "clock": lambda t: f"clock {t.certainty}",
}


def grouped(scored: Sequence[Scored], by: str) -> dict[str, list[Score]]:
    """The scores of ``scored`` by one of :data:`GROUPINGS` (sorted by the group's name)."""
    key = GROUPINGS[by]
    groups: dict[str, list[Score]] = {}
    for item in scored:
        groups.setdefault(key(item.target), []).append(item.score)
    return dict(sorted(groups.items()))
