"""``overland plan`` and ``overland compare``: door-to-door plans in both clocks."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from overland.cli.common import (
    AvoidOption,
    AvoidVisaOption,
    DarkRoadsOption,
    DataOption,
    MaxDriveOption,
    NationalityOption,
    QuietOption,
    ViaOption,
    err,
    out,
    print_json,
    service,
    split_list,
)
from overland.errors import InputError
from overland.io.views import compare_view
from overland.planner.trip import Event, EventKind, Plan
from overland.timing.clocks import clock_name, clock_of, parse_time, zone

if TYPE_CHECKING:
    from overland.service import Overland

BLOCKED_EXIT = 3
app = typer.Typer()


class PlanFormat(StrEnum):
    text = "text"
    json = "json"
    ics = "ics"
    gpx = "gpx"
    geojson = "geojson"


class VehicleChoice(StrEnum):
    own = "own"
    none = "none"


def _mode(vehicle: VehicleChoice, mode: str | None) -> str:
    if mode:
        return mode
    return "own-car" if vehicle is VehicleChoice.own else "passenger"


def _time(moment, clock: str) -> str:
    local = moment.astimezone(zone(clock))
    return f"{local:%a %d %b %H:%M}"


NOTE_WIDTH = 40  # columns the note needs in the table; with less the timeline is printed as stacked rows
STYLE = {EventKind.wait: "yellow", EventKind.night: "cyan", EventKind.blocked: "red bold",
         EventKind.vehicle_held: "yellow"}  # fmt: skip


def _span(event: Event, clock: str) -> str:
    """``Tue 01 Dec 08:00–10:02``, the end with its day when it falls on another."""
    start, end = event.start.astimezone(zone(clock)), event.end.astimezone(zone(clock))
    text = f"{start:%a %d %b %H:%M}"
    if end != start:
        text += f"–{end:%H:%M}" if end.date() == start.date() else f" – {end:%a %d %b %H:%M}"
    return text


def _print_needs(plan: Plan) -> None:
    if not plan.needs:
        return
    out.print("[bold]You need[/bold] (arrange before you go; ids for --has):")
    for need in plan.needs:
        mark = "[green]✓[/green]" if need.held else "[red]✗ missing[/red]"
        ahead = f" · arrange {need.lead_days:g} days ahead" if need.lead_days is not None else ""
        posts = f"{len(need.stages)} posts" if len(need.stages) > 1 else need.stages[0]
        out.print(f"  {mark} {escape(need.name)} ({need.document}){ahead} · checked at {escape(posts)}")


def _print_entry(plan: Plan) -> None:
    """How the passport enters each country of the route (with --nationality)."""
    entries = [e for e in plan.traveller.entry if e.country in plan.countries[1:]]
    if not entries:
        return
    parts = []
    for e in sorted(entries, key=lambda e: plan.countries.index(e.country)):
        days = f", {e.days} days" if e.days else ""
        until = f", until {e.until}" if e.until else ""
        parts.append(f"{e.name} {e.kind}{days}{until}")
    out.print(f"Entry on a {plan.traveller.nationality} passport: " + " · ".join(parts))


MOVING = (EventKind.drive, EventKind.ride, EventKind.transfer)


def _print_plan(plan: Plan, catalog: Any, documents_note: str) -> None:
    home = plan.home_clock
    head = f"[bold]{catalog.place(plan.origin).name} → {catalog.place(plan.destination).name}[/bold]"
    if plan.via:
        names = " then ".join(catalog.crossing(c).name for c in plan.via.split(","))
        head += f" via {names} ({plan.direction.replace(',', ', ') if plan.direction else ''})"
    out.print(f"{head} · {plan.traveller.mode.value} · {documents_note}")
    arrive = f"{_time(plan.arrive, clock_of(plan.arrive))} {clock_name(clock_of(plan.arrive))}" if plan.arrive else "—"
    # When the traveller sets off (as the page says it): the first drive, ride or transfer; the time
    # asked for beside it when the plan waits at home first.
    moving = next((e.start for e in plan.events if e.kind in MOVING), plan.depart)
    asked = f" (you asked {_time(plan.depart, home)})" if (moving - plan.depart).total_seconds() >= 60 else ""
    out.print(
        f"Leave {_time(moving, home)} {clock_name(home)}{asked} · arrive {arrive} · "
        f"{plan.night_count} night(s) · {plan.waiting_hours:.1f} h waiting"
    )
    out.print(
        f"[dim]Your day: {plan.traveller.rhythm.describe(plan.day_clocks)} (--quiet-hours, --max-drive, "
        "--dark-roads)[/dim]"
    )
    _print_entry(plan)
    _print_needs(plan)
    if _fits_table(plan):
        _print_table(plan)
    else:
        _print_stacked(plan)
    _print_after(plan)


def _fits_table(plan: Plan) -> bool:
    """True when the terminal leaves the table's note column ``NOTE_WIDTH`` columns."""
    widest = max(
        (len(f"{_span(e, clock_of(e.start))} {clock_name(clock_of(e.start))}") for e in plan.events), default=0
    )
    home, event, frame = len("Wed 02 Dec 05:00"), len("vehicle-held"), 4 * 3 + 1
    return out.width >= widest + home + event + frame + NOTE_WIDTH


def _print_table(plan: Plan) -> None:
    from rich.table import Table  # text output only: a JSON plan does without it

    home = plan.home_clock
    table = Table(header_style="bold", show_lines=False)
    table.add_column("local time (where it happens)", no_wrap=True)
    table.add_column(clock_name(home), no_wrap=True)
    table.add_column("event", no_wrap=True)
    table.add_column("where / note", min_width=NOTE_WIDTH)
    for event in plan.events:
        clock = clock_of(event.start)
        what = _what(event)
        style = STYLE.get(event.kind)
        if style:
            what = f"[{style}]{what}[/{style}]"
        table.add_row(f"{_span(event, clock)} {clock_name(clock)}", _time(event.start, home), what,
                      escape(_where_note(event)))  # fmt: skip
    out.print(table)


def _print_stacked(plan: Plan) -> None:
    """The timeline for a narrow terminal: a line of time and event, then the note, indented."""
    home = plan.home_clock
    for event in plan.events:
        clock = clock_of(event.start)
        what = _what(event)
        style = STYLE.get(event.kind)
        if style:
            what = f"[{style}]{what}[/{style}]"
        also = "" if clock == home else f" [dim]({_time(event.start, home)} {clock_name(home)})[/dim]"
        out.print(f"{_span(event, clock)} {clock_name(clock)}{also} · {what}")
        out.print(f"    {escape(_where_note(event))}")


def _what(event: Event) -> str:
    """``drive 185 km``, ``ride 185 km``, or the kind of the event."""
    if event.kind in (EventKind.drive, EventKind.ride) and event.km is not None:
        return f"{event.kind.value} {event.km:g} km"
    return event.kind.value


def _where_note(event: Event) -> str:
    where = event.stage or event.place or ""
    moving = (EventKind.drive, EventKind.ride, EventKind.transfer)
    return event.note if event.kind in moving else f"{where}: {event.note}"


def _print_after(plan: Plan) -> None:
    for blocker in plan.blockers:
        out.print(
            f"[red bold]Blocked[/red bold] at {blocker.stage}: {escape(blocker.reason)} [dim]\\[{escape(blocker.source)}][/dim]"
        )
    for suggestion in plan.suggestions:
        out.print(f"[cyan]What would work:[/cyan] {escape(suggestion)}")
    for warning in plan.warnings:
        out.print(f"[yellow]Warning:[/yellow] {escape(warning)}")
    for item in plan.advice:
        out.print(f"• {item.stage}: {escape(item.text)} [dim]\\[{escape(item.source)}][/dim]")
        if item.note:
            out.print(f"  [dim]{escape(item.note)}[/dim]")


def _percent(p: float | None) -> str:
    return "—" if p is None else f"{p:.0%}"


def _hours(h: float | None) -> str:
    return "beyond the horizon" if h is None else f"{h:.1f} h"


def _print_distribution(plan: Plan) -> None:
    dist = plan.distribution
    assert dist is not None and plan.arrive is not None  # a complete plan with samples
    clock = clock_of(plan.arrive)
    arrive = " · ".join(
        f"{name} {_time(a, clock) if a else 'beyond the horizon'}"
        for name, a in zip(("P10", "P50", "P90"), dist.arrive, strict=True)
    )
    out.print(
        f"[bold]Monte Carlo[/bold], {dist.samples:,} samples (seed {dist.seed}; the timeline above counts "
        f"each time at its median): arrive {arrive} {clock_name(clock)}"
    )
    out.print(
        f"Door to door: P10 {_hours(dist.hours.p10)} · P50 {_hours(dist.hours.p50)} · P90 {_hours(dist.hours.p90)}"
    )
    gate = (
        f"through the gate the day planned {_percent(dist.p_gate_same_day)} · "
        if dist.p_gate_same_day is not None
        else ""
    )
    out.print(
        f"Chances: {gate}held over a closed day {_percent(dist.p_closed_day)} · "
        f"arriving after dark {_percent(dist.p_after_dark)} · no opening within the horizon {_percent(dist.p_no_opening)}"
    )
    _print_bands(dist)
    waits = [s for s in dist.stages if s.p_wait > 0]
    if waits:
        from rich.table import Table

        table = Table(header_style="bold", title="Waits in front of stages", title_justify="left")
        for column in ("stage", "how often", "P50", "P90"):
            table.add_column(column, no_wrap=column != "stage")
        for s in waits:
            table.add_row(s.stage, _percent(s.p_wait), _hours(s.hours.p50), _hours(s.hours.p90))
        out.print(table)
    for item in dist.inputs:
        out.print(f"[dim]drawn: {item.stage} {item.what}: {escape(item.distribution)} ({item.status})[/dim]")


def _moment(moment: Any) -> str:
    return f"{moment:%a %d %b %H:%M}" if moment is not None else "beyond the horizon"


def _print_bands(dist: Any) -> None:
    """Each post: P10 · P50 · P90 of reaching it and of leaving it, in its own clock (fits 80 columns)."""
    out.print("Each post, P10 · P50 · P90 of reaching and leaving it (in the post's clock):")
    for stage in dist.stages:
        shown = next((m for m in (*stage.reached, *stage.left) if m is not None), None)
        clock = f" ({clock_name(clock_of(shown))})" if shown is not None else ""
        out.print(f"  {escape(stage.stage)}{clock}")
        for what, moments in (("reach", stage.reached), ("leave", stage.left)):
            out.print(f"    {what}  " + " · ".join(_moment(m) for m in moments))


def planning_service(data: Path | None, *, use_reports: bool) -> Overland:
    """The service to plan with: with the reports database unless told not to, or when it cannot be read
    (then with a warning). SQLAlchemy is imported only when there is a database: a plain plan stays quick."""
    from overland.errors import OverlandError

    ov = service(data, use_reports=use_reports)
    if use_reports:
        try:
            ov.observations()
        except OverlandError as error:
            err.print(
                f"[yellow]warning:[/yellow] {escape(str(error))}; planning with the data's times only "
                "(--no-observations skips the database)",
                soft_wrap=True,
            )
            ov = service(data, use_reports=False)
    return ov


def _print_observations(plan: Plan) -> None:
    if not plan.observations:
        return
    out.print(
        "[bold]Observed[/bold] (crossing reports blended with the data, newer ones weighing more; "
        "--no-observations to leave them out):"
    )
    for used in plan.observations:
        out.print(f"  {escape(used.describe())}")


@app.command()
def plan(
    origin: Annotated[str, typer.Option("--from", help="Place id to leave from, e.g. naryn (see `overland places`).")],
    destination: Annotated[str, typer.Option("--to", help="Place id to reach, e.g. kashgar.")],
    depart: Annotated[
        str, typer.Option("--depart", help="Departure, ISO 8601 with offset, e.g. 2026-11-27T07:00+06:00.")
    ],
    via: ViaOption = None,
    avoid: AvoidOption = None,
    nationality: NationalityOption = None,
    avoid_visa: AvoidVisaOption = False,
    vehicle: Annotated[
        VehicleChoice, typer.Option("--vehicle", help="own: your own car; none: passenger.")
    ] = VehicleChoice.own,
    mode: Annotated[
        str | None, typer.Option("--mode", help="own-car, motorbike, truck, passenger or foot (overrides --vehicle).")
    ] = None,
    has: Annotated[
        str, typer.Option("--has", help="Document ids you hold, comma-separated, or 'all' (see `overland show`).")
    ] = "all",
    carrying: Annotated[str | None, typer.Option("--carrying", help="Items you carry, e.g. drone.")] = None,
    format: Annotated[PlanFormat, typer.Option("--format", help="Output format.")] = PlanFormat.text,
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples of the times (0: none).")] = 0,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**63 - 1, help="Seed of the Monte Carlo samples.")] = 0,
    no_observations: Annotated[
        bool, typer.Option("--no-observations", help="Ignore crossing reports: the data's times only.")
    ] = False,
    quiet_hours: QuietOption = None,
    max_drive: MaxDriveOption = None,
    dark_roads: DarkRoadsOption = None,
    data: DataOption = None,
) -> None:
    """When will I get through, door to door, in both clocks; where I sleep; what stops me.

    Stage times learned from crossing reports are used when the reports database has some
    for the route (see `overland report`); the plan says which. Exit 0 with a complete
    plan, 3 when a stage turns the traveller back (the plan up to there is still printed).
    """
    from overland.io.exports import to_geojson, to_gpx, to_ics

    ov = planning_service(data, use_reports=not no_observations)
    catalog = ov.catalog
    origin, destination, _, _ = ov.trip_ends(origin, destination, via, split_list(avoid))
    moment = parse_time(depart, hint_clock=catalog.clock_of(origin), where=origin)
    documents = None if has.strip() == "all" else split_list(has)
    result = ov.plan(
        origin,
        destination,
        moment,
        via=via,
        avoid=split_list(avoid),
        nationality=nationality,
        avoid_visa=avoid_visa,
        mode=_mode(vehicle, mode),
        documents=documents,
        carrying=split_list(carrying),
        samples=samples,
        seed=seed,
        quiet_hours=quiet_hours,
        max_drive_hours=max_drive,
        dark_roads=dark_roads,
    )
    if format is PlanFormat.json:
        print_json(result.as_json())
    elif format is PlanFormat.ics:
        sys.stdout.write(to_ics(result, catalog))
    elif format is PlanFormat.gpx:
        sys.stdout.write(to_gpx(result, catalog))
    elif format is PlanFormat.geojson:
        sys.stdout.write(to_geojson(result, catalog))
    else:
        note = "documents: all the route asks for (--has to check yours)" if documents is None else f"documents: {has}"
        _print_plan(result, catalog, note)
        _print_observations(result)
        if result.distribution is not None:
            _print_distribution(result)
    if result.blockers:
        raise typer.Exit(BLOCKED_EXIT)


@app.command()
def compare(
    origin: Annotated[str, typer.Option("--from", help="Place id to leave from.")],
    destination: Annotated[str, typer.Option("--to", help="Place id to reach.")],
    depart: Annotated[str, typer.Option("--depart", help="Departure, ISO 8601 with offset.")],
    vehicle: Annotated[
        VehicleChoice, typer.Option("--vehicle", help="own: your own car; none: passenger.")
    ] = VehicleChoice.own,
    mode: Annotated[str | None, typer.Option("--mode", help="own-car, motorbike, truck, passenger or foot.")] = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    quiet_hours: QuietOption = None,
    max_drive: MaxDriveOption = None,
    dark_roads: DarkRoadsOption = None,
    avoid: AvoidOption = None,
    nationality: NationalityOption = None,
    avoid_visa: AvoidVisaOption = False,
    data: DataOption = None,
) -> None:
    """The crossings side by side: arrival, nights, waiting, blockers."""
    if format not in {"text", "json"}:
        raise InputError(f"--format {format!r}: use text or json")
    ov = planning_service(data, use_reports=True)
    origin, destination, _, _ = ov.trip_ends(origin, destination, avoid=split_list(avoid))
    moment = parse_time(depart, hint_clock=ov.catalog.clock_of(origin), where=origin)
    plans = ov.compare(origin, destination, moment, mode=_mode(vehicle, mode), quiet_hours=quiet_hours,
                       max_drive_hours=max_drive, dark_roads=dark_roads, avoid=split_list(avoid),
                       nationality=nationality, avoid_visa=avoid_visa)  # fmt: skip
    view = compare_view(origin, destination, moment, plans)
    if format == "json":
        print_json(view)
        return
    rows = view["options"]
    from rich.table import Table

    table = Table(header_style="bold")
    for column in ("via", "arrive (local)", "door to door", "nights", "waiting", "blockers"):
        table.add_column(column)
    for p, row in zip(plans, rows, strict=True):
        arrive = f"{_time(p.arrive, clock_of(p.arrive))} {clock_name(clock_of(p.arrive))}" if p.arrive else "—"
        table.add_row(
            row["via"] or "(no border)",
            arrive,
            f"{row['hours']} h" if row["hours"] is not None else "—",
            str(row["nights"]),
            f"{row['waiting_hours']} h",
            escape("; ".join(row["blockers"])) or "none",
        )
    out.print(table)
