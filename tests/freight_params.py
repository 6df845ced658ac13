"""Builders of small terminals for the freight tests (plain parameters, no scenario file)."""

from __future__ import annotations

from dataclasses import replace

from overland.model.distributions import Constant, Exponential, Triangular
from overland.sim.scenario import FlowParams, Gauge, TerminalParams


def hours(value: float) -> Constant:
    return Constant(kind="constant", value=value, unit="h")


def exponential(mean_h: float) -> Exponential:
    return Exponential(kind="exponential", mean=mean_h, unit="h")


def count(value: int) -> Constant:
    return Constant(kind="constant", value=value)


def mmc(c: int, arrival_rate: float, service_rate: float) -> TerminalParams:
    """The terminal as an M/M/c queue: Poisson trains of one box, c cranes, one lift each, no holds."""
    return TerminalParams(
        cranes=c,
        tracks={Gauge.standard: 10_000, Gauge.broad: 10_000},
        max_cranes_per_train=1,
        crane_move=exponential(1 / service_rate),
        yard_move=exponential(1 / service_rate),
        direct_share=1.0,
        yard_capacity_teu=10**9,
        outbound_boxes=1,
        working_hours=((0.0, 24.0),),
        breakdown_between=None,
        breakdown_repair=None,
        teu_per_box=1.0,
        tons_per_teu=1.0,
        flows=(FlowParams("customers", Gauge.standard, exponential(1 / arrival_rate), count(1), hours(0), hours(0)),),
    )


def mgc(c: int, arrival_rate: float, service: Triangular) -> TerminalParams:
    """As :func:`mmc` with another distribution of service times."""
    return replace(mmc(c, arrival_rate, 1.0), crane_move=service, yard_move=service)


def tiny() -> TerminalParams:
    """One crane, one track a gauge, a westbound train of 2 boxes every 2 h, all constant."""
    return TerminalParams(
        cranes=1,
        tracks={Gauge.standard: 1, Gauge.broad: 1},
        max_cranes_per_train=1,
        crane_move=hours(0.25),
        yard_move=hours(0.25),
        direct_share=0.5,
        yard_capacity_teu=100,
        outbound_boxes=2,
        working_hours=((0.0, 24.0),),
        breakdown_between=None,
        breakdown_repair=None,
        teu_per_box=2.0,
        tons_per_teu=10.0,
        flows=(FlowParams("west", Gauge.standard, hours(2), count(2), hours(0.5), hours(1)),),
    )
