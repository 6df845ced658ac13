"""Crane policies and the yard top-up: named, chosen, and what they do to the dwell."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from overland.io.freight_files import load_scenario
from overland.sim.policies import CRANE_POLICIES, DEFAULT_CRANE_POLICY, DEFAULT_TOP_UP, TOP_UPS
from overland.sim.runner import replicate
from overland.sim.scenario import Gauge
from overland.sim.terminal import simulate_run
from tests.freight_params import count, hours, tiny


def test_the_policies_have_names_and_the_default_is_a_crane_staying_with_its_train():
    assert set(CRANE_POLICIES) == {"stay-with-train", "first-train-each-lift", "spread"}
    assert set(TOP_UPS) == {"on-track", "placement"}
    assert DEFAULT_CRANE_POLICY == "stay-with-train" and DEFAULT_TOP_UP == "on-track"
    assert tiny().crane_policy == "stay-with-train"
    report = replicate(tiny(), scenario="t", days=1, warmup_days=0, seed=0, replications=1)
    assert report.policy == "stay-with-train, top-up while on the track"


def _two_trains_at_once():
    """Two 4-box trains, one from each side, arrive together at 02:00; two cranes, up to two a train."""
    west = replace(
        tiny().flows[0], interarrival=hours(2), boxes=count(4), arrival_hold=hours(0), departure_hold=hours(0)
    )
    east = replace(west, name="east", arrival_gauge=Gauge.broad)
    return replace(tiny(), cranes=2, tracks={Gauge.standard: 2, Gauge.broad: 2}, max_cranes_per_train=2,
                   direct_share=1.0, outbound_boxes=4, flows=(west, east))  # fmt: skip


def _log(params, policy):
    log: list[tuple[str, float]] = []
    simulate_run(params, np.random.default_rng(0), days=3.9 / 24, trace=lambda n, t: log.append((n, t)),
                 crane_policy=policy)  # fmt: skip
    return log


@pytest.mark.parametrize("policy", ["stay-with-train", "first-train-each-lift"])
def test_cranes_finish_one_train_before_the_next(policy):
    """Both cranes on the westbound train (4 lifts of 15 min: 30 min), then both on the eastbound."""
    assert _log(_two_trains_at_once(), policy) == [
        ("west-1 arrives", 2.0),
        ("west-1 ready", 2.0),
        ("east-1 arrives", 2.0),
        ("east-1 ready", 2.0),
        ("west-1 on track", 2.0),
        ("east-1 on track", 2.0),
        ("west-1 unloaded", 2.5),
        ("west-1 departs", 2.5),
        ("east-1 unloaded", 3.0),
        ("east-1 departs", 3.0),
    ]


def test_spreading_the_cranes_makes_the_first_train_wait():
    """One crane a train: both trains take an hour, the westbound 30 min longer than it needs."""
    assert _log(_two_trains_at_once(), "spread") == [
        ("west-1 arrives", 2.0),
        ("west-1 ready", 2.0),
        ("east-1 arrives", 2.0),
        ("east-1 ready", 2.0),
        ("west-1 on track", 2.0),
        ("east-1 on track", 2.0),
        ("west-1 unloaded", 3.0),
        ("west-1 departs", 3.0),
        ("east-1 unloaded", 3.0),
        ("east-1 departs", 3.0),
    ]


def _dwell_by_tracks(top_up: str, policy: str = "stay-with-train") -> list[tuple[float, float]]:
    """Khorgos 2021 at 20 trains a day with 4 cranes: (mean, P90) dwell with 1, 2, 4 and 12 tracks a gauge."""
    base = load_scenario("khorgos-2021").params().with_trains_per_day(20)
    found = []
    for tracks in (1, 2, 4, 12):
        report = replicate(base.with_config(cranes=4, standard=tracks, broad=tracks), scenario="t", days=20,
                           warmup_days=3, seed=4, replications=2, top_up=top_up, crane_policy=policy)  # fmt: skip
        found.append((report.summary["dwell_mean_h"].mean, report.summary["dwell_p90_h"].mean))
    return found


def test_more_tracks_never_make_the_default_dwell_worse():
    """Same cranes, same trains: each more track leaves the mean and P90 dwell as they were or shorter."""
    dwell = _dwell_by_tracks("on-track")
    for fewer, more in zip(dwell, dwell[1:], strict=False):
        assert more[0] <= fewer[0] * 1.005 and more[1] <= fewer[1] * 1.005, dwell
    assert dwell[1][0] < dwell[0][0]  # one track a gauge is too few at 20 trains a day


def test_the_old_top_up_made_more_tracks_lengthen_the_dwell():
    """Sets that take only what the yard holds when placed leave later boxes to a later train."""
    dwell = _dwell_by_tracks("placement")
    assert dwell[-1][0] > 1.05 * dwell[1][0] and dwell[-1][1] > 1.05 * dwell[1][1], dwell


def test_the_default_reproduces_the_queueing_checks_and_the_legacy_reproduces_the_old_model():
    """The legacy pair (first train each lift, top-up at placement) is the model as it was: the
    same trains at the same times as the default wherever the yard plays no part (M/M/c)."""
    from tests.freight_params import mmc

    params = mmc(3, 2.4, 1.0)
    a = simulate_run(params, np.random.default_rng(3), days=5)
    b = simulate_run(params, np.random.default_rng(3), days=5, crane_policy="first-train-each-lift", top_up="placement")
    assert [(t.t_arrive, t.t_unloaded, t.t_done) for t in a.trains] == [
        (t.t_arrive, t.t_unloaded, t.t_done) for t in b.trains
    ]


def test_unknown_policies_are_refused_with_the_names():
    import overland
    from overland.errors import InputError

    with pytest.raises(InputError, match="unknown crane policy 'zones': one of stay-with-train, first-train-each-lift"):
        overland.simulate("khorgos-2021", days=1, crane_policy="zones")
    with pytest.raises(InputError, match="unknown yard top-up 'never': one of on-track, placement"):
        overland.simulate("khorgos-2021", days=1, top_up="never")
