"""`overland data audit`: the shipped data passes, and a misquote, an unquoted source or an expired default fails.

The shipped data is audited against today's date by the real clock on purpose: the day a
default claim's ``valid_until`` passes, this test fails and says which claim to update.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from overland.io.data_files import default_data_dir
from overland.model.audit import missing_parts, quote_parts
from overland.model.claims import claims, fact_at, with_value
from overland.model.provenance import SEED_FILES
from overland.service import Overland
from tests.test_data_files import break_file

TODAY = "2026-11-30"
KG_POST_QUOTE = '"The immigration checkpoint of Kyrgyzstan ... is only 5 kilometers from Torugart Pass"'


def audit_json(cli, *args: str) -> tuple[int, dict]:
    code, out, err = cli("data", "audit", "--no-sensitivity", "--format", "json", *args)
    assert "Traceback" not in err, err
    return code, json.loads(out)


def test_shipped_data_has_no_misquote_unquoted_claim_or_expired_default():
    audit = Overland(use_reports=False).audit(sensitivity=False)
    problems = [f"{f.where}: {f.field}: {f.kind.value}: {f.message}" for f in audit.claims.errors]
    assert problems == []
    assert audit.ok
    assert audit.claims.seed_quotes >= 100  # every seed quote was checked, none skipped for a missing seed
    assert set(audit.claims.total) == {"sourced", "derived", "assumed"}
    assert all(n > 0 for n in audit.claims.total.values())


def test_shipped_data_audit_exits_0_and_lists_the_ended_alternatives(cli):
    code, out, err = cli("data", "audit", "--no-sensitivity", "--today", TODAY)
    assert code == 0, out + err
    assert "No errors" in out
    assert "Claims by status" in out and "crossings/torugart.yaml" in out
    # Khorgos' round-the-clock claims ended on 2026-06-30; the default is the claim that carries it on.
    assert "2026-06-30" in out and "ended, not the default" in out


# SHA-256 of the founding documents (shared/seeds): the copies in data/seeds are byte for byte the same.
SEED_SHA256 = {
    "000_20c60b193c1bfec8.txt": "04dd523dae7b9440f1ad0923e28a9cf3e6739d63bed343bdf68e5795e7d0a49a",
    "001_d50ea4359e5afc49.txt": "1c828ab949c0bec2fedd1fa959883595b497eab2d01631317f106f067ee25b08",
    "002_ea37b29e196322a1.txt": "54bad9877da89a5b43fb7dc2c5412dd8b2d74d67993520b4553df39e0938d67f",
}


def test_seed_documents_ship_with_the_data_unchanged():
    seeds = default_data_dir() / "seeds"
    assert set(SEED_SHA256) == set(SEED_FILES)
    for name, digest in SEED_SHA256.items():
        assert hashlib.sha256((seeds / name).read_bytes()).hexdigest() == digest, name


def test_a_broken_seed_quote_is_reported_with_file_line_field_and_the_words_not_found(cli, data_copy):
    path = data_copy / "crossings" / "torugart.yaml"
    line = break_file(path, KG_POST_QUOTE, KG_POST_QUOTE.replace("only 5 kilometers", "only 6 kilometers"))
    code, out, err = cli("data", "audit", "--no-sensitivity", "--data", str(data_copy), "--today", TODAY)
    assert code == 1, out + err
    assert "misquote" in out
    assert f"{path}:{line}: stages.kg-post.distances_km.torugart-pass[0].quote" in out
    assert "'is only 6 kilometers from Torugart Pass'" in out
    # The part before the "..." is the seed's own words: it is not reported.
    assert "The immigration checkpoint of Kyrgyzstan'" not in out

    code, report = audit_json(cli, "--data", str(data_copy), "--today", TODAY)
    assert code == 1 and report["ok"] is False
    [error] = report["errors"]
    assert error["kind"] == "misquote" and error["severity"] == "error"
    assert (error["file"], error["line"]) == (str(path), line)
    assert error["field"] == "stages.kg-post.distances_km.torugart-pass[0].quote"
    assert error["missing"] == "is only 6 kilometers from Torugart Pass"


def test_a_sourced_claim_without_a_quote_fails(cli, data_copy):
    path = data_copy / "places.yaml"
    line = break_file(path, '        quote: "Höhe: 2.052 m"\n', "")
    code, report = audit_json(cli, "--data", str(data_copy), "--today", TODAY)
    assert code == 1
    [error] = report["errors"]
    assert error["kind"] == "unquoted"
    assert error["field"] == "places.naryn.elevation_m[1].source"
    assert error["line"] == line - 1  # the source line just above the quote that was removed
    assert "de-academic.com" in error["message"]


def test_transport_and_uncertainty_claims_are_audited_too(cli, data_copy):
    """transport.yaml and uncertainty.yaml are counted by status, and a sourced bus timetable whose quote
    was removed fails the audit with its file, line and field."""
    code, report = audit_json(cli, "--data", str(data_copy), "--today", TODAY)
    assert code == 0
    counted = {Path(name).name for name in report["claims"]["by_file"]}
    assert {"transport.yaml", "uncertainty.yaml"} <= counted
    path = data_copy / "transport.yaml"
    quote = (
        '        quote: "A twice weekly Kashgar-Osh sleeper bus costing 580Yuan (around US$90) leaves'
        " Kashgar's International Bus Station at 9am Beijing Time on Mondays and Thursdays\"\n"
    )
    line = break_file(path, quote, "")
    code, report = audit_json(cli, "--data", str(data_copy), "--today", TODAY)
    assert code == 1
    [error] = report["errors"]
    assert error["kind"] == "unquoted" and error["line"] == line - 1
    assert error["field"] == "services.kashgar-osh-bus.departures[0].source"
    assert error["file"].endswith("transport.yaml")


def test_a_default_claim_whose_validity_has_ended_is_an_expired_default(cli, data_copy):
    path = data_copy / "crossings" / "torugart.yaml"
    old = "      all:\n        value: 240\n        status: assumed\n"
    break_file(path, old, old + "        valid_until: 2026-10-31\n")
    code, out, err = cli("data", "audit", "--no-sensitivity", "--data", str(data_copy), "--today", TODAY)
    assert code == 1, out + err
    assert "expired-default" in out
    assert "stages.kashgar-traffic-office.processing_minutes.all.valid_until" in out
    assert "ended on 2026-10-31 but is still the one the tools use" in out
    # The same claim judged before it ended is only a warning: it ends within 90 days.
    code, report = audit_json(cli, "--data", str(data_copy), "--today", "2026-09-30")
    assert code == 0 and report["ok"] is True
    soon = [w for w in report["warnings"] if w["kind"] == "ends-soon"]
    assert [w["field"] for w in soon] == ["stages.kashgar-traffic-office.processing_minutes.all.valid_until"]
    assert soon[0]["message"] == "ends on 2026-10-31, in 31 days"


def test_today_comes_from_the_service_clock(data_copy):
    path = data_copy / "crossings" / "torugart.yaml"
    old = "      all:\n        value: 240\n        status: assumed\n"
    break_file(path, old, old + "        valid_until: 2026-10-31\n")
    before = Overland(data=data_copy, use_reports=False, clock=lambda: datetime(2026, 10, 1, tzinfo=UTC))
    after = Overland(data=data_copy, use_reports=False, clock=lambda: datetime(2026, 11, 1, tzinfo=UTC))
    assert before.audit(sensitivity=False).ok
    assert not after.audit(sensitivity=False).ok
    assert after.audit(sensitivity=False, today=date(2026, 10, 31)).ok  # the last day still holds


def test_quotes_are_split_at_ellipses_and_compared_with_white_space_normalised():
    seed = "Tash Rabat Caravanserai (GPS: 75.28, 40.82 / 3113m )\nis the best  place\tto stay."
    assert quote_parts("Tash Rabat ... the best place …  to stay.") == ["Tash Rabat", "the best place", "to stay."]
    assert missing_parts("Caravanserai (GPS: 75.28, 40.82 / 3113m ) is the best place to stay.", seed) == []
    assert missing_parts("Tash Rabat ... the finest place", seed) == ["the finest place"]
    # Only white space is normalised: a typographic apostrophe is not a straight one.
    assert missing_parts("It's likely", "It’s likely") == ["It's likely"]


def test_a_changed_value_is_the_one_plans_use_and_the_catalog_is_left_as_it_was():
    service = Overland(use_reports=False, clock=lambda: datetime(2026, 11, 30, tzinfo=UTC))
    catalog = service.catalog
    ref = next(
        r for r in claims(catalog) if r.origin == "torugart" and r.loc[:2] == ("stages", "kashgar-traffic-office")
        and r.loc[-1] == "all"
    )  # fmt: skip
    doubled = with_value(catalog, ref, 480.0)
    assert fact_at(doubled, "torugart", ref.loc).value == 480.0
    assert fact_at(catalog, "torugart", ref.loc).value == 240
    depart = datetime.fromisoformat("2026-12-01T05:00+06:00")
    before = service.plan("naryn", "kashgar", depart, via="torugart")
    after = Overland(catalog=doubled, use_reports=False).plan("naryn", "kashgar", depart, via="torugart")
    assert before.arrive is not None and after.arrive is not None
    assert after.arrive > before.arrive


@pytest.fixture(scope="module")
def small_sensitivity():
    service = Overland(use_reports=False, clock=lambda: datetime(2026, 11, 30, tzinfo=UTC))
    return service.audit(days=7, every_hours=25).sensitivity


def test_an_assumed_processing_time_that_matters_changes_arrivals(small_sensitivity):
    s = small_sensitivity
    assert s.factors == (0.75, 1.25) and s.departures == 7
    office = next(d for d in s.values if d.what == "torugart/kashgar-traffic-office processing (all)")
    assert office.value == "240 min"
    assert {t.label for t in office.trips} == {
        "naryn → kashgar via torugart (own-car)",
        "naryn → kashgar via torugart (truck)",
    }  # the office serves own vehicles only, on the way into China
    # Half a working day ±25 %: every departure arrives an hour earlier or later.
    assert office.changed == (14, 14) and office.departures == 14
    assert [round(h, 2) for h in office.shift_hours] == [-1.0, 1.0]
    # A short check whose ±25 % is a few minutes moves no arrival by 30 minutes, and ranks below.
    check = next(d for d in s.values if d.what == "torugart/cn-passport-check-1 processing (all)")
    assert check.changed == (0, 0) and check.departures > 0
    assert s.values.index(office) < s.values.index(check)


def test_sensitivity_ranks_most_changed_first(small_sensitivity):
    totals = [d.total_changed for d in small_sensitivity.values]
    assert totals == sorted(totals, reverse=True)
    assert totals[0] > 0


def test_audit_command_shows_the_ranking(cli):
    code, out, err = cli("data", "audit", "--today", TODAY, "--days", "3", "--top", "3")
    assert code == 0, out + err
    assert "Assumed values plans depend on most" in out
    assert "(3 per trip)" in out
    assert "more assumed values: --top 0 lists them all" in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--today", "30/11/2026"), "--today '30/11/2026': give a date as YYYY-MM-DD"),
        (("--days", "0"), "days must be between 1 and"),
        (("--every", "0.5"), "every must be at least 1 hour"),
    ],
)
def test_bad_options_are_refused_in_one_line(cli, args, expected):
    code, out, err = cli("data", "audit", *args)
    assert code == 2
    assert expected in err and "Traceback" not in err


def test_a_data_folder_without_seeds_is_checked_against_the_bundled_seeds(cli, data_copy):
    shutil.rmtree(data_copy / "seeds")
    code, report = audit_json(cli, "--data", str(data_copy), "--today", TODAY)
    assert code == 0, report["errors"]
    assert report["seed_quotes_checked"] >= 100


def test_audit_json_points_each_ranked_value_at_its_line(cli):
    code, out, err = cli("data", "audit", "--today", TODAY, "--days", "2", "--format", "json")
    assert code == 0, err
    sensitivity = json.loads(out)["sensitivity"]
    assert sensitivity["factors"] == [0.75, 1.25] and sensitivity["departures_per_trip"] == 2
    office = next(v for v in sensitivity["values"] if v["what"] == "torugart/kashgar-traffic-office processing (all)")
    assert office["file"].endswith("crossings/torugart.yaml") and office["line"] > 0
    assert office["field"] == "stages.kashgar-traffic-office.processing_minutes.all"
    assert office["changed"] == {"0.75": 4, "1.25": 4} and office["mean_shift_hours"] == {"0.75": -1.0, "1.25": 1.0}
    assert "half a working day" in office["reason"]
