"""The departure heatmap of ``overland when``: departure day × time of day → door-to-door hours."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from overland.errors import DataError
from overland.planner.departures import DepartureScan
from overland.timing.clocks import clock_name

FORMATS = {".png", ".svg"}


def heatmap(scan: DepartureScan, path: Path, *, title: str | None = None) -> None:
    """Write the departure heatmap (departure day × time of day → door-to-door hours at the
    scan's confidence) as PNG or SVG, by the file's suffix."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = sorted({o.depart.date() for o in scan.options})
    slots = sorted({o.depart.time() for o in scan.options})
    grid = np.full((len(days), len(slots)), np.nan)
    for o in scan.options:
        if o.hours_at_confidence is not None:
            grid[days.index(o.depart.date()), slots.index(o.depart.time())] = o.hours_at_confidence
    clock = clock_name(scan.home_clock)
    level = f"P{round(scan.confidence * 100)}"
    fig, ax = plt.subplots(figsize=(max(6.0, len(slots) * 0.22), max(3.0, len(days) * 0.35 + 1.5)))
    cmap = matplotlib.colormaps["viridis_r"].with_extremes(bad="#d9d9d9")
    image = ax.imshow(grid, aspect="auto", cmap=cmap, interpolation="nearest")
    step = max(1, len(slots) // 12)
    ax.set_xticks(
        range(0, len(slots), step), [slots[i].strftime("%H:%M") for i in range(0, len(slots), step)], rotation=90
    )
    ax.set_yticks(range(len(days)), [d.strftime("%a %d %b") for d in days])
    ax.set_xlabel(f"departure time ({clock}, {scan.home_clock})")
    ax.set_ylabel(f"departure day ({clock})")
    ax.set_title(
        title
        or f"{level} door-to-door hours, {scan.origin} → {scan.destination} "
        f"({scan.samples:,} samples each; grey: blocked or beyond the horizon)",
        fontsize=9,
    )
    fig.colorbar(image, ax=ax, label=f"hours door to door ({level})")
    fig.tight_layout()
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    except OSError as error:
        raise DataError([f"{path}: cannot write ({error.strerror or error})"]) from None
    finally:
        plt.close(fig)
