"""The ``overland`` command: sub-apps of each command module, over one :class:`~overland.service.Overland`."""

from __future__ import annotations

import gc
import importlib
import inspect
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.markup import escape

from overland.cli.common import err
from overland.errors import OverlandError

HELP = "Plan land border crossings from sourced data: hours in both clocks, documents, rules."
# Each command's module, so that `overland plan` imports only the plan's (the others cost a tenth of a
# second to import); a group's module is added under the group's name.
COMMANDS = {
    "places": "catalog_cmds", "crossings": "catalog_cmds", "show": "catalog_cmds", "hours": "hours_cmd",
    "plan": "plan_cmds", "compare": "plan_cmds", "when": "when_cmd", "batch": "batch_cmd",
    "backtest": "backtest_cmd", "serve": "serve_cmd",
}  # fmt: skip
GROUPS = {"data": "data_cmds", "report": "report_cmds", "admin": "admin_cmds", "freight": "freight_cmds"}


def build(names: Iterable[str] | None = None) -> typer.Typer:
    """The ``overland`` app with the commands ``names`` (every command when None)."""
    wanted = set(COMMANDS) | set(GROUPS) if names is None else set(names)
    app = typer.Typer(name="overland", help=HELP, no_args_is_help=True, pretty_exceptions_enable=False,
                      add_completion=False)  # fmt: skip
    for module in dict.fromkeys(m for name, m in COMMANDS.items() if name in wanted):
        app.add_typer(importlib.import_module(f"overland.cli.{module}").app)
    for name, module in GROUPS.items():
        if name in wanted:
            app.add_typer(importlib.import_module(f"overland.cli.{module}").app, name=name)
    return app


def reflow(text: str) -> str:
    """Help text with each paragraph on one line, so the terminal wraps it to its width (a docstring's
    line breaks would cut the lines short at 80 columns). Lists and indented lines stay as they are."""
    paragraphs = inspect.cleandoc(text).split("\n\n")
    kept = (" ", "-", "*", "|", "\b")
    return "\n\n".join(
        p if any(line.startswith(kept) for line in p.splitlines()) else " ".join(p.split()) for p in paragraphs
    )


def _reflowed(command: Any) -> Any:  # a click command (typer's own copy of click)
    if command.help:
        command.help = reflow(command.help)
    for sub in getattr(command, "commands", {}).values():
        _reflowed(sub)
    return command


def _command(args: list[str]) -> str | None:
    """The command named on the command line (None: none, or help for all of them)."""
    first = next((a for a in args if not a.startswith("-")), None)
    return first if first in COMMANDS or first in GROUPS else None


@contextmanager
def _loading() -> Iterator[None]:
    """Import the command's modules with the cyclic garbage collector paused, then freeze what they made.

    Imports make tens of thousands of objects that live as long as the process (modules, classes,
    pydantic's validators) and next to no garbage, yet the collector, run every 700 new objects,
    walked them again and again: a tenth of `overland plan`'s cold start. Paused while they load,
    then moved out of its sight (:func:`gc.freeze`), they are not walked again; the command's own
    objects are collected as usual (the thousand or so objects of garbage the imports left are kept,
    once). Only a process starting cold does this: where the service is imported already (the tests
    run many commands in one process) nothing changes.
    """
    if "overland.service" in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def main() -> None:
    """Entry point: run the app; user errors become one line on stderr and an exit code."""
    command = _command(sys.argv[1:])
    try:
        with _loading():
            click_command = _reflowed(typer.main.get_command(build([command] if command is not None else None)))
        click_command()
    except OverlandError as error:
        for line in str(error).splitlines() or ["error"]:
            err.print(f"[red]error:[/red] {escape(line)}", markup=True, soft_wrap=True)
        sys.exit(error.exit_code)
