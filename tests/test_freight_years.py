"""The scenarios by year against what the terminals reported: the short version of
``benchmarks/validate_freight.py`` (whose full figures are in VALIDATION.md)."""

from __future__ import annotations

import pytest

from overland import freight_rate
from overland.io.freight_files import load_scenario

QUICK = {"days": 30, "replications": 2, "points": 6, "seed": 0}


def _capacity(params):
    return freight_rate(params, **QUICK)


def test_khorgos_2022_takes_the_19_to_20_trains_ktz_announced():
    """railfreight.com 2022: "From 9-10 daily trains, we will now be able to process 19-20 trains per day"."""
    after = _capacity(load_scenario("khorgos-2022").params())
    assert 19 * 0.85 <= after.capacity.mean <= 20 * 1.15, after.capacity
    # Without the two new 1435 mm tracks: the 2021 layout, far below, as KTZ said (the model is
    # 20 % above its 9-10, inside the 10-12 the terminal said it handled in 2021).
    before = _capacity(load_scenario("khorgos-2022").params().with_config(standard=3))
    assert 10 <= before.capacity.mean <= 13.5 and after.capacity.mean > 1.4 * before.capacity.mean


def test_dostyk_takes_about_its_announced_320000_teu():
    result = _capacity(load_scenario("dostyk-2025").params())
    assert result.teu_per_year(result.capacity.mean) == pytest.approx(320_000, rel=0.2)


def test_the_known_gaps_stay_where_validation_md_explains_them():
    """Three cranes cannot give 2025's 1.5-fold capacity (29-30 a day); four can."""
    params = load_scenario("khorgos-2025").params()
    three = _capacity(params)
    assert three.capacity.mean < 26
    four = _capacity(params.with_config(cranes=4))
    assert four.capacity.mean > 26
