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
        msg = f"unknown scenario {ref!r}" + suggest(ref, names)
        raise UnknownIdError(msg)
    return _read(scenario_dir(data_dir) / f"{ref}.yaml", check_name=True)


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


def write_plots(report: Report, folder: Path) -> list[Path]:
    """The dwell histogram and the yard occupancy over time, as PNG files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _make_folder(folder)
    stem = report.scenario
    paths = []

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    dwell = report.dwell_hours
    if dwell:
        ax.hist(dwell, bins=min(60, max(10, len(dwell) // 20)), color="#4a7ab5", edgecolor="white")
        for key, style in (("dwell_p50_h", "--"), ("dwell_p90_h", ":")):
            value = report.summary[key].mean
            ax.axvline(value, color="black", linestyle=style, label=f"{key[6:9].upper()} {value:.1f} h")
        ax.legend()
    ax.set_xlabel("train dwell, arrival to departure of its last box (h)")
    ax.set_ylabel("trains")
    ax.set_title(f"{stem}: train dwell ({len(dwell)} trains, {report.replications} replication(s))")
    fig.tight_layout()
    path = folder / f"{stem}-dwell.png"
    fig.savefig(path)
    plt.close(fig)
    paths.append(path)

    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    days = [row[0] for row in report.yard_series]
    ax.plot(days, [row[1] for row in report.yard_series], color="#4a7ab5", linewidth=0.8, label="yard (TEU)")
    ax.set_xlabel("day")
    ax.set_ylabel("TEU in the yard")
    if report.warmup_days:
        ax.axvspan(0, report.warmup_days, color="grey", alpha=0.15, label="warm-up")
    waiting_ax = ax.twinx()
    waiting_ax.plot(
        days,
        [row[2] for row in report.yard_series],
        color="#c0504d",
        linewidth=0.6,
        alpha=0.7,
        label="trains waiting for a track",
    )
    waiting_ax.set_ylabel("trains waiting for a track")
    lines = ax.get_legend_handles_labels()
    more = waiting_ax.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left")
    ax.set_title(f"{stem}: yard occupancy (replication 1)")
    fig.tight_layout()
    path = folder / f"{stem}-occupancy.png"
    fig.savefig(path)
    plt.close(fig)
    paths.append(path)
    return paths
