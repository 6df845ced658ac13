"""The ``overland`` command: sub-apps of each command module, over one :class:`~overland.service.Overland`."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from overland.cli import (
    admin_cmds,
    backtest_cmd,
    batch_cmd,
    catalog_cmds,
    data_cmds,
    freight_cmds,
    hours_cmd,
    plan_cmds,
    report_cmds,
    serve_cmd,
    when_cmd,
)
from overland.cli.common import err
from overland.errors import OverlandError

app = typer.Typer(
    name="overland",
    help="Plan land border crossings from sourced data: hours in both clocks, documents, rules.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for module in (catalog_cmds, hours_cmd, plan_cmds, when_cmd, batch_cmd, backtest_cmd, serve_cmd):
    app.add_typer(module.app)
app.add_typer(data_cmds.app, name="data")
app.add_typer(report_cmds.app, name="report")
app.add_typer(admin_cmds.app, name="admin")
app.add_typer(freight_cmds.app, name="freight")


def main() -> None:
    """Entry point: run the app; user errors become one line on stderr and an exit code."""
    try:
        app()
    except OverlandError as error:
        for line in str(error).splitlines() or ["error"]:
            err.print(f"[red]error:[/red] {escape(line)}", markup=True, soft_wrap=True)
        sys.exit(error.exit_code)
