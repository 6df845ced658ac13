"""``overland batch``: many trips planned in parallel on Dask, one row each in a Parquet table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from overland.cli.common import DataOption, err, out, progress_bar, service
from overland.cli.dask_options import SchedulerOption, WorkersOption
from overland.errors import InputError

app = typer.Typer()
ERRORS_SHOWN = 20  # rows with an error listed after a batch (all are in the table written)


@app.command()
def batch(
    trips_file: Annotated[
        Path,
        typer.Argument(
            metavar="TRIPS.csv",
            help="CSV with a header: from,to,depart and optionally via,mode,has,carrying,id (see examples/trips.csv).",
        ),
    ],
    out_path: Annotated[
        Path,
        typer.Option(
            "--out", help="Plans table (Parquet): the inputs, arrive, nights, waiting hours, crossing, blockers, error."
        ),
    ],
    samples: Annotated[
        int,
        typer.Option(
            "--samples", help="Monte Carlo samples per trip: adds arrive_p10/p50/p90, hours_p90, p_gate_same_day."
        ),
    ] = 0,
    seed: Annotated[
        int,
        typer.Option("--seed", min=0, max=2**63 - 1, help="Seed of the samples (the trip on line L uses seed + L)."),
    ] = 0,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    data: DataOption = None,
) -> None:
    """Plan every trip of a CSV file in parallel on Dask; a trip that cannot be planned carries its error."""
    from overland.limits import MAX_PLAN_SAMPLES

    if not 0 <= samples <= MAX_PLAN_SAMPLES:
        msg = f"--samples must be between 0 and {MAX_PLAN_SAMPLES:,}, not {samples:,}"
        raise InputError(msg)
    from overland.distributed.cluster import dask_client, describe
    from overland.io.trip_files import read_trips, write_plans

    trips = read_trips(trips_file)
    ov = service(data, use_reports=False)
    ov.catalog  # noqa: B018  (a data folder that does not validate stops here, not in every row)
    try:
        with dask_client(scheduler, workers) as client:
            trips_text = f"{len(trips):,} trip{'s' if len(trips) != 1 else ''}"
            out.print(f"planning {trips_text} from {trips_file} on {describe(client)}", soft_wrap=True)
            with progress_bar(len(trips), "planning") as advance:

                def on_rows(rows: list[dict[str, Any]]) -> None:
                    advance(len(rows))

                rows = ov.batch(trips, client, samples=samples, seed=seed, on_rows=on_rows)
    except KeyboardInterrupt:
        err.print(f"interrupted: nothing written to {out_path}")
        raise typer.Exit(130) from None
    write_plans(out_path, rows, source=str(trips_file))
    errors = [row for row in rows if row["error"]]
    blocked = [row for row in rows if not row["error"] and row["blockers"]]
    complete = len(rows) - len(errors) - len(blocked)
    out.print(
        f"{complete:,} planned through, {len(blocked):,} turned back at a stage, {len(errors):,} with an error",
        soft_wrap=True,
    )
    for row in errors[:ERRORS_SHOWN]:
        name = f" ({row['id']})" if row["id"] else ""
        out.print(f"  line {row['line']}{escape(name)}: {escape(row['error'])}", soft_wrap=True)
    if len(errors) > ERRORS_SHOWN:
        out.print(f"  … and {len(errors) - ERRORS_SHOWN:,} more in the error column", soft_wrap=True)
    out.print(f"wrote {out_path} ({len(rows):,} rows)", soft_wrap=True)
