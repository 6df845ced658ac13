"""Crossing reports as CSV: one row per stage, the rows of one report sharing its ``report`` key.

``overland report export`` writes this shape and ``overland report import`` reads it::

    report,crossing,direction,mode,date,outcome,note,stage,arrived,started,finished
    1,torugart,kg-cn,own-car,2026-11-27,crossed,Gate opened at 15:10,gate,2026-11-27T13:40+08:00,...

``report`` groups rows (an id, a number, any text); ``note`` may be empty; a time may be
empty but, when given, carries its UTC offset. Every problem is reported with the file,
the line and the column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from overland.errors import InputError
from overland.model.catalog import Catalog
from overland.model.report import ReportIn, check_report
from overland.timing.clocks import parse_time

COLUMNS = (
    "report",
    "crossing",
    "direction",
    "mode",
    "date",
    "outcome",
    "note",
    "stage",
    "arrived",
    "started",
    "finished",
)
REQUIRED = ("report", "crossing", "direction", "mode", "date", "outcome", "stage")
SHARED = ("crossing", "direction", "mode", "date", "outcome", "note")  # the same on every row of a report
TIMES = ("arrived", "started", "finished")
MAX_PROBLEMS = 20


@dataclass
class _Group:
    key: str
    values: dict[str, str]
    first_line: int
    stages: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_reports_csv(path: Path, catalog: Catalog, *, now: datetime) -> list[ReportIn]:
    """The reports of the CSV file at ``path``, each checked; an :class:`InputError` naming every problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot be read as UTF-8 text ({error})") from None
    problems: list[str] = []

    def bad(line: int, column: str | None, message: str) -> None:
        where = f"{path}:{line}" + (f": column '{column}'" if column else "")
        problems.append(f"{where}: {message}")

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(
            f"{path}:1: the file is empty: the first line names the columns ({','.join(COLUMNS)})"
        ) from None
    header = [h.strip() for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        said = []
        if missing:
            said.append(f"missing {', '.join(missing)}")
        if unknown:
            said.append(f"unknown {', '.join(unknown)}")
        msg = f"{path}:1: columns: {'; '.join(said)} (the columns are {','.join(COLUMNS)})"
        raise InputError(msg)

    groups: dict[str, _Group] = {}
    line = 1
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            bad(line, None, f"{len(row)} fields for {len(header)} columns (quote a field that holds a comma)")
            continue
        values = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
        for name in REQUIRED:
            if not values[name]:
                bad(line, name, "is empty")
        if not values["report"]:
            continue
        group = groups.get(values["report"])
        if group is None:
            group = groups[values["report"]] = _Group(values["report"], values, line)
        else:
            for name in SHARED:
                if values.get(name, "") != group.values.get(name, ""):
                    bad(
                        line,
                        name,
                        f"{values.get(name, '')!r} differs from {group.values.get(name, '')!r} on line "
                        f"{group.first_line}: the rows of report {group.key!r} must agree",
                    )
        group.stages.append((line, values))
    if not groups and not problems:
        raise InputError(f"{path}: no reports: the file has a header and no rows")

    reports: list[ReportIn] = []
    for group in groups.values():
        if len(problems) >= MAX_PROBLEMS:
            break
        report = _report(group, catalog, now, bad)
        if report is not None:
            reports.append(report)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"... and more: fix these first ({path})")
        raise InputError("\n".join(shown))
    return reports


def _report(group: _Group, catalog: Catalog, now: datetime, bad) -> ReportIn | None:
    first = group.first_line
    stages: list[dict[str, Any]] = []
    failed = False
    for line, values in group.stages:
        entry: dict[str, Any] = {"stage": values["stage"]}
        for name in TIMES:
            if values.get(name):
                try:
                    entry[name] = parse_time(values[name])
                except ValueError as error:
                    bad(line, name, str(error))
                    failed = True
        stages.append(entry)
    try:
        day = date.fromisoformat(group.values["date"])
    except ValueError:
        bad(first, "date", f"{group.values['date']!r} is not a day: write e.g. 2026-11-27")
        return None
    if failed:
        return None
    try:
        report = ReportIn(
            crossing=group.values["crossing"], direction=group.values["direction"], mode=group.values["mode"],
            day=day, outcome=group.values["outcome"], note=group.values.get("note") or None, stages=stages,
        )  # fmt: skip
    except ValidationError as error:
        for e in error.errors():
            loc = e["loc"]
            if loc and loc[0] == "stages" and len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(group.stages):
                bad(group.stages[loc[1]][0], str(loc[2]) if len(loc) > 2 else "stage", e["msg"])
            else:
                bad(first, "date" if loc and loc[0] == "day" else (str(loc[0]) if loc else None), e["msg"])
        return None
    problems = check_report(report, catalog, now=now)
    for problem in problems:
        loc = problem.loc
        if loc and loc[0] == "stages":
            line = group.stages[int(loc[1])][0]
            column = str(loc[2]) if len(loc) > 2 else None
        else:
            line = first
            column = {"day": "date"}.get(str(loc[0]), str(loc[0])) if loc else None
        bad(line, column, problem.message)
    return None if problems else report


def write_reports_csv(views: Iterable[dict[str, Any]], stream: TextIO) -> int:
    """Write reports (as :func:`overland.store.reports.report_view` gives them) to ``stream``; the rows written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    rows = 0
    for view in views:
        for stage in view["stages"]:
            writer.writerow(
                [
                    view["id"],
                    view["crossing"],
                    view["direction"],
                    view["mode"],
                    view["day"],
                    view["outcome"],
                    view["note"] or "",
                    stage["stage"],
                    *(stage[t] or "" for t in TIMES),
                ]
            )
            rows += 1
    return rows
