"""How many trains a day a terminal takes: the sustainable rate, against queueing theory and on Khorgos."""

from __future__ import annotations

import json

import pytest

from overland import freight_rate
from overland.sim.capacity import nominal_trains_per_day
from tests.freight_params import mmc


def test_an_mm1_terminal_takes_what_its_mean_wait_allows():
    """M/M/1 with lifts of 1 h: the mean time in the system is 1/(μ − λ), within 5 h up to
    λ = 0.8 an hour, 19.2 trains a day."""
    result = freight_rate(mmc(1, 0.5, 1.0), max_dwell_h=5, statistic="mean", days=100, warmup_days=5,
                          replications=4, seed=3, points=6)  # fmt: skip
    cap = result.capacity
    assert cap.low <= 19.2 <= cap.high and cap.ci95 < 2.5, cap
    assert result.nominal_per_day == pytest.approx(24) and result.binding == "cranes"
    assert not result.at_least and not result.low_rate_fails
    # The curve: dwell grows with the rate, and the rates above the capacity do not hold.
    dwell = [p.dwell_h.mean for p in result.curve]
    assert dwell == sorted(dwell)
    assert all(p.holds == 0 for p in result.curve if p.trains_per_day > cap.high + 1)


def test_the_nominal_capacity_counts_cranes_and_tracks():
    params = mmc(2, 1.0, 1.0)  # two cranes, lifts of an hour, one box a train: 48 a day
    assert nominal_trains_per_day(params) == (pytest.approx(48), "cranes")
    few_tracks = params.with_config(standard=1, broad=1)  # one track a gauge held an hour a train
    assert nominal_trains_per_day(few_tracks) == (pytest.approx(24), "1435 mm tracks")


def test_capacity_without_a_target_answers_how_many_trains_a_day(cli, tmp_path):
    plot = tmp_path / "curve.png"
    code, out, err = cli("freight", "capacity", "khorgos-2021", "--days", "30", "--replications", "2",
                         "--points", "6", "--plot", str(plot), "--format", "json")  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    cap = result["capacity"]
    # The 2021 terminal, cranes only (no shunting time on the tracks): about 22 trains a day.
    assert 18 <= cap["trains_per_day"] <= 25 and len(cap["per_replication"]) == 2
    assert cap["mt_per_year"] == pytest.approx(cap["teu_per_year"] * 16.6 / 1e6, rel=0.01)
    assert result["offered_trains_per_day"] == pytest.approx(11.0, rel=0.01)
    assert len(result["curve"]) == 6 and result["nominal_binding"] == "cranes"
    assert any("boxes left in the yard wait longer" in n or "the dwell falls" in n for n in result["notes"])
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_capacity_text_names_the_answer_and_what_binds(cli):
    code, out, err = cli("freight", "capacity", "khorgos-2021", "--days", "30", "--replications", "2",
                         "--points", "6")  # fmt: skip
    assert code == 0, err
    assert "How many trains a day? P90 dwell within 24 h, queues stable" in out
    assert "capacity: " in out and " trains a day (95 % interval; runs: " in out
    assert "the cranes bind" in out and "the scenario brings 11.0 trains a day" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_capacity_refuses_a_plot_with_a_target_and_an_impossible_limit(cli):
    code, _, err = cli("freight", "capacity", "khorgos-2021", "--target-mt", "12", "--plot", "x.png")
    assert code == 2 and err == "error: --plot draws the curve of trains a day: leave out --target-mt\n"
    code, out, err = cli("freight", "capacity", "khorgos-2021", "--max-dwell", "3h", "--days", "20",
                         "--replications", "1", "--points", "4")  # fmt: skip
    assert code == 2 and err.startswith("error: no rate tried keeps the P90 dwell within 3 h (shortest ")
    assert err.count("\n") == 1


def test_the_target_search_says_when_more_made_the_dwell_worse():
    from overland.sim.capacity import Trial, worse_with_more
    from overland.sim.kpis import Estimate

    def trial(cranes, tracks, dwell, ci=0.5):
        return Trial(cranes, tracks, tracks, Estimate(1e6, None, 1), Estimate(dwell, ci, 3), 0, 0, 0.9, False)

    few, many, more_cranes = trial(7, 9, 28.5), trial(7, 36, 34.8), trial(8, 9, 20.0)
    assert worse_with_more([few, many, more_cranes]) == ((few, many),)  # the 9 -> 36 tracks
    assert worse_with_more([few, trial(7, 36, 29.0)]) == ()  # within the noise and 5 %
