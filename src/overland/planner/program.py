"""A route compiled for one mode: a flat list of drives and checks with everything looked up once.

Both walkers read it: the deterministic one (one traveller, each distribution at its
median) and the Monte Carlo one (many travellers at once, with numpy). Compiling is
done once per route and mode; a plan then only does arithmetic on UTC seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, tzinfo
from typing import TYPE_CHECKING

from overland.model.catalog import Catalog
from overland.model.crossing import Crossing, Mode, Rule, RuleKind, Stage, StageKind
from overland.model.distributions import Constant, Distribution
from overland.model.leg import Leg, Vehicle
from overland.model.provenance import Fact
from overland.planner.network import Network, Route
from overland.timing.clocks import zone

if TYPE_CHECKING:
    from overland.planner.timetable import StageTimetable

ENTRY_KINDS = {StageKind.immigration, StageKind.immigration_customs}


def minutes_distribution(value: float | Distribution) -> Distribution:
    """A processing time or delay as a distribution of minutes (a number is a constant)."""
    if isinstance(value, int | float):
        return Constant(kind="constant", value=float(value))
    return value


@dataclass(frozen=True, slots=True)
class Drive:
    """Drive the leg reaching route step ``k``."""

    k: int
    start: str
    end: str
    seconds: float
    km: float
    leg: Leg


@dataclass(frozen=True, slots=True)
class Bed:
    """Where a traveller whose vehicle is held sleeps, and the ride there."""

    node: str
    name: str
    lodging: str
    ride: float  # seconds
    km: float


@dataclass(frozen=True, slots=True)
class Check:
    """Pass the stage at route step ``k``: wait for an opening that fits, be processed, apply its rules."""

    k: int
    node: str  # crossing/stage
    crossing: Crossing
    stage_id: str
    stage: Stage
    table: StageTimetable
    processing: Fact | None  # None: no time known, counted as none
    duration_dist: Distribution  # minutes
    duration: float  # seconds: the median
    delay_dists: tuple[Distribution, ...]  # minutes, one per opening delay of the stage
    delays: tuple[float, ...] | None  # seconds: the medians; None when all are zero
    next_working_day: bool  # works on the next working day after entering the country
    enters: bool  # stamps the traveller into the country the route enters
    held: Rule | None  # the vehicle is held overnight here
    resume_at: time | None
    bed: Bed | None
    zone: tzinfo
    note: str  # what the processing event says


@dataclass(frozen=True)
class Program:
    """The route for ``mode`` as operations in order."""

    route: Route
    mode: Mode
    ops: tuple[Drive | Check, ...]

    @property
    def checks(self) -> list[Check]:
        return [op for op in self.ops if isinstance(op, Check)]


def compile_route(route: Route, mode: Mode, catalog: Catalog, network: Network, timetable) -> Program:
    """Compile ``route`` for ``mode``; ``timetable(ref)`` gives a stage's timetable."""
    vehicle = Vehicle.of(mode)
    steps = route.steps
    ops: list[Drive | Check] = []
    for k, step in enumerate(steps):
        if step.leg is not None and k > 0:
            leg = step.leg
            ops.append(Drive(k, steps[k - 1].node, step.node, leg.hours_for(vehicle) * 3600, leg.km.value, leg))
        if "/" in step.node:
            ops.append(_check(route, k, mode, catalog, network, timetable(step.node)))
    return Program(route, mode, tuple(ops))


def _check(route: Route, k: int, mode: Mode, catalog: Catalog, network: Network, table) -> Check:
    node = route.steps[k].node
    crossing, stage_id, stage = catalog.stage(node)
    processing = stage.processing_for(mode)
    duration_dist = minutes_distribution(processing.value) if processing else minutes_distribution(0)
    delay_dists = tuple(minutes_distribution(d.minutes.value) for d in stage.opening_delays)
    medians = tuple(d.median() * 60 for d in delay_dists)
    entering = route.direction is not None and stage.staffed_by == [route.direction.to_country]
    held = next((r for r in stage.rules if r.kind is RuleKind.vehicle_held_overnight and r.applies_to(mode)), None)
    held = held if entering else None
    if processing is None:
        note = stage.name
    elif isinstance(processing.value, int | float):
        note = f"{stage.name} ({processing.value:g} min, {processing.claim.status})"
    else:
        note = (
            f"{stage.name} ({duration_dist.median():.0f} min, the median of "
            f"{processing.value.describe()} min, {processing.claim.status})"
        )
    return Check(
        k=k, node=node, crossing=crossing, stage_id=stage_id, stage=stage, table=table,
        processing=processing, duration_dist=duration_dist, duration=duration_dist.median() * 60,
        delay_dists=delay_dists, delays=medians if any(medians) else None,
        next_working_day=any(r.kind is RuleKind.next_working_day and r.applies_to(mode) for r in stage.rules),
        enters=entering and stage.kind in ENTRY_KINDS,
        held=held, resume_at=time.fromisoformat(held.resume_at.value) if held and held.resume_at else None,
        bed=_bed(route, k, catalog, network) if held else None,
        zone=zone(stage.clock.value), note=note,
    )  # fmt: skip


def _bed(route: Route, k: int, catalog: Catalog, network: Network) -> Bed | None:
    """The next place on the route with lodging, reached by a direct leg from step ``k``."""
    node = route.steps[k].node
    bed = next((s.node for s in route.steps[k + 1 :] if "/" not in s.node and catalog.place(s.node).lodging), None)
    transfer = network.leg(node, bed) if bed else None
    if bed is None or transfer is None:
        return None
    lodging = catalog.place(bed).lodging
    assert lodging is not None  # the bed was chosen for its lodging
    return Bed(
        node=bed,
        name=catalog.node_name(bed),
        lodging=lodging.value,
        ride=transfer.hours_for(Vehicle.car) * 3600,
        km=transfer.km.value,
    )
