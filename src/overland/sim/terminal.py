"""The SimPy processes of a break-of-gauge container terminal.

What happens to a loaded train (model time in hours, day 0 starts at time 0):

1. It arrives on its own gauge and is held for border and customs checks (``arrival_hold``).
2. ``direct_share`` of its boxes go train-to-train, the rest to the yard. It waits
   until the yard has room for the boxes bound there (a reservation, so that a full
   yard can never lock trains onto the tracks), then for a transshipment track of
   its gauge and one of the other gauge, where an empty train set is placed (empty
   wagons are assumed always at hand; a train none of whose boxes go direct needs
   only its own track). Tracks are served first come, first served,
   and taken 1435 mm first, then 1520 mm, so no two trains can each hold what the
   other waits for.
3. The empty set is topped up to ``outbound_boxes`` with boxes of the same
   direction waiting in the yard (oldest first).
4. Cranes (a pool; up to ``max_cranes_per_train`` work one train at once) lift
   the boxes one by one, and serve the train that got its track first. A crane
   finishes the lift it started and starts lifts only within the working hours. A
   crane fails after a random time (counted on the calendar, idle or not); it is
   repaired from the moment it fails, but a failure during a lift shows only when
   the lift ends.
5. When the last lift is done both trains free their tracks: the empty wagons leave
   (not modelled further); the loaded train of the other gauge is held for border and
   customs (``departure_hold``), off the transshipment tracks, and departs.
6. When a full train-load (``outbound_boxes``) of one direction waits in the yard, a
   train set of the other gauge is formed for it: it takes a track, cranes load it
   from the yard, and it departs like the others.

Cranes are SimPy processes that pick work from the trains on the tracks (no
per-lift resource requests: one timeout per lift keeps a simulated year fast).

The model records everything :mod:`overland.sim.kpis` needs: one record per train,
time-weighted levels (queues, busy tracks, the yard, what is inside), crane lift and
repair time, a sample of the yard every hour, and the box counts that must balance.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import simpy

from overland.sim.scenario import Gauge, TerminalParams

if TYPE_CHECKING:
    import numpy as np

Trace = Callable[[str, float], None]
GAUGES = (Gauge.standard, Gauge.broad)
DIRECT, TO_YARD, FROM_YARD = 0, 1, 2


class Level:
    """A quantity that changes in steps; keeps its time-weighted area and its maximum."""

    __slots__ = ("area", "peak", "t", "t0", "value")

    def __init__(self, value: float = 0.0) -> None:
        self.value = value
        self.t = 0.0
        self.t0 = 0.0
        self.area = 0.0
        self.peak = value

    def add(self, now: float, delta: float) -> None:
        self.area += self.value * (now - self.t)
        self.t = now
        self.value += delta
        if self.value > self.peak:
            self.peak = self.value

    def restart(self, now: float) -> None:
        """Forget the past (the end of the warm-up): area from ``now`` on, peak = current value."""
        self.add(now, 0.0)
        self.area = 0.0
        self.t0 = now
        self.peak = self.value

    def mean(self, now: float) -> float:
        span = now - self.t0
        return (self.area + self.value * (now - self.t)) / span if span > 0 else self.value


class TrainRecord:
    """An inbound loaded train. Times are hours; ``nan`` while not yet reached."""

    __slots__ = (
        "boxes",
        "direct",
        "flow",
        "number",
        "remaining",
        "t_arrive",
        "t_done",
        "t_first_lift",
        "t_ready",
        "t_track",
        "t_unloaded",
    )

    def __init__(self, flow: int, number: int, boxes: int, t_arrive: float) -> None:
        self.flow = flow
        self.number = number
        self.boxes = boxes
        self.direct = 0
        self.remaining = boxes  # boxes not yet departed
        self.t_arrive = t_arrive
        self.t_ready = self.t_track = self.t_first_lift = self.t_unloaded = self.t_done = math.nan


@dataclass
class OutboundRecord:
    """A loaded train of the other gauge that left (or is leaving) the terminal."""

    flow: int
    from_yard: bool
    boxes: int
    t_track: float
    t_loaded: float = math.nan
    t_depart: float = math.nan


class _Job:
    """The lifts one train set on a track still needs, and who works it."""

    __slots__ = ("cargo", "direct", "done", "first", "flow", "from_yard", "to_yard", "train", "working")

    def __init__(self, flow: int, train: TrainRecord | None, done: simpy.Event) -> None:
        self.direct = self.to_yard = self.from_yard = 0
        self.working = 0  # cranes lifting for it now
        self.first = math.nan  # start of its first lift
        self.flow = flow
        self.train = train
        self.cargo: list[TrainRecord] = []  # the boxes taken from the yard, by their inbound train
        self.done = done


@dataclass
class RunResult:
    """What one run recorded; :func:`overland.sim.kpis.run_kpis` turns it into figures."""

    params: TerminalParams
    warmup_h: float
    horizon_h: float
    trains: list[TrainRecord]
    outbound: list[OutboundRecord]
    levels: dict[str, Level]
    crane_busy_h: float  # lift time within the window
    crane_down_h: float  # repair time within the window
    boxes: dict[str, int]  # arrived, departed, on_inbound, in_yard, on_outbound (whole run)
    window_boxes: dict[str, int]  # arrived, departed within the window
    box_dwell_sum_h: float  # over boxes that arrived and departed within the window
    box_dwell_count: int
    yard_samples: list[tuple[float, float, float]] = field(default_factory=list)  # (h, TEU in yard, trains waiting)
    events: int = 0  # SimPy events scheduled


class TerminalModel:
    """One run of the terminal. Build it, then call :meth:`run`.

    Parameters
    ----------
    params
        The terminal, cargo and flows.
    rng
        The random generator; each random quantity draws from its own child stream,
        and the arrival streams do not depend on the number of cranes or tracks.
    days, warmup_days
        Statistics cover ``days`` days after a warm-up of ``warmup_days``.
    trace
        Called as ``trace(name, env.now)`` at every step of every train (for tests).
    sample_every_h
        How often the yard occupancy is sampled.
    """

    def __init__(
        self,
        params: TerminalParams,
        rng: np.random.Generator,
        *,
        days: float,
        warmup_days: float = 0.0,
        trace: Trace | None = None,
        sample_every_h: float = 1.0,
    ) -> None:
        self.p = params
        self.env = env = simpy.Environment()
        self.trace = trace
        self.warmup_h = warmup_days * 24.0
        self.horizon_h = self.warmup_h + days * 24.0
        self.sample_every_h = sample_every_h
        flows = params.flows
        streams = rng.spawn(4 * len(flows) + 2)
        self.interarrival = [f.interarrival.sampler(streams[4 * i]) for i, f in enumerate(flows)]
        self.boxes_of = [f.boxes.sampler(streams[4 * i + 1], to_hours=False) for i, f in enumerate(flows)]
        self.arrival_hold = [f.arrival_hold.sampler(streams[4 * i + 2]) for i, f in enumerate(flows)]
        self.departure_hold = [f.departure_hold.sampler(streams[4 * i + 3]) for i, f in enumerate(flows)]
        direct_lift = params.crane_move.sampler(streams[-2])
        yard_lift = params.yard_move.sampler(streams[-1])
        self.lift = (direct_lift, yard_lift, yard_lift)  # by DIRECT, TO_YARD, FROM_YARD
        if params.breakdown_between is not None and params.breakdown_repair is not None:
            crane_streams = rng.spawn(2 * params.cranes)
            self.between = [params.breakdown_between.sampler(crane_streams[2 * i]) for i in range(params.cranes)]
            self.repair = [params.breakdown_repair.sampler(crane_streams[2 * i + 1]) for i in range(params.cranes)]
        else:
            self.between = self.repair = []
        self.fails_at = [between() for between in self.between] or [math.inf] * params.cranes

        self.tracks = {g: simpy.Resource(env, capacity=params.tracks[g]) for g in GAUGES}
        yard_boxes = params.yard_capacity_boxes()
        self.yard_free = simpy.Container(env, capacity=yard_boxes, init=yard_boxes)
        self.yard_queue: list[deque[TrainRecord]] = [deque() for _ in flows]
        self.yard_trains = [0 for _ in flows]
        self.always_open = params.working_hours == ((0.0, 24.0),)
        self.spans = params.working_hours

        self.jobs: list[_Job] = []  # on the tracks, in the order they got them: the cranes' priority
        self.idle: list[simpy.Event] = []  # one wake-up event per idle crane
        self.max_per_job = params.max_cranes_per_train
        self.crane_busy_h = 0.0  # lifting, within the window
        self.crane_down_h = 0.0  # under repair, within the window

        self.levels = {
            "yard_boxes": Level(),
            "boxes_inside": Level(),
            "trains_inside": Level(),
            **{f"waiting_{g}": Level() for g in GAUGES},
            **{f"tracks_busy_{g}": Level() for g in GAUGES},
        }
        self.counts = {"arrived": 0, "departed": 0, "on_inbound": 0, "in_yard": 0, "on_outbound": 0}
        self.window_start_counts = {"arrived": 0, "departed": 0}
        self.trains: list[TrainRecord] = []
        self.outbound: list[OutboundRecord] = []
        self.box_dwell_sum = 0.0
        self.box_dwell_count = 0
        self.yard_samples: list[tuple[float, float, float]] = []

    # -- the run -------------------------------------------------------------

    def run(self, progress: Callable[[float], None] | None = None) -> RunResult:
        """Run to the horizon; ``progress(fraction)`` is called along the way when given."""
        env = self.env
        for i in range(len(self.p.flows)):
            env.process(self._arrivals(i))
        for i in range(self.p.cranes):
            env.process(self._crane(i))
        env.process(self._sampler())
        if self.warmup_h > 0:
            env.process(self._end_of_warmup())
        if progress is None:
            env.run(until=self.horizon_h)
        else:
            steps = 50
            for k in range(1, steps + 1):
                env.run(until=self.horizon_h * k / steps)
                progress(k / steps)
        end = self.horizon_h
        for level in self.levels.values():
            level.add(end, 0.0)
        for i in range(len(self.between)):  # failures no crane has noticed yet (idle ones)
            while self.fails_at[i] < end:
                self._next_failure(i)
        window = {
            "arrived": self.counts["arrived"] - self.window_start_counts["arrived"],
            "departed": self.counts["departed"] - self.window_start_counts["departed"],
        }
        return RunResult(
            params=self.p,
            warmup_h=self.warmup_h,
            horizon_h=end,
            trains=self.trains,
            outbound=self.outbound,
            levels=self.levels,
            crane_busy_h=self.crane_busy_h,
            crane_down_h=self.crane_down_h,
            boxes=dict(self.counts),
            window_boxes=window,
            box_dwell_sum_h=self.box_dwell_sum,
            box_dwell_count=self.box_dwell_count,
            yard_samples=self.yard_samples,
            events=next(env._eid) if hasattr(env, "_eid") else 0,  # SimPy's event counter
        )

    def _end_of_warmup(self):
        yield self.env.timeout(self.warmup_h)
        now = self.env.now
        for level in self.levels.values():
            level.restart(now)
        self.window_start_counts = {"arrived": self.counts["arrived"], "departed": self.counts["departed"]}

    def _sampler(self):
        env = self.env
        yard = self.levels["yard_boxes"]
        waiting = (self.levels["waiting_standard"], self.levels["waiting_broad"])
        teu = self.p.teu_per_box
        while True:
            self.yard_samples.append((env.now, yard.value * teu, waiting[0].value + waiting[1].value))
            yield env.timeout(self.sample_every_h)

    def _log(self, name: str) -> None:
        if self.trace is not None:
            self.trace(name, self.env.now)

    def _in_window(self, start: float, end: float) -> float:
        """The part of ``[start, end]`` inside the statistics window."""
        return max(0.0, min(end, self.horizon_h) - max(start, self.warmup_h))

    # -- trains --------------------------------------------------------------

    def _arrivals(self, i: int):
        env = self.env
        gap = self.interarrival[i]
        boxes_of = self.boxes_of[i]
        horizon = self.horizon_h
        number = 0
        while True:
            yield env.timeout(gap())
            if env.now >= horizon:
                return
            number += 1
            boxes = max(1, round(boxes_of()))
            train = TrainRecord(i, number, boxes, env.now)
            self.trains.append(train)
            env.process(self._inbound(train))

    def _inbound(self, train: TrainRecord):
        env = self.env
        p = self.p
        flow = p.flows[train.flow]
        name = f"{flow.name}-{train.number}"
        n = train.boxes
        levels = self.levels
        self.counts["arrived"] += n
        self.counts["on_inbound"] += n
        levels["boxes_inside"].add(env.now, n)
        levels["trains_inside"].add(env.now, 1)
        self._log(f"{name} arrives")

        hold = self.arrival_hold[train.flow]()
        if hold > 0:
            yield env.timeout(hold)
        train.t_ready = env.now
        self._log(f"{name} ready")
        gauge, other = flow.arrival_gauge, flow.departure_gauge
        direct = round(n * p.direct_share)
        train.direct = direct
        if n - direct:
            yield self.yard_free.get(n - direct)  # room in the yard for the boxes bound there
        # A train set of the other gauge is needed for the direct boxes. Tracks are always
        # taken 1435 mm first, then 1520 mm, so that two trains never hold one each and wait.
        needed = sorted((gauge, other) if direct else (gauge,), key=GAUGES.index)
        held = []
        for g in needed:
            waiting = levels[f"waiting_{g}"]
            waiting.add(env.now, 1)
            request = self.tracks[g].request()
            yield request
            waiting.add(env.now, -1)
            levels[f"tracks_busy_{g}"].add(env.now, 1)
            held.append((g, request))
        train.t_track = env.now
        self._log(f"{name} on track")

        job = _Job(train.flow, train, env.event())
        job.direct, job.to_yard = direct, n - direct
        if direct:  # top the set up with boxes of this direction waiting in the yard
            queue = self.yard_queue[train.flow]
            top_up = min(len(queue), p.outbound_boxes - direct)
            if top_up > 0:
                job.cargo = [queue.popleft() for _ in range(top_up)]
                job.from_yard = top_up
        self._add_job(job)
        yield job.done
        train.t_first_lift = job.first
        train.t_unloaded = env.now
        for g, request in held:
            self.tracks[g].release(request)
            levels[f"tracks_busy_{g}"].add(env.now, -1)
        self._log(f"{name} unloaded")
        if not direct:
            return
        record = OutboundRecord(train.flow, False, direct + len(job.cargo), train.t_track, env.now)
        self.outbound.append(record)
        hold = self.departure_hold[train.flow]()
        if hold > 0:
            yield env.timeout(hold)
        self._depart(record, [(train, direct)] + [(t, 1) for t in job.cargo])
        self._log(f"{name} departs")

    def _yard_train(self, flow_index: int, cargo: list[TrainRecord]):
        env = self.env
        flow = self.p.flows[flow_index]
        gauge = flow.departure_gauge
        levels = self.levels
        m = len(cargo)
        self.yard_trains[flow_index] += 1
        name = f"{flow.name}-yard-{self.yard_trains[flow_index]}"
        record = OutboundRecord(flow_index, True, m, math.nan)
        self.outbound.append(record)
        waiting = levels[f"waiting_{gauge}"]
        waiting.add(env.now, 1)
        self._log(f"{name} formed")
        track = self.tracks[gauge].request()
        yield track
        waiting.add(env.now, -1)
        levels[f"tracks_busy_{gauge}"].add(env.now, 1)
        record.t_track = env.now
        self._log(f"{name} on track")
        job = _Job(flow_index, None, env.event())
        job.from_yard = m
        job.cargo = cargo
        self._add_job(job)
        yield job.done
        record.t_loaded = env.now
        self.tracks[gauge].release(track)
        levels[f"tracks_busy_{gauge}"].add(env.now, -1)
        self._log(f"{name} loaded")
        hold = self.departure_hold[flow_index]()
        if hold > 0:
            yield env.timeout(hold)
        self._depart(record, [(t, 1) for t in cargo])
        self._log(f"{name} departs")

    def _to_yard(self, flow_index: int, train: TrainRecord) -> None:
        queue = self.yard_queue[flow_index]
        queue.append(train)
        m = self.p.outbound_boxes
        if len(queue) >= m:
            cargo = [queue.popleft() for _ in range(m)]
            self.env.process(self._yard_train(flow_index, cargo))

    def _depart(self, record: OutboundRecord, cargo: list[tuple[TrainRecord, int]]) -> None:
        now = self.env.now
        record.t_depart = now
        boxes = record.boxes
        self.counts["on_outbound"] -= boxes
        self.counts["departed"] += boxes
        levels = self.levels
        levels["boxes_inside"].add(now, -boxes)
        warmup = self.warmup_h
        for train, k in cargo:
            if not k:
                continue
            train.remaining -= k
            if train.t_arrive >= warmup:
                self.box_dwell_sum += k * (now - train.t_arrive)
                self.box_dwell_count += k
            if train.remaining == 0:
                train.t_done = now
                levels["trains_inside"].add(now, -1)

    # -- cranes --------------------------------------------------------------

    def _add_job(self, job: _Job) -> None:
        self.jobs.append(job)
        for _ in range(min(self.max_per_job, len(self.idle))):
            self.idle.pop().succeed()

    def _pick(self) -> _Job | None:
        """The first train on a track (by the time it got it) that has lifts left and room for a crane."""
        limit = self.max_per_job
        for job in self.jobs:
            if job.working < limit and (job.direct or job.to_yard or job.from_yard):
                return job
        return None

    def _crane(self, i: int):
        env = self.env
        lift = self.lift
        counts = self.counts
        yard = self.levels["yard_boxes"]
        warmup, horizon = self.warmup_h, self.horizon_h
        fails_at = self.fails_at
        while True:
            job = self._pick()
            if job is None:
                wake = env.event()
                self.idle.append(wake)
                yield wake
                continue
            now = env.now
            if now >= fails_at[i]:  # it failed (idle, or during its last lift): repaired from the failure on
                repaired = self._next_failure(i)
                if repaired > now:
                    if self.idle:  # hand the work to a crane that is not broken
                        self.idle.pop().succeed()
                    self._log(f"crane {i + 1} under repair")
                    yield env.timeout(repaired - now)
                    self._log(f"crane {i + 1} repaired")
                continue
            if not self.always_open:
                wait = self._until_open(now)
                if wait > 0:
                    yield env.timeout(wait)
                    continue
            if job.direct:
                job.direct -= 1
                kind = DIRECT
            elif job.to_yard:
                job.to_yard -= 1
                kind = TO_YARD
            else:
                job.from_yard -= 1
                kind = FROM_YARD
            job.working += 1
            if job.first != job.first:  # nan: the job's first lift
                job.first = now
            yield env.timeout(lift[kind]())
            end = env.now
            if now >= warmup and end <= horizon:
                self.crane_busy_h += end - now
            else:
                self.crane_busy_h += self._in_window(now, end)
            job.working -= 1
            if kind == DIRECT:
                counts["on_inbound"] -= 1
                counts["on_outbound"] += 1
            elif kind == TO_YARD:
                counts["on_inbound"] -= 1
                counts["in_yard"] += 1
                yard.add(end, 1)
                assert job.train is not None  # a box comes off a train into the yard
                self._to_yard(job.flow, job.train)
            else:
                counts["in_yard"] -= 1
                counts["on_outbound"] += 1
                yard.add(end, -1)
                self.yard_free.put(1)
            if job.working == 0 and not (job.direct or job.to_yard or job.from_yard):
                self.jobs.remove(job)
                job.done.succeed()

    def _next_failure(self, i: int) -> float:
        """Count crane ``i``'s failure that is due; the time it is repaired."""
        failed = self.fails_at[i]
        repaired = failed + self.repair[i]()
        self.crane_down_h += self._in_window(failed, repaired)
        self.fails_at[i] = repaired + self.between[i]()
        return repaired

    def _until_open(self, t: float) -> float:
        """Hours from ``t`` until the cranes may start a lift (0 when open)."""
        tod = t % 24.0
        for start, end in self.spans:
            if tod < start:
                return start - tod
            if tod < end:
                return 0.0
        return 24.0 - tod + self.spans[0][0]


def simulate_run(
    params: TerminalParams,
    rng: np.random.Generator,
    *,
    days: float,
    warmup_days: float = 0.0,
    trace: Trace | None = None,
    progress: Callable[[float], None] | None = None,
) -> RunResult:
    """One replication: build the model and run it (see :class:`TerminalModel`)."""
    return TerminalModel(params, rng, days=days, warmup_days=warmup_days, trace=trace).run(progress)
