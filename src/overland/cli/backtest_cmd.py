"""``overland backtest``: the planner held against real, dated crossings (data/observations)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from overland.cli.common import (
    DataOption,
    Format,
    FormatOption,
    err,
    out,
    print_json,
    progress_bar,
    service,
    split_list,
)
from overland.errors import InputError

app = typer.Typer()
SHOWN_BY = ("crossing", "stage", "mode", "decade", "fact", "replay")


@contextmanager
def _progress_after(seconds: float, total: int, description: str) -> Iterator[Callable[[int], None]]:
    """``advance(n)``; the progress bar appears only once the work has taken ``seconds``."""
    started = time.monotonic()
    done = 0
    opened: list[Any] = []  # the bar's context manager and its advance, once shown

    def advance(n: int = 1) -> None:
        nonlocal done
        done += n
        if opened:
            opened[1](n)
        elif time.monotonic() - started > seconds:
            manager = progress_bar(total, description)
            opened.extend((manager, manager.__enter__()))
            opened[1](done)

    try:
        yield advance
    finally:
        if opened:
            opened[0].__exit__(None, None, None)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def _h(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _pair(view: dict[str, Any], field: str, fmt: Callable[[Any], str]) -> str:
    after = view.get("after") or view.get("shipped")
    before = view.get("before")
    shown = fmt(after[field]) if after else "—"
    return f"{shown} ({fmt(before[field])})" if before else shown


@app.command()
def backtest(
    crossing: Annotated[str | None, typer.Option("--crossing", help="Only this crossing's observations.")] = None,
    format: FormatOption = Format.text,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw the PIT histogram and reliability diagram (.png or .svg).")
    ] = None,
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo samples per replay.")] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the samples.")] = 0,
    fit: Annotated[
        bool,
        typer.Option("--fit/--no-fit", help="Fit the assumed numbers (leave-one-out), or score the data as it stands."),
    ] = True,
    written_only: Annotated[
        bool,
        typer.Option(
            "--written-only",
            help="Refit only the numbers the data has from a fit; keep every other one as the data has it "
            "(the data as shipped, out of sample).",
        ),
    ] = False,
    by: Annotated[
        str,
        typer.Option("--by", help=f"Tables to print, comma-separated: {', '.join(SHOWN_BY)} (text only)."),
    ] = ",".join(SHOWN_BY),
    data: DataOption = None,
) -> None:
    """Replay every observed crossing with the data as it stood on its day and score each fact.

    Each fact an account gives (reaching or leaving a post, arriving, a wait or a stay) is predicted
    by the Monte Carlo from where the account starts; the error of the P50, whether it falls inside
    P10-P90 and P5-P95, its CRPS, interval score and PIT. With --fit (the default) the numbers the
    data marks assumed are fitted to the observations (by the least summed interval score of the
    P10-P90 band), and each observation is predicted by a fit on all the others: 'after' is out of
    sample, 'before' is the data's assumed values. See VALIDATION.md.
    """
    from overland.io.views import backtest_view

    tables = split_list(by)
    unknown = [t for t in tables if t not in SHOWN_BY]
    if unknown:
        msg = f"--by {unknown[0]!r}: one of {', '.join(SHOWN_BY)}"
        raise InputError(msg)
    if plot is not None:
        from overland.io.backtest_plot import check_plot_path

        check_plot_path(plot)
    ov = service(data, use_reports=False)
    observed = ov.observed_crossings()
    with _progress_after(1.0, len(observed) + 1, "replaying observations") as advance:
        result = ov.backtest(crossing=crossing, samples=samples, seed=seed, fit=fit, written_only=written_only,
                             progress=advance)  # fmt: skip
    view = backtest_view(result)
    if plot is not None:
        from overland.io.backtest_plot import write_backtest_plot

        written = write_backtest_plot(result, plot)
        err.print(f"wrote {written}", soft_wrap=True)
    if format is Format.json:
        print_json(view)
        return
    _print_text(view, fit=fit and "after" in view["summary"], tables=tables)


def _print_text(view: dict[str, Any], *, fit: bool, tables: list[str]) -> None:
    facts = view["facts"]
    times = sum(1 for f in facts if f["kind"] in ("reached", "left", "arrived"))
    out.print(
        f"[bold]Backtest[/bold]: {view['observations']} observed crossings, {len(facts)} facts predicted "
        f"({times} clock times, {len(facts) - times} spans), {len(view['skipped'])} left out · "
        f"{view['samples']:,} samples (seed {view['seed']})"
    )
    if fit:
        fitted = "what the data has from a fit refitted" if view.get("written_only") else "fitted"
        out.print(f"after: {fitted}, each observation left out of its own fit · (before): the data's assumed values")
    table = Table(header_style="bold")
    for column in ("model", "facts", "in P10–P90", "in P5–P95", "median |error| h", "mean CRPS h"):
        table.add_column(column, no_wrap=True)
    for model, summary in view["summary"].items():
        table.add_row(model, str(summary["facts"]), _pct(summary["inside_p10_p90"]), _pct(summary["inside_p5_p95"]),
                      _h(summary["median_abs_error_hours"]), _h(summary["mean_crps_hours"]))  # fmt: skip
    out.print(table)
    clock = view["clock_times"]
    shown = clock.get("after") or clock["shipped"]
    out.print(
        f"clock times only: {shown['facts']} facts, {_pct(shown['inside_p10_p90'])} inside P10–P90, "
        f"median |error| {_h(shown['median_abs_error_hours'])} h"
    )
    for by in tables:
        title = f"By {by}" + (": after (before)" if fit else "")
        table = Table(header_style="bold", title=title, title_justify="left")
        for column in (by, "facts", "in P10–P90", "median |error| h", "mean CRPS h"):
            table.add_column(column, no_wrap=column != by)
        for group, models in view["groups"][by].items():
            count = (models.get("after") or models["shipped"])["facts"]
            table.add_row(escape(group), str(count), _pair(models, "inside_p10_p90", _pct),
                          _pair(models, "median_abs_error_hours", _h), _pair(models, "mean_crps_hours", _h))  # fmt: skip
        out.print(table)
    table = Table(header_style="bold", title="Facts" + (" (after)" if fit else ""), title_justify="left")
    for column in ("observation", "fact", "observed", "P10 · P50 · P90", "error h"):
        table.add_column(column)
    model = "after" if fit else "shipped"
    for f in facts:
        s = f["scores"][model]
        what = f"{f['kind']} {f['node']}" if f["kind"] != "arrived" else f"arrived {f['node']}"
        observed = f["observed"] if f["observed"].endswith("min") else f["observed"][11:16]
        band = f"{s['p10']:.2f} · {s['p50']:.2f} · {s['p90']:.2f}"
        table.add_row(f["observation"], escape(what), observed, band, f"{s['error_hours']:+.2f}")
    out.print(table)
    out.print("[dim]times are hours after the replay's start; spans are hours[/dim]")
    if view["fitted"]:
        table = Table(header_style="bold", title="Fitted (on all observations)", title_justify="left")
        for column in ("stage", "what", "assumed", "fitted", "obs.", "interval score sum"):
            table.add_column(column)
        for f in view["fitted"]:
            table.add_row(f["stage"], f["what"], escape(f["assumed"]), escape(f["fitted"]), str(f["observations"]),
                          f"{f['interval_score_sum_assumed']:.1f} → {f['interval_score_sum_fitted']:.1f}")  # fmt: skip
        out.print(table)
    reasons: dict[str, int] = {}
    for k in view["skipped"]:
        reasons[k["why"]] = reasons.get(k["why"], 0) + 1
    for why, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        out.print(f"[dim]left out: {count} × {escape(why)}[/dim]")
