"""Observed crossings as data: they load, they are checked like the rest of the data, and say what they say."""

from __future__ import annotations

from datetime import datetime

import pytest

import overland
from overland.errors import DataError
from overland.io.observation_files import load_observations
from overland.model.observed import Part


@pytest.fixture(scope="module")
def observed():
    return overland.Overland(use_reports=False).observed_crossings()


def test_the_shipped_observations_load(observed):
    assert len(observed) == 55
    assert len({o.id for o in observed}) == 55
    assert {o.crossing for o in observed} == {"torugart", "irkeshtam", "khorgos"}
    assert sum(o.scorable for o in observed) >= 30


def test_a_time_is_read_in_the_clock_the_account_gives(observed):
    coach = next(o for o in observed if o.id == "khorgos-2024-06-26-jinhua-group")
    left = next(t for t in coach.timed if t.stage == "kz-post")
    lunch = next(t for t in coach.timed if t.place == "zharkent")
    # 12:45 Beijing time out of the Kazakh post, 10:30 Kazakh time (UTC+5 since March 2024) in Zharkent.
    assert left.at(coach.date) == datetime.fromisoformat("2024-06-26T12:45+08:00")
    assert lunch.at(coach.date) == datetime.fromisoformat("2024-06-26T10:30+05:00")
    assert (lunch.at(coach.date) - left.at(coach.date)).total_seconds() == 45 * 60


def test_spans_say_which_part_of_the_stay_they_are(observed):
    gate = next(o for o in observed if o.id == "torugart-2017-06-28-roundtheworld")
    assert [d.part for d in gate.durations] == [Part.wait, Part.wait]
    camper = next(o for o in observed if o.id == "torugart-2015-08-27-borgie-marcel")
    assert camper.durations[0].part is Part.stay


def _break(data_copy, old: str, new: str) -> None:
    path = data_copy / "observations" / "torugart.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("weekday_stated: Thursday", "weekday_stated: Friday", "2015-07-30 is a Thursday, not a Friday"),
        (
            "stages: [cn-port]\n        minutes: 120",
            "stages: [cn-porte]\n        minutes: 120",
            "unknown stage of torugart 'cn-porte'",
        ),
        ("direction: kg-cn\n    mode: foot", "direction: kg-kz\n    mode: foot", "unknown direction 'kg-kz'"),
        (
            'quote: "we had to wait for 2 hours until she arrived"',
            'quote: "we waited"',
            "is not among the entry's quotes",
        ),
    ],
)
def test_a_broken_observation_is_named_with_its_file_and_line(data_copy, old, new, message):
    _break(data_copy, old, new)
    service = overland.Overland(data=data_copy, use_reports=False)
    with pytest.raises(DataError) as caught:
        load_observations(service.catalog, data_copy)
    assert message in str(caught.value)
    assert "torugart.yaml:" in str(caught.value)


def test_data_validate_counts_the_observations(cli):
    code, out, _ = cli("data", "validate")
    assert code == 0
    assert "55 observed crossings" in out
