"""Trips CSV in, plans (Parquet) out, for ``overland batch``.

A trips file is CSV (UTF-8) with a header row. Columns, in any order:

- ``from``, ``to`` (required): place ids (``overland places``)
- ``depart`` (required): ISO 8601 with its UTC offset, e.g. ``2026-11-27T07:00+06:00``
- ``via``: a crossing id (empty: the earliest arrival)
- ``mode``: ``own-car`` (empty), ``motorbike``, ``truck``, ``passenger`` or ``foot``
- ``has``: the document ids held, separated by ``;`` or by commas inside quotes
  (empty or ``all``: every document the route asks for)
- ``carrying``: items carried, e.g. ``drone`` (same separators)
- ``id``: your own name for the trip, carried to the output

Lines that are empty or start with ``#`` are skipped. A file that is not such a
table (a missing or unknown column, a row with too many or too few fields) is
refused with ``file:line: column: problem``; a row whose values cannot be planned
(an unknown place, a time without its offset) is planned as an error in its row.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from overland.errors import DataError

TRIP_COLUMNS = ("id", "from", "to", "depart", "via", "mode", "has", "carrying")
REQUIRED_COLUMNS = ("from", "to", "depart")
MAX_TRIPS = 1_000_000


def read_trips(path: Path) -> list[dict[str, Any]]:
    """The trips of a CSV file: one dict per row with every column of :data:`TRIP_COLUMNS` (text) and ``line``.

    Raises
    ------
    DataError
        For a file that is not a trips table: ``file:line: column: problem``, one line each.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError([f"{path}: no such trips file"]) from None
    except OSError as error:
        raise DataError([f"{path}: cannot read ({error.strerror})"]) from None
    except UnicodeDecodeError as error:
        line = text_line_of_offset(path, error.start)
        raise DataError([f"{path}:{line}: not UTF-8 text (byte {error.start + 1})"]) from None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    problems: list[str] = []
    header: list[str] | None = None
    header_line = 0
    trips: list[dict[str, Any]] = []
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or all(not f.strip() for f in fields) or fields[0].lstrip().startswith("#"):
                continue
            if header is None:
                header, header_line = [f.strip() for f in fields], line
                problems.extend(_check_header(path, line, header))
                if problems:
                    break
                continue
            if len(fields) != len(header):
                problems.append(
                    f"{path}:{line}: {len(fields)} fields, but the header (line {header_line}) names {len(header)}"
                    f' ({", ".join(header)}): a comma inside a value needs "quotes"'
                )
                continue
            trip: dict[str, Any] = dict.fromkeys(TRIP_COLUMNS, "")
            trip.update({name: value.strip() for name, value in zip(header, fields, strict=True)})
            trip["line"] = line
            trips.append(trip)
            if len(trips) > MAX_TRIPS:
                problems.append(f"{path}:{line}: more than {MAX_TRIPS:,} trips: split the file")
                break
    except csv.Error as error:
        problems.append(f"{path}:{reader.line_num}: malformed CSV: {error}")
    if header is None and not problems:
        problems.append(f"{path}:1: no header: the first line names the columns, e.g. from,to,depart,via,mode,has")
    if not problems and not trips:
        problems.append(f"{path}:{header_line}: no trips below the header")
    if problems:
        raise DataError(problems)
    return trips


def text_line_of_offset(path: Path, offset: int) -> int:
    """The line holding byte ``offset`` of ``path``."""
    try:
        return path.read_bytes()[:offset].count(b"\n") + 1
    except OSError:
        return 1


def _check_header(path: Path, line: int, header: list[str]) -> list[str]:
    problems = []
    seen: set[str] = set()
    for number, name in enumerate(header, start=1):
        if name not in TRIP_COLUMNS:
            problems.append(
                f"{path}:{line}: column {number} {name!r}: unknown column: the columns are {', '.join(TRIP_COLUMNS)}"
            )
        elif name in seen:
            problems.append(f"{path}:{line}: column {number} {name!r}: named twice")
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(f"{path}:{line}: column {name!r} is missing: {', '.join(REQUIRED_COLUMNS)} are required")
    return problems


def plans_schema() -> Any:
    """The columns of ``overland batch``'s output."""
    import pyarrow as pa

    text = pa.string()
    return pa.schema(
        [pa.field("line", pa.int64())]
        + [pa.field(name, text) for name in TRIP_COLUMNS]
        + [
            pa.field("crossing", text),
            pa.field("direction", text),
            pa.field("arrive", text),
            pa.field("hours", pa.float64()),
            pa.field("nights", pa.int64()),
            pa.field("waiting_hours", pa.float64()),
            pa.field("blockers", pa.list_(text)),
            pa.field("arrive_p10", text),
            pa.field("arrive_p50", text),
            pa.field("arrive_p90", text),
            pa.field("hours_p90", pa.float64()),
            pa.field("p_gate_same_day", pa.float64()),
            pa.field("error", text),
        ]
    )


def write_plans(path: Path, rows: list[dict[str, Any]], *, source: str) -> None:
    """Write the planned rows to ``path`` (Parquet)."""
    from overland.io.parquet_files import write_rows

    write_rows(path, rows, plans_schema(), {"batch": {"trips": source}})
