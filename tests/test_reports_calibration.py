"""Calibration: reports drawn from a known distribution pull a stage's processing time toward it."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

import overland
from overland.model.crossing import Mode
from overland.model.distributions import Constant, Lognormal, Mixture, Triangular
from overland.model.provenance import Status
from overland.planner.calibration import (
    HALF_LIFE_DAYS,
    Observation,
    blend,
    calibrate,
    capped_weights,
    empirical_quantile,
    learned_minutes,
    observed_summary,
    open_minutes,
    quantile,
    recency_weight,
)

CATALOG = overland.load_catalog()
AS_OF = date(2026, 11, 20)
AS_OF_SERVICE = overland.Overland(use_reports=False, clock=lambda: datetime(2026, 11, 20, 12, tzinfo=UTC))
NARYN_WEDNESDAY = datetime.fromisoformat("2026-11-25T05:00+06:00")
# The truth the synthetic reports are drawn from: the Chinese port at Torugart takes about five hours for a car
# (in open minutes: the reports here give no times, so nothing is left out or cut to an opening).
TRUE = Lognormal(kind="lognormal", median=300, p90=420)


def synthetic(
    n: int, *, seed: int = 0, stage: str = "cn-port", mode: Mode = Mode.own_car, days: int = 60, dist=TRUE
) -> list[Observation]:
    """``n`` reports of the last ``days`` days drawn from ``dist``."""
    rng = np.random.default_rng(seed)
    values = dist.draw(rng, n)
    ages = rng.integers(0, days, n)
    return [
        Observation("torugart", stage, mode, AS_OF - timedelta(days=int(a)), float(v), 30.0)
        for v, a in zip(values, ages, strict=True)
    ]


def calibrated_p50(observations, **kwargs) -> float:
    calibration = calibrate(CATALOG, observations, as_of=AS_OF, **kwargs)
    return calibration.catalog.stage("torugart/cn-port")[2].processing_for(Mode.own_car).value.median()


def test_reports_move_the_p50_toward_the_truth_as_they_grow():
    prior = CATALOG.stage("torugart/cn-port")[2].processing_for(Mode.own_car).value
    truth = TRUE.median()
    assert abs(prior.median() - truth) > 100  # the data's triangular(120, 180, 240) is far from it
    reports = synthetic(400, seed=11)  # the first n of them, as they come in
    sizes = [0, 2, 5, 10, 20, 50, 100, 200, 400]
    errors = []
    for n in sizes:
        p50 = calibrated_p50(reports[:n]) if n else prior.median()
        errors.append(abs(p50 - truth))
    # Monotone-ish: never more than a sampling wobble worse than the step before, and far better at the end.
    for before, after in zip(errors, errors[1:], strict=False):
        assert after <= before + 10, errors
    assert errors[-1] < 0.1 * errors[0], errors
    assert errors[-1] < 15, errors  # within 15 minutes of the true median with 400 reports


def test_the_whole_distribution_approaches_the_truth():
    calibration = calibrate(CATALOG, synthetic(2000, seed=7), as_of=AS_OF)
    learned = calibration.catalog.stage("torugart/cn-port")[2].processing_for(Mode.own_car).value
    for q in (0.25, 0.5, 0.75, 0.9):
        truth = quantile(TRUE, q)
        assert abs(quantile(learned, q) - truth) < 0.06 * truth, q


def test_few_reports_leave_the_data_in_charge():
    one = calibrate(CATALOG, synthetic(1, seed=3), as_of=AS_OF)
    (used,) = one.stages
    assert used.reports == 1 and used.observed_share < 0.2
    assert abs(used.median - used.prior_median) < 30


def test_old_reports_weigh_less_than_new_ones():
    assert recency_weight(AS_OF, AS_OF, 180) == 1
    assert recency_weight(AS_OF - timedelta(days=180), AS_OF, 180) == pytest.approx(0.5)
    assert recency_weight(AS_OF - timedelta(days=360), AS_OF, 180) == pytest.approx(0.25)
    assert recency_weight(AS_OF + timedelta(days=3), AS_OF, 180) == 1
    # 50 recent reports at 2 hours against 50 three-year-old ones at 6 hours: the recent ones win.
    recent = [
        Observation("torugart", "cn-port", Mode.own_car, AS_OF - timedelta(days=i % 30), 120.0) for i in range(50)
    ]
    old = [Observation("torugart", "cn-port", Mode.own_car, AS_OF - timedelta(days=1100 + i), 360.0) for i in range(50)]
    assert calibrated_p50(recent + old) == pytest.approx(120, abs=1)
    # The same old reports alone are outweighed by the data's prior (half-lives make them nearly worthless).
    assert calibrated_p50(old) < 250


def test_the_half_life_sets_how_fast_reports_fade():
    old = [Observation("torugart", "cn-port", Mode.own_car, AS_OF - timedelta(days=400), 360.0) for _ in range(20)]
    assert calibrated_p50(old, half_life_days=2000) > calibrated_p50(old, half_life_days=60)


def test_the_blend_is_a_mixture_of_the_prior_and_the_weighted_observations():
    prior = Triangular(kind="triangular", low=120, mode=180, high=240)
    mixed = blend(prior, [300, 300.04, 360], [1.0, 0.5, 0.25], prior_weight=5)
    assert isinstance(mixed, Mixture)
    assert [p.weight for p in mixed.parts] == [5, 1.75]
    observed = mixed.parts[1].value
    assert observed.values == [300.0, 360.0] and observed.weights == [1.5, 0.25]  # equal to a tenth merged
    assert mixed.cdf(240) == pytest.approx(5 / 6.75)
    # A mixture prior is flattened, its parts keeping their shares of the prior's weight.
    delayed = Mixture.model_validate(
        {
            "kind": "mixture",
            "parts": [
                {"weight": 1, "value": {"kind": "constant", "value": 0}},
                {"weight": 3, "value": {"kind": "uniform", "low": 60, "high": 120}},
            ],
        }
    )
    flat = blend(delayed, [90], [2.0], prior_weight=4)
    assert [p.weight for p in flat.parts] == [1, 3, 2]
    assert blend(30, [40], [1]).parts[0].value == Constant(kind="constant", value=30)
    with pytest.raises(ValueError, match="one weight per value"):
        blend(prior, [1, 2], [1])


def test_the_calibrated_claim_is_derived_and_says_from_what():
    calibration = calibrate(CATALOG, synthetic(12, seed=1), as_of=AS_OF)
    fact = calibration.catalog.stage("torugart/cn-port")[2].processing_for(Mode.own_car)
    claim = fact.claim
    assert claim.status is Status.derived and claim.default
    first, last = min(o.day for o in synthetic(12, seed=1)), max(o.day for o in synthetic(12, seed=1))
    assert claim.derived_from.startswith(
        f"12 reports from {first} to {last}, half-life {HALF_LIFE_DAYS:g} days, "
        "blended with the data's prior (triangular(120, 180, 240) min, derived)"
    )
    # The data's own claim stays beside it; other modes and stages, and the original catalog, are untouched.
    assert [c.status for c in fact.others] == [Status.derived] and not fact.others[0].default
    stage = calibration.catalog.stage("torugart/cn-port")[2]
    assert stage.processing_for(Mode.passenger) == CATALOG.stage("torugart/cn-port")[2].processing_for(Mode.passenger)
    assert calibration.catalog.stage("torugart/gate")[2] is CATALOG.stage("torugart/gate")[2]
    assert CATALOG.stage("torugart/cn-port")[2].processing_for(Mode.own_car).claim.status is Status.derived
    assert isinstance(CATALOG.stage("torugart/cn-port")[2].processing_for(Mode.own_car).value, Triangular)


def test_unknown_stages_and_missing_times_are_left_out():
    seen = [
        Observation("torugart", "nowhere", Mode.own_car, AS_OF, 10.0),
        Observation("atlantis", "gate", Mode.own_car, AS_OF, 10.0),
        Observation("torugart", "gate", Mode.own_car, AS_OF, None, 20.0),
    ]
    calibration = calibrate(CATALOG, seen, as_of=AS_OF)
    assert calibration.stages == () and calibration.catalog is CATALOG


def test_open_minutes_leave_out_the_midday_break_and_fit_the_longest_opening():
    def seen(started: str, finished: str, stage: str = "cn-port") -> Observation:
        a, b = datetime.fromisoformat(started), datetime.fromisoformat(finished)
        return Observation("torugart", stage, Mode.own_car, a.date(), (b - a).total_seconds() / 60, None, a, b)

    # Monday 2 November 2026: the Chinese port opens 09:00-12:00 and 14:00-18:00 Beijing time.
    across_lunch = seen("2026-11-02T11:00+08:00", "2026-11-02T15:00+08:00")
    assert open_minutes(CATALOG, across_lunch) == (120.0, 240.0)
    assert learned_minutes(CATALOG, across_lunch) == (120.0, False)
    all_day = seen("2026-11-02T09:00+08:00", "2026-11-02T18:00+08:00")
    assert learned_minutes(CATALOG, all_day) == (240.0, True)  # 420 open minutes: more than any one opening
    during_lunch = seen("2026-11-02T12:10+08:00", "2026-11-02T12:40+08:00")  # the data says shut: the report wins
    assert learned_minutes(CATALOG, during_lunch) == (30.0, False)
    round_the_clock = seen("2026-11-02T23:00+06:00", "2026-11-03T00:30+06:00", stage="kg-outer-checkpoint")
    assert learned_minutes(CATALOG, round_the_clock) == (90.0, False)
    untimed = Observation("torugart", "cn-port", Mode.own_car, AS_OF, 500.0)
    assert learned_minutes(CATALOG, untimed) == (500.0, False)
    calibration = calibrate(CATALOG, [across_lunch, all_day], as_of=AS_OF)
    claim = calibration.catalog.stage("torugart/cn-port")[2].processing_for(Mode.own_car).claim
    assert claim.derived_from.endswith("minutes counted in the stage's open hours, 1 cut to its longest opening")
    assert calibration.catalog.stage("torugart/cn-port")[2].processing_for(Mode.own_car).value.parts[
        -1
    ].value.values == [120, 240]


def test_a_plan_uses_the_observations_and_says_so():
    plain = overland.plan("naryn", "kashgar", NARYN_WEDNESDAY, via="torugart")
    # Slower than the data's three hours, yet short enough to fit the port's afternoon opening (14:00-18:00).
    slow = synthetic(200, seed=5, dist=Lognormal(kind="lognormal", median=196, p90=204))
    learned = AS_OF_SERVICE.plan("naryn", "kashgar", NARYN_WEDNESDAY, via="torugart", observations=slow)
    (used,) = learned.observations
    assert used.stage == "torugart/cn-port" and used.reports == 200 and used.mode is Mode.own_car
    port = next(e for e in learned.events if e.kind.value == "process" and e.stage == "torugart/cn-port")
    assert "derived" in port.note and "mixture" in port.note
    assert (port.end - port.start) > timedelta(hours=3.15)  # the data's median is 3 hours
    assert learned.as_json()["observations"][0]["reports"] == 200
    assert plain.as_json()["observations"] == []
    assert plain.observations == () and learned.arrive >= plain.arrive
    # Reports of another mode, or of stages off the route, change nothing and are not mentioned.
    walkers = AS_OF_SERVICE.plan(
        "naryn", "kashgar", NARYN_WEDNESDAY, via="torugart", observations=synthetic(50, mode=Mode.passenger)
    )
    assert walkers.observations == () and walkers.events == plain.events
    # The same observations twice: the same calibrated catalog, its planner built once.
    again = AS_OF_SERVICE.plan("naryn", "kashgar", NARYN_WEDNESDAY, via="torugart", observations=slow)
    assert again.events == learned.events


def test_monte_carlo_draws_the_calibrated_distribution():
    plan = AS_OF_SERVICE.plan(
        "naryn",
        "kashgar",
        NARYN_WEDNESDAY,
        via="torugart",
        samples=2000,
        seed=1,
        observations=synthetic(300, seed=2, dist=Lognormal(kind="lognormal", median=200, p90=230)),
    )
    drawn = {(i.stage, i.what): i for i in plan.distribution.inputs}
    port = drawn[("torugart/cn-port", "processing")]
    assert port.status == "derived" and "mixture" in port.distribution


def test_observed_summary_counts_and_quantiles():
    seen = [
        Observation("torugart", "gate", Mode.own_car, AS_OF - timedelta(days=d), float(p), w)
        for d, p, w in ((3, 20, 60), (1, 30, 90), (2, 40, None), (9, 50, 30))
    ]
    summary = observed_summary(seen)
    assert summary["observations"] == 4
    assert (summary["first"], summary["last"]) == (
        (AS_OF - timedelta(days=9)).isoformat(),
        (AS_OF - timedelta(days=1)).isoformat(),
    )
    assert summary["processing_minutes"] == {"count": 4, "p50": 35.0, "p90": 47.0}
    assert summary["wait_minutes"] == {"count": 3, "p50": 60.0, "p90": 84.0}
    assert observed_summary([])["processing_minutes"] == {"count": 0, "p50": None, "p90": None}
    assert empirical_quantile([5.0], 0.9) == 5.0


def test_quantile_matches_the_closed_form_of_a_lognormal():
    mu, sigma = TRUE.mu_sigma
    assert quantile(TRUE, 0.5) == pytest.approx(300, rel=1e-6)
    assert quantile(TRUE, 0.9) == pytest.approx(math.exp(mu + 1.2815515655446004 * sigma), rel=1e-6)


def test_a_burst_of_reports_from_one_sender_barely_moves_the_plan():
    # Twenty reports in a second from one token, each saying the gate took 235 minutes (the data: 30).
    burst = [
        Observation("torugart", "gate", Mode.own_car, AS_OF, 235.0, None, None, None, "token 7") for _ in range(20)
    ]
    calibration = calibrate(CATALOG, burst, as_of=AS_OF)
    (gate,) = calibration.stages
    assert gate.observed_share <= 0.25 + 1e-9  # one sender holds at most a quarter of the weight
    assert gate.median == pytest.approx(30.0)  # the data's 30 minutes still hold the median
    plain = AS_OF_SERVICE.plan("naryn", "kashgar", NARYN_WEDNESDAY, via="torugart")
    poisoned = AS_OF_SERVICE.plan("naryn", "kashgar", NARYN_WEDNESDAY, via="torugart", observations=burst)
    assert abs((poisoned.arrive - plain.arrive).total_seconds()) < 3600
    # The same twenty from twenty senders on one day are capped as one day's reports, absurd minutes cut.
    sybils = [
        Observation("torugart", "gate", Mode.own_car, AS_OF, 100_000.0, None, None, None, f"token {n}")
        for n in range(20)
    ]
    (gate,) = calibrate(CATALOG, sybils, as_of=AS_OF).stages
    assert gate.observed_share <= 0.25 + 1e-9 and gate.median == pytest.approx(30.0)
    # Reports from many senders over many days are learned from, as before.
    spread = [
        Observation("torugart", "gate", Mode.own_car, AS_OF - timedelta(days=d), 75.0, None, None, None, f"token {d}")
        for d in range(12)
    ]
    (gate,) = calibrate(CATALOG, spread, as_of=AS_OF).stages
    assert gate.observed_share > 0.6 and gate.median == pytest.approx(75.0)


def test_weights_are_capped_by_sender_and_by_day():
    weights = capped_weights([1.0] * 10, [["a"] * 8 + ["b", "c"], [f"day {i}" for i in range(10)]], prior_weight=5.0)
    total = 5.0 + sum(weights)
    assert sum(weights[:8]) == pytest.approx(0.25 * total)
    assert weights[8] == weights[9] == 1.0  # small senders keep their weight


def test_a_server_calibrating_again_gives_what_a_fresh_calibration_gives():
    """Kept between calibrations: what each report teaches and the expanded timetables. A report added
    later changes the plan exactly as a calibration from nothing would."""
    from overland.planner.calibration import Learned
    from overland.planner.search import Planner

    learned = Learned(CATALOG)
    base = Planner(CATALOG)
    traveller = AS_OF_SERVICE.traveller()
    reports = synthetic(40, seed=5)
    base.plan("naryn", "kashgar", NARYN_WEDNESDAY, traveller)  # timetables expanded on the data's own times
    calibrate(CATALOG, reports[:-1], as_of=AS_OF, learned=learned)
    kept = calibrate(CATALOG, reports, as_of=AS_OF, learned=learned)
    fresh = calibrate(CATALOG, reports, as_of=AS_OF)
    assert kept.stages == fresh.stages
    again = base.recalibrated(kept.catalog).plan("naryn", "kashgar", NARYN_WEDNESDAY, traveller)
    anew = Planner(fresh.catalog).plan("naryn", "kashgar", NARYN_WEDNESDAY, traveller)
    assert again == anew
    assert again.arrive != base.plan("naryn", "kashgar", NARYN_WEDNESDAY, traveller).arrive  # the reports count
