"""What the command modules share: the consoles, common options, JSON output, progress bars, the service."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

if TYPE_CHECKING:
    from overland.service import Overland

out = Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", envvar="OVERLAND_DATA", help="Data directory (default: the bundled data).", show_default=False
    ),
]


class Format(StrEnum):
    text = "text"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]


def service(data: Path | None = None, *, use_reports: bool = True) -> Overland:
    """The service a command uses: the data folder given (or the bundled data), the default reports database."""
    from overland.service import Overland

    return Overland(data=data, use_reports=use_reports)


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

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance


@contextmanager
def progress_steps(description: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr (on a terminal only) whose total the work tells as it goes; yields
    ``update(done, total)``."""
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
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def split_list(text: str | None) -> list[str]:
    """Items of a comma-separated option, stripped, empty ones left out."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


QuietOption = Annotated[
    str | None,
    typer.Option("--quiet-hours", help="Hours spent in a bed, local time (in China Xinjiang time, as people there keep it), e.g. 22:00-05:00, or none "
                 "(default: your mode's in data/travellers.yaml).", show_default=False),
]  # fmt: skip
MaxDriveOption = Annotated[
    str | None,
    typer.Option("--max-drive", help="Hours at the wheel a day, e.g. 9, or none (default: your mode's).",
                 show_default=False),
]  # fmt: skip
ViaOption = Annotated[
    str | None,
    typer.Option("--via", help="Crossing to use, or several in the order you pass them, e.g. korday,torugart "
                 "(default: the earliest arrival).", show_default=False),
]  # fmt: skip
AvoidOption = Annotated[
    str | None,
    typer.Option("--avoid", help="Countries (code or name) or crossings never to pass, e.g. UZ,dostuk.",
                 show_default=False),
]  # fmt: skip
NationalityOption = Annotated[
    str | None,
    typer.Option("--nationality", help="Your passport's country code, e.g. GB: visas from data/entry-regimes.yaml "
                 "(default: every visa the posts ask for).", show_default=False),
]  # fmt: skip
AvoidVisaOption = Annotated[
    bool,
    typer.Option("--avoid-visa", help="Route around countries your passport needs a visa for (with --nationality)."),
]
DarkRoadsOption = Annotated[
    bool | None,
    typer.Option("--dark-roads/--daylight-roads", help="Drive the mountain roads the data warns about after dark "
                 "(default: your mode's).", show_default=False),
]  # fmt: skip
