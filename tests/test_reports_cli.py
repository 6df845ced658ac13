"""``overland report``, ``overland admin`` and ``overland plan`` with reports, on both backends."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reports_support import database_url

GATE = "--stage", "gate=2026-11-02T13:40+08:00,2026-11-02T15:10+08:00,2026-11-02T15:35+08:00"
PORT = "--stage", "cn-port=2026-11-02T15:50+08:00,2026-11-02T16:00+08:00,2026-11-02T18:00+08:00"
ADD = (
    "report",
    "add",
    "--crossing",
    "torugart",
    "--direction",
    "kg-cn",
    "--mode",
    "own-car",
    "--date",
    "2026-11-02",
    "--outcome",
    "crossed",
)
HEADER = "report,crossing,direction,mode,date,outcome,note,stage,arrived,started,finished"
CSV = f"""{HEADER}
a,torugart,kg-cn,own-car,2026-11-02,crossed,"quoted, with a comma",gate,2026-11-02T13:40+08:00,2026-11-02T14:10+08:00,2026-11-02T14:50+08:00
a,torugart,kg-cn,own-car,2026-11-02,crossed,"quoted, with a comma",cn-port,2026-11-02T15:00+08:00,2026-11-02T15:10+08:00,2026-11-02T17:10+08:00
b,torugart,kg-cn,own-car,2026-11-09,crossed,,gate,2026-11-09T14:00+08:00,2026-11-09T14:05+08:00,2026-11-09T14:45+08:00
c,torugart,kg-cn,own-car,2026-11-16,crossed,'; DROP TABLE reports; --,gate,2026-11-16T14:00+08:00,2026-11-16T14:20+08:00,2026-11-16T15:10+08:00
"""
TRIP = ("plan", "--from", "naryn", "--to", "kashgar", "--depart", "2026-11-25T05:00+06:00")


@pytest.fixture
def db(database_url, monkeypatch) -> str:
    """The commands' database: the test database through OVERLAND_DATABASE_URL."""
    monkeypatch.setenv("OVERLAND_DATABASE_URL", database_url)
    return database_url


def _csv(tmp_path: Path, text: str = CSV) -> Path:
    path = tmp_path / "reports.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_token_is_printed_once_and_kept_hashed(cli, db):
    code, out, err = cli("admin", "token", "create", "alice")
    assert code == 0, err
    secret = out.strip()
    assert secret.startswith("ovl_") and "\n" not in secret
    assert "not shown again" in err
    code, out, _ = cli("admin", "token", "list")
    assert code == 0 and "alice" in out and secret not in out
    code, _, err = cli("admin", "token", "create", "alice")
    assert code == 2 and "exists already" in err
    assert cli("admin", "token", "revoke", "alice")[0] == 0
    code, _, err = cli("admin", "token", "revoke", "nobody")
    assert code == 2 and "no token named 'nobody' (tokens: alice)" in err
    from overland.store.db import Store
    from overland.store.reports import find_token

    store = Store(db)
    try:
        with store.session() as session:
            assert find_token(session, secret) is None  # revoked
    finally:
        store.close()


def test_report_add_with_flags_then_export(cli, db):
    code, out, err = cli(*ADD, "--note", "lunch till 14:00", *GATE, *PORT)
    assert code == 0, err
    assert out.startswith("report 1 saved: torugart kg-cn, 2 stage(s)")
    code, out, _ = cli("report", "export")
    assert code == 0
    assert out.splitlines() == [
        HEADER,
        "1,torugart,kg-cn,own-car,2026-11-02,crossed,lunch till 14:00,gate,2026-11-02T13:40:00+08:00,"
        "2026-11-02T15:10:00+08:00,2026-11-02T15:35:00+08:00",
        "1,torugart,kg-cn,own-car,2026-11-02,crossed,lunch till 14:00,cn-port,2026-11-02T15:50:00+08:00,"
        "2026-11-02T16:00:00+08:00,2026-11-02T18:00:00+08:00",
    ]
    code, out, _ = cli("report", "export", "--format", "json")
    (report,) = json.loads(out)
    assert report["stages"][1]["processing_minutes"] == 120.0 and "token" not in json.dumps(report)


def test_report_add_names_the_option_that_is_wrong(cli, db):
    code, _, err = cli(*ADD, "--stage", "gate=2026-11-02T13:40+08:00,2026-11-02T13:00+08:00")
    assert code == 2
    assert "error: --stage gate: started: started 2026-11-02T13:00:00+08:00 is before arrived" in err
    code, _, err = cli(*ADD, "--stage", "gate=2026-11-02T13:40,,")
    assert code == 2 and "--stage gate: arrived: time '2026-11-02T13:40' has no UTC offset" in err
    code, _, err = cli(*ADD[:4], *GATE)
    assert code == 2 and "give --direction (one of kg-cn, cn-kg): no terminal to ask on" in err
    code, _, err = cli(*ADD, "--stage", "Gate=2026-11-02T13:40+08:00")
    assert code == 2 and "--stage Gate:" in err
    code, out, _ = cli("report", "export")
    assert out.strip() == HEADER  # nothing was stored


def test_report_add_asks_for_what_is_missing_on_a_terminal(cli, db, monkeypatch):
    from overland.cli import report_cmds

    monkeypatch.setattr(report_cmds, "_interactive", lambda: True)
    answers = [
        "torugart",
        "kg-cn",
        "own-car",
        "2026-11-02",
        "crossed",
        "",
        "",
        "",  # kg-outer-checkpoint: skipped
        "2026-11-02T07:00+06:00",
        "2026-11-02T07:10",
        "2026-11-02T07:10+06:00",
        "2026-11-02T07:40+06:00",  # kg-post (one retry)
        "2026-11-02T13:40+08:00",
        "2026-11-02T15:10+08:00",
        "2026-11-02T15:35+08:00",  # gate
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",  # the other posts: skipped
        "asked on a terminal",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(answers) + "\n"))
    code, out, err = cli("report", "add")
    assert code == 0, out + err
    assert "report 1 saved: torugart kg-cn, 2 stage(s)" in out
    assert "has no UTC offset" in err  # the retried answer
    code, out, _ = cli("report", "export", "--format", "json")
    (report,) = json.loads(out)
    assert [s["stage"] for s in report["stages"]] == ["kg-post", "gate"]
    assert report["note"] == "asked on a terminal"
    assert report["stages"][0]["arrived"] == "2026-11-02T07:00:00+06:00"


def test_import_then_export_round_trips(cli, db, tmp_path):
    code, out, err = cli("report", "import", str(_csv(tmp_path)))
    assert code == 0, err
    assert out.startswith("imported 3 report(s), 4 stage(s)")
    code, exported, _ = cli("report", "export")
    lines = exported.splitlines()
    assert lines[0] == HEADER and len(lines) == 5
    assert lines[1].startswith('1,torugart,kg-cn,own-car,2026-11-02,crossed,"quoted, with a comma",gate,')
    assert lines[4].split(",")[6] == "'; DROP TABLE reports; --"
    again = tmp_path / "again.csv"
    again.write_text(exported, encoding="utf-8")
    assert cli("report", "import", str(again))[0] == 0
    code, twice, _ = cli("report", "export")
    assert twice.splitlines()[5:] == [
        line.replace(line.split(",")[0], str(int(line.split(",")[0]) + 3), 1) for line in lines[1:]
    ]


def test_import_names_file_line_and_column_and_imports_nothing(cli, db, tmp_path):
    bad = CSV.replace("2026-11-09T14:05+08:00", "2026-11-09T14:05").replace(
        "c,torugart,kg-cn,own-car,2026-11-16,crossed", "c,torugart,kg-cn,own-car,2026-11-16,crossed-ish"
    )
    bad += 'a,torugart,cn-kg,own-car,2026-11-02,crossed,"quoted, with a comma",kg-post,,,\n'
    path = _csv(tmp_path, bad)
    code, out, err = cli("report", "import", str(path))
    assert code == 2
    lines = [line.removeprefix("error: ") for line in err.splitlines()]
    assert (
        f"{path}:4: column 'started': time '2026-11-09T14:05' has no UTC offset: say which clock you mean, "
        "e.g. 2026-11-09T14:05+08:00 for Beijing time or +06:00 for Kyrgyz time" in lines
    )
    assert any(line.startswith(f"{path}:5: column 'outcome': ") for line in lines), lines
    assert (
        f"{path}:6: column 'direction': 'cn-kg' differs from 'kg-cn' on line 2: the rows of report 'a' must agree"
        in lines
    )
    assert cli("report", "export")[1].strip() == HEADER


def test_import_checks_the_columns_and_the_plausibility(cli, db, tmp_path):
    code, _, err = cli("report", "import", str(_csv(tmp_path, "report,crossing,when\n1,torugart,x\n")))
    assert code == 2 and "reports.csv:1: columns: missing direction, mode, date, outcome, stage; unknown when" in err
    code, _, err = cli("report", "import", str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv: no such file" in err
    far = (
        CSV.splitlines()[0]
        + "\nz,torugart,kg-cn,own-car,2026-11-02,crossed,,gate,2026-11-02T13:40+08:00,2026-11-02T15:00+08:00,2026-11-07T15:00+08:00\n"
    )
    code, _, err = cli("report", "import", str(_csv(tmp_path, far)))
    assert code == 2 and "reports.csv:2: column 'finished': 121 hours from arrived to finished" in err


def test_hidden_reports_leave_the_export(cli, db, tmp_path):
    cli("report", "import", str(_csv(tmp_path)))
    code, out, _ = cli("admin", "reports", "hide", "2")
    assert code == 0 and "report 2 hidden" in out
    ids = {line.split(",")[0] for line in cli("report", "export")[1].splitlines()[1:]}
    assert ids == {"1", "3"}
    code, out, _ = cli("report", "export", "--format", "json", "--include-hidden")
    assert [(r["id"], r["hidden"]) for r in json.loads(out)] == [(1, False), (2, True), (3, False)]
    code, out, _ = cli("admin", "reports", "list")
    assert code == 0 and "(local)" in out
    assert cli("admin", "reports", "unhide", "2")[0] == 0
    code, _, err = cli("admin", "reports", "hide", "42")
    assert code == 2 and "no report 42" in err


def test_plan_uses_the_reports_and_says_so(cli, db, tmp_path):
    cli("report", "import", str(_csv(tmp_path)))
    code, out, err = cli(*TRIP)
    assert code == 0, err
    assert "Observed (crossing reports blended with the data" in out
    assert "torugart/gate: 3 reports (2026-11-02 to 2026-11-16)" in out
    assert "torugart/cn-port: 1 report (2026-11-02)" in out
    code, out, _ = cli(*TRIP, "--format", "json")
    used = {o["stage"]: o for o in json.loads(out)["observations"]}
    assert used["torugart/gate"]["reports"] == 3 and used["torugart/gate"]["mode"] == "own-car"
    assert used["torugart/gate"]["half_life_days"] == 180
    code, out, _ = cli(*TRIP, "--no-observations")
    assert "Observed" not in out
    code, out, _ = cli(*TRIP, "--no-observations", "--format", "json")
    assert json.loads(out)["observations"] == []
    code, out, _ = cli(*TRIP, "--mode", "passenger", "--format", "json")  # reports of cars do not teach passengers
    assert json.loads(out)["observations"] == []


def test_plan_warns_and_goes_on_when_the_database_cannot_be_read(cli, monkeypatch):
    monkeypatch.setenv("OVERLAND_DATABASE_URL", "postgresql://nobody:pw@127.0.0.1:1/none")
    code, out, err = cli(*TRIP)
    assert code == 0
    assert "warning: cannot open the reports database postgresql+psycopg://nobody:***@127.0.0.1:1/none" in err
    assert "--no-observations skips the database" in err and "pw@" not in err


@pytest.mark.parametrize("where", ["default", "url"])
def test_plan_without_a_database_imports_no_sqlalchemy_and_creates_nothing(tmp_path, where):
    env = {k: v for k, v in os.environ.items() if k != "OVERLAND_DATABASE_URL"} | {"XDG_DATA_HOME": str(tmp_path)}
    if where == "url":
        env["OVERLAND_DATABASE_URL"] = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "overland", *TRIP], env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    imported = [
        line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
    ]
    assert "overland.service.overland" in imported
    assert not [name for name in imported if name.split(".")[0] in ("sqlalchemy", "alembic", "psycopg")]
    assert list(tmp_path.iterdir()) == []
