"""``overland places``, ``overland crossings`` and ``overland show``: what the data holds."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from overland.cli.common import (
    DataOption,
    Format,
    FormatOption,
    out,
    print_json,
    service,
)
from overland.io.views import (
    crossing_view,
    crossings_view,
    hours_by_direction,
    places_view,
    reference_day,
)
from overland.model.provenance import Fact, Provenance, Status

app = typer.Typer()
STATUS_STYLE = {Status.sourced: "green", Status.derived: "cyan", Status.assumed: "yellow"}


def _cite(claim: Provenance) -> str:
    style = STATUS_STYLE[claim.status]
    return f"[{style}]\\[{escape(claim.citation())}][/{style}]"


def _fact_line(fact: Fact[Any], render=str) -> str:
    text = f"{escape(render(fact.value)) or 'none'} {_cite(fact.claim)}"
    for other in fact.others:
        text += f"\n      [dim]also:[/dim] {escape(render(other.value))} {_cite(other)}"
    return text


def _latlon(value: Any) -> str:
    return f"{value.lat:.4f}, {value.lon:.4f}"


@app.command()
def places(format: FormatOption = Format.text, data: DataOption = None) -> None:
    """List the places: names, country, coordinates, elevation and clock."""
    catalog = service(data).catalog
    if format is Format.json:
        print_json(places_view(catalog))
        return
    table = Table(header_style="bold")
    for column in ("id", "name", "local names", "country", "lat, lon", "elev. m", "clock"):
        table.add_column(column, no_wrap=column in {"id", "clock", "country"})
    for place_id, place in catalog.places.items():
        local = " · ".join(f.value for lang, f in place.names.items() if lang != "en")
        coords = _latlon(place.coordinates.value) if place.coordinates else "[dim]not found[/dim]"
        if place.coordinates and place.coordinates.claim.status is Status.assumed:
            coords += " [yellow](assumed)[/yellow]"
        elevation = f"{place.elevation_m.value:g}" if place.elevation_m else "[dim]not found[/dim]"
        if place.elevation_m:
            differing = {c.value for c in place.elevation_m.others} - {place.elevation_m.value}
            if differing:
                elevation += f" [dim](also {', '.join(f'{v:g}' for v in sorted(differing))})[/dim]"
        table.add_row(place_id, place.name, escape(local), place.country, coords, elevation, catalog.clock_of(place_id))
    out.print(table)


@app.command()
def crossings(format: FormatOption = Format.text, data: DataOption = None) -> None:
    """List the crossings with their directions and number of stages."""
    catalog = service(data).catalog
    rows = crossings_view(catalog)
    if format is Format.json:
        print_json(rows)
        return
    table = Table(header_style="bold")
    for column in ("id", "name", "kind", "countries", "directions (stages)"):
        table.add_column(column)
    for row in rows:
        dirs = ", ".join(f"{d} ({len(route)})" for d, route in row["directions"].items())
        table.add_row(row["id"], row["name"], row["kind"], " – ".join(row["countries"]), dirs)
    out.print(table)


@app.command()
def show(
    crossing_id: Annotated[str, typer.Argument(metavar="CROSSING", help="Crossing id, e.g. torugart.")],
    on: Annotated[
        str | None, typer.Option("--on", help="Show hours as on the first Wednesday from this date (YYYY-MM-DD).")
    ] = None,
    format: FormatOption = Format.text,
    data: DataOption = None,
) -> None:
    """A crossing's fact sheet: stages in order, hours in both clocks, documents, rules, sources."""
    catalog = service(data).catalog
    crossing = catalog.crossing(crossing_id)
    try:
        start = date.fromisoformat(on) if on else service(data).today()
    except ValueError:
        raise typer.BadParameter(f"{on!r} is not a date like 2026-11-25", param_hint="--on") from None
    if not date(1970, 1, 1) <= start <= date(2099, 12, 24):
        raise typer.BadParameter(f"{on!r}: give a date between 1970-01-01 and 2099-12-24", param_hint="--on")
    if format is Format.json:
        print_json(crossing_view(catalog, crossing, start))
        return
    day = reference_day(start)
    by_direction = hours_by_direction(catalog, crossing, day)
    countries = " ↔ ".join(catalog.countries[c].name for c in crossing.countries)
    out.print(
        f"[bold]{crossing.name}[/bold] ({crossing.id}) — {crossing.kind} crossing, {countries}; "
        f"border at {catalog.place(crossing.border_place).name}"
    )
    out.print(escape(crossing.summary))
    out.print("[dim]Status colours: [green]sourced[/green] [cyan]derived[/cyan] [yellow]assumed[/yellow][/dim]\n")

    for direction, hours in zip(crossing.directions, by_direction, strict=True):
        home = hours["from_clock"]
        title = (
            f"{catalog.countries[direction.from_country].name} → {catalog.countries[direction.to_country].name} "
            f"({direction.id}); hours of {day:%a %d %b %Y}"
        )
        table = Table(title=title, title_justify="left", header_style="bold")
        for column in ("#", "stage", "hours (stage clock)", f"in {home}", "shut: weekends | holidays of"):
            table.add_column(column)
        for n, row in enumerate(hours["stages"], 1):
            stage = crossing.stages[row["stage"]]
            closes = f"{'+'.join(stage.weekends_of.value) or '—'} | {'+'.join(stage.holidays_of.value) or '—'}"
            mark = " [yellow]*[/yellow]" if stage.hours.claim_on(day)[0].status is Status.assumed else ""
            table.add_row(
                str(n), row["stage"], f"{row['on_day']}{mark}\n[dim]{row['clock']}[/dim]", row["in_from_clock"], closes
            )
        out.print(table)
        if any(crossing.stages[s].hours.claim_on(day)[0].status is Status.assumed for s in direction.route):
            out.print("  [yellow]*[/yellow] assumed hours (no source found; see the stage below)")
        out.print(f"  order: {_cite(direction)}\n")

    out.print("[bold]Stages[/bold]")
    for stage_id, stage in crossing.stages.items():
        out.print(
            f"[bold]{crossing.id}/{stage_id}[/bold] — {escape(stage.name)} (staffed by {', '.join(stage.staffed_by)})"
        )
        out.print(f"    clock: {_fact_line(stage.clock)}")
        out.print(f"    hours: {_fact_line(stage.hours)}")
        out.print(f"    weekends of: {_fact_line(stage.weekends_of, ', '.join)}")
        out.print(f"    holidays of: {_fact_line(stage.holidays_of, ', '.join)}")
        for target, fact in stage.distances_km.items():
            out.print(f"    km to {target}: {_fact_line(fact, lambda v: f'{v:g}')}")
        if stage.checks:
            out.print(f"    checks: {', '.join(stage.checks)}")
        for rule in stage.rules:
            modes = f" ({', '.join(rule.modes)})" if rule.modes else ""
            out.print(f"    • {rule.kind}{modes}: {escape(rule.text)} {_cite(rule)}")
            if rule.note:
                out.print(f"      [dim]{escape(rule.note)}[/dim]")
        if stage.note:
            out.print(f"    [dim]{escape(stage.note)}[/dim]")
    if crossing.documents:
        out.print("\n[bold]Documents[/bold] (ids for `--has`)")
        for doc_id, doc in crossing.documents.items():
            modes = f" ({', '.join(doc.modes)})" if doc.modes else ""
            out.print(f"  {doc_id}{modes}: {escape(doc.name)} {_cite(doc)}")
    if crossing.notices:
        out.print("\n[bold]Announced closures[/bold]")
        for notice in crossing.notices:
            span = notice.closed.value
            where = ", ".join(notice.stages) if notice.stages else "all stages"
            out.print(
                f"  {notice.id}: {escape(notice.title)} — {span.start.isoformat()} → {span.end.isoformat()} "
                f"({where}) {_cite(notice.closed.claim)}"
            )
            for other in notice.closed.others:
                out.print(
                    f"      [dim]also:[/dim] {other.value.start.isoformat()} → {other.value.end.isoformat()} {_cite(other)}"
                )
    if crossing.figures:
        out.print("\n[bold]Figures[/bold]")
        for figure in crossing.figures.values():
            out.print(f"  {escape(figure.label)}: {_fact_line(figure.value, lambda v: f'{v:g}')} {escape(figure.unit)}")
