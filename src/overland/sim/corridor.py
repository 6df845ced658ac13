"""A corridor: several break-of-gauge terminals fed by one stream of trains, with routing between them.

Each terminal (a :class:`~overland.sim.terminal.TerminalModel` in one shared SimPy
environment) keeps its own traffic: the trains its scenario brings. A :class:`Routing`
decides, train by train, where a train goes:

- :class:`ByShare` — every train goes where its scenario sends it: the corridor's traffic
  splits in the shares of the terminals' own traffic, and a closed terminal's trains wait.
- :class:`ByQueue` — a share of the trains (``flexible_share``: those whose shippers
  and paths allow it) goes to the terminal where it expects to wait least: the hours
  until the terminal reopens plus its backlog (trains arrived and not yet unloaded)
  over the trains a day it can unload, plus ``detour_h`` when it is not the train's own.
  A switched train reaches the other terminal ``detour_h`` later.

A train switched to another terminal needs a flow there arriving on the same gauge.
Closures are model-time spans per terminal (see :mod:`overland.sim.calendar`); turning a
dated notice or a holiday calendar into them is the caller's business.

:func:`closure_effect` compares a run with a closure against the same run without it
(same seed: the same trains arrive): the backlog at its peak, how long after reopening
the backlog is back to what it would have been (the first hour from which, over the
next day, it exceeds the run without the closure by at most one train on average), and
how many trains moved elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import simpy
from pydantic import Field

from overland.model.distributions import Duration
from overland.model.place import CountryCode, Id, Zone
from overland.model.provenance import Fact, Strict
from overland.sim.capacity import nominal_trains_per_day
from overland.sim.kpis import Estimate
from overland.sim.recorder import RunResult
from overland.sim.scenario import Share, TerminalParams
from overland.sim.terminal import TerminalModel

if TYPE_CHECKING:
    import numpy as np

CLEAR_MARGIN = 1.0  # trains above the run without the closure, on average over a day, still counted as cleared
CLEAR_HOLD_H = 24.0  # the day over which the backlogs are compared (hourly samples)


@dataclass(frozen=True)
class CorridorTerminal:
    """One terminal of a corridor: its name, parameters and the spans when it is closed."""

    name: str
    params: TerminalParams
    closures: tuple[tuple[float, float], ...] = ()


class Routing:
    """Where an arriving train goes (the index of a terminal)."""

    name = ""
    label = ""

    def attach(self, corridor: CorridorModel) -> None:
        self.corridor = corridor

    def choose(self, own: int, gauge_ok: list[bool], flexible: bool, now: float) -> int:
        raise NotImplementedError


class ByShare(Routing):
    """Every train goes to its own terminal."""

    name = "share"
    label = "by share: each terminal keeps its own trains"

    def choose(self, own: int, gauge_ok: list[bool], flexible: bool, now: float) -> int:
        return own


class ByQueue(Routing):
    """A flexible train goes where it expects to wait least (closure, backlog, detour)."""

    name = "queue"
    label = "by queue"

    def expected_wait(self, i: int, now: float, own: int) -> float:
        model = self.corridor.models[i]
        rate_per_h = self.corridor.rates[i] / 24
        wait = model.calendar.until_open(now) + model.backlog / rate_per_h
        return wait + (self.corridor.detour_h if i != own else 0.0)

    def choose(self, own: int, gauge_ok: list[bool], flexible: bool, now: float) -> int:
        if not flexible:
            return own
        best, best_wait = own, self.expected_wait(own, now, own)
        for i, ok in enumerate(gauge_ok):
            if ok and i != own:
                wait = self.expected_wait(i, now, own)
                if wait < best_wait:
                    best, best_wait = i, wait
        return best


ROUTINGS: dict[str, type[Routing]] = {cls.name: cls for cls in (ByShare, ByQueue)}


@dataclass(frozen=True)
class Switch:
    """A train sent to another terminal than its own."""

    t: float
    origin: int
    target: int
    teu: float


@dataclass
class CorridorResult:
    """What a corridor run recorded: each terminal's run, the switches, the hourly backlogs."""

    names: list[str]
    runs: list[RunResult]
    switches: list[Switch]
    backlog: list[tuple[float, tuple[int, ...]]] = field(default_factory=list)  # (h, backlog per terminal)
    warmup_h: float = 0.0
    horizon_h: float = 0.0


class CorridorModel:
    """One run of a corridor (see the module docstring). Build it, then call :meth:`run`."""

    def __init__(
        self,
        terminals: Sequence[CorridorTerminal],
        rng: np.random.Generator,
        *,
        days: float,
        warmup_days: float = 0.0,
        routing: Routing | None = None,
        flexible_share: float = 0.0,
        detour_h: float = 0.0,
        trace: Callable[[str, float], None] | None = None,
    ) -> None:
        if not 0 <= flexible_share <= 1:
            msg = f"flexible_share must be between 0 and 1, not {flexible_share:g}"
            raise ValueError(msg)
        self.env = env = simpy.Environment()
        self.terminals = list(terminals)
        self.flexible_share = flexible_share
        self.detour_h = detour_h
        self.warmup_h = warmup_days * 24.0
        self.horizon_h = self.warmup_h + days * 24.0
        streams = rng.spawn(2 * len(self.terminals) + 1)
        self.models = [
            TerminalModel(
                t.params,
                streams[2 * i],
                days=days,
                warmup_days=warmup_days,
                env=env,
                own_arrivals=False,
                closures=t.closures,
                name=t.name,
                trace=trace,
            )
            for i, t in enumerate(self.terminals)
        ]
        self.arrival_rng = [streams[2 * i + 1] for i in range(len(self.terminals))]
        self.choice_rng = streams[-1]
        self.rates = [nominal_trains_per_day(t.params)[0] for t in self.terminals]
        self.routing = routing if routing is not None else ByShare()
        self.routing.attach(self)
        self.switches: list[Switch] = []
        self.backlog: list[tuple[float, tuple[int, ...]]] = []

    def run(self) -> CorridorResult:
        env = self.env
        for model in self.models:
            model.start()
        for i, terminal in enumerate(self.terminals):
            flows = terminal.params.flows
            children = self.arrival_rng[i].spawn(2 * len(flows))
            for f, flow in enumerate(flows):
                gap = flow.interarrival.sampler(children[2 * f])
                boxes = flow.boxes.sampler(children[2 * f + 1], to_hours=False)
                env.process(self._arrivals(i, f, gap, boxes))
        env.process(self._sampler())
        env.run(until=self.horizon_h)
        return CorridorResult(
            names=[t.name for t in self.terminals],
            runs=[m.finish() for m in self.models],
            switches=self.switches,
            backlog=self.backlog,
            warmup_h=self.warmup_h,
            horizon_h=self.horizon_h,
        )

    def _flow_for(self, target: int, gauge) -> int | None:
        for f, flow in enumerate(self.terminals[target].params.flows):
            if flow.arrival_gauge is gauge:
                return f
        return None

    def _arrivals(self, own: int, flow_index: int, gap: Callable[[], float], boxes_of: Callable[[], float]):
        env = self.env
        horizon = self.horizon_h
        gauge = self.terminals[own].params.flows[flow_index].arrival_gauge
        gauge_ok = [self._flow_for(j, gauge) is not None for j in range(len(self.terminals))]
        random = self.choice_rng.random
        share = self.flexible_share
        while True:
            yield env.timeout(gap())
            if env.now >= horizon:
                return
            boxes = max(1, round(boxes_of()))
            flexible = random() < share
            target = self.routing.choose(own, gauge_ok, flexible, env.now)
            if target == own:
                self.models[own].admit(flow_index, boxes)
                continue
            teu = boxes * self.terminals[own].params.teu_per_box
            self.switches.append(Switch(env.now, own, target, teu))
            self.models[target].backlog += 1  # on its way: counted where it is going
            flow = self._flow_for(target, gauge)
            assert flow is not None  # the routing chooses among the terminals that take this gauge
            env.process(self._detour(target, flow, boxes))

    def _detour(self, target: int, flow_index: int, boxes: int):
        if self.detour_h > 0:
            yield self.env.timeout(self.detour_h)
        model = self.models[target]
        model.backlog -= 1
        model.admit(flow_index, boxes)

    def _sampler(self):
        env = self.env
        while True:
            self.backlog.append((env.now, tuple(m.backlog for m in self.models)))
            yield env.timeout(1.0)


@dataclass(frozen=True)
class ClosureEffect:
    """What a closure of terminal ``terminal`` did, against the same run without it."""

    peak_backlog: float  # trains, the most waiting at the closed terminal
    base_peak_backlog: float  # the same span without the closure
    clear_h: float  # hours after reopening until the backlog is back (nan: not within the run)
    switched_trains: int  # trains sent elsewhere, more than without the closure
    switched_teu: float


def closure_effect(
    closed: CorridorResult, base: CorridorResult, terminal: int, span: tuple[float, float]
) -> ClosureEffect:
    """Compare ``closed`` with ``base`` (same seed) for a closure of ``terminal`` during ``span`` (model hours)."""
    start, end = span
    both = list(zip(closed.backlog, base.backlog, strict=False))
    during = [(c[1][terminal], b[1][terminal]) for c, b in both if start <= c[0] <= end + 24 * 14]
    peak = max((c for c, _ in during), default=0)
    base_peak = max((b for _, b in during), default=0)
    clear = math.nan
    after = [(c[0], c[1][terminal] - b[1][terminal]) for c, b in both if c[0] >= end]
    hold = int(CLEAR_HOLD_H)
    for k in range(len(after) - hold + 1):
        window = after[k : k + hold]
        if sum(d for _, d in window) / hold <= CLEAR_MARGIN:
            clear = after[k][0] - end
            break
    away = [s for s in closed.switches if s.origin == terminal]
    base_away = [s for s in base.switches if s.origin == terminal]
    return ClosureEffect(
        peak_backlog=float(peak),
        base_peak_backlog=float(base_peak),
        clear_h=clear,
        switched_trains=len(away) - len(base_away),
        switched_teu=sum(s.teu for s in away) - sum(s.teu for s in base_away),
    )


# -- the corridor file ----------------------------------------------------------


class RoutingKind(StrEnum):
    share = "share"
    queue = "queue"


class CorridorTerminalSpec(Strict):
    """A terminal of a corridor file: its scenario, and where its closures come from.

    ``crossing`` names the crossing in ``data/crossings`` whose notices and holiday
    calendars (its stages' ``holidays_of``) may close the terminal; without one,
    ``holidays_of`` lists the countries whose public holidays may.
    """

    scenario: Id
    crossing: Id | None = None
    holidays_of: Fact[list[CountryCode]] | None = None


class CorridorRouting(Strict):
    """How trains are routed between the terminals."""

    kind: Fact[RoutingKind]
    flexible_share: Fact[Share]
    detour: Fact[Duration]


class Corridor(Strict):
    """A corridor file (``data/freight/corridors/<id>.yaml``)."""

    id: Id
    name: str
    description: str | None = None
    clock: Fact[Zone]
    terminals: dict[Id, CorridorTerminalSpec] = Field(min_length=2)
    routing: CorridorRouting


# -- a closure question over replications -------------------------------------------


@dataclass(frozen=True)
class ClosureSpan:
    """A closure of terminal ``terminal`` (index) in model hours, with what it comes from."""

    terminal: int
    start_h: float
    end_h: float
    label: str
    note: str = ""


@dataclass
class CorridorReport:
    """A corridor with and without its closures, over replications (same seeds for both)."""

    corridor: str
    names: list[str]
    days: float
    warmup_days: float
    seed: int
    replications: int
    routing: str
    flexible_share: float
    detour_h: float
    closures: list[ClosureSpan]
    effects: dict[int, list[ClosureEffect]]  # closed terminal → one effect per replication
    kpis: dict[str, dict[str, Estimate]]  # "closed"/"base" name → kpi → estimate (see corridor_kpis)
    backlog: dict[str, list[tuple[float, tuple[float, ...]]]]  # "closed"/"base" → hourly mean backlog per terminal
    origin: Any = None  # the datetime of model time 0, when the caller gave one (for display)

    def effect_estimates(self, terminal: int) -> dict[str, Estimate]:
        from overland.sim.kpis import estimate

        effects = self.effects[terminal]
        return {
            "peak_backlog": estimate([e.peak_backlog for e in effects]),
            "base_peak_backlog": estimate([e.base_peak_backlog for e in effects]),
            "clear_days": estimate([e.clear_h / 24 for e in effects]),
            "uncleared": Estimate(float(sum(1 for e in effects if e.clear_h != e.clear_h)), None, len(effects)),
            "switched_trains": estimate([float(e.switched_trains) for e in effects]),
            "switched_teu": estimate([e.switched_teu for e in effects]),
        }


CORRIDOR_KPIS = ("trains_per_day", "teu_per_year", "dwell_p90_h", "crane_utilisation")


def simulate_corridor(
    terminals: Sequence[CorridorTerminal],
    *,
    corridor: str,
    closures: Sequence[ClosureSpan],
    days: float,
    warmup_days: float,
    seed: int,
    replications: int,
    routing: str,
    flexible_share: float,
    detour_h: float,
    progress: Callable[[float], None] | None = None,
    origin: Any = None,
) -> CorridorReport:
    """Run the corridor with its closures and without them, ``replications`` times each (same seeds)."""
    import numpy as np

    from overland.sim.kpis import estimate, run_kpis

    try:
        routing_cls = ROUTINGS[routing]
    except KeyError:
        msg = f"unknown routing {routing!r}: one of {', '.join(ROUTINGS)}"
        raise ValueError(msg) from None
    n = len(terminals)
    closed_terms = [
        CorridorTerminal(t.name, t.params, tuple((c.start_h, c.end_h) for c in closures if c.terminal == i))
        for i, t in enumerate(terminals)
    ]
    base_terms = [CorridorTerminal(t.name, t.params) for t in terminals]
    spans: dict[int, tuple[float, float]] = {}
    for c in closures:
        lo, hi = spans.get(c.terminal, (c.start_h, c.end_h))
        spans[c.terminal] = (min(lo, c.start_h), max(hi, c.end_h))
    effects: dict[int, list[ClosureEffect]] = {i: [] for i in spans}
    figures: dict[str, list[dict[str, float]]] = {}
    backlogs: dict[str, list[list[tuple[float, tuple[int, ...]]]]] = {"closed": [], "base": []}
    children = np.random.SeedSequence(seed).spawn(replications)
    for r, child in enumerate(children):
        results = {}
        for kind, terms in (("closed", closed_terms), ("base", base_terms)):
            # A fresh SeedSequence for each run: spawning from a shared one would give the second run other streams.
            fresh = np.random.SeedSequence(child.entropy, spawn_key=child.spawn_key)
            rng = np.random.Generator(np.random.PCG64(fresh))
            model = CorridorModel(terms, rng, days=days, warmup_days=warmup_days, routing=routing_cls(),
                                  flexible_share=flexible_share, detour_h=detour_h)  # fmt: skip
            result = model.run()
            results[kind] = result
            backlogs[kind].append(result.backlog)
            for i, run in enumerate(result.runs):
                figures.setdefault(f"{kind}:{terminals[i].name}", []).append(run_kpis(run))
            if progress is not None:
                progress((2 * r + (kind == "base") + 1) / (2 * replications))
        for i, span in spans.items():
            effects[i].append(closure_effect(results["closed"], results["base"], i, span))
    kpis = {
        key: {name: estimate([run[name] for run in runs]) for name in CORRIDOR_KPIS} for key, runs in figures.items()
    }
    mean_backlog = {}
    for kind, series in backlogs.items():
        length = min(len(s) for s in series)
        mean_backlog[kind] = [
            (series[0][k][0], tuple(sum(s[k][1][i] for s in series) / len(series) for i in range(n)))
            for k in range(length)
        ]
    return CorridorReport(
        corridor=corridor,
        names=[t.name for t in terminals],
        days=days,
        warmup_days=warmup_days,
        seed=seed,
        replications=replications,
        routing=routing,
        flexible_share=flexible_share,
        detour_h=detour_h,
        closures=list(closures),
        effects=effects,
        kpis=kpis,
        backlog=mean_backlog,
        origin=origin,
    )
