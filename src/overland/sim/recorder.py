"""What a run of the terminal records, kept apart from the processes that make it happen.

The SimPy processes (:mod:`overland.sim.terminal`) tell a :class:`Recorder` what
happened: a train arrived, waits for a track, got one, cranes lifted boxes, a crane
was under repair, a train left. The recorder keeps the time-weighted levels
(queues, busy tracks, the yard, what is inside), the crane hours, the box balance
and the hourly yard samples, clipped to the statistics window (after the warm-up),
and hands them over as a :class:`RunResult` that :mod:`overland.sim.kpis` turns into
figures. The train records themselves (:class:`TrainRecord`, :class:`OutboundRecord`)
carry the times of each step; the processes fill them in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from overland.sim.scenario import Gauge, TerminalParams

GAUGES = (Gauge.standard, Gauge.broad)
DIRECT, TO_YARD, FROM_YARD = 0, 1, 2  # the kinds of lift


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
    """An inbound loaded train. Times are hours; ``nan`` while not yet reached.

    ``t_track`` is when it got its tracks, ``t_first_lift``/``t_unloaded`` the first and
    last lift, ``t_released`` when it left the tracks, ``t_direct_left`` when the set
    loaded from it departed (``nan`` without direct boxes) and ``t_done`` when its last
    box left the terminal.
    """

    __slots__ = (
        "boxes",
        "direct",
        "flow",
        "number",
        "remaining",
        "t_arrive",
        "t_direct_left",
        "t_done",
        "t_first_lift",
        "t_ready",
        "t_released",
        "t_track",
        "t_unloaded",
        "terminal",
    )  # fmt: skip

    def __init__(self, flow: int, number: int, boxes: int, t_arrive: float, terminal: str = "") -> None:
        self.flow = flow
        self.number = number
        self.boxes = boxes
        self.direct = 0
        self.remaining = boxes  # boxes not yet departed
        self.terminal = terminal
        self.t_arrive = t_arrive
        self.t_ready = self.t_track = self.t_first_lift = self.t_unloaded = math.nan
        self.t_released = self.t_direct_left = self.t_done = math.nan


@dataclass
class OutboundRecord:
    """A loaded train of the other gauge that left (or is leaving) the terminal."""

    flow: int
    from_yard: bool
    boxes: int
    t_track: float
    t_loaded: float = math.nan
    t_depart: float = math.nan


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
    events: int | None = None  # SimPy events scheduled, when the run counted them (see CountingEnvironment)
    policy: str = ""  # the crane policy and yard top-up, e.g. "stay-with-train, top-up at loading"


class Recorder:
    """The statistics of one run: levels, counts, crane hours, the yard samples.

    Everything is clipped to the window ``[warmup_h, horizon_h]``; :meth:`start_window`
    (called at the end of the warm-up) forgets what came before.
    """

    def __init__(self, params: TerminalParams, *, warmup_h: float, horizon_h: float) -> None:
        self.params = params
        self.warmup_h = warmup_h
        self.horizon_h = horizon_h
        self.levels = {
            "yard_boxes": Level(),
            "boxes_inside": Level(),
            "trains_inside": Level(),
            **{f"waiting_{g}": Level() for g in GAUGES},
            **{f"tracks_busy_{g}": Level() for g in GAUGES},
        }
        self.yard = self.levels["yard_boxes"]
        self.waiting = {g: self.levels[f"waiting_{g}"] for g in GAUGES}
        self.tracks_busy = {g: self.levels[f"tracks_busy_{g}"] for g in GAUGES}
        self.counts = {"arrived": 0, "departed": 0, "on_inbound": 0, "in_yard": 0, "on_outbound": 0}
        self.window_start_counts = {"arrived": 0, "departed": 0}
        self.trains: list[TrainRecord] = []
        self.outbound: list[OutboundRecord] = []
        self.crane_busy_h = 0.0
        self.crane_down_h = 0.0
        self.box_dwell_sum = 0.0
        self.box_dwell_count = 0
        self.yard_samples: list[tuple[float, float, float]] = []

    def in_window(self, start: float, end: float) -> float:
        """The part of ``[start, end]`` inside the statistics window."""
        return max(0.0, min(end, self.horizon_h) - max(start, self.warmup_h))

    def start_window(self, now: float) -> None:
        for level in self.levels.values():
            level.restart(now)
        self.window_start_counts = {"arrived": self.counts["arrived"], "departed": self.counts["departed"]}

    def sample(self, now: float) -> None:
        waiting = self.waiting
        self.yard_samples.append(
            (now, self.yard.value * self.params.teu_per_box, waiting[GAUGES[0]].value + waiting[GAUGES[1]].value)
        )

    # -- trains --------------------------------------------------------------

    def arrived(self, train: TrainRecord, now: float) -> None:
        n = train.boxes
        self.trains.append(train)
        self.counts["arrived"] += n
        self.counts["on_inbound"] += n
        self.levels["boxes_inside"].add(now, n)
        self.levels["trains_inside"].add(now, 1)

    def formed(self, record: OutboundRecord) -> None:
        self.outbound.append(record)

    def departed(self, record: OutboundRecord, cargo: list[tuple[TrainRecord, int]], now: float) -> None:
        """A loaded train left with ``cargo``: (inbound train, boxes of it) pairs."""
        record.t_depart = now
        boxes = record.boxes
        counts = self.counts
        counts["on_outbound"] -= boxes
        counts["departed"] += boxes
        self.levels["boxes_inside"].add(now, -boxes)
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
                self.levels["trains_inside"].add(now, -1)

    # -- cranes --------------------------------------------------------------

    def lifted(self, kind: int, start: float, end: float, boxes: int) -> None:
        """A crane lifted ``boxes`` boxes of one ``kind`` between ``start`` and ``end``."""
        if start >= self.warmup_h and end <= self.horizon_h:
            self.crane_busy_h += end - start
        else:
            self.crane_busy_h += self.in_window(start, end)
        counts = self.counts
        if kind == DIRECT:
            counts["on_inbound"] -= boxes
            counts["on_outbound"] += boxes
        elif kind == TO_YARD:
            counts["on_inbound"] -= boxes
            counts["in_yard"] += boxes
            self.yard.add(end, boxes)
        else:
            counts["in_yard"] -= boxes
            counts["on_outbound"] += boxes
            self.yard.add(end, -boxes)

    def crane_down(self, start: float, end: float) -> None:
        self.crane_down_h += self.in_window(start, end)

    # -- the end -------------------------------------------------------------

    def result(self, *, events: int | None, policy: str) -> RunResult:
        end = self.horizon_h
        for level in self.levels.values():
            level.add(end, 0.0)
        window = {
            "arrived": self.counts["arrived"] - self.window_start_counts["arrived"],
            "departed": self.counts["departed"] - self.window_start_counts["departed"],
        }
        return RunResult(
            params=self.params,
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
            events=events,
            policy=policy,
        )
