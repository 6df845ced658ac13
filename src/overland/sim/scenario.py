"""A freight scenario: the terminal, the cargo and the train flows, every value a sourced claim.

A scenario file (``data/freight/<id>.yaml``) validates as :class:`Scenario`. Each
parameter is a :class:`~overland.model.provenance.Fact`: a value with its source
(a URL from shared/facts/freight.md or ``seed:002_ea37b29e196322a1.txt``), or
``status: derived`` with ``derived_from``, or ``status: assumed`` with a ``reason``.
Where sources disagree, several claims stay and one is the ``default``: the
simulation uses the defaults.

The simulation itself takes the plain :class:`TerminalParams` that
:meth:`Scenario.params` resolves, so tests and what-ifs can build one directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field, PositiveFloat, PositiveInt, model_validator

from overland.model.distributions import Count, Distribution, Duration
from overland.model.provenance import Fact, Status, Strict

HOURS_PER_YEAR = 365 * 24.0
_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SPAN_RE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


MAX_CRANES = 40  # cranes of one terminal
MAX_TRACKS = 60  # tracks of one gauge
MAX_TRAINS_A_DAY = 200  # arrivals a day of one flow (Khorgos handled about 20 in 2022)


class Gauge(StrEnum):
    """Track gauges at a break of gauge."""

    standard = "standard"  # 1435 mm, China
    broad = "broad"  # 1520 mm, Kazakhstan ("Russian gauge")

    @property
    def other(self) -> Gauge:
        return Gauge.broad if self is Gauge.standard else Gauge.standard

    @property
    def mm(self) -> int:
        return 1435 if self is Gauge.standard else 1520


GAUGES_ORDER = (Gauge.standard, Gauge.broad)


def parse_spans(spans: list[str]) -> tuple[tuple[float, float], ...]:
    """Daily working spans ``HH:MM-HH:MM`` as sorted ``(start, end)`` hours of the day."""
    parsed = []
    for text in spans:
        match = _SPAN_RE.match(text)
        if match is None:
            msg = f"working span {text!r} must be HH:MM-HH:MM, e.g. 08:00-20:00 (00:00-24:00 for round the clock)"
            raise ValueError(msg)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 + m1 / 60, h2 + m2 / 60
        if m1 > 59 or m2 > 59 or not 0 <= start < end <= 24:
            msg = f"working span {text!r} must run forward within one day (00:00 to 24:00)"
            raise ValueError(msg)
        parsed.append((start, end))
    parsed.sort()
    for (_, end), (start, _) in zip(parsed, parsed[1:], strict=False):
        if start < end:
            msg = f"working spans overlap: {spans}"
            raise ValueError(msg)
    if not parsed:
        msg = "give at least one working span (00:00-24:00 for round the clock)"
        raise ValueError(msg)
    return tuple(parsed)


def _check_spans(spans: list[str]) -> list[str]:
    parse_spans(spans)
    return spans


WorkingSpans = Annotated[list[str], AfterValidator(_check_spans)]
Share = Annotated[float, Field(ge=0, le=1)]


class Tracks(Strict):
    """Transshipment tracks under the cranes, by gauge."""

    standard: Fact[PositiveInt]
    broad: Fact[PositiveInt]


class Breakdowns(Strict):
    """Crane failures: time between failures of one crane (calendar time) and time to repair."""

    between: Duration
    repair: Duration


class CranePolicyName(StrEnum):
    """How cranes share the trains on the tracks (see :mod:`overland.sim.policies`)."""

    stay_with_train = "stay-with-train"
    first_train_each_lift = "first-train-each-lift"
    spread = "spread"


class Terminal(Strict):
    """The transshipment terminal: cranes, tracks, yard, how trains are worked.

    ``placement`` and ``release`` are the time a train set holds its track besides the
    lifting: placing the sets and opening them up before the first lift, and closing,
    inspecting and pulling them out after the last (left out: none). ``crane_policy``
    says how cranes share the trains (left out: a crane stays with its train).
    """

    cranes: Fact[PositiveInt]
    tracks: Tracks
    max_cranes_per_train: Fact[PositiveInt]
    crane_move: Fact[Duration]
    yard_move: Fact[Duration]
    direct_share: Fact[Share]
    yard_capacity_teu: Fact[PositiveInt]
    outbound_boxes: Fact[PositiveInt]
    working_hours: Fact[WorkingSpans]
    breakdowns: Fact[Breakdowns | None]
    placement: Fact[Duration] | None = None
    release: Fact[Duration] | None = None
    crane_policy: Fact[CranePolicyName] | None = None


class Cargo(Strict):
    """What a box is worth in TEU and tons."""

    teu_per_box: Fact[PositiveFloat]
    tons_per_teu: Fact[PositiveFloat]


class Flow(Strict):
    """Loaded trains arriving on one side, bound across the gauge break."""

    arrival_gauge: Fact[Gauge]
    interarrival: Fact[Duration]
    boxes: Fact[Count]
    arrival_hold: Fact[Duration]
    departure_hold: Fact[Duration]


class Scenario(Strict):
    """A freight scenario file."""

    id: Annotated[str, Field(pattern=_ID)]
    name: str
    description: str | None = None
    terminal: Terminal
    cargo: Cargo
    flows: dict[Annotated[str, Field(pattern=_ID)], Flow] = Field(min_length=1)

    @model_validator(mode="after")
    def _simulates_in_reasonable_time(self) -> Scenario:
        """Bounds that keep a year's simulation to seconds: a terminal no port has, or trains without boxes, are
        refused with what is allowed."""
        t = self.terminal
        for name, fact, most in (("terminal.cranes", t.cranes, MAX_CRANES),
                                 ("terminal.tracks.standard", t.tracks.standard, MAX_TRACKS),
                                 ("terminal.tracks.broad", t.tracks.broad, MAX_TRACKS)):  # fmt: skip
            if any(c.value > most for c in fact.root):
                raise ValueError(f"{name}: at most {most} (the largest break-of-gauge terminals have far fewer)")
        for flow_id, flow in self.flows.items():
            for claim in flow.boxes.root:
                if claim.value.cdf(0.5) > 0.001:
                    raise ValueError(f"flows.{flow_id}.boxes: a train carries at least one box")
            for claim in flow.interarrival.root:
                per_day = 24 / (claim.value.mean() * claim.value.factor) if claim.value.mean() > 0 else float("inf")
                if per_day > MAX_TRAINS_A_DAY:
                    raise ValueError(f"flows.{flow_id}.interarrival: {per_day:,.0f} trains a day; at most "
                                     f"{MAX_TRAINS_A_DAY} (a mean interarrival of at least "
                                     f"{24 * 60 / MAX_TRAINS_A_DAY:.1f} min)")  # fmt: skip
        return self

    def params(self) -> TerminalParams:
        """The default value of every claim, as the plain parameters the simulation takes."""
        t = self.terminal
        breakdowns = t.breakdowns.value
        return TerminalParams(
            cranes=t.cranes.value,
            tracks={Gauge.standard: t.tracks.standard.value, Gauge.broad: t.tracks.broad.value},
            max_cranes_per_train=t.max_cranes_per_train.value,
            crane_move=t.crane_move.value,
            yard_move=t.yard_move.value,
            direct_share=t.direct_share.value,
            yard_capacity_teu=t.yard_capacity_teu.value,
            outbound_boxes=t.outbound_boxes.value,
            working_hours=parse_spans(t.working_hours.value),
            breakdown_between=breakdowns.between if breakdowns else None,
            breakdown_repair=breakdowns.repair if breakdowns else None,
            placement=t.placement.value if t.placement is not None else None,
            release=t.release.value if t.release is not None else None,
            crane_policy=t.crane_policy.value.value if t.crane_policy is not None else "stay-with-train",
            teu_per_box=self.cargo.teu_per_box.value,
            tons_per_teu=self.cargo.tons_per_teu.value,
            flows=tuple(
                FlowParams(
                    name=name,
                    arrival_gauge=flow.arrival_gauge.value,
                    interarrival=flow.interarrival.value,
                    boxes=flow.boxes.value,
                    arrival_hold=flow.arrival_hold.value,
                    departure_hold=flow.departure_hold.value,
                )
                for name, flow in self.flows.items()
            ),
        )

    def claims(self) -> list[tuple[str, Any]]:
        """Every fact of the scenario as ``(dotted.path, Fact)``, in file order."""
        found: list[tuple[str, Any]] = []

        def walk(node: Any, path: str) -> None:
            if isinstance(node, Fact):
                found.append((path, node))
            elif isinstance(node, Strict):
                for name in type(node).model_fields:
                    walk(getattr(node, name), f"{path}.{name}" if path else name)
            elif isinstance(node, dict):
                for key, value in node.items():
                    walk(value, f"{path}.{key}")

        walk(self, "")
        return found

    def assumed(self) -> list[str]:
        """The dotted paths of the values nobody states (the default claim is ``assumed``)."""
        return [path for path, fact in self.claims() if fact.claim.status is Status.assumed]


@dataclass(frozen=True)
class FlowParams:
    """One direction's trains, plain values."""

    name: str
    arrival_gauge: Gauge
    interarrival: Distribution
    boxes: Distribution
    arrival_hold: Distribution
    departure_hold: Distribution

    @property
    def departure_gauge(self) -> Gauge:
        return self.arrival_gauge.other

    def trains_per_year(self) -> float:
        return HOURS_PER_YEAR / (self.interarrival.mean() * self.interarrival.factor)


@dataclass(frozen=True)
class TerminalParams:
    """Everything the simulation needs, plain values (durations keep their unit; the model works in hours).

    ``working_hours`` are daily ``(start, end)`` hours in the terminal's clock with
    day 0 starting at simulation time 0; ``((0, 24),)`` works round the clock.
    ``placement`` and ``release`` hold a set on its track before the first and after the
    last lift (None: no time). ``crane_policy`` names a policy of
    :mod:`overland.sim.policies`.
    """

    cranes: int
    tracks: dict[Gauge, int]
    max_cranes_per_train: int
    crane_move: Distribution
    yard_move: Distribution
    direct_share: float
    yard_capacity_teu: int
    outbound_boxes: int
    working_hours: tuple[tuple[float, float], ...]
    breakdown_between: Distribution | None
    breakdown_repair: Distribution | None
    teu_per_box: float
    tons_per_teu: float
    flows: tuple[FlowParams, ...]
    placement: Distribution | None = None
    release: Distribution | None = None
    crane_policy: str = "stay-with-train"

    def with_config(
        self, *, cranes: int | None = None, standard: int | None = None, broad: int | None = None
    ) -> TerminalParams:
        """The same terminal with another number of cranes or tracks."""
        tracks = dict(self.tracks)
        if standard is not None:
            tracks[Gauge.standard] = standard
        if broad is not None:
            tracks[Gauge.broad] = broad
        return replace(self, cranes=cranes if cranes is not None else self.cranes, tracks=tracks)

    def offered_tons_per_year(self) -> float:
        """The tons a year the arrivals bring on average."""
        return sum(f.trains_per_year() * f.boxes.mean() * self.teu_per_box * self.tons_per_teu for f in self.flows)

    def with_tons_per_year(self, tons: float) -> TerminalParams:
        """The same terminal with every flow's arrivals scaled so they bring ``tons`` a year."""
        factor = self.offered_tons_per_year() / tons
        flows = tuple(replace(f, interarrival=f.interarrival.scaled(factor)) for f in self.flows)
        return replace(self, flows=flows)

    def trains_per_day(self) -> float:
        """The inbound trains a day the arrivals bring on average."""
        return sum(f.trains_per_year() for f in self.flows) / 365

    def with_trains_per_day(self, trains: float) -> TerminalParams:
        """The same terminal with every flow's arrivals scaled so that ``trains`` arrive a day."""
        factor = self.trains_per_day() / trains
        flows = tuple(replace(f, interarrival=f.interarrival.scaled(factor)) for f in self.flows)
        return replace(self, flows=flows)

    def teu_per_train(self) -> float:
        """The TEU an inbound train brings on average (over the flows, by their rates)."""
        rates = [f.trains_per_year() for f in self.flows]
        return sum(r * f.boxes.mean() for r, f in zip(rates, self.flows, strict=True)) / sum(rates) * self.teu_per_box

    def yard_capacity_boxes(self) -> int:
        return max(1, int(self.yard_capacity_teu // self.teu_per_box))
