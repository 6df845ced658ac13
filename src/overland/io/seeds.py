"""Reading the seed documents: the texts the data's ``seed:`` quotes are checked against.

They live in the data folder's ``seeds/`` (``data/seeds/`` in the repository); a data folder
without one is checked against the bundled data's.
"""

from __future__ import annotations

from pathlib import Path

from overland.errors import DataError
from overland.io.data_files import default_data_dir
from overland.model.provenance import SEED_FILES

SEEDS_DIR = "seeds"


def seeds_dir(data_dir: Path | None = None) -> Path | None:
    """The folder of seed documents for ``data_dir``: its own ``seeds/``, else the bundled data's (None: neither)."""
    candidates = [Path(data_dir) / SEEDS_DIR] if data_dir is not None else []
    try:
        candidates.append(default_data_dir() / SEEDS_DIR)
    except DataError:  # pragma: no cover - an installation without its data
        pass
    return next((folder for folder in candidates if folder.is_dir()), None)


def read_seeds(data_dir: Path | None = None) -> dict[str, str]:
    """The text of each seed document found, by file name (a missing one is left out)."""
    folder = seeds_dir(data_dir)
    texts: dict[str, str] = {}
    if folder is None:
        return texts
    for name in SEED_FILES:
        path = folder / name
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as error:
            raise DataError([f"{path}: cannot read the seed document ({error})"]) from None
    return texts
