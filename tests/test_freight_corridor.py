"""Two terminals side by side: closures from the crossing data, routing by share or by queue."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pytest

from overland.errors import InputError, UnknownIdError
from overland.io.freight_files import closures_for, corridor_names, load_corridor
from overland.sim.corridor import ByQueue, ByShare, CorridorModel, CorridorTerminal, closure_effect
from tests.freight_params import hours, tiny

KZ = timezone(timedelta(hours=5))


def test_the_corridor_ships_and_names_its_terminals():
    assert "khorgos-dostyk-2025" in corridor_names()
    corridor = load_corridor("khorgos-dostyk-2025")
    assert list(corridor.terminals) == ["khorgos", "dostyk"]
    assert corridor.terminals["khorgos"].crossing == "khorgos"
    assert corridor.routing.kind.value == "queue" and corridor.routing.flexible_share.claim.status == "assumed"
    with pytest.raises(
        UnknownIdError, match="unknown corridor 'khorgos-dostik-2025' \\(did you mean khorgos-dostyk-2025"
    ):
        load_corridor("khorgos-dostik-2025")


def test_closures_come_from_the_crossing_notices_and_holiday_calendars():
    corridor = load_corridor("khorgos-dostyk-2025")
    first, last = date(2026, 2, 1), date(2026, 3, 1)
    [(name, start, end, label, note)] = closures_for(corridor, ["khorgos:spring-festival-2026"],
                                                     first_day=first, last_day=last)  # fmt: skip
    # data/crossings/khorgos.yaml: closed 16-18 February 2026, whole days of Kazakh time.
    assert name == "khorgos" and start == datetime(2026, 2, 16, tzinfo=KZ) and end == datetime(2026, 2, 19, tzinfo=KZ)
    # The data's note, whole (since the data audit it ends with a further source: "Also https://...").
    assert label.startswith("notice spring-festival-2026: ") and note.startswith("Rail checkpoints worked normally. ")
    # The posts close on Kazakh and Chinese public holidays: the same calendars as the planner's.
    spans = closures_for(corridor, ["khorgos:holidays"], first_day=first, last_day=last)
    assert spans[0][1].date() == date(2026, 2, 16) and "Spring Festival" in spans[0][3]
    chinese = closures_for(corridor, ["dostyk:holidays:CN"], first_day=first, last_day=last)
    assert [s[1].date() for s in chinese] == [s[1].date() for s in spans]  # no Kazakh holiday in February
    [(_, start, end, label, _)] = closures_for(corridor, ["dostyk:2026-02-20..2026-02-21"], first_day=first,
                                               last_day=last)  # fmt: skip
    assert (end - start) == timedelta(days=2) and label == "closed 2026-02-20 to 2026-02-21"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("altynkol:holidays", "'altynkol' is not a terminal of khorgos-dostyk-2025 (one of khorgos, dostyk)"),
        ("khorgos", "say what closes it"),
        (
            "khorgos:spring-festival-2062",
            "no notice 'spring-festival-2062' for khorgos (did you mean spring-festival-2026",
        ),
        ("dostyk:spring-festival-2026", "this terminal has no crossing data with notices"),
        ("khorgos:2026-02-18..2026-02-16", "the last day is before the first"),
        ("khorgos:16.2.2026..18.2.2026", "days must be YYYY-MM-DD..YYYY-MM-DD"),
    ],
)
def test_bad_closures_are_refused_in_one_line(spec, message):
    corridor = load_corridor("khorgos-dostyk-2025")
    with pytest.raises(InputError) as caught:
        closures_for(corridor, [spec], first_day=date(2026, 2, 1), last_day=date(2026, 3, 1))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def _two_tiny_terminals(closed: tuple[tuple[float, float], ...] = ()):
    """Two one-crane terminals, a 2-box train every 2 h each, lifts of 15 min, no yard."""
    params = replace(tiny(), direct_share=1.0, flows=(replace(tiny().flows[0], arrival_hold=hours(0)),))
    return [CorridorTerminal("a", params, closed), CorridorTerminal("b", params)]


def test_a_closed_terminal_keeps_its_trains_by_share_and_loses_some_by_queue():
    log: list[tuple[str, float]] = []
    closed = _two_tiny_terminals(((3.0, 9.0),))
    model = CorridorModel(closed, np.random.default_rng(1), days=12 / 24, routing=ByShare(),
                          trace=lambda n, t: log.append((n, t)))  # fmt: skip
    result = model.run()
    # Terminal a is closed from 03:00 to 09:00: its trains of 04:00, 06:00 and 08:00 wait, then
    # go one after the other (two lifts of 15 min each), the train of 10:00 behind them.
    assert [(n, t) for n, t in log if n.startswith("a west") and n.endswith("unloaded")] == [
        ("a west-1 unloaded", 2.5),
        ("a west-2 unloaded", 9.5),
        ("a west-3 unloaded", 10.0),
        ("a west-4 unloaded", 10.5),
        ("a west-5 unloaded", 11.0),
    ]
    assert not result.switches
    # By queue, with every train free to move and no detour, a's trains go to b while a is shut.
    queue = CorridorModel(closed, np.random.default_rng(1), days=12 / 24, routing=ByQueue(), flexible_share=1.0)
    switched = queue.run().switches
    assert [(s.t, s.origin, s.target) for s in switched] == [(4.0, 0, 1), (6.0, 0, 1), (8.0, 0, 1)]


def test_the_closure_effect_compares_with_the_same_trains_unclosed():
    base = CorridorModel(_two_tiny_terminals(), np.random.default_rng(1), days=2).run()
    closed = CorridorModel(_two_tiny_terminals(((3.0, 9.0),)), np.random.default_rng(1), days=2).run()
    assert [row for row in closed.backlog if row[0] < 3] == [row for row in base.backlog if row[0] < 3]
    effect = closure_effect(closed, base, 0, (3.0, 9.0))
    assert effect.peak_backlog == 3 and effect.base_peak_backlog <= 1
    assert 0 <= effect.clear_h <= 3 and effect.switched_trains == 0
    never = closure_effect(closed, base, 0, (3.0, 47.5))  # no day left after "reopening" to compare
    assert math.isnan(never.clear_h)


def test_the_corridor_command_answers_the_spring_festival_question(cli, tmp_path):
    plot = tmp_path / "backlog.png"
    args = ("freight", "corridor", "khorgos-dostyk-2025", "--close", "khorgos:spring-festival-2026",
            "--days", "30", "--replications", "2")  # fmt: skip
    code, out, err = cli(*args, "--format", "json", "--plot", str(plot))
    assert code == 0, err
    result = json.loads(out)
    assert result["start"].startswith("2026-02-02")  # two weeks before the closure
    [closure] = result["closures"]
    assert closure["start"] == "2026-02-16T00:00:00+05:00" and closure["end"] == "2026-02-19T00:00:00+05:00"
    khorgos = result["effects"]["khorgos"]
    assert khorgos["peak_backlog"]["mean"] > 2 * khorgos["base_peak_backlog"]["mean"]
    assert 0 <= khorgos["clear_days"]["mean"] < 10 and khorgos["switched_trains"]["mean"] > 0
    assert plot.read_bytes().startswith(b"\x89PNG")
    code, out, err = cli(*args, "--routing", "share", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["effects"]["khorgos"]["switched_trains"]["mean"] == 0
    code, out, err = cli(*args)
    assert code == 0, err
    assert "closed: khorgos 2026-02-16 00:00 to 2026-02-19 00:00 +05:00" in out
    assert "'Rail checkpoints worked normally.'; here a what-if" in out
    assert "clears, days after reopening" in out and "trains moved to dostyk" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_the_corridor_command_refuses_bad_input_in_one_line(cli):
    code, _, err = cli("freight", "corridor", "khorgos-dostyk-2025")
    assert (
        code == 2
        and err == "error: give --start, the first day of statistics (or a closure to start two weeks before)\n"
    )
    code, _, err = cli("freight", "corridor", "khorgos-dostyk-2025", "--start", "16/02/2026")
    assert code == 2 and err == "error: --start '16/02/2026': give a day as YYYY-MM-DD\n"
    code, _, err = cli("freight", "corridor", "khorgos-dostyk-2025", "--close", "khorgos:unity-day-2021",
                       "--start", "2026-02-01")  # fmt: skip
    assert code == 2 and "is outside the simulated days" in err and err.count("\n") == 1
    code, _, err = cli("freight", "corridor", "khorgos-dostyk-2025", "--start", "2026-02-01", "--routing", "nearest")
    assert code == 2 and err == "error: unknown routing 'nearest': one of share, queue\n"


def test_a_broken_corridor_file_names_the_file_the_line_and_the_field(cli, tmp_path):
    from overland.io.freight_files import scenario_dir

    text = (scenario_dir() / "corridors" / "khorgos-dostyk-2025.yaml").read_text(encoding="utf-8")
    path = tmp_path / "mine.yaml"
    path.write_text(text.replace("scenario: dostyk-2025", "scenario: dostyk-2052"), encoding="utf-8")
    code, _, err = cli("freight", "corridor", str(path), "--start", "2026-02-01")
    line = text.splitlines().index("    scenario: dostyk-2025") + 1
    assert code == 1 and err == (
        f"error: {path}:{line}: terminals.dostyk.scenario: unknown scenario 'dostyk-2052' "
        "(did you mean dostyk-2025 or khorgos-2025 or khorgos-2022?)\n"
    )
    path.write_text(text.replace("    value: 0.3\n", "    value: 3\n"), encoding="utf-8")
    code, _, err = cli("freight", "corridor", str(path), "--start", "2026-02-01")
    assert code == 1 and ": routing.flexible_share" in err and "less than or equal to 1" in err
