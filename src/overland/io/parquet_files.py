"""Parquet tables in and out (pyarrow): written whole to a temporary file, then moved into place.

A table being rewritten is never half there: a sweep interrupted while saving keeps the
previous complete table.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from overland.errors import DataError, InputError


def write_rows(path: Path, rows: list[dict[str, Any]], schema: Any, metadata: dict[str, Any] | None = None) -> None:
    """Write ``rows`` (dicts keyed by the schema's column names) to ``path`` as Parquet.

    ``metadata`` is stored as JSON under the key ``overland`` of the file's schema.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if metadata is not None:
        schema = schema.with_metadata({b"overland": json.dumps(metadata, sort_keys=True).encode()})
    table = pa.Table.from_pylist(rows, schema=schema)
    path = Path(path)
    if path.exists() and path.is_dir():
        msg = f"{path} is a folder: give a file name such as results.parquet"
        raise InputError(msg)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        pq.write_table(table, partial)
        os.replace(partial, path)
    except OSError as error:
        raise DataError([f"{path}: cannot write ({error.strerror or error})"]) from None


def read_rows(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any] | None, list[str]]:
    """The rows of a Parquet file, its ``overland`` metadata (None without) and its column names."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        raise DataError([f"{path}: cannot read it as a Parquet table ({error})"]) from None
    raw = (table.schema.metadata or {}).get(b"overland")
    metadata = json.loads(raw) if raw else None
    return table.to_pylist(), metadata, table.column_names
