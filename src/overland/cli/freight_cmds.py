"""``overland freight``: simulate a break-of-gauge container terminal and size it for a target."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from overland.cli.common import (
    Format,
    FormatOption,
    err,
    out,
    print_json,
    progress_bar,
    service,
)
from overland.cli.dask_options import SchedulerOption, WorkersOption
from overland.errors import InputError

if TYPE_CHECKING:
    from overland.sim.scenario import Scenario

app = typer.Typer(
    help="Rail freight: a discrete-event model of a break-of-gauge terminal (Khorgos).",
    no_args_is_help=True,
)

ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario name (see `overland freight scenarios`) or a path to a scenario YAML file.")
]
SeedOption = Annotated[int, typer.Option("--seed", min=0, help="Seed of the random streams.")]
WarmupOption = Annotated[float, typer.Option("--warmup", min=0, help="Days simulated before statistics start.")]
CranePolicyOption = Annotated[
    str | None,
    typer.Option(
        "--crane-policy",
        help="How cranes share trains: stay-with-train (default), first-train-each-lift (the model's "
        "behaviour before the policies were named), spread.",
        show_default=False,
    ),
]
TopUpOption = Annotated[
    str | None,
    typer.Option(
        "--top-up",
        help="When a set takes boxes from the yard: on-track (default: while it is on its track) or "
        "placement (only when placed: the model's behaviour before).",
        show_default=False,
    ),
]

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|hours?|min|minutes?|d|days?)?\s*$")
_DURATION_HOURS = {"h": 1, "hour": 1, "hours": 1, "min": 1 / 60, "minute": 1 / 60, "minutes": 1 / 60,
                   "d": 24, "day": 24, "days": 24}  # fmt: skip
LONG_RUN_TRAINS = 3000  # show a progress bar when a run simulates this many trains (about a third of a second)


def parse_duration_hours(text: str) -> float:
    """``24h``, ``90min``, ``1.5d`` or a bare number of hours, in hours."""
    match = _DURATION_RE.match(text)
    if match is None:
        msg = f"duration {text!r} is not understood: write e.g. 24h, 90min or 1.5d"
        raise InputError(msg)
    return float(match.group(1)) * _DURATION_HOURS[match.group(2) or "h"]


def _number(value: float | None, unit: str) -> str:
    if value is None or value != value or math.isinf(value):
        return "–"
    if unit == "share":
        return f"{value:.1%}"
    if value == int(value):
        return f"{value:,.0f}"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _config_line(params: Any) -> str:
    from overland.sim.scenario import Gauge

    return (
        f"{params.cranes} cranes, {params.tracks[Gauge.standard]}+{params.tracks[Gauge.broad]} tracks "
        f"(1435+1520 mm), yard {params.yard_capacity_teu:,} TEU"
    )


@app.command()
def scenarios() -> None:
    """List the bundled freight scenarios: cranes, tracks (1435+1520 mm), trains arriving a day."""
    from overland.io.freight_files import load_scenario, scenario_names
    from overland.sim.scenario import Gauge

    table = Table(header_style="bold")
    for column in ("scenario", "name", "terminal", "trains/day", "assumed"):
        table.add_column(column, justify="right" if column == "trains/day" else "left", no_wrap=column != "name")
    for name in scenario_names():
        scenario = load_scenario(name)
        params = scenario.params()
        terminal = f"{params.cranes} cranes, {params.tracks[Gauge.standard]}+{params.tracks[Gauge.broad]} tracks"
        fraction = f"{len(scenario.assumed())} of {len(scenario.claims())}"
        table.add_row(name, scenario.name, terminal, f"{params.trains_per_day():.1f}", fraction)
    out.print(table)
    out.print("tracks: 1435+1520 mm · trains/day: arriving · assumed: values no source states")


@app.command()
def simulate(
    scenario: ScenarioArg,
    days: Annotated[float, typer.Option("--days", help="Days of statistics (after the warm-up).")] = 365,
    seed: SeedOption = 0,
    replications: Annotated[int, typer.Option("--replications", help="Independent runs (mean and 95 % interval).")] = 1,
    warmup: WarmupOption = 7,
    format: FormatOption = Format.text,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Folder for PNG plots: the dwell histogram and the yard occupancy.")
    ] = None,
    csv_dir: Annotated[
        Path | None, typer.Option("--csv", help="Folder for CSV files: the summary, each replication, the yard.")
    ] = None,
    crane_policy: CranePolicyOption = None,
    top_up: TopUpOption = None,
) -> None:
    """Simulate a scenario: throughput, train dwell, queues, crane and track use, the yard."""
    from overland.io import freight_files
    from overland.sim.kpis import KPI_LABELS

    loaded = freight_files.load_scenario(scenario)
    report = _with_progress(
        (days + warmup) * replications * loaded.params().trains_per_day(),
        lambda progress: service().freight.simulate(
            loaded,
            days=days,
            seed=seed,
            replications=replications,
            warmup_days=warmup,
            progress=progress,
            crane_policy=crane_policy,
            top_up=top_up,
        ),
    )
    written: list[Path] = []
    if csv_dir is not None:
        written += _write_csv(report, csv_dir)
    if plot is not None:
        written += freight_files.write_plots(report, _folder(plot))
    if format is Format.json:
        print_json(
            {
                **report.as_dict(),
                "name": loaded.name,
                "assumed": loaded.assumed(),
                "files": [str(p) for p in written],
            }
        )
        return
    params = report.params
    out.print(f"[bold]{loaded.id}[/bold] — {loaded.name}")
    reps = f"{replications} replication{'s' if replications != 1 else ''}"
    out.print(f"{days:g} days after a {warmup:g}-day warm-up · {reps} · seed {seed}")
    out.print(_config_line(params))
    out.print(f"cranes: {report.policy}")
    table = Table(header_style="bold")
    table.add_column("figure")
    table.add_column("mean", justify="right")
    table.add_column("± 95 %", justify="right")
    table.add_column("unit")
    for name, (unit, label) in KPI_LABELS.items():
        est = report.summary[name]
        half = _number(est.ci95, unit) if est.ci95 is not None else "–"
        table.add_row(label, _number(est.mean, unit), half, "" if unit == "share" else unit)
    out.print(table)
    if replications == 1:
        out.print("± 95 %: one replication: no interval (give --replications 3 or more)")
    for line in _dwell_lines(report.summary):
        out.print(line)
    balance = report.balance[0]
    inside = balance["on_inbound"] + balance["in_yard"] + balance["on_outbound"]
    out.print(
        f"boxes (replication 1): {balance['arrived']:,} arrived = {balance['departed']:,} left + {inside:,} inside"
    )
    assumed = loaded.assumed()
    if assumed:
        out.print(f"[yellow]assumed ({len(assumed)} of {len(loaded.claims())} values):[/yellow] {', '.join(assumed)}")
    for path in written:
        out.print(f"wrote {path}", soft_wrap=True)


@app.command()
def capacity(
    scenario: ScenarioArg,
    target_mt: Annotated[
        float | None,
        typer.Option(
            "--target-mt",
            help="Size the terminal for this many million tons a year: the fewest cranes, then tracks. "
            "Without it: how many trains a day the scenario's terminal takes.",
            show_default=False,
        ),
    ] = None,
    max_dwell: Annotated[str, typer.Option("--max-dwell", help="Dwell limit, e.g. 24h, 90min, 1.5d.")] = "24h",
    statistic: Annotated[
        str, typer.Option("--statistic", help="Which dwell must stay within the limit: mean, p50, p90 or max.")
    ] = "p90",
    days: Annotated[float, typer.Option("--days", help="Days of statistics per run.")] = 90,
    seed: SeedOption = 0,
    replications: Annotated[int, typer.Option("--replications", help="Runs per configuration or rate.")] = 3,
    warmup: WarmupOption = 7,
    format: FormatOption = Format.text,
    crane_policy: CranePolicyOption = None,
    top_up: TopUpOption = None,
    points: Annotated[int, typer.Option("--points", help="Arrival rates on the curve (without --target-mt).")] = 10,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="PNG of the dwell against trains a day, the capacity marked (without --target-mt)."
        ),
    ] = None,
) -> None:
    """How many trains a day the terminal takes; with --target-mt, the fewest cranes and tracks for a target."""
    from overland.io import freight_files

    if plot is not None and plot.suffix.lower() != ".png":
        msg = f"--plot {plot}: give a .png file name"
        raise InputError(msg)
    if plot is not None and target_mt is not None:
        msg = "--plot draws the curve of trains a day: leave out --target-mt"
        raise InputError(msg)
    limit_h = parse_duration_hours(max_dwell)
    loaded = freight_files.load_scenario(scenario)
    if target_mt is None:
        _rate(loaded, limit_h, statistic, days, seed, replications, warmup, format, crane_policy, top_up, points, plot)
    else:
        _size(loaded, target_mt, limit_h, statistic, days, seed, replications, warmup, format, crane_policy, top_up)


def _rate(
    loaded: Scenario,
    limit_h: float,
    statistic: str,
    days: float,
    seed: int,
    replications: int,
    warmup: float,
    format: Format,
    crane_policy: str | None,
    top_up: str | None,
    points: int,
    plot: Path | None,
) -> None:
    """``freight capacity`` without a target: the largest sustainable arrival rate and its curve."""
    from overland.io import freight_files

    total = (points + 4) * replications
    with progress_bar(total, "simulating rates") as advance:
        result = service().freight.rate(
            loaded, max_dwell_h=limit_h, statistic=statistic, days=days, warmup_days=warmup, seed=seed,
            replications=replications, points=points, crane_policy=crane_policy, top_up=top_up,
            on_run=lambda: advance(1),
        )  # fmt: skip
    written = []
    if plot is not None:
        written.append(freight_files.write_rate_plot(result, plot, title=f"{loaded.id}: {loaded.name}"))
    cap = result.capacity
    stat = statistic.upper() if statistic.startswith("p") else statistic
    notes = _rate_notes(result, stat, limit_h)
    if format is Format.json:
        print_json(
            {
                "scenario": loaded.id,
                "statistic": statistic,
                "max_dwell_h": limit_h,
                "days": days,
                "replications": replications,
                "seed": seed,
                "capacity": {
                    "trains_per_day": round(cap.mean, 3),
                    "ci95": round(cap.ci95, 3) if cap.ci95 is not None else None,
                    "per_replication": [round(x, 3) for x in result.per_replication],
                    "teu_per_year": round(result.teu_per_year(cap.mean)),
                    "mt_per_year": round(result.tons_per_year(cap.mean) / 1e6, 3),
                    "at_least": result.at_least,
                },
                "offered_trains_per_day": round(result.offered_per_day, 3),
                "nominal_trains_per_day": round(result.nominal_per_day, 3),
                "nominal_binding": result.binding,
                "curve": [
                    {
                        "trains_per_day": round(p.trains_per_day, 3),
                        "unloaded_per_day": _round(p.carried_per_day, 3),
                        f"dwell_{statistic}_h": _round(p.dwell_h.mean, 2),
                        "dwell_ci95_h": _round(p.dwell_h.ci95, 2),
                        "yard_wait_share": _round(p.yard_wait_share, 3),
                        "crane_utilisation": _round(p.crane_utilisation, 3),
                        "track_utilisation": {g: _round(v, 3) for g, v in p.track_utilisation.items()},
                        "holds": p.holds,
                    }
                    for p in result.curve
                ],
                "notes": notes,
                "files": [str(p) for p in written],
            }
        )
    else:
        out.print(f"[bold]{loaded.id}[/bold] — {loaded.name}")
        out.print(f"How many trains a day? {stat} dwell within {limit_h:g} h, queues stable")
        reps = f"{replications} replication{'s' if replications != 1 else ''}"
        out.print(f"{days:g} days after a {warmup:g}-day warm-up × {reps} per rate · seed {seed}")
        out.print(_config_line(loaded.params()))
        table = Table(header_style="bold")
        for column in ("trains/day", "unloaded", f"{stat} h", "in yard", "cranes", "tracks", "holds"):
            table.add_column(column, justify="right")
        for p in result.curve:
            tracks = "/".join(f"{v:.0%}" for v in p.track_utilisation.values())
            table.add_row(
                f"{p.trains_per_day:.1f}", f"{p.carried_per_day:.1f}", _number(p.dwell_h.mean, "h"),
                f"{p.yard_wait_share:.0%}" if p.yard_wait_share == p.yard_wait_share else "–",
                f"{p.crane_utilisation:.0%}", tracks, f"{p.holds}/{p.replications}",
            )  # fmt: skip
        out.print(table)
        out.print("in yard: share of the dwell spent in the yard · tracks: 1435/1520 mm busy")
        for line in notes:
            out.print(line, soft_wrap=False)
        for path in written:
            out.print(f"wrote {path}", soft_wrap=True)
    if result.never_holds:
        best = min((p for p in result.curve if p.dwell_h.mean == p.dwell_h.mean), key=lambda p: p.dwell_h.mean,
                   default=None)  # fmt: skip
        shortest = f" (shortest {best.dwell_h.mean:.1f} h at {best.trains_per_day:.1f} a day)" if best else ""
        msg = f"no rate tried keeps the {stat} dwell within {limit_h:g} h{shortest}"
        raise InputError(msg)


def _rate_notes(result: Any, stat: str, limit_h: float) -> list[str]:
    """The answer in sentences: the capacity, what binds, how it compares, why the dwell falls."""
    cap = result.capacity
    lines: list[str] = []
    if result.never_holds:
        return lines
    half = f" ± {cap.ci95:.1f}" if cap.ci95 is not None else ""
    reps = ", ".join(f"{x:.1f}" for x in result.per_replication)
    interval = f"95 % interval; runs: {reps}" if cap.ci95 is not None else "one replication: no interval"
    if result.at_least:
        lines.append(f"capacity: at least {cap.mean:.1f} trains a day (the highest rate tried held)")
    else:
        lines.append(f"capacity: {cap.mean:.1f}{half} trains a day ({interval})")
    lines.append(
        f"  = {result.teu_per_year(cap.mean) / 1000:,.0f}k TEU, {result.tons_per_year(cap.mean) / 1e6:.1f} Mt a year "
        f"({result.teu_per_train:.0f} TEU a train, {result.tons_per_teu:g} t a TEU)"
    )
    point = result.at_capacity()
    if point is not None:
        uses = {"cranes": point.crane_utilisation}
        uses.update(
            {f"{'1435' if g == 'standard' else '1520'} mm tracks": v for g, v in point.track_utilisation.items()}
        )
        binding = max(uses, key=uses.__getitem__)
        tracks = "/".join(f"{v:.0%}" for v in point.track_utilisation.values())
        lines.append(
            f"at {point.trains_per_day:.1f} a day the {binding} bind "
            f"(busy: cranes {point.crane_utilisation:.0%}, tracks {tracks})"
        )
    share = result.offered_per_day / cap.mean if cap.mean > 0 else math.inf
    lines.append(f"the scenario brings {result.offered_per_day:.1f} trains a day: {share:.0%} of capacity")
    if result.low_rate_fails:
        low = [p for p in result.curve if p.trains_per_day in result.low_rate_fails]
        high = [p for p in result.curve if p.trains_per_day <= cap.mean and p not in low]
        first, last = low[0], (high[-1] if high else low[-1])
        lines.append(
            f"at {max(result.low_rate_fails):.1f} trains a day or fewer the {stat} dwell exceeds {limit_h:g} h:\n"
            f"  boxes left in the yard wait longer for a train going their way\n"
            f"  ({first.yard_wait_share:.0%} of the dwell at {first.trains_per_day:.1f} a day, "
            f"{last.yard_wait_share:.0%} at {last.trains_per_day:.1f})"
        )
    else:
        falling = [p for p in result.curve if p.trains_per_day <= cap.mean]
        if len(falling) >= 2 and falling[-1].dwell_h.mean < falling[0].dwell_h.mean:
            first, last = falling[0], falling[-1]
            lines.append(
                f"the dwell falls from {first.dwell_h.mean:.1f} to {last.dwell_h.mean:.1f} h as traffic rises:\n"
                f"  boxes in the yard wait less for a train going their way\n"
                f"  ({first.yard_wait_share:.0%} of the dwell, then {last.yard_wait_share:.0%})"
            )
    return lines


def _round(value: float | None, digits: int) -> float | None:
    if value is None or value != value or math.isinf(value):
        return None
    return round(value, digits)


def _size(
    loaded: Scenario,
    target_mt: float,
    limit_h: float,
    statistic: str,
    days: float,
    seed: int,
    replications: int,
    warmup: float,
    format: Format,
    crane_policy: str | None,
    top_up: str | None,
) -> None:
    """``freight capacity --target-mt``: the fewest cranes, then tracks, for the target."""
    show = err.is_terminal and format is Format.text
    status = None
    if show:
        status = err.status("simulating the first configuration", spinner="dots")
        status.start()

    def on_trial(trial: Any) -> None:
        if status is not None:
            verdict = "meets" if trial.meets else "misses"
            err.print(f"  {trial.label}: {verdict} ({statistic} dwell {trial.dwell_h.mean:.1f} h)", highlight=False)
            status.update(f"simulating the next configuration ({len(seen) + 1} done)")
        seen.append(trial)

    seen: list[Any] = []
    try:
        result = service().freight.capacity(
            loaded, target_tons=target_mt * 1e6, max_dwell_h=limit_h, statistic=statistic,
            days=days, warmup_days=warmup, seed=seed, replications=replications, on_trial=on_trial,
            crane_policy=crane_policy, top_up=top_up,
        )  # fmt: skip
    finally:
        if status is not None:
            status.stop()
    rows = [
        {
            "cranes": t.cranes,
            "tracks_standard": t.standard,
            "tracks_broad": t.broad,
            "mt_per_year": round(t.tons_per_year.mean / 1e6, 3),
            f"dwell_{statistic}_h": round(t.dwell_h.mean, 2) if t.dwell_h.mean == t.dwell_h.mean else None,
            "dwell_ci95_h": round(t.dwell_h.ci95, 2) if t.dwell_h.ci95 is not None else None,
            "queue_standard": round(t.queue_standard, 3),
            "queue_broad": round(t.queue_broad, 3),
            "crane_utilisation": round(t.crane_utilisation, 3),
            "meets": t.meets,
        }
        for t in result.trials
    ]
    worse = [
        f"more cranes or tracks made the {statistic} dwell worse: {a.dwell_h.mean:.1f} h with {a.label}, "
        f"{b.dwell_h.mean:.1f} h with {b.label}; the answer may not be the smallest"
        for a, b in result.worse
    ]
    best = result.best
    if format is Format.json:
        print_json(
            {
                "scenario": loaded.id,
                "target_mt": target_mt,
                "max_dwell_h": limit_h,
                "statistic": statistic,
                "days": days,
                "replications": replications,
                "seed": seed,
                "answer": (
                    {"cranes": best.cranes, "tracks_standard": best.standard, "tracks_broad": best.broad}
                    if best
                    else None
                ),
                "reason": result.limit_reason,
                "monotone": not result.worse,
                "notes": worse,
                "trials": rows,
            }
        )
    else:
        out.print(
            f"[bold]{loaded.id}[/bold] at {target_mt:g} Mt a year, {statistic} dwell within {limit_h:g} h "
            f"({days:g} days × {replications} runs per configuration, seed {seed})"
        )
        table = Table(header_style="bold")
        for column in ("cranes", "tracks 1435", "tracks 1520", "Mt/yr", f"dwell {statistic} h", "crane use", ""):
            table.add_column(column, justify="right")
        for row, t in zip(rows, result.trials, strict=True):
            table.add_row(
                str(t.cranes), str(t.standard), str(t.broad), f"{t.tons_per_year.mean / 1e6:.1f}",
                _number(t.dwell_h.mean, "h"), f"{t.crane_utilisation:.0%}", "meets" if row["meets"] else "",
            )  # fmt: skip
        out.print(table)
        if best:
            out.print(f"smallest: [bold]{best.label}[/bold]")
        for line in worse:
            out.print(f"[yellow]note:[/yellow] {line}")
    if best is None:
        raise InputError(result.limit_reason or "no configuration meets the target")


def _dwell_lines(summary: dict[str, Any]) -> list[str]:
    """Where a train's dwell goes (mean), and why a dwell falls with traffic when it does."""
    parts = [
        ("held on arrival", "arrival_hold_mean_h"), ("track wait", "track_wait_mean_h"),
        ("cranes", "crane_time_mean_h"), ("departure hold", "departure_hold_mean_h"),
        ("in the yard", "yard_wait_mean_h"),
    ]  # fmt: skip
    values = [(label, summary[key].mean) for label, key in parts]
    dwell = summary["dwell_mean_h"].mean
    if dwell != dwell or any(v != v for _, v in values[:3]):
        return []
    import textwrap

    shown = " + ".join(f"{label} {v:.1f}" for label, v in values if v == v)
    lines = [textwrap.fill(f"dwell, mean {dwell:.1f} h = {shown} h", width=78, subsequent_indent="  ")]
    share = summary["yard_wait_share"].mean
    if share == share and share >= 0.25:
        lines.append(
            f"{share:.0%} of the dwell is boxes left in the yard waiting for a train going their\n"
            "way: more trains a day shorten it (`freight capacity` draws the curve)"
        )
    return lines


def _folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        msg = f"{path} is a file, not a folder"
        raise InputError(msg)
    return path


def _write_csv(report: Any, folder: Path) -> list[Path]:
    from overland.io.freight_files import write_csv

    return write_csv(report, _folder(folder))


def _with_progress(trains: float, run: Any) -> Any:
    """Run ``run(progress)``; on a terminal and when ``trains`` trains are simulated, with a progress bar on stderr."""
    if not err.is_terminal or trains < LONG_RUN_TRAINS:
        return run(None)
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("simulating"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
        console=err, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("simulate", total=1.0)
        return run(lambda fraction: bar.update(task, completed=fraction))


CorridorArg = Annotated[
    str, typer.Argument(help="A corridor name (in data/freight/corridors, e.g. khorgos-dostyk-2025) or a path to one.")
]


@app.command()
def corridor(
    name: CorridorArg,
    close: Annotated[
        list[str] | None,
        typer.Option(
            "--close",
            help="Close a terminal: TERMINAL:NOTICE (a notice of its crossing, e.g. khorgos:spring-festival-2026), "
            "TERMINAL:holidays (its posts' holiday calendars), TERMINAL:holidays:CN, or "
            "TERMINAL:FIRST..LAST (days as YYYY-MM-DD). Repeat for more.",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start",
            help="First day of statistics, YYYY-MM-DD (default: two weeks before the first closure).",
            show_default=False,
        ),
    ] = None,
    days: Annotated[float, typer.Option("--days", help="Days of statistics.")] = 45,
    warmup: WarmupOption = 7,
    routing: Annotated[
        str | None,
        typer.Option(
            "--routing",
            help="queue (some trains go where they wait least) or share (each keeps its own); default: the corridor's.",
            show_default=False,
        ),
    ] = None,
    flexible_share: Annotated[
        float | None,
        typer.Option(
            "--flexible-share",
            help="Share of trains that may switch terminal (default: the corridor's).",
            show_default=False,
        ),
    ] = None,
    replications: Annotated[int, typer.Option("--replications", help="Runs, each with and without the closures.")] = 5,
    seed: SeedOption = 0,
    format: FormatOption = Format.text,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="PNG of each terminal's backlog, with and without the closures.")
    ] = None,
) -> None:
    """Terminals side by side: how long a closure's backlog takes to clear, and how much moves elsewhere."""
    from datetime import date

    from overland.io import freight_files

    if plot is not None and plot.suffix.lower() != ".png":
        msg = f"--plot {plot}: give a .png file name"
        raise InputError(msg)
    first = None
    if start is not None:
        try:
            first = date.fromisoformat(start)
        except ValueError:
            msg = f"--start {start!r}: give a day as YYYY-MM-DD"
            raise InputError(msg) from None
    spec = freight_files.load_corridor(name)
    with progress_bar(100, "simulating the corridor") as advance:
        done = [0]

        def progress(fraction: float) -> None:
            step = int(fraction * 100) - done[0]
            if step > 0:
                advance(step)
                done[0] += step

        report = service().freight.corridor(
            name, start=first, days=days, warmup_days=warmup, close=close or [], routing=routing,
            flexible_share=flexible_share, replications=replications, seed=seed, progress=progress,
        )  # fmt: skip
    written = []
    if plot is not None:
        written.append(freight_files.write_corridor_plot(report, plot, title=f"{spec.id}: {spec.name}"))
    if format is Format.json:
        print_json({**_corridor_json(report), "files": [str(p) for p in written]})
        return
    _corridor_text(report, spec)
    for path in written:
        out.print(f"wrote {path}", soft_wrap=True)


def _when(report: Any, hours: float) -> str:
    from datetime import timedelta

    moment = report.origin + timedelta(hours=hours)
    return f"{moment:%Y-%m-%d %H:%M}"


def _estimate_text(e: Any, digits: int = 1, scale: float = 1.0) -> str:
    if e.mean != e.mean:
        return "–"
    text = f"{e.mean * scale:,.{digits}f}"
    if e.ci95 is not None:
        text += f" ± {e.ci95 * scale:,.{digits}f}"
    return text


def _corridor_text(report: Any, spec: Any) -> None:
    from datetime import timedelta

    first = report.origin + timedelta(days=report.warmup_days)
    last = first + timedelta(days=report.days)
    out.print(f"[bold]{report.corridor}[/bold] — {spec.name}")
    reps = f"{report.replications} replication{'s' if report.replications != 1 else ''}"
    out.print(f"{first:%Y-%m-%d} to {last:%Y-%m-%d} after a {report.warmup_days:g}-day warm-up · {reps} · "
              f"seed {report.seed}", soft_wrap=True)  # fmt: skip
    if report.routing == "queue":
        out.print(f"routing by queue: {report.flexible_share:.0%} of trains may switch terminal, "
                  f"arriving {report.detour_h:g} h later")  # fmt: skip
    else:
        out.print("routing by share: each terminal keeps its own trains")
    if not report.closures:
        out.print("no closure asked for (--close): the corridor as it runs")
    import textwrap

    offset = f"{report.origin:%z}"
    for c in report.closures:
        out.print(f"closed: {report.names[c.terminal]} {_when(report, c.start_h)} to {_when(report, c.end_h)} "
                  f"{offset[:-2]}:{offset[-2:]}")  # fmt: skip
        remark = _remark(c.note)
        text = c.label + (f". The source notes: {remark!r}; here a what-if for the rail terminal." if remark else "")
        out.print(textwrap.fill(text, width=78, initial_indent="  ", subsequent_indent="  "), highlight=False)
    table = Table(header_style="bold")
    for column in ("", "with the closure", "without"):
        table.add_column(column, justify="right" if column else "left")
    for i in report.effects:
        e = report.effect_estimates(i)
        name = report.names[i]
        others = [n for j, n in enumerate(report.names) if j != i]
        table.add_row(f"{name}: backlog at its peak, trains", _estimate_text(e["peak_backlog"], 0),
                      _estimate_text(e["base_peak_backlog"], 0))  # fmt: skip
        cleared = _estimate_text(e["clear_days"], 1)
        if e["uncleared"].mean:
            cleared += f" ({e['uncleared'].mean:.0f} never)"
        table.add_row("  clears, days after reopening", cleared, "")
        table.add_row(f"  trains moved to {', '.join(others)}", _estimate_text(e["switched_trains"], 0), "")
        table.add_row(f"  TEU moved to {', '.join(others)}", _estimate_text(e["switched_teu"], 0), "")
    for name in report.names:
        closed, base = report.kpis[f"closed:{name}"], report.kpis[f"base:{name}"]
        table.add_row(f"{name}: trains unloaded a day", _estimate_text(closed["trains_per_day"]),
                      _estimate_text(base["trains_per_day"]))  # fmt: skip
        table.add_row(
            "  train dwell P90, h", _estimate_text(closed["dwell_p90_h"]), _estimate_text(base["dwell_p90_h"])
        )
    out.print(table)
    out.print("±: 95 % interval over the replications; each run with and without the")
    out.print("closures on the same trains")


_FURTHER_SOURCE_RE = re.compile(r"\s*\bAlso\s+https?://\S+(?:\s+\([^)]*\)\.?)?\s*$")


def _remark(note: str) -> str:
    """A notice's note without the further source its data names last ("... Also https://..."): the JSON keeps it."""
    return _FURTHER_SOURCE_RE.sub("", note or "").strip()


def _corridor_json(report: Any) -> dict[str, Any]:
    from datetime import timedelta

    def est(e: Any) -> dict[str, Any]:
        return {"mean": _round(e.mean, 3), "ci95": _round(e.ci95, 3)}

    return {
        "corridor": report.corridor,
        "terminals": report.names,
        "start": (report.origin + timedelta(days=report.warmup_days)).isoformat(),
        "days": report.days,
        "warmup_days": report.warmup_days,
        "replications": report.replications,
        "seed": report.seed,
        "routing": report.routing,
        "flexible_share": report.flexible_share,
        "detour_h": report.detour_h,
        "closures": [
            {
                "terminal": report.names[c.terminal],
                "start": _when_iso(report, c.start_h),
                "end": _when_iso(report, c.end_h),
                "label": c.label,
                "note": c.note or None,
            }
            for c in report.closures
        ],
        "effects": {
            report.names[i]: {key: est(e) for key, e in report.effect_estimates(i).items()} for i in report.effects
        },
        "kpis": {key: {k: est(e) for k, e in figures.items()} for key, figures in report.kpis.items()},
    }


def _when_iso(report: Any, hours: float) -> str:
    from datetime import timedelta

    return (report.origin + timedelta(hours=hours)).isoformat()


SWEEP_TABLE_ROWS = 60  # points shown after a sweep (all are in the table written)


@app.command()
def sweep(
    grid_file: Annotated[
        Path,
        typer.Argument(
            metavar="GRID.yaml",
            help="A sweep grid: a base scenario and the values to vary (see examples/khorgos-sweep.yaml).",
        ),
    ],
    out_path: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Results table (Parquet), one row per point and replication; run again with the same file to resume.",
        ),
    ],
    replications: Annotated[
        int | None,
        typer.Option("--replications", help="Runs per point (default: the grid's, else 3).", show_default=False),
    ] = None,
    days: Annotated[
        float | None,
        typer.Option("--days", help="Days of statistics per run (default: the grid's, else 365).", show_default=False),
    ] = None,
    warmup: Annotated[
        float | None,
        typer.Option(
            "--warmup", help="Days simulated before statistics start (default: the grid's, else 7).", show_default=False
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, help="Seed of the random streams (default: the grid's, else 0).", show_default=False
        ),
    ] = None,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="PNG of throughput and P90 dwell against the swept parameters.")
    ] = None,
) -> None:
    """Simulate every point of a parameter grid × replications on Dask (a local cluster, or --scheduler)."""
    from rich.markup import escape

    from overland.distributed import sweep as sweeps
    from overland.distributed.cluster import dask_client, describe
    from overland.sim.grid import label, value_text

    if plot is not None and plot.suffix.lower() != ".png":
        msg = f"--plot {plot}: give a .png file name"
        raise InputError(msg)
    freight = service().freight
    run = freight.prepare_sweep(
        grid_file, out_path, days=days, warmup_days=warmup, replications=replications, seed=seed
    )
    grid, settings, job = run.grid, run.settings, run.job
    points = len(grid.points())
    reps = f"{settings.replications} replication{'s' if settings.replications != 1 else ''}"
    out.print(
        f"[bold]{grid.scenario_id}[/bold] sweep of {' × '.join(grid.names)}: {points:,} points × {reps} = {job.total:,} runs",
        soft_wrap=True,
    )
    out.print(
        f"{settings.days:g} days after a {settings.warmup_days:g}-day warm-up · seed {settings.seed}", soft_wrap=True
    )
    pending = job.pending
    if job.already_done:
        out.print(f"{job.already_done:,} runs already in {job.out}; {len(pending):,} to run", soft_wrap=True)
    if pending:
        try:
            with dask_client(scheduler, workers) as client:
                out.print(f"running {len(pending):,} runs on {describe(client)}", soft_wrap=True)

                reported: set[str] = set()  # each failing point is shown once (every row carries its error)

                with progress_bar(len(pending), "simulating") as advance:

                    def on_row(row: dict[str, Any]) -> None:
                        advance(1)
                        if row["error"] and row["point"] not in reported:
                            reported.add(row["point"])
                            err.print(
                                f"[red]failed:[/red] {row['point']} (replication {row['replication']}): "
                                f"{escape(row['error'])}",
                                highlight=False,
                                soft_wrap=True,
                            )

                    freight.run_sweep(run, client, on_row=on_row)
        except KeyboardInterrupt:
            done = sum(1 for row in job.rows.values() if not row["error"])
            err.print(
                f"interrupted: {done:,} of {job.total:,} runs saved in {job.out}; run the same command again to go on",
                soft_wrap=True,
            )
            raise typer.Exit(130) from None
    else:
        job.save()
    rows = job.table()
    summary = sweeps.point_means(rows, grid.names)
    wanted = {label(point) for point in grid.points()}
    shown = [s for s in summary if s["point"] in wanted]
    table = Table(header_style="bold")
    for column in (*grid.names, "runs", "trains/day", "Mt/yr", "dwell P90 h", "crane use"):
        table.add_column(column, justify="right")
    for s in shown[:SWEEP_TABLE_ROWS]:
        figures = (
            [_number(s["trains_per_day"], "trains/day"), _number(_scale(s["tons_per_year"], 1e-6), "Mt"),
             _number(s["dwell_p90_h"], "h"), _number(s["crane_utilisation"], "share")]
            if s["runs"] else ["[red]failed[/red]", "", "", ""]
        )  # fmt: skip
        table.add_row(*(value_text(s[n]) for n in grid.names), str(s["runs"]), *figures)
    out.print(table)
    if len(shown) > SWEEP_TABLE_ROWS:
        out.print(f"… and {len(shown) - SWEEP_TABLE_ROWS:,} more points in {job.out}", soft_wrap=True)
    failed = job.failed()
    note = f"; {len(failed):,} failed, their rows carry the error" if failed else ""
    out.print(f"wrote {job.out} ({len(rows):,} rows{note})", soft_wrap=True)
    if plot is not None:
        out.print(f"wrote {freight.write_sweep_plot(run, plot)}", soft_wrap=True)


def _scale(value: float | None, factor: float) -> float | None:
    return value * factor if value is not None else None
