"""``overland hours``: a stage's open windows, and why it is closed on closed days."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated

import typer
from rich.table import Table

from overland.cli.common import (
    DataOption,
    Format,
    FormatOption,
    out,
    print_json,
    service,
)
from overland.io.views import schedule_view
from overland.limits import MAX_HOURS_DAYS
from overland.timing.clocks import offset_label, parse_time, zone
from overland.timing.hours import format_spans

app = typer.Typer()


@app.command()
def hours(
    stage: Annotated[str, typer.Argument(help="CROSSING/STAGE, e.g. torugart/gate (see `overland show`).")],
    start: Annotated[str, typer.Option("--from", help="ISO 8601 time with offset, e.g. 2026-11-27T12:30+08:00.")],
    days: Annotated[int, typer.Option("--days", min=1, max=MAX_HOURS_DAYS, help="How many days to show.")] = 7,
    also_in: Annotated[
        str | None, typer.Option("--clock", help="Also show the windows in this IANA zone, e.g. Asia/Bishkek.")
    ] = None,
    format: FormatOption = Format.text,
    data: DataOption = None,
) -> None:
    """The open windows of a stage from a moment on, and for each closed day why."""
    ov = service(data)
    catalog = ov.catalog
    _, _, stage_model = catalog.stage(stage)
    clock = stage_model.clock.value
    moment = parse_time(start, hint_clock=clock)
    if also_in is not None:
        try:
            zone(also_in)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--clock") from None
    schedule = ov.hours(stage, moment, days=days)
    if format is Format.json:
        print_json(schedule_view(schedule))
        return
    tz = zone(clock)
    crossing, _, _ = catalog.stage(stage)
    out.print(f"[bold]{schedule.stage}[/bold] — {stage_model.name} ({crossing.name})")
    if len(schedule.hours) == 1:
        used = schedule.hours[0]
        out.print(f"Clock: {clock} ({offset_label(schedule.start)}) · weekly hours '{used.value}' ({used.citation})")
    else:
        out.print(f"Clock: {clock} ({offset_label(schedule.start)}) · weekly hours by period:")
        for used in schedule.hours:
            out.print(f"  {used.first:%d %b %Y} to {used.last:%d %b %Y}: '{used.value}' ({used.citation})")
    for note in schedule.notes:
        out.print(f"[yellow]Note:[/yellow] {note}")
    table = Table(show_header=True, header_style="bold")
    table.add_column("Day")
    table.add_column(f"Open ({clock})")
    if also_in:
        table.add_column(f"In {also_in}")
    closures = {c.day: c.reason for c in schedule.closures}
    day = schedule.start.date()
    last = (schedule.end - timedelta(microseconds=1)).astimezone(tz).date()
    while day <= last:
        day_start = datetime.combine(day, time(0), tzinfo=tz)
        day_end = day_start + timedelta(days=1)
        spans = [(max(a, day_start), min(b, day_end)) for a, b in schedule.windows if a < day_end and b > day_start]
        label = f"{day:%a %d %b %Y}"
        if spans:
            row = [label, format_spans(spans, clock)]
            if also_in:
                row.append(format_spans(spans, also_in))
        elif day in closures:
            row = [label, f"[red]closed[/red] — {closures[day].split(': ', 1)[1]}"]
            if also_in:
                row.append("")
        else:
            row = [label, "[dim]no window left after the start time[/dim]"]
            if also_in:
                row.append("")
        table.add_row(*row)
        day += timedelta(days=1)
    out.print(table)
    if stage_model.hours.others:
        out.print(
            f"[dim]{len(stage_model.hours.others)} other source(s) disagree on these hours: "
            f"see `overland show {crossing.id}`.[/dim]"
        )
