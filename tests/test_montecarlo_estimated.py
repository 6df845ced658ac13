"""Days off the calendar only estimates, in the Monte Carlo: the plan keeps them shut and says so;
each sample draws whether each such day is off (data/uncertainty.yaml, ``estimated_day_off``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import numpy as np
import pytest

import overland
from overland.model.catalog import Catalog
from overland.model.crossing import Mode
from overland.planner.trip import Traveller
from overland.timing.calendars import estimated, holiday_name, last_decreed_year

CATALOG = overland.load_catalog()
OWN_CAR = Traveller(mode=Mode("own-car"))
# Tuesday 5 October 2027: China's "observed" National Day, a guess until the 2027 schedule is in the
# calendar. Leaving Naryn that morning reaches the Torugart gate before noon, Beijing time.
GUESSED = date(2027, 10, 5)
NARYN_GUESSED = datetime.fromisoformat("2027-10-05T05:55+06:00")
# Monday 5 October 2026: the same holiday in a year whose schedule is decreed (and in the calendar).
DECREED = date(2026, 10, 5)
NARYN_DECREED = datetime.fromisoformat("2026-10-05T05:55+06:00")

pytestmark = pytest.mark.skipif(
    estimated("CN", GUESSED) is None,
    reason=f"the calendar now holds China's {GUESSED.year} schedule: move GUESSED to a later year",
)


def with_chance(p: float) -> Catalog:
    """The bundled catalog, with a chance ``p`` that a day off the calendar only estimates is one."""
    uncertainty = CATALOG.uncertainty
    assert uncertainty is not None and uncertainty.estimated_day_off is not None
    fact = type(uncertainty.estimated_day_off).model_validate(
        [{"value": p, "status": "assumed", "reason": "a test's", "default": True}]
    )
    return replace(CATALOG, uncertainty=uncertainty.model_copy(update={"estimated_day_off": fact}))


SERVICES = {p: overland.Overland(catalog=with_chance(p), use_reports=False) for p in (0.5, 1.0)}


def gate_days(service: overland.Overland, depart: datetime, *, samples: int = 1000, seed: int = 1):
    """The day (Beijing time) each sample starts at the gate and at the Chinese port."""
    planner = service.planner
    route = planner.routes("naryn", "kashgar", OWN_CAR.mode, ("torugart",))[0]
    program = planner.program(route, OWN_CAR.mode)
    drawn = planner.sample(route, np.full(samples, depart.timestamp()), OWN_CAR, np.random.default_rng(seed))
    nodes = [op.node for op in program.checks]
    zone = program.checks[nodes.index("torugart/gate")].zone

    def day(stage: str) -> list[date | None]:
        start = drawn.stages[nodes.index(stage)].start
        return [datetime.fromtimestamp(t, zone).date() if not np.isnan(t) else None for t in start]

    return day("torugart/gate"), day("torugart/cn-port")


def test_the_bundled_data_gives_the_chance_as_an_assumption():
    fact = CATALOG.uncertainty.estimated_day_off
    assert fact.claim.status.value == "assumed" and fact.claim.reason
    assert 0.5 < CATALOG.estimated_day_off < 1


def test_the_days_are_what_the_calendar_says():
    assert last_decreed_year("CN") < GUESSED.year
    assert "observed" in holiday_name("CN", GUESSED) and estimated("CN", GUESSED) is not None
    assert holiday_name("CN", DECREED) is not None and estimated("CN", DECREED) is None


def test_the_plan_keeps_an_estimated_day_off_shut_and_says_so():
    plan = SERVICES[0.5].plan("naryn", "kashgar", NARYN_GUESSED, via="torugart", samples=1000, seed=1)
    gate = next(e for e in plan.events if e.stage == "torugart/gate" and e.kind.value == "process")
    assert gate.start.date() > GUESSED
    assert "estimated" in " ".join(e.note for e in plan.events if e.note)
    # The Monte Carlo lets some samples through that day: its P10 is earlier than the plan, and earlier
    # than with every estimated day off taken as certain.
    certain = SERVICES[1.0].plan("naryn", "kashgar", NARYN_GUESSED, via="torugart", samples=1000, seed=1)
    assert plan.distribution.arrive[0] < plan.arrive
    assert plan.distribution.arrive[0] < certain.distribution.arrive[0]
    assert plan.distribution.p_closed_day < certain.distribution.p_closed_day
    # ... and says why, among what it drew.
    said = [i for i in plan.distribution.inputs if "only estimated" in i.what]
    assert said and "torugart/gate" in said[0].stage and "Tue 05 Oct 2027" in said[0].what
    assert said[0].distribution == "off in 50% of samples, open in the rest" and said[0].status == "assumed"
    assert not [i for i in certain.distribution.inputs if "only estimated" in i.what]


def test_some_samples_pass_on_an_estimated_day_off_and_find_every_post_open_that_day():
    gate, port = gate_days(SERVICES[0.5], NARYN_GUESSED)
    through = [i for i, d in enumerate(gate) if d == GUESSED]
    assert 0.1 < len(through) / len(gate) < 0.5
    # One draw per day, shared by every post China's holiday shuts: a sample that found the gate open
    # finds the port open too (independent draws would stop about half of them there).
    assert sum(port[i] == GUESSED for i in through) / len(through) > 0.95


def test_with_a_chance_of_one_no_sample_passes_as_before():
    gate, _ = gate_days(SERVICES[1.0], NARYN_GUESSED)
    assert GUESSED not in gate
    # The draws are those of a catalog that does not know the chance at all (the Monte Carlo as it was).
    unknown = replace(CATALOG, uncertainty=CATALOG.uncertainty.model_copy(update={"estimated_day_off": None}))
    assert unknown.estimated_day_off == 1.0
    before = SERVICES[1.0].plan("naryn", "kashgar", NARYN_GUESSED, via="torugart", samples=300, seed=2)
    again = overland.Overland(catalog=unknown, use_reports=False).plan(
        "naryn", "kashgar", NARYN_GUESSED, via="torugart", samples=300, seed=2
    )
    assert before.distribution == again.distribution


def test_a_decreed_day_off_stops_every_sample():
    gate, port = gate_days(SERVICES[0.5], NARYN_DECREED)
    assert DECREED not in gate and DECREED not in port
    assert all(d is not None and d > DECREED for d in gate)


def test_the_schedule_knows_which_closed_days_are_only_guessed():
    schedule = overland.hours("torugart/cn-port", datetime.fromisoformat("2027-10-01T00:00+08:00"), days=7)
    guessed = {c.day: c.guesses for c in schedule.closures}
    assert guessed[date(2027, 10, 1)] == ()  # National Day itself: decreed by law
    assert guessed[GUESSED] == (("CN", GUESSED),)
    # The port's hours that day, kept apart from its windows.
    assert {m.start.date() for m in schedule.maybe} == {date(2027, 10, 4), GUESSED}
    assert not any(w[0].date() == GUESSED for w in schedule.windows)
    decreed = overland.hours("torugart/cn-port", datetime.fromisoformat("2026-10-01T00:00+08:00"), days=7)
    assert not decreed.maybe and all(c.guesses == () for c in decreed.closures)


def test_an_opening_an_estimated_day_off_shuts_joins_the_ones_it_touches():
    from overland.planner.montecarlo import _fit

    # A stage open around the clock, cut at a day the calendar guesses off: [0, 10) and [20, 30) for
    # certain, [10, 20) only if that day is a working day (key 0).
    starts, ends = np.array([0.0, 10.0, 20.0]), np.array([10.0, 20.0, 30.0])
    slots, keys = np.full(3, -1), np.array([-1, 0, -1])
    working = np.array([[True], [False]])
    t, duration, until = np.array([5.0, 5.0]), np.array([10.0, 10.0]), np.array([100.0, 100.0])
    start = _fit(starts, ends, slots, (), t, duration, until, None, keys, working)
    # Working: processed from 5 to 15 across the cut; off: not before the day after it.
    assert start.tolist() == [5.0, 20.0]


def test_plan_text_says_the_day_may_open(cli):
    code, out, _ = cli("plan", "--from", "naryn", "--to", "kashgar", "--via", "torugart",
                       "--depart", NARYN_GUESSED.isoformat(), "--samples", "300", "--seed", "1")  # fmt: skip
    assert code == 0
    text = " ".join(out.split())
    assert "(estimated: a guess by rule until China's 2027 schedule is in the calendar)" in text
    assert "day off Tue 05 Oct 2027 in CN (only estimated by the calendar): off in 90% of samples" in text
