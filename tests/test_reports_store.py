"""The reports database on a real SQLite file and a real PostgreSQL server: migrations, tokens, reports."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, text

from overland.errors import InputError, UnknownIdError
from overland.model.report import ReportIn
from overland.store.db import Store, alembic_config
from overland.store.reports import (
    add_report,
    address_digest,
    address_key,
    address_retry_after,
    create_token,
    digest,
    find_token,
    fingerprint,
    forget_addresses,
    list_reports,
    observations,
    report_view,
    review,
    revoke_token,
    set_hidden,
)
from overland.store.schema import REVISION, Base, Report, Token
from tests.reports_support import database_url, make_token, store

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
TABLES = ["alembic_version", "idempotency_keys", "report_stages", "reports", "store_keys", "tokens"]


def _report(note: str | None = "all fine", **changes) -> ReportIn:
    data = {
        "crossing": "torugart", "direction": "kg-cn", "mode": "own-car", "day": date(2026, 11, 2),
        "outcome": "crossed", "note": note,
        "stages": [
            {"stage": "gate", "arrived": "2026-11-02T13:40+08:00", "started": "2026-11-02T15:10+08:00",
             "finished": "2026-11-02T15:35+08:00"},
            {"stage": "cn-port", "arrived": "2026-11-02T09:50+00:00", "started": "2026-11-02T16:00+06:00",
             "finished": "2026-11-02T19:00+08:00"},
        ],
    } | changes  # fmt: skip
    return ReportIn.model_validate(data)


def _add(store, report: ReportIn, token_id: int | None = None) -> int:
    with store.writing() as session, session.begin():
        return add_report(session, report, token_id=token_id, now=NOW).id


def test_migrations_upgrade_and_downgrade(database_url):
    store = Store(database_url, migrate=False)
    try:
        assert store.revision() is None
        store.upgrade()
        assert store.revision() == REVISION == store.head()
        assert store.tables() == TABLES
        report_id = _add(store, _report())
        store.downgrade("base")
        assert store.revision() is None
        assert store.tables() == ["alembic_version"]
        store.upgrade()
        assert store.tables() == TABLES
        with store.session() as session:
            assert session.get(Report, report_id) is None  # the downgrade dropped the data with the tables
    finally:
        store.close()


def test_the_migrations_make_exactly_the_models_tables(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    assert differences == []


def test_the_migrations_ship_inside_the_package_and_need_no_ini_file():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    assert script.dir.endswith("overland/store/migrations")
    assert script.get_current_head() == REVISION
    assert [r.revision for r in script.walk_revisions()] == [REVISION, "0002", "0001"]  # newest first


def test_opening_twice_migrates_once(database_url):
    first = Store(database_url)
    second = Store(database_url)
    try:
        assert first.revision() == second.revision() == REVISION
    finally:
        first.close()
        second.close()


def test_times_come_back_at_the_offsets_they_were_given_in(store):
    report_id = _add(store, _report())
    with store.session() as session:
        view = report_view(session.get(Report, report_id))
    port = view["stages"][1]
    assert view["stages"][0]["arrived"] == "2026-11-02T13:40:00+08:00"
    assert (port["arrived"], port["started"], port["finished"]) == (
        "2026-11-02T09:50:00+00:00",
        "2026-11-02T16:00:00+06:00",
        "2026-11-02T19:00:00+08:00",
    )
    assert (port["wait_minutes"], port["processing_minutes"]) == (10.0, 60.0)  # 10:00Z → 11:00Z
    assert view["day"] == "2026-11-02" and view["note"] == "all fine"
    assert "token" not in str(sorted(view))


def test_the_store_keeps_utc_and_the_offset(store):
    report_id = _add(store, _report())
    with store.engine.connect() as connection:
        row = connection.execute(
            text("SELECT started_at, started_offset FROM report_stages WHERE report_id = :id AND position = 1"),
            {"id": report_id},
        ).one()
    started = row[0] if isinstance(row[0], datetime) else datetime.fromisoformat(row[0])
    assert started.replace(tzinfo=None) == datetime(2026, 11, 2, 10, 0)  # 16:00+06:00 in UTC
    assert row[1] == 360


@pytest.mark.parametrize(
    "note",
    [
        "'; DROP TABLE reports; --",
        "Robert'); DELETE FROM tokens WHERE ('1'='1",
        '" OR 1=1 -- \\ %s %(x)s $1 ? :name',
        "<script>window.__pwned = 1</script> & <b>bold</b>",
        "Тораґарт · 吐尔尕特 · emoji 🚧 · tab\tnewline\nend",
    ],
)
def test_notes_are_stored_verbatim(store, note):
    report_id = _add(store, _report(note=note))
    with store.session() as session:
        assert session.get(Report, report_id).note == note
        assert [r.note for r in list_reports(session)] == [note]
    assert store.tables() == TABLES


def test_tokens_are_kept_as_digests_and_found_by_their_secret(store):
    token_id, secret = make_token(store, "alice")
    assert secret.startswith("ovl_") and len(secret) > 40
    with store.session() as session:
        token = session.get(Token, token_id)
        assert token.digest == digest(secret) and len(token.digest) == 64
        assert secret not in (token.name, token.digest)
        assert find_token(session, secret).id == token_id
        for wrong in ("", secret[:-1], secret + "x", digest(secret), "x" * 500, None):
            assert find_token(session, wrong) is None
    with store.engine.connect() as connection:
        dumped = " ".join(str(v) for row in connection.execute(text("SELECT * FROM tokens")) for v in row)
    assert secret not in dumped


def test_token_names_are_unique_and_checked(store):
    make_token(store, "alice")
    with store.writing() as session, session.begin():
        with pytest.raises(InputError, match="exists already"):
            create_token(session, "alice", now=NOW)
        with pytest.raises(InputError, match="token name"):
            create_token(session, "bad name; --", now=NOW)


def test_a_revoked_token_is_refused_and_its_reports_stay(store):
    token_id, secret = make_token(store, "bob")
    report_id = _add(store, _report(), token_id)
    with store.writing() as session, session.begin():
        revoke_token(session, "bob", now=NOW)
        with pytest.raises(UnknownIdError, match="no token named 'carol'"):
            revoke_token(session, "carol", now=NOW)
    with store.session() as session:
        assert find_token(session, secret) is None
        assert session.get(Report, report_id).token_id == token_id


def test_hidden_reports_leave_lists_and_observations(store):
    kept = _add(store, _report(note="kept"))
    hidden = _add(store, _report(note="spam"))
    with store.writing() as session, session.begin():
        set_hidden(session, hidden)
        with pytest.raises(UnknownIdError, match="no report 999"):
            set_hidden(session, 999)
    with store.session() as session:
        assert [r.id for r in list_reports(session)] == [kept]
        assert [r.id for r in list_reports(session, include_hidden=True)] == [hidden, kept]
        seen = observations(session, crossing="torugart", stage="gate")
    assert [(o.stage, o.processing_minutes, o.wait_minutes) for o in seen] == [("gate", 25.0, 90.0)]


def test_foreign_keys_are_enforced(store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        _add(store, _report(), token_id=12345)


def test_lists_filter_by_crossing_and_stage_newest_first(store):
    a = _add(store, _report(note="a"))
    b = _add(
        store,
        _report(
            note="b",
            stages=[{"stage": "kg-post", "started": "2026-11-02T08:00+06:00", "finished": "2026-11-02T08:30+06:00"}],
        ),
    )
    with store.session() as session:
        assert [r.id for r in list_reports(session, crossing="torugart")] == [b, a]
        assert [r.id for r in list_reports(session, crossing="torugart", stage="gate")] == [a]
        assert [r.id for r in list_reports(session, crossing="khorgos")] == []
        assert [r.id for r in list_reports(session, limit=1)] == [b]
        assert [r.id for r in list_reports(session, before=b)] == [a]


def test_sqlite_runs_in_wal_mode_with_full_sync(tmp_path):
    path = tmp_path / "reports.sqlite3"
    store = Store(f"sqlite:///{path}")
    try:
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        store.close()
    with sqlite3.connect(path) as plain:
        assert plain.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_the_default_database_is_a_file_in_the_user_data_directory(monkeypatch, tmp_path):
    from overland.store.location import database_exists, database_url, default_path, shown

    monkeypatch.delenv("OVERLAND_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "overland" / "reports.sqlite3"
    assert database_url() == f"sqlite:///{tmp_path}/overland/reports.sqlite3"
    assert not database_exists()
    Store().close()
    assert database_exists()
    monkeypatch.setenv("OVERLAND_DATABASE_URL", "postgres://me:secret@db.example:5433/overland")
    assert database_url() == "postgresql+psycopg://me:secret@db.example:5433/overland"
    assert shown(database_url()) == "postgresql+psycopg://me:***@db.example:5433/overland"
    monkeypatch.setenv("OVERLAND_DATABASE_URL", "mysql://x/y")
    with pytest.raises(InputError, match="mysql:// is not supported"):
        database_url()


def test_an_unreachable_server_is_a_clear_error():
    from overland.store.db import StoreError, open_store

    with pytest.raises(StoreError, match="cannot open the reports database postgresql"):
        open_store("postgresql://nobody:pw@127.0.0.1:1/none")


def test_report_rows_select_back_by_column(store):
    _add(store, _report())
    with store.session() as session:
        assert session.scalars(select(Report.crossing)).all() == ["torugart"]


# --- reports from anyone, moderated ---------------------------------------------------------


def test_a_database_of_the_first_schema_migrates_with_its_reports_published(database_url):
    store = Store(database_url, migrate=False)
    try:
        store.upgrade("0001")
        with store.engine.begin() as connection:  # a report as the first schema stored it
            connection.execute(
                text(
                    "INSERT INTO reports (crossing, direction, mode, day, outcome, note, hidden, created_at) "
                    "VALUES ('torugart', 'kg-cn', 'own-car', '2026-11-02', 'crossed', 'old', :no, :at)"
                ),
                {"no": False, "at": datetime(2026, 11, 2, 12)},
            )
        store.upgrade()
        assert store.revision() == REVISION
        with store.session() as session:
            assert [(r.note, r.pending, r.hidden) for r in list_reports(session)] == [("old", False, False)]
            assert len(address_key(session)) == 32  # the migration made the store's key
        queued = _queue(store, _report(note="queued"), "203.0.113.7")
        store.downgrade("0001")  # the queue leaves with the schema that holds it
        with store.engine.connect() as connection:
            notes = connection.execute(text("SELECT note FROM reports ORDER BY id")).scalars().all()
        assert notes == ["old"] and queued > 1
    finally:
        store.close()


def _queue(store, report: ReportIn, address: str, now: datetime = NOW) -> int:
    with store.writing() as session, session.begin():
        sender = address_digest(address_key(session), address)
        return add_report(session, report, token_id=None, now=now, pending=True, address_digest=sender).id


def test_a_pending_report_is_unseen_and_unused_until_approved(store):
    published = _add(store, _report(note="with a token"))
    queued = _queue(store, _report(note="from anyone"), "203.0.113.7")
    with store.session() as session:
        before = fingerprint(session)
        assert [r.note for r in list_reports(session)] == ["with a token"]
        assert [r.id for r in list_reports(session, only_pending=True)] == [queued]
        assert len(observations(session)) == 2  # the published report's two stages only
    with store.writing() as session, session.begin():
        approved = review(session, queued, approve=True, now=NOW)
        assert report_view(approved, with_hidden=True)["state"] == "published"
    with store.session() as session:
        assert fingerprint(session) != before
        assert [r.id for r in list_reports(session)] == [queued, published]
        assert len(observations(session)) == 4
        assert list_reports(session, only_pending=True) == []


def test_a_rejected_report_stays_hidden_and_only_pending_ones_are_reviewed(store):
    queued = _queue(store, _report(), "203.0.113.7")
    with store.writing() as session, session.begin():
        assert review(session, queued, approve=False, now=NOW).hidden
    with store.session() as session:
        assert list_reports(session) == []
        assert report_view(list_reports(session, include_hidden=True)[0], with_hidden=True)["state"] == "hidden"
    with pytest.raises(InputError, match="not waiting for a moderator"), store.writing() as session, session.begin():
        review(session, queued, approve=True, now=NOW)
    with pytest.raises(UnknownIdError), store.writing() as session, session.begin():
        review(session, 999, approve=True, now=NOW)


def test_addresses_are_kept_as_keyed_digests_limited_and_forgotten_after_a_day(store):
    from datetime import timedelta

    with store.session() as session:
        key = address_key(session)
    sender = address_digest(key, "203.0.113.7")
    assert sender != address_digest(key, "203.0.113.8") and "203.0.113.7" not in sender
    assert sender != address_digest(b"another store's key", "203.0.113.7")
    for minutes in (0, 10, 20):
        _queue(store, _report(), "203.0.113.7", now=NOW + timedelta(minutes=minutes))
    with store.session() as session:
        later = NOW + timedelta(minutes=30)
        assert address_retry_after(session, sender, limit=3, now=later) == 30 * 60 + 1
        assert address_retry_after(session, sender, limit=4, now=later) == 0
        assert address_retry_after(session, address_digest(key, "203.0.113.8"), limit=3, now=later) == 0
    with store.writing() as session, session.begin():
        assert forget_addresses(session, now=NOW + timedelta(hours=23)) == 0
        assert forget_addresses(session, now=NOW + timedelta(days=1, minutes=15)) == 2
    with store.session() as session:
        assert [r.address_digest for r in list_reports(session, only_pending=True)] == [sender, None, None]


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql://reporter:hunter2@127.0.0.1:1/overland", "hunter2"),
        ("postgresql://reporter:p@ss:w/rd@127.0.0.1:1/overland", "rd@127"),  # unencoded @ : / in the password
        ("postgresql://reporter@127.0.0.1:1/overland?password=hunter2&sslmode=disable", "hunter2"),
    ],
    ids=["in the user part", "with unencoded characters", "in the query"],
)
def test_a_database_password_is_never_printed(cli, monkeypatch, url, secret):
    monkeypatch.setenv("OVERLAND_DATABASE_URL", url)
    code, out, err = cli("report", "export")
    assert code == 1 and "Traceback" not in err
    assert secret not in out + err and "w/rd" not in out + err
    assert "***" in err
