"""``overland data``: validate the crossing data and export its JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from overland.cli.common import out, service
from overland.errors import DataError
from overland.io.data_files import default_data_dir, json_schemas

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
