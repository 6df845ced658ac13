"""The shipped scenarios: sourced, loadable by name or path, and landing where their sources say."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import overland
from overland.errors import DataError, UnknownIdError
from overland.io.freight_files import load_scenario, scenario_dir, scenario_names
from overland.model.provenance import Status
from overland.sim.scenario import Gauge

ASTANA_2021 = (
    "https://astanatimes.com/2021/08/cargo-traffic-of-ktze-khorgos-gateway-dry-port-on-kazakh-chinese-border-"
    "continues-operation-despite-pandemic/"
)
YIDAIYILU = "https://eng.yidaiyilu.gov.cn/qwyw/rdxw/16151.htm"
FIRST_TRAIN_2015 = "http://en.khorgosgateway.com/catalog/press_release/vr/128.html"


@pytest.fixture(scope="module")
def khorgos_2021():
    return overland.simulate("khorgos-2021", days=365, warmup_days=7, seed=3, replications=3)


def test_the_two_scenarios_ship():
    assert {"khorgos-2021", "khorgos-30mt"} <= set(scenario_names())


@pytest.mark.parametrize(
    "name", ["khorgos-2021", "khorgos-30mt", "khorgos-2016", "khorgos-2022", "khorgos-2025", "dostyk-2025"]
)
def test_every_value_is_sourced_derived_or_assumed_with_a_reason(name):
    scenario = load_scenario(name)
    claims = scenario.claims()
    assert len(claims) >= 20
    for path, fact in claims:
        for claim in fact.root:
            if claim.status is Status.sourced:
                assert claim.source, path
            elif claim.status is Status.derived:
                assert claim.derived_from, path
            else:
                assert claim.reason, path


def test_khorgos_2021_cites_the_terminal_figures():
    scenario = load_scenario("khorgos-2021")
    terminal = scenario.terminal
    assert terminal.cranes.value == 3 and terminal.cranes.claim.source == ASTANA_2021
    assert terminal.yard_capacity_teu.value == 18_000 and terminal.yard_capacity_teu.claim.source == ASTANA_2021
    assert terminal.tracks.standard.value + terminal.tracks.broad.value == 6
    assert scenario.flows["westbound"].arrival_gauge.claim.source == "seed:002_ea37b29e196322a1.txt"
    # The 19 trains a day of 2022 (all of the Chinese port) stays visible as a second claim.
    others = scenario.flows["westbound"].interarrival.others
    assert [c.source for c in others] == [
        "https://intermodalnews.eu/2023/01/03/the-khorgos-terminal-handled-over-7000-china-europe-trains-in-2022/"
    ]
    # The shares nobody states are marked assumed.
    assert "terminal.direct_share" in scenario.assumed()


def test_khorgos_2021_handles_10_to_12_trains_a_day(khorgos_2021):
    """Astana Times (Aug 2021): the Khorgos Gateway handles 10-12 trains a day, about 500 containers."""
    trains = khorgos_2021.summary["trains_per_day"]
    assert 10 <= trains.low and trains.high <= 12, trains
    boxes_per_day = khorgos_2021.summary["teu_per_year"].mean / 2.0 / 365
    assert 450 <= boxes_per_day <= 600  # "≈ 500 containers"


def test_khorgos_2021_works_a_train_in_about_an_hour(khorgos_2021):
    """A 45-50-car train reloaded in 55 min on average (Astana Times 2021); a whole train in
    47 min (yidaiyilu); the first train, 30 boxes, in 1 h 11 min (Khorgos Gateway 2015)."""
    handling = khorgos_2021.summary["handling_mean_h"]  # first to last lift of a train
    assert 47 / 60 <= handling.low and handling.high <= 71 / 60, handling
    # The cranes are far from saturated at 2021 volumes, the tracks more so.
    assert khorgos_2021.summary["crane_utilisation"].mean < 0.6
    assert khorgos_2021.summary["queue_mean_standard"].mean < 0.5


def test_khorgos_30mt_carries_30_million_tons_within_a_day():
    """The seed: "up to 15 million tons ... rising to 30 million tons per year in the long run"."""
    params = load_scenario("khorgos-30mt").params()
    assert params.offered_tons_per_year() == pytest.approx(30e6, rel=0.001)
    report = overland.simulate("khorgos-30mt", days=60, warmup_days=7, seed=1, replications=2)
    assert report.summary["tons_per_year"].mean == pytest.approx(30e6, rel=0.05)
    assert report.summary["dwell_p90_h"].mean <= 24
    # The 2021 terminal could not: its three cranes would be overrun.
    overrun = overland.simulate(
        load_scenario("khorgos-2021").params().with_tons_per_year(30e6), days=30, warmup_days=0, seed=1
    )
    assert overrun.summary["crane_utilisation"].mean > 0.95
    assert overrun.summary["tons_per_year"].mean < 0.7 * 30e6


def test_a_scenario_may_be_given_as_a_path(tmp_path):
    copy = tmp_path / "my-terminal.yaml"
    shutil.copy(scenario_dir() / "khorgos-2021.yaml", copy)
    assert load_scenario(str(copy)).id == "khorgos-2021"  # a path need not match the id


def test_unknown_scenario_names_suggest_close_matches():
    with pytest.raises(UnknownIdError, match=r"unknown scenario 'khorgos-2012' \(did you mean khorgos-2021"):
        load_scenario("khorgos-2012")
    with pytest.raises(UnknownIdError, match="not found"):
        load_scenario("no/such/file.yaml")


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (scenario_dir() / "khorgos-2021.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


def test_errors_name_the_file_the_line_and_the_field(tmp_path):
    path = _broken(tmp_path, "  cranes:\n    value: 3\n", "  cranes:\n    value: 0\n")
    with pytest.raises(DataError) as caught:
        load_scenario(str(path))
    line = _line_of(path, "  cranes:")
    assert str(caught.value).startswith(f"{path}:{line}: terminal.cranes")
    assert "greater than 0" in str(caught.value)


def test_a_duration_without_a_unit_is_refused(tmp_path):
    path = _broken(tmp_path, "high: 5.4, unit: min}", "high: 5.4}")
    with pytest.raises(DataError, match="a duration needs a 'unit'"):
        load_scenario(str(path))


def test_an_assumed_value_needs_a_reason(tmp_path):
    path = _broken(
        tmp_path,
        "  direct_share:\n    value: 0.9\n    status: assumed\n    reason: >-\n",
        "  direct_share:\n    value: 0.9\n    status: assumed\n    note: >-\n",
    )
    with pytest.raises(DataError, match="an 'assumed' value needs a 'reason'"):
        load_scenario(str(path))


def test_unknown_distributions_and_fields_are_refused(tmp_path):
    path = _broken(tmp_path, "{kind: triangular, low: 2.0", "{kind: triangle, low: 2.0")
    with pytest.raises(DataError, match="triangle"):
        load_scenario(str(path))
    path = _broken(tmp_path, "  yard_capacity_teu:", "  yard_size_teu:")
    with pytest.raises(DataError, match="yard_size_teu: unknown field"):
        load_scenario(str(path))


def test_the_year_scenarios_ship_with_their_sources():
    """2016, 2022, 2025 and Dostyk 2025 (issue 18): every sourced value quotes its page."""
    assert {"khorgos-2016", "khorgos-2022", "khorgos-2025", "dostyk-2025"} <= set(scenario_names())
    for name in ("khorgos-2016", "khorgos-2022", "khorgos-2025", "dostyk-2025"):
        scenario = load_scenario(name)
        for path, fact in scenario.claims():
            for claim in fact.root:
                if claim.status is Status.sourced and claim.source.startswith("http"):
                    assert claim.quote, f"{name}: {path} is sourced without a quote"
        params = scenario.params()
        assert params.placement is not None and params.release is not None  # time on the tracks
        assert params.crane_policy == "stay-with-train"
    y2022 = load_scenario("khorgos-2022").params()
    assert (y2022.tracks[Gauge.standard], y2022.tracks[Gauge.broad]) == (5, 3)
    y2025 = load_scenario("khorgos-2025").params()
    assert (y2025.tracks[Gauge.standard], y2025.tracks[Gauge.broad]) == (5, 11)
    assert y2025.trains_per_day() * y2025.teu_per_train() * 365 == pytest.approx(372_000, rel=0.01)
