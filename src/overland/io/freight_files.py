"""Freight scenario files in, simulation results out (JSON, CSV, PNG).

Scenarios live in ``data/freight/<id>.yaml``; one is named by its id
(``khorgos-2021``) or given as a path. Errors name the file, the line and the field.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from overland.errors import DataError, InputError, UnknownIdError
from overland.io.data_files import default_data_dir, load_catalog, read_yaml, validate_doc
from overland.model.catalog import suggest
from overland.sim.corridor import Corridor
from overland.sim.kpis import KPI_LABELS, Report
from overland.sim.scenario import Scenario

FREIGHT_DIR = "freight"
CORRIDOR_DIR = "corridors"


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


def corridor_names(data_dir: Path | None = None) -> list[str]:
    """The ids of the corridors in ``data/freight/corridors``."""
    return sorted(path.stem for path in (scenario_dir(data_dir) / CORRIDOR_DIR).glob("*.yaml"))


def load_corridor(ref: str | Path, data_dir: Path | None = None) -> Corridor:
    """The corridor named ``ref`` (an id in ``data/freight/corridors``) or stored at the path ``ref``.

    Its terminals' scenarios must exist (by id, in the same data folder).
    """
    if isinstance(ref, Path) or _looks_like_path(ref):
        path = Path(ref)
        if not path.is_file():
            msg = f"corridor file {str(path)!r} not found"
            raise UnknownIdError(msg)
    else:
        names = corridor_names(data_dir)
        if ref not in names:
            msg = f"unknown corridor {ref!r}" + suggest_name(ref, names)
            raise UnknownIdError(msg)
        path = scenario_dir(data_dir) / CORRIDOR_DIR / f"{ref}.yaml"
    doc = read_yaml(path)
    corridor = validate_doc(doc, Corridor)
    known = scenario_names(data_dir)
    problems = [
        f"{path}:{doc.line_of(('terminals', name, 'scenario'))}: terminals.{name}.scenario: unknown scenario "
        f"{spec.scenario!r}" + suggest_name(spec.scenario, known)
        for name, spec in corridor.terminals.items()
        if spec.scenario not in known
    ]
    if problems:
        raise DataError(problems)
    return corridor


def closures_for(
    corridor: Corridor, specs: list[str], *, first_day: date, last_day: date, data_dir: Path | None = None
) -> list[tuple[str, datetime, datetime, str, str]]:
    """The closures ``specs`` asks for, as ``(terminal, start, end, label, note)`` with aware datetimes.

    A spec is ``TERMINAL:WHAT``, WHAT being the id of a notice of the terminal's crossing
    (``khorgos:spring-festival-2026``, from ``data/crossings``), ``holidays`` (every public
    holiday between ``first_day`` and ``last_day`` of the countries whose holidays close the
    crossing's posts, from the same calendars the planner uses), ``holidays:CN`` (one
    country's), or ``DAY..DAY`` (whole days in the corridor's clock, both included).
    """
    from zoneinfo import ZoneInfo

    clock = ZoneInfo(corridor.clock.value)
    found = []
    for spec in specs:
        name, _, what = spec.partition(":")
        if name not in corridor.terminals:
            msg = (
                f"--close {spec}: {name!r} is not a terminal of {corridor.id} (one of {', '.join(corridor.terminals)})"
            )
            raise InputError(msg)
        if not what:
            msg = f"--close {spec}: say what closes it: a notice id, holidays, holidays:CN or 2026-02-16..2026-02-18"
            raise InputError(msg)
        terminal = corridor.terminals[name]
        if ".." in what:
            found.append((name, *_day_span(spec, what, clock)))
        elif what == "holidays" or what.startswith("holidays:"):
            countries = what.partition(":")[2].split(",") if ":" in what else _holiday_countries(terminal, data_dir)
            found += [(name, *span) for span in _holiday_spans(spec, countries, first_day, last_day, clock)]
        else:
            found += [(name, *span) for span in _notice_spans(spec, terminal, what, data_dir)]
    return found


def _day_span(spec: str, what: str, clock: Any) -> tuple[datetime, datetime, str, str]:
    first, _, last = what.partition("..")
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        msg = f"--close {spec}: days must be YYYY-MM-DD..YYYY-MM-DD"
        raise InputError(msg) from None
    if end < start:
        msg = f"--close {spec}: the last day is before the first"
        raise InputError(msg)
    opened = datetime.combine(end + timedelta(days=1), time(), clock)
    return datetime.combine(start, time(), clock), opened, f"closed {start} to {end}", ""


def _holiday_countries(terminal: Any, data_dir: Path | None) -> list[str]:
    if terminal.crossing is not None:
        crossing = load_catalog(data_dir).crossing(terminal.crossing)
        return sorted({code for stage in crossing.stages.values() for code in stage.holidays_of.value})
    if terminal.holidays_of is not None:
        return list(terminal.holidays_of.value)
    return []


def _holiday_spans(spec: str, countries: list[str], first: date, last: date, clock: Any) -> list[tuple]:
    from overland.timing.calendars import holiday_name

    days: dict[date, list[str]] = {}
    for code in countries:
        code = code.strip().upper()
        day = first
        while day <= last:
            try:
                name = holiday_name(code, day)
            except (KeyError, NotImplementedError, AttributeError):
                msg = f"--close {spec}: no holiday calendar for country {code!r}"
                raise InputError(msg) from None
            if name:
                days.setdefault(day, []).append(f"{code} {name}")
            day += timedelta(days=1)
    spans: list[tuple] = []
    for day in sorted(days):
        start = datetime.combine(day, time(), clock)
        end = datetime.combine(day + timedelta(days=1), time(), clock)
        names = "; ".join(days[day])
        if spans and spans[-1][1] == start:
            prev = spans[-1]
            label = prev[2] if names in prev[2] else f"{prev[2]}; {names}"
            spans[-1] = (prev[0], end, label, "")
        else:
            spans.append((start, end, names, ""))
    return spans


def _notice_spans(spec: str, terminal: Any, notice_id: str, data_dir: Path | None) -> list[tuple]:
    if terminal.crossing is None:
        msg = f"--close {spec}: this terminal has no crossing data with notices: give holidays or DAY..DAY"
        raise InputError(msg)
    crossing = load_catalog(data_dir).crossing(terminal.crossing)
    notices = {n.id: n for n in crossing.notices}
    if notice_id not in notices:
        msg = f"--close {spec}: no notice {notice_id!r} for {crossing.id}" + suggest_name(notice_id, list(notices))
        raise InputError(msg)
    notice = notices[notice_id]
    closed = notice.closed.value
    return [(closed.start, closed.end, f"notice {notice.id}: {notice.title}", notice.note or "")]


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
    top.errorbar(
        rates, dwell, yerr=errors, color="#4a7ab5", marker="o", capsize=3, label=f"{stat} dwell (95 % interval)"
    )
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


def write_corridor_plot(report: Any, path: Path, *, title: str) -> Path:
    """Each terminal's backlog (trains arrived and not yet unloaded, mean over the replications) by day."""
    plt = _pyplot()
    _make_folder(path.parent)
    n = len(report.names)
    fig, axes = plt.subplots(n, 1, figsize=(9, 2.6 * n + 1), dpi=100, sharex=True, layout="constrained", squeeze=False)
    warm = report.warmup_days * 24
    for i, ax in enumerate(axes[:, 0]):
        for kind, colour, label in (("base", "grey", "without the closures"), ("closed", "#c0504d", "with them")):
            series = report.backlog[kind]
            ax.plot([(h - warm) / 24 for h, _ in series], [v[i] for _, v in series], color=colour, linewidth=1.2,
                    label=label if i == 0 else None)  # fmt: skip
        for c in report.closures:
            if c.terminal == i:
                ax.axvspan((c.start_h - warm) / 24, (c.end_h - warm) / 24, color="#e8a33d", alpha=0.3, linewidth=0,
                           label="closed" if i == 0 or not any(x.terminal == 0 for x in report.closures) else None)  # fmt: skip
        ax.set_ylabel(f"{report.names[i]}\ntrains waiting")
        ax.set_xlim(left=0)
    if report.origin is not None:
        from datetime import timedelta

        start = (report.origin + timedelta(days=report.warmup_days)).date().isoformat()
    else:
        start = "the start"
    axes[-1, 0].set_xlabel(f"days from {start} (mean of {report.replications} runs, hourly)")
    axes[0, 0].set_title(title)
    fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize="small")
    fig.savefig(path)
    plt.close(fig)
    return path
