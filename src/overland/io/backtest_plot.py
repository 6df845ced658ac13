"""The calibration plot of ``overland backtest``: PIT histogram and reliability diagram, before and after the fit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from overland.errors import DataError, InputError
from overland.planner.scoring import pit_histogram, reliability

FORMATS = {".png", ".svg"}
LABELS = {"before": "the data's assumed values", "after": "fitted, leave-one-out", "shipped": "the data as it stands"}


def check_plot_path(path: Path) -> None:
    """A plot must be a .png or .svg file (checked before the work, not after)."""
    if Path(path).suffix.lower() not in FORMATS:
        msg = f"--plot {path}: give a .png or .svg file"
        raise InputError(msg)


def write_backtest_plot(result: Any, path: Path) -> Path:
    """Write the PIT histogram (left) and the reliability diagram of central intervals (right) of each model
    as PNG or SVG, by the file's suffix; returns the path."""
    path = Path(path)
    check_plot_path(path)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    models = [m for m in ("before", "after", "shipped") if m in result.models]
    if "after" in models:
        models.remove("shipped")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    bins = 10
    width = 1 / bins / (len(models) + 0.5)
    for i, model in enumerate(models):
        scores = [s.score for s in result.models[model]]
        counts = np.array(pit_histogram(scores, bins))
        share = counts / max(counts.sum(), 1)
        left.bar(np.arange(bins) / bins + (i + 0.5) * width, share, width=width, align="edge",
                 label=f"{LABELS[model]} ({len(scores)} facts)")  # fmt: skip
        points = reliability(scores)
        right.plot([a for a, _ in points], [b for _, b in points], marker="o", label=LABELS[model])
    left.axhline(1 / bins, color="grey", linestyle="--", linewidth=1, label="calibrated")
    left.set_xlabel("PIT (share of the samples below what happened)")
    left.set_ylabel("share of facts")
    left.set_title("PIT histogram (flat when calibrated)", fontsize=9)
    left.legend(fontsize=7)
    right.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
    right.set_xlabel("central interval (nominal coverage)")
    right.set_ylabel("facts inside it")
    right.set_title("Reliability (on the diagonal when calibrated)", fontsize=9)
    right.set_xlim(0, 1)
    right.set_ylim(0, 1)
    right.legend(fontsize=7)
    fig.suptitle(
        f"overland backtest: {result.observations} observed crossings, {result.samples:,} samples (seed {result.seed})",
        fontsize=10,
    )
    fig.tight_layout()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path)
    except OSError as error:
        raise DataError([f"{path}: cannot write ({error.strerror or error})"]) from None
    finally:
        plt.close(fig)
    return path
