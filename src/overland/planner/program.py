"""A route compiled for one mode: a flat list of drives and checks with everything looked up once.

Both walkers read it: the deterministic one (one traveller, each distribution at its
median) and the Monte Carlo one (many travellers at once, with numpy). Compiling is
done once per route and mode; a plan then only does arithmetic on UTC seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Any

from overland.model.catalog import Catalog
from overland.model.crossing import Crossing, Mode, Rule, RuleKind, Stage, StageKind
from overland.model.distributions import Constant, Distribution, Lognormal
from overland.model.leg import Leg, Vehicle
from overland.model.provenance import Fact
from overland.planner.network import Network, Route
from overland.planner.rides import RIDING, Offer, Ride, Span, choose, offers, ride_of, spans
from overland.timing.clocks import zone

if TYPE_CHECKING:
    from overland.planner.timetable import StageTimetable
    from overland.timing.daylight import Darkness

ENTRY_KINDS = {StageKind.immigration, StageKind.immigration_customs}
DRAWN = ("estimated_day_off", "opening_spread", "queue_minutes")  # data/uncertainty.yaml's numbers drawn here


def minutes_distribution(value: float | Distribution) -> Distribution:
    """A processing time or delay as a distribution of minutes (a number is a constant)."""
    if isinstance(value, int | float):
        return Constant(kind="constant", value=float(value))
    return value


def spread(dist: Distribution, ratio: float) -> Distribution:
    """A processing time given as one number (a positive constant) as a lognormal with that median and
    P90 ``ratio`` times it; any other distribution, or a ratio of 1, as it is."""
    if ratio > 1 and isinstance(dist, Constant) and dist.value > 0:
        return Lognormal(kind="lognormal", median=dist.value, p90=dist.value * ratio)
    return dist


@dataclass(frozen=True, slots=True)
class Drive:
    """Drive the leg reaching route step ``k``, or ride a service there (``ride``).

    ``zone`` is the clock where it starts (``day_zone`` the one the traveller's day is counted in
    there, for the quiet hours); ``warned`` the months (1-12) the data warns about
    the leg (a mountain road not driven after dark by default); ``sky`` when it is dark at
    its start (None without coordinates). A ride may span several legs (``legs``, from step
    :attr:`begin`); its ``seconds`` are the service's median duration when the data gives one.
    """

    k: int
    start: str
    end: str
    seconds: float
    km: float
    leg: Leg
    zone: tzinfo
    warned: frozenset[int]
    sky: Darkness | None
    end_zone: tzinfo  # the clock where it ends (over a border, another one)
    legs: tuple[Leg, ...] = ()  # every leg it covers (a drive: its leg)
    ride: Ride | None = None  # the service a passenger rides (None: the traveller drives)
    spread: float = 1.0  # P90 / median of the leg's time in the Monte Carlo (1: always ``seconds``)
    day_zone: tzinfo = field(kw_only=True)  # the clock of the traveller's day where it starts
    end_day_zone: tzinfo = field(kw_only=True)  # and where it ends

    @property
    def begin(self) -> int:
        """The route step it leaves from."""
        return self.ride.begin if self.ride is not None else self.k - 1


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
    name: str  # as travellers going this direction see it
    direction: str | None
    processing: Fact | None  # None: no time known, counted as none
    duration_dist: Distribution  # minutes
    duration: float  # seconds: the median
    delay_dists: tuple[Distribution, ...]  # minutes, one per opening delay of the stage
    delays: tuple[float, ...] | None  # seconds: the medians; None when all are zero
    opening_spread: float  # seconds: each opening drawn within this either side of the hours (Monte Carlo)
    queue: Distribution | None  # minutes queued in front of the post before processing (Monte Carlo; None: none)
    next_working_day: bool  # works on the next working day after entering the country
    enters: bool  # stamps the traveller into the country the route enters
    held: Rule | None  # the vehicle is held overnight here
    resume_at: time | None
    bed: Bed | None
    zone: tzinfo
    day_zone: tzinfo  # the clock of the traveller's day at the post (its quiet hours)
    note: str  # what the processing event says


@dataclass(frozen=True)
class Program:
    """The route for ``mode`` as operations in order."""

    route: Route
    mode: Mode
    ops: tuple[Drive | Check, ...]
    beds: tuple[int, ...]  # route steps where the traveller may sleep: the origin, places with lodging
    zones: tuple[tzinfo, ...]  # the clock of each route step
    day_zones: tuple[tzinfo, ...]  # the clock the traveller's day is counted in at each route step
    offers: tuple[Offer, ...] = ()  # services through posts on the route, given as advice
    estimated_off: float = 1.0  # the chance that a day off the calendar only estimates is one (Monte Carlo)
    # How the numbers of data/uncertainty.yaml the Monte Carlo draws are known, by name (left out: assumed).
    statuses: dict[str, str] = field(default_factory=dict)

    def status(self, name: str) -> str:
        """How the number ``name`` of data/uncertainty.yaml is known (``assumed`` when not given)."""
        return self.statuses.get(name, "assumed")

    @cached_property
    def day_clocks(self) -> tuple[tzinfo, ...]:
        """The clocks of the traveller's day along the route, each once."""
        return tuple(dict.fromkeys(self.day_zones))

    @cached_property
    def other_day_clocks(self) -> tuple[str, ...]:
        """The clocks of the traveller's day on the way that are not the clock its times are shown in there
        (IANA names, each once: Asia/Urumqi in China)."""
        return tuple(dict.fromkeys(str(d) for d, z in zip(self.day_zones, self.zones, strict=True) if d is not z))

    @cached_property
    def checks(self) -> list[Check]:
        return [op for op in self.ops if isinstance(op, Check)]

    @cached_property
    def drives(self) -> dict[int, Drive]:
        """The drives and rides by the route step they reach."""
        return {op.k: op for op in self.ops if isinstance(op, Drive)}

    @cached_property
    def begins(self) -> dict[int, int]:
        """The route step each drive or ride leaves from, by the step it reaches."""
        return {k: op.begin for k, op in self.drives.items()}

    @cached_property
    def posts(self) -> dict[int, Check]:
        """The checks by their route step."""
        return {op.k: op for op in self.checks}

    @cached_property
    def said(self) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """What the steps whose words do not depend on the time say, filled as plans word them
        (:func:`overland.planner.narration.events`): (kind, route step, detail code) -> (place, stage,
        zone, end zone, note, service)."""
        return {}

    @cached_property
    def on_the_move(self) -> float:
        """Seconds driving and being processed, waits left out: no walk of the route takes less."""
        return sum(op.seconds if isinstance(op, Drive) else op.duration for op in self.ops)

    @cached_property
    def driving(self) -> float:
        """Seconds at the wheel along the route (a ride is not driven)."""
        return sum(op.seconds for op in self.ops if isinstance(op, Drive) and op.ride is None)

    @cached_property
    def segments(self) -> tuple[tuple[int, tuple[Drive | Check, ...]], ...]:
        """The route cut at the beds: (the bed's step, the operations up to the next bed or the end).

        A segment starts with the check at its bed when the bed is a stage (an office in a town),
        then drives and checks up to and including the drive into the next bed.
        """
        found = []
        bounds = [*self.beds, len(self.route.steps) - 1]
        for bed, following in zip(bounds, bounds[1:], strict=False):
            ops = tuple(
                op for op in self.ops
                if (isinstance(op, Drive) and bed < op.k <= following) or (isinstance(op, Check) and bed <= op.k < following)
            )  # fmt: skip
            found.append((bed, ops))
        return tuple(found)


def compile_route(
    route: Route,
    mode: Mode,
    catalog: Catalog,
    network: Network,
    timetable: Callable[[str], Any],
    node: Callable[[str], tuple[str, str | None, Any, Any]],
    sky: Callable[[str], Darkness | None],
) -> Program:
    """Compile ``route`` for ``mode``; ``timetable(ref)`` gives a stage's timetable, ``node(n)`` a node's
    (clock, place, zone, zone of the traveller's day) and ``sky(n)`` when it is dark there."""
    vehicle = Vehicle.of(mode)
    steps = route.steps
    found = spans([step.node for step in steps], catalog.services) if mode in RIDING and catalog.services else []
    reach: dict[int, tuple[Span, bool]] = {}  # step -> (the span of the service reaching it, one ride over all of it)
    inside: set[int] = set()  # steps a ride passes without stopping
    for span in choose(found):
        if span.posts:
            reach.update((m, (span, False)) for m in range(span.begin + 1, span.end + 1))
        else:
            reach[span.end] = (span, True)
            inside.update(range(span.begin + 1, span.end))
    ops: list[Drive | Check] = []
    for k, step in enumerate(steps):
        if step.leg is not None and k > 0 and k not in inside:
            on = reach.get(k)
            if on is None:
                leg = step.leg
                start = steps[k - 1].node
                warned = frozenset(month for warning in leg.warnings for month in warning.months)
                ops.append(Drive(k, start, step.node, leg.hours_for(vehicle) * 3600, leg.km.value, leg, node(start)[2],
                                 warned, sky(start) if warned else None, node(step.node)[2], (leg,),
                                 spread=catalog.road_spread, day_zone=node(start)[3],
                                 end_day_zone=node(step.node)[3]))  # fmt: skip
            else:
                ops.append(_ride(steps, k, on[0], whole=on[1], catalog=catalog, vehicle=vehicle, node=node, sky=sky))
        if "/" in step.node:
            ops.append(_check(route, k, mode, catalog, network, timetable(step.node), node(step.node)[3]))
    beds = tuple(k for k, step in enumerate(steps[:-1])
                 if (k == 0 or (_has_beds(catalog, node(step.node)[1]) and not _between_countries(steps, k, catalog)))
                 and k not in inside)  # fmt: skip
    return Program(route, mode, tuple(ops), beds, tuple(node(step.node)[2] for step in steps),
                   tuple(node(step.node)[3] for step in steps),
                   offers(found, catalog) if found else (), catalog.estimated_day_off,
                   {name: catalog.status_of(name) for name in DRAWN})  # fmt: skip


def _ride(steps: tuple[Any, ...], k: int, span: Span, *, whole: bool, catalog: Catalog, vehicle: Vehicle,
          node: Callable[[str], tuple[str, str | None, Any, Any]], sky: Callable[[str], Any]) -> Drive:  # fmt: skip
    """The ride reaching step ``k`` on the service of ``span``: all of it (``whole``), or its leg to ``k``."""
    begin = span.begin if whole else k - 1
    legs = tuple(leg for m in range(begin + 1, k + 1) if (leg := steps[m].leg) is not None)
    start, end = steps[begin].node, steps[k].node
    ride = ride_of(span, catalog, start, end, begin=begin, through=not whole)
    if ride.duration is not None:
        seconds = ride.duration.median() * 60
    else:
        seconds = sum(leg.hours_for(vehicle) * 3600 for leg in legs)
    warned = frozenset(month for leg in legs for warning in leg.warnings for month in warning.months)
    return Drive(k, start, end, seconds, sum(leg.km.value for leg in legs), legs[0], node(start)[2], warned,
                 sky(start) if warned else None, node(end)[2], legs, ride, catalog.road_spread,
                 day_zone=node(start)[3], end_day_zone=node(end)[3])  # fmt: skip


def _has_beds(catalog: Catalog, place: str | None) -> bool:
    return catalog.bed_place(place) is not None


def _between_countries(steps: tuple[Any, ...], k: int, catalog: Catalog) -> bool:
    """True when the post at step ``k`` is reached between two countries: after another post of the same
    crossing and before any post of the country its beds are in. Someone out of Kazakhstan and not yet
    at a Chinese post cannot go to the hotels of Khorgos by the Chinese port; past the Chinese border
    post at Irkeshtam, 140 km before the port at Ulugqat, they are in China, and a traveller the port
    turns away for the night sleeps in the town."""
    node = steps[k].node
    if "/" not in node:
        return False
    crossing, _, stage = catalog.stage(node)
    earlier = [s.node for s in steps[:k] if s.node.startswith(f"{crossing.id}/")]
    if not earlier:
        return False  # the first post: the traveller is still in the country they came from
    bed = catalog.bed_place(stage.place or crossing.border_place)
    reached = {code for n in earlier for code in catalog.stage(n)[2].staffed_by}
    return bed is None or bed.country not in reached


def _check(route: Route, k: int, mode: Mode, catalog: Catalog, network: Network, table, day_zone: tzinfo) -> Check:
    node = route.steps[k].node
    crossing, stage_id, stage = catalog.stage(node)
    passage = route.direction_of(crossing.id)
    direction = passage.id if passage else None
    processing = stage.processing_for(mode, direction)
    duration_dist = spread(minutes_distribution(processing.value) if processing else minutes_distribution(0),
                           catalog.processing_spread_for(node))  # fmt: skip
    delay_dists = tuple(minutes_distribution(d.minutes.value) for d in stage.opening_delays)
    medians = tuple(d.median() * 60 for d in delay_dists)
    entering = passage is not None and stage.staffed_by == [passage.to_country]
    held = next(
        (r for r in stage.rules if r.kind is RuleKind.vehicle_held_overnight and r.applies_to(mode, direction)), None
    )
    held = held if entering else None
    name = stage.name_for(direction)
    if processing is None:
        note = name
    elif isinstance(processing.value, int | float):
        note = f"{name} ({processing.value:g} min, {processing.claim.status})"
    else:
        note = (
            f"{name} ({duration_dist.median():.0f} min, the median of "
            f"{processing.value.describe()} min, {processing.claim.status})"
        )
    return Check(
        k=k, node=node, crossing=crossing, stage_id=stage_id, stage=stage, table=table, name=name,
        direction=direction,
        processing=processing, duration_dist=duration_dist, duration=duration_dist.median() * 60,
        delay_dists=delay_dists, delays=medians if any(medians) else None, opening_spread=catalog.opening_spread * 60,
        queue=_queue(catalog),
        next_working_day=any(r.kind is RuleKind.next_working_day and r.applies_to(mode, direction) for r in stage.rules),
        enters=entering and stage.kind in ENTRY_KINDS,
        held=held, resume_at=time.fromisoformat(held.resume_at.value) if held and held.resume_at else None,
        bed=_bed(route, k, catalog, network) if held else None,
        zone=zone(stage.clock.value), day_zone=day_zone, note=note,
    )  # fmt: skip


def _queue(catalog: Catalog) -> Distribution | None:
    """The queue in front of every post as a distribution of minutes (None: the data has none)."""
    found = minutes_distribution(catalog.queue)
    return None if isinstance(found, Constant) and found.value == 0 else found


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
