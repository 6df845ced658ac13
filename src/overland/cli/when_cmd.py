"""``overland when``: the best departure in a span, from Monte Carlo arrivals."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from overland.cli.common import (
    AvoidOption,
    AvoidVisaOption,
    DataOption,
    Format,
    FormatOption,
    NationalityOption,
    ViaOption,
    out,
    print_json,
    progress_bar,
    split_list,
)
from overland.errors import InputError
from overland.timing.clocks import clock_name, clock_of, parse_time, zone

app = typer.Typer()
_EVERY = re.compile(r"^(?:(\d+)h)?(?:(\d+)m(?:in)?)?$")


def parse_every(text: str) -> int:
    """Minutes in a step such as ``30m``, ``1h`` or ``1h30m``."""
    match = _EVERY.match(text.strip())
    if not text.strip() or match is None or not any(match.groups()):
        msg = f"--every {text!r}: write a step such as 30m, 1h or 1h30m"
        raise InputError(msg)
    return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)


def parse_bound(text: str, clock: str, *, end: bool) -> datetime:
    """A span bound: a date (its whole day in ``clock``) or an ISO time with its offset."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return parse_time(text, hint_clock=clock)
    return datetime.combine(day, time(23, 59) if end else time(0), tzinfo=zone(clock))


def _local(moment: datetime | None, clock: str) -> str:
    return f"{moment.astimezone(zone(clock)):%a %d %b %H:%M}" if moment is not None else "beyond the horizon"


@app.command()
def when(
    origin: Annotated[str, typer.Option("--from", help="Place id to leave from, e.g. naryn.")],
    destination: Annotated[str, typer.Option("--to", help="Place id to reach, e.g. kashgar.")],
    between: Annotated[
        tuple[str, str],
        typer.Option(
            "--between", help="First and last departure: dates (whole days in the origin's clock) or ISO times."
        ),
    ],
    every: Annotated[str, typer.Option("--every", help="Step between departures, e.g. 30m or 1h.")] = "30m",
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples per departure.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1, help="Seed of the samples.")] = 0,
    arrive_by: Annotated[str | None, typer.Option("--arrive-by", help="Target arrival, ISO 8601 with offset.")] = None,
    confidence: Annotated[
        float, typer.Option("--confidence", help="How sure to be: the quantile shown and the chance a target needs.")
    ] = 0.9,
    via: ViaOption = None,
    avoid: AvoidOption = None,
    nationality: NationalityOption = None,
    avoid_visa: AvoidVisaOption = False,
    mode: Annotated[str, typer.Option("--mode", help="own-car, motorbike, truck, passenger or foot.")] = "own-car",
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the departure heatmap to FILE.png or FILE.svg.")
    ] = None,
    format: FormatOption = Format.text,
    data: DataOption = None,
) -> None:
    """When to leave: for each departure in the span, the P50 and P90 arrival and the chance
    of arriving by the target; the best departures and the latest that still makes it."""
    from overland.cli.plan_cmds import planning_service
    from overland.io.departure_plot import FORMATS, heatmap

    if plot is not None and plot.suffix.lower() not in FORMATS:
        msg = f"--plot {plot}: the file must end in {' or '.join(sorted(FORMATS))}"
        raise InputError(msg)
    ov = planning_service(data, use_reports=True)
    catalog = ov.catalog
    origin, destination, _, _ = ov.trip_ends(origin, destination, via, split_list(avoid))
    clock = catalog.clock_of(origin)
    start, end = parse_bound(between[0], clock, end=False), parse_bound(between[1], clock, end=True)
    target = parse_time(arrive_by, hint_clock=catalog.clock_of(destination)) if arrive_by else None
    step = parse_every(every)
    total = int((end - start) / timedelta(minutes=step)) + 1 if step > 0 and end >= start else 0
    with progress_bar(total, "sampling departures") as advance:
        result = ov.when(
            origin, destination, start, end, every_minutes=step, samples=samples, seed=seed,
            confidence=confidence, arrive_by=target, via=via, avoid=split_list(avoid), mode=mode, progress=advance,
            nationality=nationality, avoid_visa=avoid_visa,
        )  # fmt: skip
    if plot is not None:
        heatmap(result, plot)
    if format is Format.json:
        print_json(result.as_json() | ({"plot": str(plot)} if plot else {}))
        return
    _print_scan(result, catalog, clock)
    if plot is not None:
        out.print(f"heatmap: {plot}", soft_wrap=True)


def _print_scan(result, catalog, clock: str) -> None:
    level = f"P{round(result.confidence * 100)}"
    head = (
        f"[bold]{catalog.place(result.origin).name} → {catalog.place(result.destination).name}[/bold] · "
        f"{result.mode} · {len(result.options)} departures every {result.every_minutes} min · "
        f"{result.samples:,} samples each (seed {result.seed}) · times in {clock_name(clock)} unless marked"
    )
    out.print(head)
    best = result.best
    arrive_clock = next((clock_of(o.arrive_p50) for o in best if o.arrive_p50), clock)
    vias = {o.via for o in best}
    table = Table(header_style="bold", title="Best departures", title_justify="left")
    columns = [
        f"leave ({clock_name(clock)})",
        *(["via"] if len(vias) > 1 else []),
        f"arrive P50 ({clock_name(arrive_clock)})",
        f"arrive {level} ({clock_name(arrive_clock)})",
        f"{level} door to door",
    ]
    if result.arrive_by is not None:
        columns.append("by the target")
    for column in columns:
        table.add_column(column)
    for option in best:
        row = [
            _local(option.depart, clock),
            *([option.via or "—"] if len(vias) > 1 else []),
            _local(option.arrive_p50, arrive_clock),
            _local(option.arrive_at_confidence, arrive_clock),
            f"{option.hours_at_confidence:.1f} h" if option.hours_at_confidence is not None else "—",
        ]
        if result.arrive_by is not None:
            row.append(f"{option.p_meet:.0%}")
        table.add_row(*row)
    if len(vias) == 1 and None not in vias:
        table.caption = f"all via {vias.pop()}"
        table.caption_justify = "left"
    out.print(table)
    out.print(
        f"By day ({clock_name(arrive_clock)} arrivals, {result.confidence:.0%} sure): {escape(result.verdict())}",
        soft_wrap=False,
    )
    if result.outside_hours:
        out.print(
            f"[dim]{result.outside_hours} departure(s) in your quiet hours left out "
            "(--quiet-hours none to include them)[/dim]"
        )
    blocked = [o for o in result.options if o.blocked]
    if blocked:
        out.print(f"[red]{len(blocked)} departure(s) blocked[/red]: {escape(blocked[0].blocked)}")
    if result.arrive_by is not None:
        target = f"{result.arrive_by:%a %d %b %H:%M} ({result.arrive_by.isoformat()})"
        latest = result.latest_meeting
        if latest is None:
            out.print(
                f"[yellow]No departure in the span arrives by {target} with {result.confidence:.0%} "
                f"confidence.[/yellow]"
            )
        else:
            out.print(
                f"Latest departure arriving by {target} with at least {result.confidence:.0%}: "
                f"[bold]{_local(latest.depart, clock)} {clock_name(clock)}[/bold] ({latest.p_meet:.0%})"
            )
