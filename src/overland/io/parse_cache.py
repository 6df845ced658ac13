"""Parsed YAML kept on disk, keyed by the file's content: a cold start skips the parsing.

A YAML file's parsed form (plain data and the line of every field) is stored with
:mod:`marshal` under the SHA-256 of the file's bytes, in ``OVERLAND_CACHE_DIR`` or the
user's cache directory. A changed file has another hash, so its old entry is simply not
read again (``--data`` folders and edited files are never served stale). Validation
still runs on every load; only the parsing is skipped. Anything that goes wrong with the
cache (unwritable folder, a truncated or foreign entry) falls back to parsing.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

FORMAT = 1  # bump when the parsed form changes
KEEP = 256  # entries kept; the oldest go first
Parsed = tuple[Any, dict[tuple[str | int, ...], int]]  # (data, line of each field path)


def cache_dir() -> Path | None:
    """Where parsed files are kept: ``OVERLAND_CACHE_DIR`` (empty: no cache), else the user's cache folder."""
    configured = os.environ.get("OVERLAND_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("overland", appauthor=False)) / "parsed"


def parsed(content: bytes, parse: Callable[[], Parsed]) -> Parsed:
    """The parsed form of ``content``: from the cache, else ``parse()`` (then kept for next time).

    ``parse`` raises for a broken file; nothing is kept then.
    """
    folder = cache_dir()
    if folder is None:
        return parse()
    version = f"{sys.version_info[0]}{sys.version_info[1]}"
    entry = folder / f"yaml-{FORMAT}-py{version}-{hashlib.sha256(content).hexdigest()}.marshal"
    try:
        found = marshal.loads(entry.read_bytes())
        if isinstance(found, tuple) and len(found) == 2 and isinstance(found[1], dict):
            return found
    except (OSError, EOFError, ValueError, TypeError):
        pass
    result = parse()
    _keep(folder, entry, result)
    return result


def _keep(folder: Path, entry: Path, result: Parsed) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".tmp-", delete=False) as handle:
            handle.write(marshal.dumps(result))
        os.replace(handle.name, entry)
        entries = sorted(folder.glob("yaml-*.marshal"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)
    except (OSError, ValueError):
        return  # no cache this time: the parsed form is still returned
