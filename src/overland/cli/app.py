"""The ``overland`` command: a thin adapter over :mod:`overland.facade`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from overland.errors import InputError, OverlandError

app = typer.Typer(
    name="overland",
    help="Plan land border crossings from sourced data: hours in both clocks, documents, rules.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

DataOption = Annotated[
    Path | None,
    typer.Option("--data", envvar="OVERLAND_DATA", help="Data directory (default: the bundled data).", show_default=False),
]


class Format(StrEnum):
    text = "text"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]


def catalog_from(data: Path | None) -> Any:
    """The catalog to use for a command."""
    from overland.facade import load_catalog

    return load_catalog(data)


def parse_time(text: str, *, hint_clock: str | None = None) -> datetime:
    """An ISO 8601 time with its UTC offset; a clear error otherwise."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        msg = f"time {text!r} is not ISO 8601: write e.g. 2026-11-27T12:30+08:00"
        raise InputError(msg) from None
    if moment.tzinfo is None:
        example = f"{moment:%Y-%m-%dT%H:%M}+08:00"
        clock = f" ({hint_clock} is {_offset_text(moment, hint_clock)})" if hint_clock else ""
        msg = (
            f"time {text!r} has no UTC offset: say which clock you mean, e.g. {example} "
            f"for Beijing time or +06:00 for Kyrgyz time{clock}"
        )
        raise InputError(msg)
    return moment


def _offset_text(moment: datetime, clock: str) -> str:
    from overland.timing.clocks import offset_label, zone

    return offset_label(moment.replace(tzinfo=zone(clock)))


def print_json(payload: Any) -> None:
    """Machine output: plain JSON on stdout, no colour, no wrapping."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


@contextmanager
def progress_bar(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (on a terminal only); yields ``advance(n)``."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as bar:  # fmt: skip
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def main() -> None:
    """Entry point: run the app; user errors become one line on stderr and an exit code."""
    from overland.cli import admin_cmds, batch_cmd, catalog_cmds, data_cmds, freight_cmds, hours_cmd, plan_cmds, report_cmds, serve_cmd, when_cmd  # noqa: F401  (register commands)

    try:
        app()
    except OverlandError as error:
        for line in str(error).splitlines() or ["error"]:
            err.print(f"[red]error:[/red] {line}", markup=True, soft_wrap=True)
        sys.exit(error.exit_code)
