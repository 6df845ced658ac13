"""``overland batch`` on a Dask LocalCluster of 2 worker processes: serial plans, row errors, CSV errors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

import overland
from overland.distributed import cluster as clusters
from overland.errors import DataError
from overland.io.parquet_files import read_rows
from overland.io.trip_files import read_trips
from overland.service import batch as batches

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "trips.csv"


@pytest.fixture(scope="module")
def client():
    with clusters.dask_client(workers=2) as client:
        yield client


def expected_row(trip: dict) -> dict:
    """The same trip planned here, one after another, through the default service."""
    has = trip["has"]
    plan = overland.plan(
        trip["from"], trip["to"], datetime.fromisoformat(trip["depart"]), via=trip["via"] or None,
        mode=trip["mode"] or "own-car", documents=None if has in ("", "all") else has.split(";"),
        carrying=[c for c in trip["carrying"].split(";") if c],
    )  # fmt: skip
    return {
        "crossing": plan.via,
        "direction": plan.direction,
        "arrive": plan.arrive.isoformat() if plan.arrive else None,
        "nights": plan.night_count,
        "waiting_hours": round(plan.waiting_hours, 2),
        "blockers": [f"{b.stage}: {b.reason}" for b in plan.blockers],
    }


def test_the_example_batch_on_a_local_cluster_equals_serial_plans(cli, tmp_path):
    out = tmp_path / "plans.parquet"
    code, stdout, stderr = cli("batch", str(EXAMPLE), "--out", str(out))
    assert code == 0, stderr
    assert f"planning 8 trips from {EXAMPLE} on 2 local workers" in stdout
    assert "4 planned through, 2 turned back at a stage, 2 with an error" in stdout
    assert "  line 11 (typo): from: unknown place 'narin' (did you mean naryn?)" in stdout
    assert "  line 12 (no-offset): depart: time '2026-11-25T05:00' has no UTC offset" in stdout
    assert f"wrote {out} (8 rows)" in stdout
    rows, meta, columns = read_rows(out)
    assert columns == ["line", "id", "from", "to", "depart", "via", "mode", "has", "carrying", "crossing",
                       "direction", "arrive", "hours", "nights", "waiting_hours", "blockers", "arrive_p10",
                       "arrive_p50", "arrive_p90", "hours_p90", "p_gate_same_day", "error"]  # fmt: skip
    assert meta == {"batch": {"trips": str(EXAMPLE)}}
    trips = read_trips(EXAMPLE)
    assert [row["line"] for row in rows] == [trip["line"] for trip in trips]  # the file's order
    for row, trip in zip(rows, trips, strict=True):
        assert {k: row[k] for k in trip} == trip  # the inputs, as written
        if row["error"]:
            assert row["arrive"] is None and row["blockers"] == []
            continue
        assert {k: row[k] for k in expected_row(trip)} == expected_row(trip), row["id"]
    by_id = {row["id"]: row for row in rows}
    assert by_id["convoy-1"]["arrive"] == "2026-11-26T16:25:55+08:00" and by_id["convoy-1"]["crossing"] == "torugart"
    assert by_id["walker"]["arrive"] is None and by_id["walker"]["blockers"][0].startswith("torugart/gate: ")
    assert by_id["drone"]["blockers"] == ["torugart/cn-port: you carry a drone: Drones may not be brought into China."]


def test_samples_add_the_spread_of_each_trip_as_a_serial_run_with_the_same_seeds(client, tmp_path):
    trips = read_trips(EXAMPLE)
    rows = overland.Overland().batch(trips, client, samples=400, seed=9)
    for row, trip in zip(rows, trips, strict=True):
        if row["error"] or row["blockers"]:
            assert row["arrive_p50"] is None
            continue
        has = trip["has"]
        plan = overland.plan(
            trip["from"], trip["to"], datetime.fromisoformat(trip["depart"]), via=trip["via"] or None,
            mode=trip["mode"] or "own-car", documents=None if has in ("", "all") else has.split(";"),
            samples=400, seed=9 + trip["line"],
        )  # fmt: skip
        assert row["arrive_p50"] == plan.distribution.arrive[1].isoformat(), row["id"]
        assert row["arrive_p10"] <= row["arrive_p50"] <= row["arrive_p90"] or row["arrive_p90"] is None
        assert row["p_gate_same_day"] == plan.distribution.p_gate_same_day


def trips_file(tmp_path: Path, text: str, name: str = "trips.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_that_cannot_be_planned_carry_their_error(client, tmp_path):
    path = trips_file(tmp_path, (
        "from,to,depart,via,mode,has,carrying\n"
        "naryn,kashgar,2026-11-25T05:00+06:00,torugart,,,\n"
        ",kashgar,2026-11-25T05:00+06:00,,,,\n"
        "naryn,kashgr,2026-11-25T05:00+06:00,,,,\n"
        "naryn,kashgar,25/11/2026 05:00,,,,\n"
        "naryn,kashgar,2026-11-25T05:00+06:00,torugrat,,,\n"
        "naryn,kashgar,2026-11-25T05:00+06:00,,bicycle,,\n"
        "naryn,kashgar,2026-11-25T05:00+06:00,,passenger,\"passport,visa\",\n"
        "naryn,kashgar,2026-11-25T05:00+06:00,torugart,,all,\n"
    ))  # fmt: skip
    rows = overland.Overland().batch(read_trips(path), client)
    errors = [row["error"] for row in rows]
    assert errors[0] is None and errors[-1] is None and rows[0]["arrive"] == rows[-1]["arrive"]
    assert errors[1] == "from: empty: give a place id (see `overland places`)"
    assert errors[2].startswith("to: unknown place 'kashgr' (did you mean kashgar")
    assert errors[3] == "depart: time '25/11/2026 05:00' is not ISO 8601: write e.g. 2026-11-27T12:30+08:00"
    assert errors[4] == "via: unknown crossing 'torugrat' (did you mean torugart?)"
    assert errors[5].startswith("mode: unknown mode 'bicycle': one of own-car, ")
    assert errors[6].startswith("has: unknown document 'visa'")
    assert [row["line"] for row in rows] == list(range(2, 10))


def test_the_catalog_is_built_once_per_worker(client, tmp_path, data_copy):
    trips = read_trips(EXAMPLE) * 10
    for data_dir in (None, str(data_copy)):
        rows = overland.Overland(data=data_dir).batch(trips, client)
        assert len(rows) == 80 and sum(1 for row in rows if row["error"]) == 20
    loads = client.run(batches.catalog_loads)
    assert len(loads) == 2
    for worker, counts in loads.items():
        assert set(counts) <= {None, str(data_copy)}, worker
        assert all(n == 1 for n in counts.values()), (worker, counts)  # once per worker and data folder
    assert any(str(data_copy) in counts for counts in loads.values())


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("from,to,when\nnaryn,kashgar,2026-11-25T05:00+06:00\n",
         "1: column 3 'when': unknown column: the columns are id, from, to, depart, via, mode, has, carrying"),
        ("from,to,when\nnaryn,kashgar,2026-11-25T05:00+06:00\n",
         "1: column 'depart' is missing: from, to, depart are required"),
        ("from,to,depart,to\n", "1: column 4 'to': named twice"),
        ("# a comment\nfrom,to,depart,has\nnaryn,kashgar,2026-11-25T05:00+06:00,passport,chinese-visa\n",
         "3: 5 fields, but the header (line 2) names 4 (from, to, depart, has): a comma inside a value needs \"quotes\""),
        ("from,to,depart\n\n# nothing\n", "1: no trips below the header"),
        ("", "1: no header: the first line names the columns, e.g. from,to,depart,via,mode,has"),
        ("from,to,depart\nnaryn,\"kashgar,2026\n", "2: malformed CSV: unexpected end of data"),
    ],
    ids=["unknown column", "missing column", "twice", "field count", "no trips", "empty", "quotes"],
)  # fmt: skip
def test_a_malformed_csv_names_file_line_and_column(cli, tmp_path, text, problem):
    path = trips_file(tmp_path, text)
    with pytest.raises(DataError) as caught:
        read_trips(path)
    assert f"{path}:{problem}" in caught.value.lines
    code, out, err = cli("batch", str(path), "--out", str(tmp_path / "plans.parquet"))
    assert code == 1 and out == "" and f"error: {path}:{problem}\n" in err
    assert not (tmp_path / "plans.parquet").exists()


def test_a_file_that_is_not_utf8_or_missing(cli, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("from,to,depart\nnaryn,kashgar,2026-11-25T05:00+06:00\n# Almaty - Ürümqi\n".encode("latin-1"))
    code, _, err = cli("batch", str(path), "--out", str(tmp_path / "p.parquet"))
    assert code == 1 and err.startswith(f"error: {path}:3: not UTF-8 text")
    code, _, err = cli("batch", str(tmp_path / "none.csv"), "--out", str(tmp_path / "p.parquet"))
    assert code == 1 and err == f"error: {tmp_path / 'none.csv'}: no such trips file\n"
