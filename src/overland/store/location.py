"""Where the reports database is: ``OVERLAND_DATABASE_URL``, or a SQLite file in the user's data directory.

Imports neither SQLAlchemy nor a driver, so the command line can ask whether there is a
database at all before paying for them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from overland.errors import InputError

ENV = "OVERLAND_DATABASE_URL"
DEFAULT_FILE = "reports.sqlite3"
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://")
_PASSWORD = re.compile(r"^([^:/]+://[^:/@]*):[^@]*@")


def default_path() -> Path:
    """The default database file: ``reports.sqlite3`` in the user's data directory (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("overland", appauthor=False)) / DEFAULT_FILE


def database_url(url: str | None = None) -> str:
    """The SQLAlchemy URL of the database: ``url``, else ``OVERLAND_DATABASE_URL``, else the default file.

    ``postgres://`` and ``postgresql://`` are read with psycopg 3 (``postgresql+psycopg://``);
    a plain path names a SQLite file. Other databases are refused.
    """
    text = (url if url is not None else os.environ.get(ENV, "")).strip()
    if not text:
        return f"sqlite:///{default_path()}"
    match = _SCHEME.match(text)
    if match is None:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    scheme = match.group("scheme").lower()
    rest = text[match.end() :]
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    if scheme in ("sqlite", "sqlite+pysqlite"):
        return f"sqlite://{rest}"
    msg = (
        f"{ENV}: {scheme}:// is not supported: give postgresql://USER:PASSWORD@HOST:PORT/DB, "
        f"sqlite:///PATH, or nothing for {default_path()}"
    )
    raise InputError(msg)


def is_sqlite(url: str) -> bool:
    """True for a SQLite URL."""
    return url.startswith("sqlite")


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database or another backend)."""
    if not is_sqlite(url):
        return None
    rest = url.split("://", 1)[1]
    database = rest[1:].split("?", 1)[0] if rest.startswith("/") else ""
    if not database or database == ":memory:":
        return None
    return Path(database)


def database_exists(url: str | None = None) -> bool:
    """True when there may be reports to read: a server URL, or a SQLite file that exists."""
    resolved = database_url(url)
    if not is_sqlite(resolved):
        return True
    path = sqlite_path(resolved)
    return path is not None and path.is_file()


def shown(url: str) -> str:
    """The URL with its password hidden, for messages."""
    return _PASSWORD.sub(r"\1:***@", url)
