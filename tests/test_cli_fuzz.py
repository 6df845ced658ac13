"""Any input on the command line gives an answer or one clear error: never a traceback, never a hang."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PLACES = ["naryn", "kashgar", "Бишкек", "喀什", "almaty", "islamabad", "[red]x[/red]", "", "naryn "]
TIMES = [
    "2026-12-02T05:00+06:00", "0001-01-01T00:00+08:00", "9999-12-31T23:59-12:00", "1969-12-31T23:59+00:00",
    "2100-01-01T00:00+00:00", "2026-02-30T10:00+06:00", "2026-12-02T05:00", "2026-12-02T25:00+06:00", "now", "",
]  # fmt: skip
DAYS = ["2026-12-01", "9999-12-31", "0001-01-01", "2026-13-01", "yesterday"]
NUMBERS = ["0", "-1", "1", "7", "99999999999999999999", "1e9", "nan", "3.5", ""]
STEPS = ["0m", "0h", "-5m", "1m", "30m", "1h", "25h", "x", ""]
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)


def _any(values: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), texts)


COMMANDS = st.one_of(
    st.tuples(st.just("plan"), st.just("--from"), _any(PLACES), st.just("--to"), _any(PLACES),
              st.just("--depart"), _any(TIMES), st.just("--samples"), st.sampled_from(["0", "20", "-3", "x"]),
              st.just("--seed"), _any(NUMBERS)),
    st.tuples(st.just("compare"), st.just("--from"), _any(PLACES), st.just("--to"), _any(PLACES),
              st.just("--depart"), _any(TIMES), st.just("--avoid"), _any(["UZ", "dostuk", "XX", ""])),
    st.tuples(st.just("hours"), _any(["torugart/gate", "torugart", "khorgos/kz-post", "x/y"]), st.just("--from"),
              _any(TIMES), st.just("--days"), _any(NUMBERS)),
    st.tuples(st.just("when"), st.just("--from"), _any(PLACES), st.just("--to"), _any(PLACES), st.just("--between"),
              _any(DAYS), _any(DAYS), st.just("--every"), _any(STEPS), st.just("--samples"), _any(["10", "0", "-1"])),
    st.tuples(st.just("show"), _any(["torugart", "khorgos", "nowhere"]), st.just("--on"), _any(DAYS)),
    st.tuples(st.just("freight"), st.just("simulate"), _any(["khorgos-2021", "nowhere"]), st.just("--days"),
              _any(NUMBERS)),
)  # fmt: skip


@contextmanager
def _at_most(seconds: int):
    def stop(*_):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# 60 argument lists in the test command; the long run sets more (OVERLAND_FUZZ_EXAMPLES=2000, BENCHMARKS.md).
EXAMPLES = int(os.environ.get("OVERLAND_FUZZ_EXAMPLES", "60"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=COMMANDS)
def test_any_arguments_give_an_answer_or_one_clear_error(cli, args):
    with _at_most(60):
        code, out, err = cli(*args)
    assert "Traceback" not in out + err, (args, err[-2000:])
    assert code in (0, 1, 2, 3), (args, code, err[-500:])
    if code in (1, 2):
        assert err.strip(), (args, "an error says what is wrong")


def test_error_text_is_printed_literally(cli):
    code, _, err = cli(
        "plan", "--from", "[bold]nowhere[/bold]", "--to", "kashgar", "--depart", "2026-12-02T05:00+06:00"
    )
    assert code == 2 and "'[bold]nowhere[/bold]'" in err
    code, _, err = cli("hours", "torugart/gate", "--from", "2026-12-02T05:00+06:00", "--days", "0")
    assert code == 2 and "Traceback" not in err
