"""Reading the observed crossings: ``data/observations/*.yaml`` → validated :class:`ObservedCrossing` values.

Each file holds the observations of one crossing (its name is the crossing id); ids are
unique across files; every crossing, direction, stage and place named must exist in the
catalog. Errors name the file, the line and the field, like the rest of the data.
"""

from __future__ import annotations

from pathlib import Path

from overland.errors import DataError
from overland.io.data_files import _dotted, default_data_dir, read_yaml, validate_doc
from overland.model.catalog import Catalog
from overland.model.observed import ObservationsFile, ObservedCrossing, check_observations

OBSERVATIONS_DIR = "observations"


def load_observations(catalog: Catalog, data_dir: Path | None = None) -> tuple[ObservedCrossing, ...]:
    """Every observed crossing under ``data_dir/observations`` (none when the folder is missing).

    Raises
    ------
    DataError
        With one line per problem in any file.
    """
    root = (Path(data_dir) if data_dir is not None else default_data_dir()) / OBSERVATIONS_DIR
    problems: list[str] = []
    found: list[ObservedCrossing] = []
    seen: dict[str, str] = {}
    for path in sorted(root.glob("*.yaml")):
        try:
            doc = read_yaml(path)
            parsed: ObservationsFile = validate_doc(doc, ObservationsFile)
        except DataError as error:
            problems.extend(error.lines)
            continue
        for i, obs in enumerate(parsed.observations):
            loc: tuple[str | int, ...] = ("observations", i)
            if obs.crossing != path.stem:
                problems.append(
                    f"{path}:{doc.line_of((*loc, 'crossing'))}: {_dotted((*loc, 'crossing'))}: "
                    f"{obs.crossing!r} in the file of {path.stem!r}: one crossing per file"
                )
            if obs.id in seen:
                problems.append(
                    f"{path}:{doc.line_of((*loc, 'id'))}: {_dotted((*loc, 'id'))}: {obs.id!r} again (first in {seen[obs.id]})"
                )
            seen[obs.id] = path.name
        for problem in check_observations(catalog, path.stem, parsed.observations):
            problems.append(f"{path}:{doc.line_of(problem.loc)}: {_dotted(problem.loc)}: {problem.message}")
        found.extend(parsed.observations)
    if problems:
        raise DataError(problems)
    return tuple(sorted(found, key=lambda o: (o.crossing, o.date, o.id)))
