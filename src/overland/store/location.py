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


_SECRET_KEYS = re.compile(r"pass|pwd|secret|token|key", re.IGNORECASE)


def secrets(url: str) -> list[str]:
    """The secrets written in ``url``: the password of its user part (up to the last ``@`` before the host,
    so an unencoded ``@`` or ``:`` in it is still all of it) and the values of query parameters named like
    a password, secret, token or key."""
    _, sep, rest = url.partition("://")
    if not sep:
        return []
    found = []
    before_query = rest.partition("?")[0]
    if "@" in before_query:  # a host has no "@": the user part runs to the last one
        _, colon, password = before_query.rpartition("@")[0].partition(":")
        if colon and password:
            found.append(password)
    query = url.partition("?")[2]
    for pair in query.split("&"):
        key, equals, value = pair.partition("=")
        if equals and value and _SECRET_KEYS.search(key):
            found.append(value)
    return found


def scrub(text: str, url: str) -> str:
    """``text`` with every secret of ``url`` replaced by ``***`` (for errors and logs that quote the URL)."""
    for secret in sorted(secrets(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def shown(url: str) -> str:
    """The URL with its password and secret query values hidden, for messages."""
    return scrub(url, url)
