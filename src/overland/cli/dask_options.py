"""What the Dask-backed commands share: the cluster options."""

from __future__ import annotations

from typing import Annotated

import typer

SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster on this machine).",
        show_default=False,
    ),
]
WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", help="Worker processes of the local cluster (default 2; not with --scheduler).",
                 show_default=False),
]  # fmt: skip
