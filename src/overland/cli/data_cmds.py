"""``overland data``: validate the crossing data, audit its claims and export its JSON Schema."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from overland.cli.common import DataOption, Format, FormatOption, out, print_json, progress_steps, service
from overland.errors import DataError, InputError
from overland.io.data_files import default_data_dir, json_schemas

if TYPE_CHECKING:
    from overland.model.audit import Finding
    from overland.service.audit import DataAudit

app = typer.Typer(help="Check and describe the crossing data files.", no_args_is_help=True)


@app.command()
def validate(
    path: Annotated[Path | None, typer.Argument(help="Data directory (default: the bundled data).")] = None,
) -> None:
    """Validate every data file: exit 0, or one line per error (file:line: field: problem) and exit 1."""
    root = path or default_data_dir()
    if not root.is_dir():
        raise DataError([f"{root}: not a directory (give the folder holding places.yaml and crossings/)"])
    ov = service(root)
    catalog = ov.catalog
    observed = ov.observed_crossings()
    out.print(
        f"{root}: ok — {len(catalog.countries)} countries, {len(catalog.places)} places, "
        f"{len(catalog.crossings)} crossings ({', '.join(catalog.crossings)}), "
        f"{len(observed)} observed crossings"
    )


@app.command()
def schema(
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the *.schema.json files.")] = None,
) -> None:
    """Write the JSON Schema of the places file and of a crossing file (for editors)."""
    target = out_dir or default_data_dir() / "schema"
    target.mkdir(parents=True, exist_ok=True)
    for name, text in json_schemas().items():
        (target / name).write_text(text, encoding="utf-8")
        out.print(f"wrote {target / name}", soft_wrap=True)


@app.command()
def audit(
    data: DataOption = None,
    today: Annotated[
        str | None, typer.Option("--today", help="The day to judge validity from, YYYY-MM-DD (default: today, UTC).")
    ] = None,
    sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity/--no-sensitivity",
            help="Rank the assumed values by how much plans depend on them (the slow part).",
        ),
    ] = True,
    days: Annotated[int, typer.Option("--days", help="Days of departures the sensitivity plans, from today.")] = 365,
    every: Annotated[
        float, typer.Option("--every", help="Hours between those departures (25: an hour later in the day each time).")
    ] = 25,
    shift: Annotated[float, typer.Option("--shift", help="Minutes an arrival must move by to count as changed.")] = 30,
    top: Annotated[int, typer.Option("--top", help="Assumed values listed (0: all).")] = 10,
    format: FormatOption = Format.text,
) -> None:
    """A maintainer's report over the data: claims by status, sourced claims without a quote, seed quotes not
    in their seed, claims whose validity has ended or ends within 90 days, and the assumed values plans
    depend on most. Exit 1 on a misquote, an unquoted sourced claim or an expired default."""
    day = _parse_day(today)
    ov = service(data, use_reports=False)
    with progress_steps("moving assumed values") as update:
        result = ov.audit(today=day, sensitivity=sensitivity, days=days, every_hours=every, shift_minutes=shift,
                          progress=update)  # fmt: skip
    if format is Format.json:
        print_json(result.as_json(show=_shown))
    else:
        _print_audit(result, top=top)
    if not result.ok:
        raise typer.Exit(1)


def _parse_day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        msg = f"--today {text!r}: give a date as YYYY-MM-DD, e.g. 2026-11-30"
        raise InputError(msg) from None


def _shown(path: Path) -> str:
    """A path as a reader can open it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _where(finding: Finding) -> str:
    if finding.file is None:
        return finding.origin
    return f"{_shown(Path(finding.file))}:{finding.line}"


def _print_audit(result: DataAudit, *, top: int) -> None:
    claims = result.claims
    total = claims.total
    folder = _shown(result.data_dir) if result.data_dir else "the catalog given"
    out.print(f"[bold]Audit of {escape(folder)}[/bold] on {claims.today.isoformat()}", soft_wrap=True)
    out.print(
        f"{sum(total.values())} claims: "
        + ", ".join(f"{n} {status.value}" for status, n in total.items())
        + f"; {claims.seed_quotes} seed quotes checked against the seed documents."
    )
    table = Table(title="Claims by status", title_justify="left", header_style="bold")
    table.add_column("file")
    for column in ("sourced", "derived", "assumed", "total"):
        table.add_column(column, justify="right")
    for origin, by in claims.counts.items():
        path = result.files.get(origin)
        name = str(path.relative_to(result.data_dir)) if path and result.data_dir else origin
        table.add_row(escape(name), *(str(by[s]) for s in by), str(sum(by.values())))
    table.add_row("[bold]all files[/bold]", *(f"[bold]{n}[/bold]" for n in total.values()),
                  f"[bold]{sum(total.values())}[/bold]")  # fmt: skip
    out.print(table)
    errors = claims.errors
    if errors:
        out.print(f"[red bold]{len(errors)} error{'s' if len(errors) != 1 else ''}[/red bold] (exit 1):")
        for f in errors:
            out.print(f"  [red]{f.kind.value}[/red] {escape(_where(f))}: {escape(f.field)}: {escape(f.message)}",
                      soft_wrap=True)  # fmt: skip
    else:
        out.print("[green]No errors[/green]: every sourced claim quotes its source, every seed quote is in its "
                  "seed, no default has ended.")  # fmt: skip
    dated = [f for f in claims.warnings if f.until is not None]
    if dated:
        table = Table(title="Validity ended or ending within 90 days", title_justify="left", header_style="bold")
        table.add_column("until", no_wrap=True)
        table.add_column("state")
        table.add_column("where", overflow="fold")
        for f in dated:
            assert f.until is not None
            days_left = (f.until - claims.today).days
            state = f"ends in {days_left} days" if f.kind.value == "ends-soon" else "ended, not the default"
            table.add_row(f.until.isoformat(), state, f"{escape(_where(f))}\n{escape(f.field)}")
        out.print(table)
    if result.sensitivity is not None:
        _print_sensitivity(result, top=top)


def _print_sensitivity(result: DataAudit, *, top: int) -> None:
    s = result.sensitivity
    assert s is not None
    factors = " and ".join(f"×{f:g}" for f in s.factors)
    out.print(
        f"\n[bold]Assumed values plans depend on most[/bold]: each moved {factors}; {len(s.trips)} main trips, "
        f"departures every {s.every_hours:g} h for {s.days} days from {s.start:%Y-%m-%d %H:%M} UTC "
        f"({s.departures} per trip); an arrival moved by {s.shift_minutes:g} min or more counts as changed.",
    )
    shown = s.values if top <= 0 else s.values[:top]
    table = Table(header_style="bold", show_lines=True)
    table.caption = (
        "×factor: departures whose arrival changed / departures planned through the value, "
        "and their mean arrival shift (later +)"
    )
    table.caption_justify = "left"
    table.add_column("#", justify="right")
    table.add_column("assumed value", overflow="fold")
    table.add_column("now", overflow="fold")
    for factor in s.factors:
        table.add_column(f"×{factor:g}", justify="right", no_wrap=True)
    for rank, d in enumerate(shown, start=1):
        file, line = result.location(d.ref.origin, d.ref.path)
        where = f"{_shown(file)}:{line}" if file else d.ref.origin
        cells = []
        for changed, hours in zip(d.changed, d.shift_hours, strict=True):
            mean = f"\n{hours:+.1f} h" if hours is not None else ""
            cells.append(f"{changed}/{d.departures}{mean}" if d.departures else "no trip")
        table.add_row(str(rank), f"{escape(d.what)}\n[dim]{escape(where)}[/dim]", escape(d.value), *cells)
    out.print(table)
    if len(shown) < len(s.values):
        out.print(f"[dim]{len(s.values) - len(shown)} more assumed values: --top 0 lists them all.[/dim]")
