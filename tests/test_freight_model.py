"""The terminal model step by step: its event log, distributions, working hours, breakdowns,
the yard, replications and the capacity search."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

import overland
from overland.model.distributions import Distribution, Duration
from overland.sim.capacity import find_capacity, lower_bounds
from overland.sim.runner import replicate
from overland.sim.scenario import Gauge, parse_spans
from overland.sim.terminal import simulate_run
from tests.freight_params import count, exponential, hours, tiny


def test_a_tiny_terminal_logs_every_step_at_its_time():
    """One crane, 2-box trains every 2 h, lifts of 15 min: half of each train goes direct, half
    to the yard, and each outbound set is topped up with the box the previous train left there."""
    log: list[tuple[str, float]] = []
    result = simulate_run(
        tiny(), np.random.default_rng(0), days=7 / 24, trace=lambda name, now: log.append((name, now))
    )
    assert log == [
        ("west-1 arrives", 2.0),
        ("west-1 ready", 2.5),  # 30 min arrival hold
        ("west-1 on track", 2.5),
        ("west-1 unloaded", 3.0),  # two lifts: one to the broad-gauge set, one to the yard
        ("west-2 arrives", 4.0),
        ("west-1 departs", 4.0),  # 1 h departure hold
        ("west-2 ready", 4.5),
        ("west-2 on track", 4.5),
        ("west-2 unloaded", 5.25),  # three lifts: its own two and train 1's box from the yard
        ("west-3 arrives", 6.0),
        ("west-2 departs", 6.25),  # carrying train 1's last box: train 1 is done
        ("west-3 ready", 6.5),
        ("west-3 on track", 6.5),
    ]
    first = result.trains[0]
    assert first.t_done == 6.25 and first.t_done - first.t_arrive == 4.25
    assert result.boxes == {"arrived": 6, "departed": 3, "on_inbound": 1, "in_yard": 1, "on_outbound": 1}


def test_a_full_yard_holds_trains_back_and_a_yard_train_takes_a_full_load():
    # No direct transfers: every box goes to a 4-TEU (2-box) yard; a train leaves when 2 boxes wait.
    params = replace(tiny(), direct_share=0.0, yard_capacity_teu=4)
    log: list[tuple[str, float]] = []
    simulate_run(params, np.random.default_rng(0), days=5 / 24, trace=lambda name, now: log.append((name, now)))
    assert log == [
        ("west-1 arrives", 2.0),
        ("west-1 ready", 2.5),
        ("west-1 on track", 2.5),
        ("west-yard-1 formed", 3.0),  # the second box in the yard makes a train-load ...
        ("west-1 unloaded", 3.0),  # ... at the end of the same lift that empties train 1
        ("west-yard-1 on track", 3.0),
        ("west-yard-1 loaded", 3.5),
        ("west-2 arrives", 4.0),
        ("west-yard-1 departs", 4.5),
        ("west-2 ready", 4.5),
        ("west-2 on track", 4.5),
    ]
    # With a 2-TEU yard (one box) a 2-box train could never be unloaded: it waits at the gate.
    stuck = replace(params, yard_capacity_teu=2)
    log.clear()
    simulate_run(stuck, np.random.default_rng(0), days=5 / 24, trace=lambda name, now: log.append((name, now)))
    assert ("west-1 on track", 2.5) not in log and ("west-1 ready", 2.5) in log


def test_cranes_start_lifts_only_within_working_hours():
    params = replace(tiny(), working_hours=parse_spans(["03:00-04:00"]))
    log: list[tuple[str, float]] = []
    result = simulate_run(params, np.random.default_rng(0), days=1.2, trace=lambda name, now: log.append((name, now)))
    # Train 1 is on its tracks at 02:30 but waits for 03:00: unloaded at 03:30.
    assert ("west-1 unloaded", 3.5) in log
    for train in result.trains:
        if train.t_first_lift == train.t_first_lift:
            assert 3.0 <= train.t_first_lift % 24 < 4.0


def test_broken_cranes_are_down_for_the_share_the_repair_times_imply():
    base = replace(
        tiny(),
        crane_move=exponential(0.25),
        flows=(replace(tiny().flows[0], interarrival=exponential(2.0)),),
        cranes=4,
    )
    broken = replace(base, breakdown_between=exponential(30), breakdown_repair=exponential(10))
    report = replicate(broken, scenario="t", days=200, warmup_days=5, seed=5, replications=4)
    down = report.summary["crane_down_share"]
    assert down.low <= 10 / 40 <= down.high
    healthy = replicate(base, scenario="t", days=200, warmup_days=5, seed=5, replications=4)
    assert healthy.summary["crane_down_share"].mean == 0
    assert report.summary["dwell_mean_h"].mean > healthy.summary["dwell_mean_h"].mean


@pytest.mark.parametrize(
    ("spec", "mean"),
    [
        ({"kind": "constant", "value": 2, "unit": "h"}, 2.0),
        ({"kind": "exponential", "mean": 90, "unit": "min"}, 1.5),
        ({"kind": "triangular", "low": 1, "mode": 2, "high": 6, "unit": "h"}, 3.0),
        ({"kind": "lognormal", "mean": 2, "sd": 1, "unit": "d"}, 48.0),
        ({"kind": "empirical", "values": [1, 2, 4], "weights": [2, 1, 1], "unit": "h"}, 2.0),
    ],
    ids=lambda v: v["kind"] if isinstance(v, dict) else None,
)
def test_distributions_draw_their_mean_in_hours(spec, mean):
    dist = TypeAdapter(Duration).validate_python(spec)
    assert dist.mean() * dist.factor == pytest.approx(mean)
    draw = dist.sampler(np.random.default_rng(1))
    values = [draw() for _ in range(40_000)]
    assert np.mean(values) == pytest.approx(mean, rel=0.02)
    assert min(values) >= 0
    if spec["kind"] == "lognormal":
        assert np.std(values) == pytest.approx(24.0, rel=0.05)  # sd 1 day
    if spec["kind"] == "empirical":
        assert set(values) == {1.0, 2.0, 4.0}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "triangular", "low": 3, "mode": 2, "high": 6, "unit": "h"}, "low <= mode <= high"),
        ({"kind": "empirical", "values": [1, 2], "weights": [1], "unit": "h"}, "1 weights for 2 values"),
        ({"kind": "exponential", "mean": -1, "unit": "h"}, "greater than 0"),
        ({"kind": "exponential", "mean": 1}, "needs a 'unit'"),
        ({"kind": "gamma", "mean": 1, "unit": "h"}, "does not match any of the expected tags"),
    ],
)
def test_bad_distributions_are_refused(spec, message):
    with pytest.raises(ValidationError, match=message):
        TypeAdapter(Duration).validate_python(spec)


def test_scaling_keeps_the_shape():
    dist = TypeAdapter(Distribution).validate_python({"kind": "lognormal", "mean": 2, "sd": 1, "unit": "h"})
    assert dist.scaled(0.5).mean() == 1.0 and dist.scaled(0.5).sd == 0.5


def test_working_spans_are_checked():
    assert parse_spans(["14:00-18:00", "09:00-12:00"]) == ((9.0, 12.0), (14.0, 18.0))
    for bad in (["9-12"], ["12:00-09:00"], ["09:00-12:00", "11:00-13:00"], []):
        with pytest.raises(ValueError):
            parse_spans(bad)


def test_replications_are_reproducible_and_independent():
    params = replace(tiny(), flows=(replace(tiny().flows[0], interarrival=exponential(2.0)),))
    one = replicate(params, scenario="t", days=20, warmup_days=1, seed=9, replications=1)
    three = replicate(params, scenario="t", days=20, warmup_days=1, seed=9, replications=3)
    assert three.runs[0] == one.runs[0]  # replication 1 does not depend on how many run
    assert three.runs[1] != three.runs[0]
    assert three.summary["dwell_mean_h"].ci95 is not None and one.summary["dwell_mean_h"].ci95 is None
    other_seed = replicate(params, scenario="t", days=20, warmup_days=1, seed=10, replications=1)
    assert other_seed.runs[0] != one.runs[0]


def test_the_arrivals_do_not_depend_on_the_cranes():
    """Common random numbers: the capacity search compares configurations on the same trains."""
    params = replace(tiny(), flows=(replace(tiny().flows[0], interarrival=exponential(2.0)),))
    a = simulate_run(params, np.random.default_rng(4), days=5)
    b = simulate_run(params.with_config(cranes=3, standard=2), np.random.default_rng(4), days=5)
    assert [t.t_arrive for t in a.trains] == [t.t_arrive for t in b.trains]


def _busy_terminal():
    """Two flows of 20-box trains, lifts of 6 min, about 150 t... a small terminal to size."""
    west = replace(tiny().flows[0], interarrival=exponential(1.0), boxes=count(20), arrival_hold=hours(0))
    east = replace(west, name="east", arrival_gauge=Gauge.broad, interarrival=exponential(2.0))
    return replace(tiny(), crane_move=exponential(0.1), yard_move=exponential(0.1), max_cranes_per_train=2,
                   direct_share=1.0, outbound_boxes=20, flows=(west, east))  # fmt: skip


def test_capacity_finds_the_fewest_cranes_then_tracks():
    params = _busy_terminal()
    target = params.offered_tons_per_year() * 2  # twice today's traffic

    def evaluate(config):
        return replicate(config, scenario="busy", days=30, warmup_days=2, seed=1, replications=2)

    result = find_capacity(params, target_tons=target, max_dwell_h=6, evaluate=evaluate)
    best = result.best
    assert best is not None and best.meets
    assert best.tons_per_year.mean >= 0.97 * target and best.dwell_h.mean <= 6
    tried = {(t.cranes, t.standard, t.broad): t for t in result.trials}
    # One crane fewer misses, however many tracks it had; so does one track fewer of each gauge.
    fewer_cranes = [t for t in result.trials if t.cranes == best.cranes - 1]
    if fewer_cranes:
        assert not any(t.meets for t in fewer_cranes)
    else:
        assert best.cranes == lower_bounds(params.with_tons_per_year(target))[0]
    if best.standard > 1:
        assert not tried[(best.cranes, best.standard - 1, max(t.broad for t in result.trials))].meets
    if best.broad > 1:
        assert not tried[(best.cranes, best.standard, best.broad - 1)].meets


def test_capacity_says_when_the_limit_is_out_of_reach():
    params = _busy_terminal()
    held = replace(params, flows=tuple(replace(f, departure_hold=hours(8)) for f in params.flows))

    def evaluate(config):
        return replicate(config, scenario="busy", days=10, warmup_days=1, seed=1, replications=1)

    result = find_capacity(held, target_tons=params.offered_tons_per_year(), max_dwell_h=6, evaluate=evaluate)
    # An 8 h departure hold alone exceeds a 6 h limit: it stops once two more cranes in a row do not help.
    assert result.best is None
    assert result.limit_reason.startswith("more cranes no longer shorten the p90 dwell")
    assert max(t.cranes for t in result.trials) <= 10  # not all the way to the 40-crane cap
    # With too few cranes allowed it says so.
    capped = find_capacity(params, target_tons=4 * params.offered_tons_per_year(), max_dwell_h=6,
                           evaluate=evaluate, max_cranes=2)  # fmt: skip
    assert capped.best is None and capped.limit_reason.startswith("no configuration up to 2 cranes")


def test_facade_refuses_bad_runs():
    with pytest.raises(overland.errors.InputError, match="days must be more than 0"):
        overland.simulate("khorgos-2021", days=0)
    with pytest.raises(overland.errors.InputError, match="replications must be between 1"):
        overland.simulate("khorgos-2021", days=1, replications=0)
    report = overland.simulate(tiny(), days=1, warmup_days=0)
    assert report.scenario == "custom" and not math.isnan(report.summary["dwell_mean_h"].mean)
