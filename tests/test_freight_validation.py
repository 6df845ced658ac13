"""The terminal model against queueing theory and against itself.

- As an M/M/c queue (Poisson trains of one box, c cranes, one exponential lift
  each, no holds, tracks to spare) its mean wait matches Erlang C.
- As an M/G/c queue (triangular lifts, no closed form) it matches an independent
  simulator, ciw.
- Little's law L = λW holds on its own output, for trains and for boxes.
- Boxes are conserved: arrived = left + still inside.
"""

from __future__ import annotations

import statistics

import numpy as np
import pytest

from overland.model.distributions import Triangular
from overland.sim.kpis import estimate
from overland.sim.queueing import erlang_c, little_gap, mmc_wait
from overland.sim.runner import replicate
from overland.sim.terminal import simulate_run
from tests.freight_params import mgc, mmc


def test_erlang_c_matches_textbook_values():
    # Two servers, one erlang offered: C = 1/3; one server: C = ρ (M/M/1).
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(1, 0.7) == pytest.approx(0.7)
    # M/M/1 with λ = 0.5, μ = 1: Wq = ρ / (μ − λ) = 1.
    assert mmc_wait(1, 0.5, 1.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="a < c"):
        erlang_c(2, 2.0)


@pytest.mark.parametrize(
    ("cranes", "arrival_rate", "service_rate"),
    [(3, 2.4, 1.0), (2, 1.6, 1.0), (1, 0.5, 1.0)],
    ids=["M/M/3 rho=0.8", "M/M/2 rho=0.8", "M/M/1 rho=0.5"],
)
def test_mmc_mean_wait_matches_erlang_c(cranes, arrival_rate, service_rate):
    report = replicate(
        mmc(cranes, arrival_rate, service_rate), scenario="mmc", days=100, warmup_days=5, seed=42, replications=10
    )
    wq = mmc_wait(cranes, arrival_rate, service_rate)
    wait = report.summary["crane_wait_mean_h"]  # from getting a track (at once here) to the first lift
    assert wait.low <= wq <= wait.high, f"Erlang C Wq = {wq:.3f} h outside {wait.mean:.3f} ± {wait.ci95:.3f} h"
    # The time in the system is the wait plus one service.
    dwell = report.summary["dwell_mean_h"]
    w = wq + 1 / service_rate
    assert dwell.low <= w <= dwell.high, f"W = {w:.3f} h outside {dwell.mean:.3f} ± {dwell.ci95:.3f} h"
    # Utilisation is the offered load per crane.
    rho = arrival_rate / (cranes * service_rate)
    util = report.summary["crane_utilisation"]
    assert util.low <= rho <= util.high


def test_mgc_mean_wait_matches_ciw():
    """Triangular lifts have no closed form: ciw, an independent simulator, is the reference."""
    ciw = pytest.importorskip("ciw")
    service = Triangular(kind="triangular", low=0.5, mode=0.8, high=1.7, unit="h")  # mean 1 h
    report = replicate(mgc(3, 2.4, service), scenario="mgc", days=100, warmup_days=5, seed=7, replications=10)
    ours = report.summary["crane_wait_mean_h"]

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=2.4)],
        service_distributions=[ciw.dists.Triangular(lower=0.5, mode=0.8, upper=1.7)],
        number_of_servers=[3],
    )
    waits = []
    for seed in range(10):
        ciw.seed(seed)
        sim = ciw.Simulation(network)
        sim.simulate_until_max_time(105 * 24)
        records = [r for r in sim.get_all_records() if r.arrival_date >= 5 * 24]
        waits.append(statistics.mean(r.waiting_time for r in records))
    theirs = estimate(waits)
    # The two means differ by less than their intervals together allow.
    assert abs(ours.mean - theirs.mean) <= ours.ci95 + theirs.ci95, (ours, theirs)
    # And the triangular lift, less variable than the exponential, waits less than M/M/3.
    assert ours.high < mmc_wait(3, 2.4, 1.0)


@pytest.fixture(scope="module")
def khorgos_run():
    from overland.io.freight_files import load_scenario

    params = load_scenario("khorgos-2021").params()
    return simulate_run(params, np.random.default_rng(2021), days=120, warmup_days=7)


def test_littles_law_holds_for_trains_and_boxes(khorgos_run):
    from overland.sim.kpis import run_kpis

    k = run_kpis(khorgos_run)
    # Trains: L = time-average trains inside, λ = arrivals per hour, W = mean dwell.
    assert little_gap(k["trains_inside_mean"], k["train_arrivals_per_h"], k["dwell_mean_h"]) < 0.02
    # Boxes likewise, with the box dwell.
    assert little_gap(k["boxes_inside_mean"], k["box_arrivals_per_h"], k["box_dwell_mean_h"]) < 0.02


def test_boxes_are_conserved(khorgos_run):
    boxes = khorgos_run.boxes
    inside = boxes["on_inbound"] + boxes["in_yard"] + boxes["on_outbound"]
    assert boxes["arrived"] == boxes["departed"] + inside
    assert boxes["arrived"] == sum(t.boxes for t in khorgos_run.trains)
    assert boxes["departed"] == sum(r.boxes for r in khorgos_run.outbound if r.t_depart == r.t_depart)
    # What is still inside is what the trains have not yet sent on.
    assert inside == sum(t.remaining for t in khorgos_run.trains)
    assert min(boxes.values()) >= 0


def test_more_trains_than_cranes_can_lift_build_an_unbounded_queue():
    """ρ > 1: the queue grows with the horizon (a model that hid overload would fail here)."""
    short = replicate(mmc(1, 1.2, 1.0), scenario="over", days=20, warmup_days=0, seed=1, replications=1)
    long = replicate(mmc(1, 1.2, 1.0), scenario="over", days=80, warmup_days=0, seed=1, replications=1)
    assert long.summary["crane_wait_mean_h"].mean > 2 * short.summary["crane_wait_mean_h"].mean
    assert long.summary["crane_utilisation"].mean > 0.98
