"""Replaying observed crossings: what the Monte Carlo predicts for each fact an account gives.

An observation (:class:`~overland.model.observed.ObservedCrossing`) is replayed on the
data as it stood on its day: the timetables already take, day by day, the hours claim that
holds and that year's holiday calendars. The replay starts where the account does:

* from its ``start`` (a place and a clock time) when it gives one;
* else from its first clock time at a post of the route (reaching it, or leaving it);
* else, for accounts that state only spans, from the planner's own day: leaving the last
  town with beds before the crossing at the start of the traveller's day (the replay's
  ``anchor`` says so, and the figures keep those spans apart).

The samples then walk the crossing's stages in the account's direction for its mode and
every later fact is predicted: reaching or leaving a post (UTC times), arriving in the town
the replay ends in, and stated spans (a wait in front of a post, the stay at posts, the
processing). Facts the model cannot predict are kept with the reason (no post named, a post
the route does not pass, a part of a stay the model does not separate, a refused crossing).

Pure: no I/O, no clock; the random generator comes in.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import numpy as np

from overland.limits import HORIZON_DAYS
from overland.model.crossing import Crossing, Direction, Mode
from overland.model.leg import Vehicle
from overland.model.observed import Event, ObservedCrossing, Outcome, Part, Timed
from overland.planner import narration
from overland.planner.montecarlo import walk as walk_samples
from overland.planner.network import Route, Step
from overland.planner.program import Check, Program, compile_route
from overland.planner.trip import Traveller

if TYPE_CHECKING:
    from overland.planner.search import Planner

TIME_KINDS = ("reached", "left", "arrived")
SPAN_KINDS = ("wait", "stay", "processing")
DAY_ANCHOR = "the planner's day"


@dataclass(frozen=True)
class Target:
    """One fact of an account, to predict.

    ``observed`` and the predictions are hours: for a time, after the replay's start (so a
    prediction's error is in hours either way); for a span, its length.
    """

    observation: str
    crossing: str
    direction: str
    mode: Mode
    day: date
    kind: str  # reached, left, arrived (times) or wait, stay, processing (spans)
    node: str  # crossing/stage, or the place arrived in
    stages: tuple[str, ...]  # the posts a span covers (crossing/stage)
    observed: float  # hours
    observed_at: datetime | None  # a time: the moment, in the clock the account gives
    certainty: str  # the clock's reading (stated, likely, unsure); 'stated' for spans
    anchor: str  # where the replay starts: 'start', 'reached STAGE', 'left STAGE' or the planner's day
    start: datetime  # when the replay starts
    quote: str

    @property
    def is_time(self) -> bool:
        return self.kind in TIME_KINDS

    @property
    def stage(self) -> str:
        """The post the fact is about (the first one for a span; 'arrival' for a town)."""
        if self.kind == "arrived":
            return "arrival"
        return self.node.split("/", 1)[1]

    @property
    def decade(self) -> str:
        return f"{self.day.year // 10 * 10}s"


@dataclass(frozen=True)
class Skipped:
    """A fact of an account the replay does not predict, and why."""

    observation: str
    what: str
    why: str


@dataclass(frozen=True)
class Replay:
    """The predictions for one account: per target, the sample values (hours), and what was left out."""

    observation: str
    anchor: str
    targets: tuple[Target, ...]
    draws: tuple[np.ndarray, ...]
    skipped: tuple[Skipped, ...]
    program: Program | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Setup:
    """How an account is replayed: the compiled route, where and when the samples set off, what to predict.

    ``pick`` maps each target to the sample values it is predicted by (built once per account;
    the fitting replays the same setup with other distributions).
    """

    observation: ObservedCrossing
    traveller: Traveller
    program: Program | None
    start: float  # UTC seconds
    anchor: str
    targets: tuple[Target, ...]
    picks: tuple[Callable[..., np.ndarray], ...]
    skipped: tuple[Skipped, ...]
    window: float = 0.0  # seconds: a start the account does not give is drawn within this after the day begins


def _route_stages(crossing: Crossing, direction: Direction, mode: Mode) -> list[str]:
    return [f"{crossing.id}/{s}" for s in direction.route if crossing.stages[s].applies_to(mode)]


def day_origin(planner: Planner, first_stage: str, country: str, vehicle: Vehicle) -> str | None:
    """The town with beds nearest (by road time) before ``first_stage``, in ``country``."""
    catalog, network = planner.catalog, planner.network
    best = {first_stage: 0.0}
    queue = [(0.0, first_stage)]
    while queue:
        hours, node = heapq.heappop(queue)
        if hours > best.get(node, float("inf")):
            continue
        if "/" not in node and catalog.place(node).lodging is not None:
            return node
        for nxt, leg in network.adjacent.get(node, ()):
            if "/" in nxt or catalog.place(nxt).country != country:
                continue
            total = hours + leg.hours_for(vehicle)
            if total < best.get(nxt, float("inf")):
                best[nxt] = total
                heapq.heappush(queue, (total, nxt))
    return None


def _after_place(planner: Planner, last_stage: str, country: str) -> str | None:
    """The first town past the last post, in the country entered."""
    for node, _ in planner.network.adjacent.get(last_stage, ()):
        if "/" not in node and planner.catalog.place(node).country == country:
            return node
    return None


def _first_anchor(obs: ObservedCrossing, stages: list[str]) -> Timed | None:
    """The account's earliest clock time at a post of the route."""
    on_route = [t for t in obs.timed if t.stage is not None and f"{obs.crossing}/{t.stage}" in stages]
    return min(on_route, key=lambda t: t.at(obs.date), default=None)


def setup(planner: Planner, obs: ObservedCrossing, traveller: Traveller) -> Setup:
    """Work out how ``obs`` is replayed: route, start, anchor and the targets with how each is predicted."""
    catalog, network = planner.catalog, planner.network
    crossing = catalog.crossing(obs.crossing)
    direction = next(d for d in crossing.directions if d.id == obs.direction)
    mode = obs.mode
    vehicle = Vehicle.of(mode)
    stages = _route_stages(crossing, direction, mode)
    skipped: list[Skipped] = []

    def skip(what: str, why: str) -> None:
        skipped.append(Skipped(obs.id, what, why))

    facts = [_describe_timed(t) for t in obs.timed] + [
        _describe_span(d.part.value, d.stages, d.minutes) for d in obs.durations
    ]
    if obs.outcome is Outcome.turned_back:
        for what in facts:
            skip(what, "the traveller was turned back (the model has no weather closure or refusal to predict)")
        return Setup(obs, traveller, None, 0.0, "", (), (), tuple(skipped))

    # Where and when the samples set off.
    anchor_fact = None
    if obs.start is not None:
        origin, at, anchor = obs.start.place, obs.start.at(obs.date), "start"
        inbound = network.road(origin, stages[0], vehicle)
        first = 0
        if inbound is None:
            for what in facts:
                skip(what, f"no road in the data from {origin} to {stages[0]}")
            return Setup(obs, traveller, None, 0.0, "", (), (), tuple(skipped))
        head = [Step(origin, None), *inbound]
    elif (anchor_fact := _first_anchor(obs, stages)) is not None:
        node = f"{obs.crossing}/{anchor_fact.stage}"
        at, first = anchor_fact.at(obs.date), stages.index(node)
        anchor = f"{anchor_fact.event.value} {anchor_fact.stage}"
        head = [Step(node, None)]
    else:
        found = day_origin(planner, stages[0], direction.from_country, vehicle)
        if found is None:
            for what in facts:
                skip(what, "no town with beds before the crossing in the data")
            return Setup(obs, traveller, None, 0.0, "", (), (), tuple(skipped))
        origin = found
        day_zone = planner.node(origin)[3]  # the day the account's date names, in the clock the day is kept by
        at, anchor, first = datetime.combine(obs.date, time(0), tzinfo=day_zone), DAY_ANCHOR, 0
        inbound = network.road(origin, stages[0], vehicle)
        assert inbound is not None  # the origin was found along the roads to the first stage
        head = [Step(origin, None), *inbound]

    # Where the replay ends: the town the account arrives in, else the first one past the last post.
    towns = [t.place for t in obs.timed if t.place is not None]
    destination: str | None = None
    for town in towns:
        if network.road(stages[-1], town, vehicle) is not None:
            destination = town
            break
    destination = destination or _after_place(planner, stages[-1], direction.to_country)
    outbound = network.road(stages[-1], destination, vehicle) if destination else None
    middle = []
    for a, b in zip(stages[first:], stages[first + 1 :], strict=False):
        leg = network.leg(a, b)
        if leg is None:
            for what in facts:
                skip(what, f"no leg in the data from {a} to {b}")
            return Setup(obs, traveller, None, 0.0, "", (), (), tuple(skipped))
        middle.append(Step(b, leg))
    if outbound is None:
        for what in facts:
            skip(what, f"no road in the data past {stages[-1]}")
        return Setup(obs, traveller, None, 0.0, "", (), (), tuple(skipped))
    route = Route(((crossing, direction),), (*head, *middle, *outbound))
    program = compile_route(route, mode, catalog, network, planner.timetable, planner.node, planner.darkness)
    if anchor_fact is not None and anchor_fact.event is Event.left:
        program = _without_first_check(program)
    blocked = [b for op in program.checks for b in narration.stage_blockers(op, traveller)]
    if blocked:
        for what in facts:
            skip(what, f"the plan is blocked at {blocked[0].stage}: {blocked[0].reason}")
        return Setup(obs, traveller, None, 0.0, "", (), (), tuple(skipped))
    index = {op.node: j for j, op in enumerate(program.checks)}
    start = at.timestamp()
    anchor_index = index.get(f"{obs.crossing}/{anchor_fact.stage}") if anchor_fact is not None else None
    targets: list[Target] = []
    picks: list[Callable[..., np.ndarray]] = []

    def add(target: Target, pick: Callable[..., np.ndarray]) -> None:
        targets.append(target)
        picks.append(pick)

    def target(kind: str, node: str, stages: tuple[str, ...], observed: float, observed_at: datetime | None,
               certainty: str, quote: str) -> Target:  # fmt: skip
        return Target(observation=obs.id, crossing=obs.crossing, direction=obs.direction, mode=mode, day=obs.date,
                      kind=kind, node=node, stages=stages, observed=observed, observed_at=observed_at,
                      certainty=certainty, anchor=anchor, start=at, quote=quote)  # fmt: skip

    for timed in obs.timed:
        what = _describe_timed(timed)
        if timed is anchor_fact:
            continue  # the replay starts there
        moment = timed.at(obs.date)
        if timed.stage is None and timed.place is None:
            skip(what, "no post of the data named (the account's words only)")
            continue
        if moment.timestamp() < start:
            skip(what, "before the replay's start")
            continue
        observed = (moment.timestamp() - start) / 3600
        if timed.place is not None:
            if timed.place != destination:
                skip(what, f"a town the replay does not end in ({destination})")
                continue
            add(target("arrived", timed.place, (), observed, moment, timed.clock_certainty.value, timed.quote),
                lambda s: s.arrive)  # fmt: skip
            continue
        node = f"{obs.crossing}/{timed.stage}"
        j = index.get(node)
        if j is None:
            before = node in stages
            skip(
                what,
                "a post before the replay's start" if before else f"a post the route does not pass for {mode.value}",
            )
            continue
        if anchor_index is not None and j < anchor_index:
            skip(what, "a post before the replay's start")
            continue
        kind = "reached" if timed.event is Event.reached else "left"
        add(target(kind, node, (node,), observed, moment, timed.clock_certainty.value, timed.quote),
            _time_pick(j, kind))  # fmt: skip

    for span in _grouped(obs):
        part, names, minutes, quote = span
        what = _describe_span(part, list(names), minutes)
        if part == Part.part.value:
            skip(what, "a part of the stay the model does not separate")
            continue
        if not names:
            skip(what, "no post named")
            continue
        nodes = tuple(f"{obs.crossing}/{s}" for s in names)
        if any(n not in index for n in nodes):
            before = any(n in stages and n not in index for n in nodes)
            skip(what, "before the replay's start" if before else f"a post the route does not pass for {mode.value}")
            continue
        first_j, last_j = min(index[n] for n in nodes), max(index[n] for n in nodes)
        if anchor_fact is not None and anchor_index is not None:
            if first_j < anchor_index or (first_j == anchor_index and anchor_fact.event is Event.left):
                skip(what, "before the replay's start")
                continue
            if first_j == anchor_index and part == Part.wait.value:
                skip(what, "a wait before the clock time the replay starts from")
                continue
            if any(t.event is Event.left and t.stage == names[-1] for t in obs.timed) and first_j == anchor_index:
                skip(what, "the same span as the account's clock times")
                continue
        add(target(part, nodes[0], nodes, minutes / 60, None, "stated", quote), _span_pick(part, first_j, last_j))
    window = catalog.unknown_start_hours * 3600 if anchor == DAY_ANCHOR else 0.0
    return Setup(obs, traveller, program, start, anchor, tuple(targets), tuple(picks), tuple(skipped), window)


def _time_pick(j: int, kind: str) -> Callable[..., np.ndarray]:
    def pick(s):
        stage = s.stages[j]
        return stage.reached if kind == "reached" else stage.end

    return pick


def _span_pick(part: str, first: int, last: int) -> Callable[..., np.ndarray]:
    def pick(s):
        a, b = s.stages[first], s.stages[last]
        if part == Part.wait.value:
            return a.start - a.reached
        if part == Part.processing.value:
            return b.end - a.start
        return b.end - a.reached

    return pick


def _grouped(obs: ObservedCrossing) -> list[tuple[str, tuple[str, ...], float, str]]:
    """The account's spans, successive ones at the same posts and of the same part added up (the pieces
    of one wait or one stay)."""
    groups: list[tuple[str, tuple[str, ...], float, str]] = []
    for d in obs.durations:
        key = (d.part.value, tuple(d.stages))
        if groups and (groups[-1][0], groups[-1][1]) == key and d.stages:
            part, names, minutes, quote = groups[-1]
            groups[-1] = (part, names, minutes + d.minutes, f"{quote} … {d.quote}")
        else:
            groups.append((*key, d.minutes, d.quote))
    return groups


def _describe_timed(t: Timed) -> str:
    where = t.stage or t.place or repr(t.where)
    return f"{t.event.value} {where} at {t.time}"


def _describe_span(part: str, stages: list[str], minutes: float) -> str:
    return f"{part} {minutes:g} min at {'+'.join(stages) or '(no post)'}"


def _without_first_check(program: Program) -> Program:
    """``program`` without its first check (a replay that starts as the traveller leaves that post)."""
    from dataclasses import replace

    first = next(i for i, op in enumerate(program.ops) if isinstance(op, Check))
    return replace(program, ops=program.ops[:first] + program.ops[first + 1 :])


def run(prepared: Setup, *, samples: int, rng: np.random.Generator, program: Program | None = None,
        window: float | None = None) -> Replay:  # fmt: skip
    """Walk ``samples`` travellers from the setup's start and read each target off them.

    ``program`` replaces the setup's compiled route (the same route with other distributions, when
    fitting), ``window`` the setup's window for a start the account does not give: the samples set
    off uniformly within it after the traveller's quiet hours end (with none, at their end). A
    sample that never gets there within the horizon counts as the horizon's end.
    """
    obs = prepared.observation
    if prepared.program is None or not prepared.targets:
        return Replay(obs.id, prepared.anchor, (), (), prepared.skipped, prepared.program)
    depart = np.full(samples, prepared.start)
    window = prepared.window if window is None else window
    if window:  # the day's start: local midnight, then the end of the quiet hours
        quiet = prepared.traveller.rhythm.quiet
        depart += (quiet[1] if quiet is not None else 0.0) + rng.uniform(0.0, window, samples)
    walked = walk_samples(program or prepared.program, depart, rng, prepared.traveller.rhythm)
    horizon = prepared.start + HORIZON_DAYS * 86400.0
    draws = []
    for target, pick in zip(prepared.targets, prepared.picks, strict=True):
        values = pick(walked)
        if target.is_time:
            values = (np.where(np.isnan(values), horizon, values) - prepared.start) / 3600
        else:
            values = np.where(np.isnan(values), HORIZON_DAYS * 86400.0, values) / 3600
        draws.append(values)
    return Replay(obs.id, prepared.anchor, prepared.targets, tuple(draws), prepared.skipped, prepared.program)


def stages_of(program: Program) -> list[Check]:
    """The checks of a replay's program (for the fitting: which posts a replay passes)."""
    return program.checks
