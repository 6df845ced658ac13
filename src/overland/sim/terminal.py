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
   other waits for. Placing the sets on their tracks takes ``placement``.
3. Cranes (a pool; up to ``max_cranes_per_train`` work one train at once, chosen by
   the crane policy of :mod:`overland.sim.policies`) lift its boxes: first those
   bound straight across, then those bound for the yard; the empty set is filled up
   to ``outbound_boxes`` with boxes of the same direction waiting in the yard (which
   ones, the yard top-up decides). Cranes start lifts only when the calendar of
   :mod:`overland.sim.calendar` allows (working hours, closures). A crane fails after a
   random time (counted on the calendar, idle or not); it is repaired from the moment
   it fails, but a failure during a lift shows only when the lift ends.
4. When the last lift is done the loaded train of the other gauge leaves its track and
   is held for border and customs (``departure_hold``), off the transshipment tracks,
   then departs (not while the border is closed). The emptied train holds its own
   track for ``release`` more (inspection, pulling the wagons out and returning them)
   and leaves (not modelled further).
5. When a full train-load (``outbound_boxes``) of one direction waits in the yard, a
   train set of the other gauge is formed for it: it takes a track, cranes load it
   from the yard, and it departs like the others.

Cranes are SimPy processes that pick work from the trains on the tracks (no
per-lift resource requests). A crane that stays with its train takes on a section
of its lifts of one kind at once (one timeout for them, cut short by a failure or the
end of a shift; boxes bound for the yard reach it at the end of the section); the other
policies decide after every lift.

The processes report what happens to a :class:`~overland.sim.recorder.Recorder`,
which keeps the statistics; variants (working hours and closures, breakdowns, crane
policies, yard top-up) are small strategy objects, not flags.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import simpy
from simpy.events import NORMAL, EventPriority

from overland.sim.calendar import Calendar, calendar_for
from overland.sim.policies import (
    DEFAULT_TOP_UP,
    Crane,
    CranePolicy,
    TopUp,
    crane_policy,
    top_up,
)
from overland.sim.recorder import (
    DIRECT,
    FROM_YARD,
    GAUGES,
    TO_YARD,
    Level,
    OutboundRecord,
    Recorder,
    RunResult,
    TrainRecord,
)
from overland.sim.scenario import TerminalParams

if TYPE_CHECKING:
    import numpy as np

Trace = Callable[[str, float], None]

__all__ = [
    "DIRECT", "FROM_YARD", "GAUGES", "TO_YARD", "CountingEnvironment", "Level", "OutboundRecord",
    "RunResult", "TerminalModel", "TrainRecord", "simulate_run",
]  # fmt: skip


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts the events it schedules (for benchmarks; a little slower)."""

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self.scheduled = 0

    def schedule(self, event: simpy.Event, priority: EventPriority = NORMAL, delay: float = 0) -> None:
        self.scheduled += 1
        super().schedule(event, priority, delay)


class NoFailures:
    """Cranes never fail."""

    def __init__(self, cranes: int) -> None:
        self.fails_at = [math.inf] * cranes

    def repair(self, i: int) -> float:
        """Count crane ``i``'s failure that is due; the time it is repaired."""
        return self.fails_at[i]

    def settle(self, end: float) -> None:
        """Count the failures no crane has noticed by ``end`` (idle cranes)."""


class RandomFailures(NoFailures):
    """Each crane fails after a random time (calendar time) and is repaired in a random time."""

    def __init__(
        self, between: list[Callable[[], float]], repair: list[Callable[[], float]], recorder: Recorder
    ) -> None:
        self.between = between
        self.repair_time = repair
        self.recorder = recorder
        self.fails_at = [draw() for draw in between]

    def repair(self, i: int) -> float:
        failed = self.fails_at[i]
        repaired = failed + self.repair_time[i]()
        self.recorder.crane_down(failed, repaired)
        self.fails_at[i] = repaired + self.between[i]()
        return repaired

    def settle(self, end: float) -> None:
        for i in range(len(self.fails_at)):
            while self.fails_at[i] < end:
                self.repair(i)


class Job:
    """The lifts one train set on a track still needs, and who works it.

    ``room`` is the places its set still has for boxes reaching the yard;
    ``working`` the cranes lifting for it now, ``assigned`` the cranes that stay with it.
    """

    __slots__ = (
        "assigned",
        "cargo",
        "direct",
        "done",
        "first",
        "flow",
        "from_yard",
        "room",
        "to_yard",
        "train",
        "working",
    )  # fmt: skip

    def __init__(self, flow: int, train: TrainRecord | None, done: simpy.Event) -> None:
        self.direct = self.to_yard = self.from_yard = self.room = 0
        self.working = self.assigned = 0
        self.first = math.nan  # start of its first lift
        self.flow = flow
        self.train = train
        self.cargo: list[TrainRecord] = []  # the boxes taken from the yard, by their inbound train
        self.done = done

    def claimable(self) -> bool:
        """True when a crane could start a lift for it now."""
        return bool(self.direct or self.to_yard or self.from_yard)


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
    crane_policy, top_up
        A :class:`~overland.sim.policies.CranePolicy` and a
        :class:`~overland.sim.policies.TopUp`, or their names (default: the policy the
        parameters name, and the top-up at loading).
    closures
        Model-time spans ``(start, end)`` in hours when the terminal is closed: no lift
        starts and no loaded train leaves; trains keep arriving and wait.
    env
        The SimPy environment to run in (a corridor shares one between terminals);
        :class:`CountingEnvironment` counts the events.
    own_arrivals
        False when someone else brings the trains (:meth:`admit`), as a corridor does.
    name
        The terminal's name in trace lines and train records (a corridor has several).
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
        crane_policy: CranePolicy | str | None = None,
        top_up: TopUp | str | None = None,
        closures: Sequence[tuple[float, float]] = (),
        env: simpy.Environment | None = None,
        own_arrivals: bool = True,
        name: str = "",
    ) -> None:
        self.p = params
        self.env = env = env if env is not None else simpy.Environment()
        self.trace = trace
        self.name = name
        self.own_arrivals = own_arrivals
        self.warmup_h = warmup_days * 24.0
        self.horizon_h = self.warmup_h + days * 24.0
        self.sample_every_h = sample_every_h
        self.rec = rec = Recorder(params, warmup_h=self.warmup_h, horizon_h=self.horizon_h)

        flows = params.flows
        streams = rng.spawn(4 * len(flows) + 2)
        self.interarrival = [f.interarrival.sampler(streams[4 * i]) for i, f in enumerate(flows)]
        self.boxes_of = [f.boxes.sampler(streams[4 * i + 1], to_hours=False) for i, f in enumerate(flows)]
        self.arrival_hold = [f.arrival_hold.sampler(streams[4 * i + 2]) for i, f in enumerate(flows)]
        self.departure_hold = [f.departure_hold.sampler(streams[4 * i + 3]) for i, f in enumerate(flows)]
        self.direct_lift = params.crane_move.sampler(streams[-2])
        self.yard_lift = params.yard_move.sampler(streams[-1])
        if params.breakdown_between is not None and params.breakdown_repair is not None:
            crane_streams = rng.spawn(2 * params.cranes)
            self.failures: NoFailures = RandomFailures(
                [params.breakdown_between.sampler(crane_streams[2 * i]) for i in range(params.cranes)],
                [params.breakdown_repair.sampler(crane_streams[2 * i + 1]) for i in range(params.cranes)],
                rec,
            )
        else:
            self.failures = NoFailures(params.cranes)
        track_streams = rng.spawn(2)
        self.placement = params.placement.sampler(track_streams[0]) if params.placement is not None else None
        self.release = params.release.sampler(track_streams[1]) if params.release is not None else None

        self.calendar: Calendar = calendar_for(params.working_hours, closures)
        self.policy = _crane_policy(crane_policy if crane_policy is not None else params.crane_policy)
        self.top_up = _top_up(top_up if top_up is not None else DEFAULT_TOP_UP)

        self.tracks = {g: simpy.Resource(env, capacity=params.tracks[g]) for g in GAUGES}
        yard_boxes = params.yard_capacity_boxes()
        self.yard_free = simpy.Container(env, capacity=yard_boxes, init=yard_boxes)
        self.yard_queue: list[deque[TrainRecord]] = [deque() for _ in flows]
        self.open_sets: list[list[Job]] = [[] for _ in flows]  # sets on the tracks taking boxes that reach the yard
        self.yard_trains = [0 for _ in flows]
        self.numbers = [0 for _ in flows]
        self.backlog = 0  # trains arrived and not yet unloaded (what a corridor's router looks at)

        self.jobs: list[Job] = []  # on the tracks, in the order they got them: the cranes' priority
        self.idle: list[simpy.Event] = []  # one wake-up event per idle crane
        self.policy.attach(self.jobs, params.max_cranes_per_train)

    # -- the run -------------------------------------------------------------

    def start(self) -> None:
        """Start the processes (arrivals, cranes, the yard sampler, the end of the warm-up)."""
        env = self.env
        if self.own_arrivals:
            for i in range(len(self.p.flows)):
                env.process(self._arrivals(i))
        for i in range(self.p.cranes):
            env.process(self._crane(i))
        env.process(self._sampler())
        if self.warmup_h > 0:
            env.process(self._end_of_warmup())

    def finish(self) -> RunResult:
        """What the run recorded (call once the environment has reached the horizon)."""
        self.failures.settle(self.horizon_h)
        events = self.env.scheduled if isinstance(self.env, CountingEnvironment) else None
        return self.rec.result(events=events, policy=f"{self.policy.name}, {self.top_up.label}")

    def run(self, progress: Callable[[float], None] | None = None) -> RunResult:
        """Run to the horizon; ``progress(fraction)`` is called along the way when given."""
        self.start()
        env = self.env
        if progress is None:
            env.run(until=self.horizon_h)
        else:
            steps = 50
            for k in range(1, steps + 1):
                env.run(until=self.horizon_h * k / steps)
                progress(k / steps)
        return self.finish()

    def _end_of_warmup(self):
        yield self.env.timeout(self.warmup_h)
        self.rec.start_window(self.env.now)

    def _sampler(self):
        env = self.env
        sample = self.rec.sample
        every = self.sample_every_h
        while True:
            sample(env.now)
            yield env.timeout(every)

    def _log(self, name: str) -> None:
        if self.trace is not None:
            self.trace(f"{self.name} {name}" if self.name else name, self.env.now)

    # -- trains --------------------------------------------------------------

    def _arrivals(self, i: int):
        env = self.env
        gap = self.interarrival[i]
        boxes_of = self.boxes_of[i]
        horizon = self.horizon_h
        while True:
            yield env.timeout(gap())
            if env.now >= horizon:
                return
            self.admit(i, max(1, round(boxes_of())))

    def admit(self, flow_index: int, boxes: int) -> TrainRecord:
        """A loaded train of flow ``flow_index`` with ``boxes`` boxes arrives now."""
        self.numbers[flow_index] += 1
        train = TrainRecord(flow_index, self.numbers[flow_index], boxes, self.env.now, self.name)
        self.backlog += 1
        self.env.process(self._inbound(train))
        return train

    def _inbound(self, train: TrainRecord):
        env = self.env
        p = self.p
        rec = self.rec
        flow = p.flows[train.flow]
        name = f"{flow.name}-{train.number}"
        n = train.boxes
        rec.arrived(train, env.now)
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
            waiting = rec.waiting[g]
            waiting.add(env.now, 1)
            request = self.tracks[g].request()
            yield request
            waiting.add(env.now, -1)
            rec.tracks_busy[g].add(env.now, 1)
            held.append((g, request))
        train.t_track = env.now
        self._log(f"{name} on track")
        if self.placement is not None:
            yield env.timeout(self.placement())
            self._log(f"{name} placed")

        job = Job(train.flow, train, env.event())
        job.direct, job.to_yard = direct, n - direct
        if direct:  # the set is filled up with boxes of this direction waiting in the yard
            room = p.outbound_boxes - direct
            if room > 0:
                self.top_up.place(job, self.yard_queue[train.flow], room)
                if not self.top_up.takes_later_boxes:
                    job.room = 0
                elif job.room:
                    self.open_sets[train.flow].append(job)
        self._add_job(job)
        yield job.done
        train.t_first_lift = job.first
        train.t_unloaded = env.now
        self.backlog -= 1
        record = None
        if direct:
            record = OutboundRecord(train.flow, False, direct + len(job.cargo), train.t_track, env.now)
            rec.formed(record)
        if self.release is None:
            for g, request in held:
                self.tracks[g].release(request)
                rec.tracks_busy[g].add(env.now, -1)
            train.t_released = env.now
            self._log(f"{name} unloaded")
            if record is not None:
                yield from self._send_off(train, record, job.cargo, name)
            return
        # The loaded set leaves its track at once; the emptied train holds its own for ``release``.
        self._log(f"{name} unloaded")
        for g, request in held:
            if g is not gauge:
                self.tracks[g].release(request)
                rec.tracks_busy[g].add(env.now, -1)
        if record is not None:
            env.process(self._send_off(train, record, job.cargo, name))
        yield env.timeout(self.release())
        for g, request in held:
            if g is gauge:
                self.tracks[g].release(request)
                rec.tracks_busy[g].add(env.now, -1)
        train.t_released = env.now
        self._log(f"{name} released")

    def _send_off(self, train: TrainRecord, record: OutboundRecord, cargo: list[TrainRecord], name: str):
        """The set loaded from ``train`` is held for border and customs checks, then departs."""
        env = self.env
        hold = self.departure_hold[train.flow]()
        if hold > 0:
            yield env.timeout(hold)
        closed = self.calendar.until_border_open(env.now)
        if closed > 0:
            yield env.timeout(closed)
        train.t_direct_left = env.now
        self.rec.departed(record, [(train, train.direct)] + [(t, 1) for t in cargo], env.now)
        self._log(f"{name} departs")

    def _yard_train(self, flow_index: int, cargo: list[TrainRecord]):
        env = self.env
        rec = self.rec
        flow = self.p.flows[flow_index]
        gauge = flow.departure_gauge
        m = len(cargo)
        self.yard_trains[flow_index] += 1
        name = f"{flow.name}-yard-{self.yard_trains[flow_index]}"
        record = OutboundRecord(flow_index, True, m, math.nan)
        rec.formed(record)
        waiting = rec.waiting[gauge]
        waiting.add(env.now, 1)
        self._log(f"{name} formed")
        track = self.tracks[gauge].request()
        yield track
        waiting.add(env.now, -1)
        rec.tracks_busy[gauge].add(env.now, 1)
        record.t_track = env.now
        self._log(f"{name} on track")
        if self.placement is not None:
            yield env.timeout(self.placement())
        job = Job(flow_index, None, env.event())
        job.from_yard = m
        job.cargo = cargo
        self._add_job(job)
        yield job.done
        record.t_loaded = env.now
        self.tracks[gauge].release(track)
        rec.tracks_busy[gauge].add(env.now, -1)
        self._log(f"{name} loaded")
        hold = self.departure_hold[flow_index]()
        if hold > 0:
            yield env.timeout(hold)
        closed = self.calendar.until_border_open(env.now)
        if closed > 0:
            yield env.timeout(closed)
        rec.departed(record, [(t, 1) for t in cargo], env.now)
        self._log(f"{name} departs")

    def _to_yard(self, flow_index: int, train: TrainRecord) -> None:
        """A box of ``train`` reached the yard: onto a set on the tracks with room, else it waits."""
        sets = self.open_sets[flow_index]
        for job in sets:
            if job.train is not train:
                job.cargo.append(train)
                job.from_yard += 1
                job.room -= 1
                if not job.room:
                    sets.remove(job)
                return
        queue = self.yard_queue[flow_index]
        queue.append(train)
        m = self.p.outbound_boxes
        if len(queue) >= m:
            cargo = [queue.popleft() for _ in range(m)]
            self.env.process(self._yard_train(flow_index, cargo))

    # -- cranes --------------------------------------------------------------

    def _add_job(self, job: Job) -> None:
        self.jobs.append(job)
        for _ in range(min(self.p.max_cranes_per_train, len(self.idle))):
            self.idle.pop().succeed()

    def _crane(self, i: int):
        env = self.env
        rec = self.rec
        policy = self.policy
        calendar = self.calendar
        failures = self.failures
        fails_at = failures.fails_at
        direct_lift, yard_lift = self.direct_lift, self.yard_lift
        jobs = self.jobs
        crane = Crane(i)
        while True:
            job = policy.pick(crane)
            if job is None:
                wake = env.event()
                self.idle.append(wake)
                yield wake
                continue
            now = env.now
            if now >= fails_at[i]:  # it failed (idle, or during its last lift): repaired from the failure on
                repaired = failures.repair(i)
                if repaired > now:
                    policy.leave(crane)
                    if self.idle:  # hand the work to a crane that is not broken
                        self.idle.pop().succeed()
                    self._log(f"crane {i + 1} under repair")
                    yield env.timeout(repaired - now)
                    self._log(f"crane {i + 1} repaired")
                continue
            wait = calendar.until_open(now)
            if wait > 0:
                yield env.timeout(wait)
                continue
            if job.direct:
                kind, left, lift = DIRECT, job.direct, direct_lift
            elif job.to_yard:
                kind, left, lift = TO_YARD, job.to_yard, yard_lift
            else:
                kind, left, lift = FROM_YARD, job.from_yard, yard_lift
            n = policy.batch(job, left)
            if n == 1:
                boxes = 1
                duration = lift()
            else:  # a section: lifts one after another, until a failure or the end of the shift
                stop = min(fails_at[i], calendar.open_until(now)) - now
                duration = 0.0
                boxes = 0
                while boxes < n:
                    duration += lift()
                    boxes += 1
                    if duration >= stop:
                        break
            if kind == DIRECT:
                job.direct -= boxes
            elif kind == TO_YARD:
                job.to_yard -= boxes
            else:
                job.from_yard -= boxes
            job.working += 1
            if job.first != job.first:  # nan: the job's first lift
                job.first = now
            yield env.timeout(duration)
            rec.lifted(kind, now, env.now, boxes)
            job.working -= 1
            if kind == TO_YARD:
                for _ in range(boxes):
                    self._to_yard(job.flow, job.train)
            elif kind == FROM_YARD:
                self.yard_free.put(boxes)
            if job.working == 0 and not (job.direct or job.to_yard or job.from_yard):
                jobs.remove(job)
                if job.room:
                    self.open_sets[job.flow].remove(job)
                job.done.succeed()


def _crane_policy(policy: CranePolicy | str) -> CranePolicy:
    return crane_policy(policy) if isinstance(policy, str) else policy


def _top_up(choice: TopUp | str) -> TopUp:
    return top_up(choice) if isinstance(choice, str) else choice


def simulate_run(
    params: TerminalParams,
    rng: np.random.Generator,
    *,
    days: float,
    warmup_days: float = 0.0,
    trace: Trace | None = None,
    progress: Callable[[float], None] | None = None,
    crane_policy: CranePolicy | str | None = None,
    top_up: TopUp | str | None = None,
    closures: Sequence[tuple[float, float]] = (),
    count_events: bool = False,
) -> RunResult:
    """One replication: build the model and run it (see :class:`TerminalModel`).

    ``count_events`` runs in a :class:`CountingEnvironment` (``RunResult.events``).
    """
    env = CountingEnvironment() if count_events else None
    return TerminalModel(
        params, rng, days=days, warmup_days=warmup_days, trace=trace, crane_policy=crane_policy,
        top_up=top_up, closures=closures, env=env,
    ).run(progress)  # fmt: skip
