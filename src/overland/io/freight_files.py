"""Freight scenario files in, simulation results out (JSON, CSV, PNG).

Scenarios live in ``data/freight/<id>.yaml``; one is named by its id
(``khorgos-2021``) or given as a path. Errors name the file, the line and the field.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from overland.errors import DataError, UnknownIdError
from overland.io.data_files import default_data_dir, read_yaml, validate_doc
from overland.model.catalog import suggest
from overland.sim.kpis import KPI_LABELS, Report
from overland.sim.scenario import Scenario

FREIGHT_DIR = "freight"


def scenario_dir(data_dir: Path | None = None) -> Path:
    """The folder of the bundled (or given) data's freight scenarios."""
    return (Path(data_dir) if data_dir is not None else default_data_dir()) / FREIGHT_DIR


def scenario_names(data_dir: Path | None = None) -> list[str]:
    """The ids of the scenarios in the data folder."""
    return sorted(path.stem for path in scenario_dir(data_dir).glob("*.yaml"))


def _looks_like_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref


def load_scenario(ref: str | Path, data_dir: Path | None = None) -> Scenario:
    """The scenario named ``ref`` (an id in ``data/freight``) or stored at the path ``ref``.

    Raises
    ------
    UnknownIdError
        For an unknown name, with close matches.
    DataError
        For a file that does not validate: one line per problem (file:line: field: problem).
    """
    if isinstance(ref, Path) or _looks_like_path(ref):
        path = Path(ref)
        if not path.is_file():
            msg = f"scenario file {str(path)!r} not found"
            raise UnknownIdError(msg)
        return _read(path, check_name=False)
    names = scenario_names(data_dir)
    if ref not in names:
        msg = f"unknown scenario {ref!r}" + suggest_name(ref, names)
        raise UnknownIdError(msg)
    return _read(scenario_dir(data_dir) / f"{ref}.yaml", check_name=True)


def suggest_name(word: str, names: list[str]) -> str:
    """' (did you mean X or Y?)': the close names, a swap of two neighbours first (khorgos-2012 → khorgos-2021).

    Scenario names differ mostly in a year, so many are equally close by
    :func:`difflib.get_close_matches`; an edit distance that counts swapping two
    neighbouring characters as half an edit puts the likeliest typo first.
    """
    import difflib

    close = difflib.get_close_matches(word, names, n=len(names), cutoff=0.5)
    if not close:
        return suggest(word, names)
    ranked = sorted(close, key=lambda name: (_typo_distance(word, name), close.index(name)))
    return f" (did you mean {' or '.join(ranked[:3])}?)"


def _typo_distance(a: str, b: str) -> float:
    """Edits from ``a`` to ``b``: insertions, deletions, substitutions 1, a swap of neighbours 0.5."""
    previous2: list[float] = []
    previous = [float(j) for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        row = [float(i)] + [0.0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0.0 if a[i - 1] == b[j - 1] else 1.0
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], previous2[j - 2] + 0.5)
        previous2, previous = previous, row
    return previous[-1]


def _read(path: Path, *, check_name: bool) -> Scenario:
    doc = read_yaml(path)
    scenario = validate_doc(doc, Scenario)
    if check_name and scenario.id != path.stem:
        raise DataError([f"{path}:{doc.line_of(('id',))}: id: {scenario.id!r} must match the file name {path.stem!r}"])
    return scenario


def report_json(report: Report, extra: dict[str, Any] | None = None) -> str:
    """The report as JSON text."""
    payload = report.as_dict()
    if extra:
        payload.update(extra)
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def runs_csv(report: Report) -> str:
    """One row per replication, one column per figure."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = list(KPI_LABELS)
    writer.writerow(["replication", *names])
    for i, run in enumerate(report.runs, start=1):
        writer.writerow([i, *(_csv_number(run[name]) for name in names)])
    return buffer.getvalue()


def summary_csv(report: Report) -> str:
    """One row per figure: mean, 95 % half-width, unit, what it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["kpi", "mean", "ci95", "unit", "label"])
    for name, est in report.summary.items():
        unit, label = KPI_LABELS[name]
        writer.writerow([name, _csv_number(est.mean), _csv_number(est.ci95), unit, label])
    return buffer.getvalue()


def occupancy_csv(report: Report) -> str:
    """The yard over time in the first replication: day, TEU in the yard, trains waiting for a track."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["day", "yard_teu", "trains_waiting"])
    for day, teu, waiting in report.yard_series:
        writer.writerow([f"{day:.4f}", f"{teu:g}", f"{waiting:g}"])
    return buffer.getvalue()


def _csv_number(value: float | None) -> str:
    if value is None or value != value:
        return ""
    return f"{value:.6g}"


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DataError([f"{folder}: cannot create the folder ({error.strerror})"]) from None


def write_csv(report: Report, folder: Path) -> list[Path]:
    """Write the summary, the replications and the yard series of ``report`` as CSV; the paths written."""
    _make_folder(folder)
    stem = report.scenario
    written = []
    for name, text in (
        (f"{stem}-summary.csv", summary_csv(report)),
        (f"{stem}-runs.csv", runs_csv(report)),
        (f"{stem}-occupancy.csv", occupancy_csv(report)),
    ):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def daily_band(series: list[tuple[float, float, float]], column: int) -> list[tuple[int, float, float, float]]:
    """``(day, low, mean, high)`` of one column of an hourly series (1: TEU in the yard, 2: trains waiting)."""
    days: dict[int, list[float]] = {}
    for row in series:
        days.setdefault(int(row[0]), []).append(row[column])
    return [(day, min(v), sum(v) / len(v), max(v)) for day, v in sorted(days.items())]


def write_plots(report: Report, folder: Path) -> list[Path]:
    """The dwell histogram and the yard day by day (a band from the day's least to its most), as PNG files."""
    plt = _pyplot()
    _make_folder(folder)
    stem = report.scenario
    paths = []

    fig, ax = plt.subplots(figsize=(8, 4.8), dpi=100, layout="constrained")
    dwell = report.dwell_hours
    if dwell:
        ax.hist(dwell, bins=min(60, max(10, len(dwell) // 20)), color="#4a7ab5", edgecolor="white")
        for key, style in (("dwell_p50_h", "--"), ("dwell_p90_h", ":")):
            value = report.summary[key].mean
            ax.axvline(value, color="black", linestyle=style, label=f"{key[6:9].upper()} {value:.1f} h")
        fig.legend(loc="outside lower center", ncols=2, frameon=False)
    ax.set_xlabel("train dwell, arrival to departure of its last box (h)")
    ax.set_ylabel("trains")
    ax.set_title(f"{stem}: train dwell ({len(dwell):,} trains, {_replications(report.replications)})")
    path = folder / f"{stem}-dwell.png"
    fig.savefig(path)
    plt.close(fig)
    paths.append(path)

    yard = daily_band(report.yard_series, 1)
    waiting = daily_band(report.yard_series, 2)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(9, 5.5), dpi=100, sharex=True, height_ratios=(3, 2), layout="constrained"
    )
    days = [d + 0.5 for d, *_ in yard]
    top.fill_between(days, [r[1] for r in yard], [r[3] for r in yard], color="#4a7ab5", alpha=0.3, linewidth=0,
                     label="yard, least to most in the day")  # fmt: skip
    top.plot(days, [r[2] for r in yard], color="#4a7ab5", linewidth=1.2, label="yard, daily mean")
    top.set_ylabel("TEU in the yard")
    bottom.fill_between(days, [r[1] for r in waiting], [r[3] for r in waiting], color="#c0504d", alpha=0.3,
                        linewidth=0, label="trains waiting for a track, least to most")  # fmt: skip
    bottom.plot(days, [r[2] for r in waiting], color="#c0504d", linewidth=1.2, label="trains waiting, daily mean")
    bottom.set_ylabel("trains waiting")
    bottom.set_xlabel("day")
    if report.warmup_days:
        for ax in (top, bottom):
            ax.axvspan(0, report.warmup_days, color="grey", alpha=0.15, label="warm-up" if ax is top else None)
    top.set_title(f"{stem}: the yard and the queue day by day (replication 1)")
    fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize="small")
    path = folder / f"{stem}-occupancy.png"
    fig.savefig(path)
    plt.close(fig)
    paths.append(path)
    return paths


def _replications(n: int) -> str:
    return "one replication" if n == 1 else f"{n} replications"


def write_rate_plot(result: Any, path: Path, *, title: str) -> Path:
    """The curve of a sustainable-rate search: the dwell statistic against trains a day, the capacity marked."""
    plt = _pyplot()
    _make_folder(path.parent)
    curve = result.curve
    rates = [p.trains_per_day for p in curve]
    stat = result.statistic.upper() if result.statistic.startswith("p") else result.statistic
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(9, 6.5), dpi=100, sharex=True, height_ratios=(3, 2), layout="constrained"
    )
    dwell = [p.dwell_h.mean for p in curve]
    errors = [p.dwell_h.ci95 or 0.0 for p in curve]
    top.errorbar(rates, dwell, yerr=errors, color="#4a7ab5", marker="o", capsize=3, label=f"{stat} dwell (95 % interval)")
    top.axhline(result.max_dwell_h, color="black", linestyle="--", linewidth=1, label=f"limit {result.max_dwell_h:g} h")
    cap = result.capacity
    if not result.never_holds:
        if cap.ci95:
            for ax in (top, bottom):
                ax.axvspan(cap.low, cap.high, color="#e8a33d", alpha=0.25, linewidth=0)
        for ax in (top, bottom):
            ax.axvline(cap.mean, color="#e8a33d", linewidth=2,
                       label=f"capacity {cap.mean:.1f} trains/day" if ax is top else None)  # fmt: skip
    top.axvline(result.offered_per_day, color="grey", linestyle=":", label=f"scenario {result.offered_per_day:.1f}/day")
    top.set_yscale("log")
    top.set_ylabel(f"train dwell, {stat} (h, log scale)")
    bottom.plot(rates, [p.crane_utilisation for p in curve], marker=".", color="#4a7ab5", label="cranes busy")
    for gauge, colour in (("standard", "#c0504d"), ("broad", "#8064a2")):
        mm = "1435" if gauge == "standard" else "1520"
        bottom.plot(rates, [p.track_utilisation[gauge] for p in curve], marker=".", color=colour,
                    label=f"{mm} mm tracks busy")  # fmt: skip
    bottom.plot(rates, [p.yard_wait_share for p in curve], marker=".", color="#9bbb59", linestyle="--",
                label="share of dwell in the yard")  # fmt: skip
    bottom.set_ylim(0, 1.05)
    bottom.set_ylabel("share")
    bottom.set_xlabel("trains arriving a day")
    top.set_title(title)
    fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize="small")
    fig.savefig(path)
    plt.close(fig)
    return path
