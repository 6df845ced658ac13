"""``overland report``: add, import and export crossing reports (the reports database).

The database is ``OVERLAND_DATABASE_URL`` (PostgreSQL or SQLite), or a SQLite file in the
user's data directory; it is created and migrated on first use. SQLAlchemy is imported
only inside the commands.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from overland.cli.common import DataOption, err, out, service
from overland.errors import InputError

app = typer.Typer(
    help="Crossing reports: what travellers saw at each stage (they calibrate `overland plan`).",
    no_args_is_help=True,
)

STAGE_HELP = (
    "A stage and its times: STAGE=ARRIVED,STARTED,FINISHED, each ISO 8601 with its offset, any may be "
    "empty (e.g. gate=2026-11-27T13:40+08:00,2026-11-27T15:10+08:00,2026-11-27T15:35+08:00). "
    "Repeat for each stage, in the order passed."
)
TIMES = ("arrived", "started", "finished")


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask(what: str, option: str, choices: list[str] | None = None, default: str | None = None) -> str:
    """Prompt for a missing option on a terminal; otherwise say which option is missing."""
    if not _interactive():
        known = f" (one of {', '.join(choices)})" if choices else ""
        raise InputError(f"give {option}{known}: no terminal to ask on")
    kind = Literal[tuple(choices)] if choices else str  # typer checks a Literal's values and asks again
    return typer.prompt(what, type=kind, default=default, show_choices=bool(choices))


def _parse_time(text: str, where: str) -> datetime:
    from overland.timing.clocks import parse_time

    try:
        return parse_time(text)
    except InputError as error:
        raise InputError(f"{where}: {error}") from None


def _stage_flag(text: str) -> dict[str, Any]:
    name, sep, rest = text.partition("=")
    if not sep or not name.strip():
        raise InputError(f"--stage {text!r}: write STAGE=ARRIVED,STARTED,FINISHED (times may be empty)")
    parts = rest.split(",")
    if len(parts) > 3:
        raise InputError(f"--stage {text!r}: at most three times (arrived, started, finished)")
    entry: dict[str, Any] = {"stage": name.strip()}
    for field, part in zip(TIMES, parts, strict=False):
        if part.strip():
            entry[field] = _parse_time(part, f"--stage {name.strip()}: {field}")
    return entry


def _prompt_stages(catalog, crossing_id: str, direction_id: str, mode: str, day: date) -> list[dict[str, Any]]:
    from overland.model.crossing import Mode
    from overland.timing.clocks import clock_name, offset_label, zone

    crossing = catalog.crossing(crossing_id)
    route = next(d for d in crossing.directions if d.id == direction_id).route
    entries = []
    out.print(
        "For each stage give the times as ISO 8601 with the offset of the clock you read "
        "(empty: not known; leave all three empty to skip the stage)."
    )
    for stage_id in route:
        stage = crossing.stages[stage_id]
        if not stage.applies_to(Mode(mode)):
            continue
        clock = stage.clock.value
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone(clock))
        example = f"{day.isoformat()}T13:40{offset_label(noon)[3:]}"
        out.print(
            f"[bold]{stage.name}[/bold] ({stage_id}; keeps {clock_name(clock)}, {offset_label(noon)}, e.g. {example})"
        )
        entry: dict[str, Any] = {"stage": stage_id}
        for field in TIMES:
            while True:
                text = typer.prompt(f"  {field}", default="", show_default=False).strip()
                if not text:
                    break
                try:
                    entry[field] = _parse_time(text, field)
                    break
                except InputError as error:
                    err.print(f"[red]{error}[/red]")
        if len(entry) > 1:
            entries.append(entry)
    return entries


def _problems_as_flags(problems, report) -> str:
    """The problems of a report, each named by the option it came from."""
    lines = []
    for problem in problems:
        loc = problem.loc
        if loc and loc[0] == "stages":
            where = f"--stage {report.stages[loc[1]].stage}" + (f": {loc[2]}" if len(loc) > 2 else "")
        elif loc:
            where = "--date" if loc[0] == "day" else f"--{loc[0]}"
        else:
            where = "report"
        lines.append(f"{where}: {problem.message}")
    return "\n".join(lines)


@app.command("add")
def add(
    crossing: Annotated[str | None, typer.Option("--crossing", help="Crossing id, e.g. torugart.")] = None,
    direction: Annotated[
        str | None, typer.Option("--direction", help="Direction id, e.g. kg-cn (see `overland show`).")
    ] = None,
    mode: Annotated[str | None, typer.Option("--mode", help="own-car, motorbike, truck, passenger or foot.")] = None,
    day: Annotated[str | None, typer.Option("--date", help="The day of the crossing, YYYY-MM-DD.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="crossed, turned-back or closed.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Anything others should know.")] = None,
    stages: Annotated[list[str] | None, typer.Option("--stage", help=STAGE_HELP)] = None,
    data: DataOption = None,
) -> None:
    """Add a report of a crossing you made. Missing options are asked for on a terminal."""
    from pydantic import ValidationError

    from overland.model.crossing import Mode
    from overland.model.report import Outcome, ReportIn

    ov = service(data)
    catalog = ov.catalog
    if crossing is None:
        crossing = _ask("Crossing", "--crossing", sorted(catalog.crossings))
    found = catalog.crossing(crossing)
    if direction is None and _interactive():
        for d in found.directions:
            out.print(f"  {d.id}: {catalog.countries[d.from_country].name} → {catalog.countries[d.to_country].name}")
    if direction is None:
        direction = _ask("Direction", "--direction", [d.id for d in found.directions])
    if mode is None:
        mode = _ask("Travelling as", "--mode", [m.value for m in Mode], default="own-car")
    if day is None:
        day = _ask("Date of the crossing (YYYY-MM-DD)", "--date", default=ov.today().isoformat())
    if outcome is None:
        outcome = _ask("Outcome", "--outcome", [o.value for o in Outcome], default="crossed")
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise InputError(f"--date {day!r} is not a day: write e.g. 2026-11-27") from None
    try:
        travel_mode = Mode(mode)
    except ValueError:
        raise InputError(f"--mode {mode!r}: one of {', '.join(m.value for m in Mode)}") from None
    try:
        ending = Outcome(outcome)
    except ValueError:
        raise InputError(f"--outcome {outcome!r}: one of {', '.join(o.value for o in Outcome)}") from None
    if direction not in [d.id for d in found.directions]:
        raise InputError(f"--direction {direction!r}: {found.id} has {', '.join(d.id for d in found.directions)}")
    if stages:
        entries = [_stage_flag(text) for text in stages]
    elif _interactive():
        entries = _prompt_stages(catalog, crossing, direction, travel_mode.value, when)
        if note is None:
            note = typer.prompt("Note (empty: none)", default="", show_default=False) or None
    else:
        raise InputError("give the stages with --stage STAGE=ARRIVED,STARTED,FINISHED (one per stage passed)")
    if not entries:
        raise InputError("no stage has a time: a report needs at least one stage")
    try:
        report = ReportIn(
            crossing=crossing,
            direction=direction,
            mode=travel_mode,
            day=when,
            outcome=ending,
            note=note or None,
            stages=entries,
        )
    except ValidationError as error:
        lines = []
        for e in error.errors():
            loc = e["loc"]
            if loc and loc[0] == "stages" and len(loc) > 1 and isinstance(loc[1], int):
                lines.append(f"--stage {entries[loc[1]]['stage']}: {e['msg']}")
            else:
                lines.append(f"--{loc[0] if loc else 'stage'}: {e['msg']}")
        raise InputError("\n".join(lines)) from None
    problems = ov.reports.problems(report)
    if problems:
        raise InputError(_problems_as_flags(problems, report))
    saved = ov.reports.add(report)
    out.print(
        f"report {saved['id']} saved: {crossing} {direction}, {len(entries)} stage(s) · {ov.reports.where()}",
        highlight=False,
        markup=False,
    )


@app.command("import")
def import_reports(
    path: Annotated[
        Path, typer.Argument(help="CSV file: one row per stage (the columns of `overland report export`).")
    ],
    data: DataOption = None,
) -> None:
    """Import reports from a CSV file: all of them, or none when a row is wrong (each problem named by
    file, line and column)."""
    ov = service(data)
    ids, stages = ov.reports.import_csv(path)
    span = f" (ids {ids[0]}–{ids[-1]})" if ids else ""
    out.print(
        f"imported {len(ids)} report(s), {stages} stage(s), from {path}{span} · {ov.reports.where()}",
        highlight=False,
        markup=False,
    )


@app.command("export")
def export(
    format: Annotated[
        ExportFormat, typer.Option("--format", help="csv (one row per stage) or json.")
    ] = ExportFormat.csv,
    crossing: Annotated[str | None, typer.Option("--crossing", help="Only this crossing.")] = None,
    output: Annotated[Path | None, typer.Option("--out", help="Write to this file (default: standard output).")] = None,
    include_hidden: Annotated[
        bool, typer.Option("--include-hidden", help="Also the hidden (moderated) reports.")
    ] = False,
) -> None:
    """Export the reports, oldest first, as CSV (importable again) or JSON. No token data is exported."""
    from overland.io.report_files import write_reports_csv

    views = list(reversed(service().reports.find(crossing=crossing, include_hidden=include_hidden)))
    stream = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        if format is ExportFormat.json:
            stream.write(json.dumps(views, ensure_ascii=False, indent=2) + "\n")
        else:
            write_reports_csv(views, stream)
    finally:
        if output:
            stream.close()
    if output:
        err.print(f"{len(views)} report(s) written to {output}", highlight=False, markup=False)
