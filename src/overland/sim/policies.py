"""How cranes choose their work, and when an outbound set is topped up from the yard.

Crane assignment (a :class:`CranePolicy`; the trains on the tracks are kept in the
order they got their tracks, and no train has more than ``max_cranes_per_train``
cranes at once):

- :class:`StayWithTrain` (the default) — a crane joins the first train that has
  room for another crane and stays with it until none of its lifts is left; it takes
  its share of the train as a section (a fraction of the remaining wagons) and lifts
  it through. Rail-mounted gantries run on the same rails and cannot pass each other,
  so terminals give each crane its own stretch of the tracks and of the train: "conventional
  rail-mounted gantry cranes (RMGs), which move on the same rail tracks and, thus, cannot
  pass each other" (https://discovery.researcher.life/article/rmg-vs-drmg-an-evaluation-of-different-crane-configurations-in-intermodal-transshipment-yards/c172b80f3a873d9fb0d77daacd5233ef);
  "Allocating non-overlapping zones to each crane will simplify the operational
  management" (http://businessdocbox.com/Logistics/104337998-Simulation-based-dynamic-partitioning-of-yard-crane-workload-for-container-terminal-operations.html).
  Which train comes first is first come, first served: the RMG study found that
  "neither sophisticated scheduling approaches notably outperform simple rules-of-thumb".
  No source describes how the Khorgos cranes share trains: the policy is assumed.
- :class:`FirstTrainEachLift` — the model's behaviour before this policy had a name:
  after every lift a crane takes the next lift of the first train that has room.
- :class:`SpreadOverTrains` — after every lift a crane goes to the train with the
  fewest cranes at work: every train on the tracks advances a little, none finishes
  early. No terminal is known to work so; it is here to show what it costs.

Yard top-up (a :class:`TopUp`): an inbound train's boxes bound straight across go
onto an empty set of the other gauge, which is filled up to ``outbound_boxes`` with
boxes of the same direction waiting in the yard:

- :class:`TopUpWhileOnTrack` (the default) — the set takes the boxes waiting in the
  yard when it is placed, and then the boxes that reach the yard from other trains
  while it is still on its track, up to its last lift.
- :class:`TopUpAtPlacement` — the set takes only the boxes in the yard when it is
  placed (the behaviour before). With many tracks, sets are placed before the boxes
  of the trains ahead of them have reached the yard, so those boxes wait for a later
  train: more tracks then lengthen the dwell.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from overland.sim.recorder import TrainRecord


class Crane:
    """A crane's own state: its number and the train it stays with (if its policy keeps one)."""

    __slots__ = ("job", "number")

    def __init__(self, number: int) -> None:
        self.number = number
        self.job: Any = None


class CranePolicy:
    """Which train a free crane works next, and how many lifts it takes on at once.

    ``jobs`` (the train sets on the tracks, in the order they got them) and ``limit``
    (cranes a train at most) are set by :meth:`attach`. A job has lifts left when
    ``job.claimable()`` (written out in the loops below: they run once a lift);
    ``job.working`` counts the cranes lifting for it now.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""

    def attach(self, jobs: list[Any], limit: int) -> None:
        self.jobs = jobs
        self.limit = limit

    def pick(self, crane: Crane) -> Any:
        """The job ``crane`` lifts for next, or None when no train needs it."""
        raise NotImplementedError

    def leave(self, crane: Crane) -> None:
        """``crane`` stops working its train (it broke down)."""

    def batch(self, job: Any, left: int) -> int:
        """How many of the ``left`` lifts of one kind ``job`` still needs a crane takes on at once (at least 1)."""
        return 1


class StayWithTrain(CranePolicy):
    """A crane stays with its train until none of its lifts is left (the default)."""

    name = "stay-with-train"
    label = "a crane stays with its train until it is done"

    def pick(self, crane: Crane) -> Any:
        job = crane.job
        if job is not None:
            if job.direct or job.to_yard or job.from_yard:
                return job
            job.assigned -= 1
            crane.job = None
        limit = self.limit
        for job in self.jobs:
            if job.assigned < limit and (job.direct or job.to_yard or job.from_yard):
                job.assigned += 1
                crane.job = job
                return job
        return None

    def leave(self, crane: Crane) -> None:
        if crane.job is not None:
            crane.job.assigned -= 1
            crane.job = None

    def batch(self, job: Any, left: int) -> int:
        # A section: an even share of the lifts left among as many cranes as the train may have.
        # The sections shrink as the train empties, so its cranes finish close together (sharing
        # the lifts left among the cranes not yet on the train instead gave fewer, longer sections
        # and trains handled 12 % slower: the last crane to join kept a long one).
        return max(1, math.ceil(left / self.limit))


class FirstTrainEachLift(CranePolicy):
    """After every lift, the next lift of the first train with room for a crane (the behaviour before)."""

    name = "first-train-each-lift"
    label = "after every lift, the first train with room"

    def pick(self, crane: Crane) -> Any:
        limit = self.limit
        for job in self.jobs:
            if job.working < limit and (job.direct or job.to_yard or job.from_yard):
                return job
        return None


class SpreadOverTrains(CranePolicy):
    """After every lift, the train with the fewest cranes at work (oldest first among equals)."""

    name = "spread"
    label = "after every lift, the train with the fewest cranes"

    def pick(self, crane: Crane) -> Any:
        best = None
        limit = self.limit
        for job in self.jobs:
            if (
                job.working < limit
                and (best is None or job.working < best.working)
                and (job.direct or job.to_yard or job.from_yard)
            ):
                best = job
                if job.working == 0:
                    break
        return best


class TopUp:
    """When the empty set of an inbound train is filled up with boxes from the yard.

    :meth:`place` takes what the yard holds when the set is placed; with
    ``takes_later_boxes`` the set also takes boxes reaching the yard while it is on its
    track (the terminal hands them over).
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    takes_later_boxes: ClassVar[bool] = False

    def place(self, job: Any, queue: deque[TrainRecord], room: int) -> None:
        """The set of ``job`` is on its track with ``room`` places left after the direct boxes."""
        top_up = min(len(queue), room)
        if top_up > 0:
            job.cargo = [queue.popleft() for _ in range(top_up)]
            job.from_yard = top_up
        job.room = room - top_up


class TopUpWhileOnTrack(TopUp):
    """Boxes waiting when the set is placed, then boxes reaching the yard while it is on its track (the default)."""

    name = "on-track"
    label = "top-up while on the track"
    takes_later_boxes = True


class TopUpAtPlacement(TopUp):
    """Only the boxes in the yard when the set is placed (the behaviour before)."""

    name = "placement"
    label = "top-up at placement"


CRANE_POLICIES: dict[str, type[CranePolicy]] = {
    cls.name: cls for cls in (StayWithTrain, FirstTrainEachLift, SpreadOverTrains)
}
TOP_UPS: dict[str, type[TopUp]] = {cls.name: cls for cls in (TopUpWhileOnTrack, TopUpAtPlacement)}
DEFAULT_CRANE_POLICY = StayWithTrain.name
DEFAULT_TOP_UP = TopUpWhileOnTrack.name


def crane_policy(name: str) -> CranePolicy:
    """A fresh crane policy by name (see :data:`CRANE_POLICIES`)."""
    try:
        return CRANE_POLICIES[name]()
    except KeyError:
        msg = f"unknown crane policy {name!r}: one of {', '.join(CRANE_POLICIES)}"
        raise ValueError(msg) from None


def top_up(name: str) -> TopUp:
    """A yard top-up by name (see :data:`TOP_UPS`)."""
    try:
        return TOP_UPS[name]()
    except KeyError:
        msg = f"unknown yard top-up {name!r}: one of {', '.join(TOP_UPS)}"
        raise ValueError(msg) from None
