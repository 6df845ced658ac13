"""Opening the reports database and migrating it (Alembic, run from code: no ``alembic.ini``).

SQLite is opened in WAL mode with ``synchronous=FULL``: a report answered 201 has been
written to the write-ahead log and the log flushed to the disk before the answer leaves,
so it survives the server being killed (``NORMAL`` would already survive that, the log
being in the operating system's cache) and also a power cut or a crash of the machine,
which ``NORMAL`` does not promise. Reports are few; one flush per report costs
milliseconds. Foreign keys are enforced, and a writer waits up to ``BUSY_MS`` for another
to finish. Transactions that write start with ``BEGIN IMMEDIATE``, so the rate limit's
count and the insert that follows it see the same database.

On PostgreSQL the migrations take an advisory lock, so several workers starting at once
migrate once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from overland.errors import StoreError
from overland.store.location import database_url, is_sqlite, scrub, shown, sqlite_path
from overland.store.schema import REVISION

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_MS = 15_000
MIGRATION_LOCK = 0x6F766C64  # "ovld": the advisory lock key of the migrations on PostgreSQL
WRITE = "overland_write"


def _sqlite_engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            msg = f"cannot create the directory of the reports database {path}: {error.strerror}"
            raise StoreError(msg) from None
    engine = create_engine(url, connect_args={"timeout": BUSY_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # the driver opens no transaction itself: _begin below does
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITE) else "BEGIN")

    return engine


def make_engine(url: str) -> Engine:
    """An engine for ``url`` (already resolved by :func:`database_url`)."""
    if is_sqlite(url):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration of the migrations shipped in the package, built in code."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


class Store:
    """The reports database at ``url`` (default: ``OVERLAND_DATABASE_URL`` or the user's data directory).

    Opening it migrates it to the newest schema unless ``migrate`` is False.
    :meth:`session` is for reading, :meth:`writing` for transactions that write.
    """

    def __init__(self, url: str | None = None, *, migrate: bool = True) -> None:
        self.url = database_url(url)
        self.engine = make_engine(self.url)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self.engine.execution_options(**{WRITE: True}), expire_on_commit=False)
        if migrate:
            self.upgrade()

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def __repr__(self) -> str:
        return f"Store({shown(self.url)!r})"

    def session(self) -> Session:
        """A session for reading."""
        return self._read()

    def writing(self) -> Session:
        """A session whose transactions write (``BEGIN IMMEDIATE`` on SQLite)."""
        return self._write()

    @contextmanager
    def _migrating(self) -> Iterator[Connection]:
        try:
            with self.engine.execution_options(**{WRITE: True}).begin() as connection:
                if self.backend == "postgresql":
                    connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                yield connection
        except OperationalError as error:
            msg = f"cannot open the reports database {shown(self.url)}: {error.orig or error}"
            raise StoreError(msg) from None

    def revision(self) -> str | None:
        """The schema revision the database is at (None: no tables yet)."""
        from alembic.runtime.migration import MigrationContext

        with self._migrating() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head(self) -> str:
        """The newest revision of the shipped migrations."""
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert head is not None  # the package ships its migrations
        return head

    def upgrade(self, revision: str = "head") -> None:
        """Migrate up to ``revision`` (default: the newest)."""
        if revision == "head" and self._at_newest():
            return  # the common case, without importing Alembic
        from alembic import command

        with self._migrating() as connection:
            command.upgrade(alembic_config(connection), revision)

    def _at_newest(self) -> bool:
        try:
            with self.engine.connect() as connection:
                found = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
        except SQLAlchemyError:
            return False  # no table yet (or no database): migrate, which says what is wrong
        return found == [REVISION]

    def downgrade(self, revision: str = "base") -> None:
        """Migrate down to ``revision`` (``base``: no tables)."""
        from alembic import command

        with self._migrating() as connection:
            command.downgrade(alembic_config(connection), revision)

    def tables(self) -> list[str]:
        """The tables the database holds (for checks and tests)."""
        with self.engine.connect() as connection:
            return sorted(inspect(connection).get_table_names())

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def open_store(url: str | None = None) -> Store:
    """The reports database, migrated; a :class:`StoreError` saying what is wrong when it cannot be opened."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    resolved = database_url(url)
    try:
        make_url(resolved)
    except (ArgumentError, ValueError):  # its message may quote part of the password: not shown
        msg = (
            f"cannot read the reports database URL {shown(resolved)}: percent-encode the special "
            "characters of the user and password (@ as %40, : as %3A, / as %2F)"
        )
        raise StoreError(msg) from None
    try:
        return Store(url)
    except StoreError:
        raise
    except SQLAlchemyError as error:
        resolved = database_url(url)
        msg = f"cannot open the reports database {shown(resolved)}: {scrub(str(error), resolved)}"
        raise StoreError(msg) from None
