"""A crossing report: what a traveller saw at each stage, and the checks that make it plausible.

A report names the crossing, the direction (``kg-cn``), how the traveller went (the
mode), the day, the outcome, an optional note, and for each stage passed the times of
arriving in the queue, being taken (``started``) and leaving (``finished``). Every time
carries its UTC offset; the store keeps it in UTC with the offset it was given in.

No I/O here: :func:`check_report` takes the catalog and the present moment as arguments
and returns every problem with the path of the field it concerns, so the API can answer
422, the command line can name the option and an import can name the file, line and
column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from overland.model.catalog import Catalog, suggest
from overland.model.crossing import Mode
from overland.model.place import Id
from overland.model.provenance import Strict

MAX_NOTE = 2000
MAX_STAGE_HOURS = 72  # no stage, from arriving to leaving, takes longer than three days
EARLIEST_DAY = date(2000, 1, 1)
FUTURE_SLACK = timedelta(days=1)  # a report may run ahead of the server's clock by a day at most
DAY_SLACK = timedelta(days=1)  # the first time may fall on the day before or after the report's day

NoteText = Annotated[str, StringConstraints(max_length=MAX_NOTE)]


class Outcome(StrEnum):
    """How the crossing ended."""

    crossed = "crossed"
    turned_back = "turned-back"  # refused at a stage
    closed = "closed"  # found a stage closed


class StageTimes(Strict):
    """The times seen at one stage: arrived in the queue, taken, left. Each may be missing."""

    stage: Id
    arrived: AwareDatetime | None = None
    started: AwareDatetime | None = None
    finished: AwareDatetime | None = None

    def times(self) -> list[tuple[str, datetime]]:
        """The given times in order, with their field names."""
        return [(name, t) for name in ("arrived", "started", "finished") if (t := getattr(self, name)) is not None]

    @property
    def wait_minutes(self) -> float | None:
        """Minutes from arriving to being taken, when both are known."""
        if self.arrived is None or self.started is None:
            return None
        return (self.started - self.arrived).total_seconds() / 60

    @property
    def processing_minutes(self) -> float | None:
        """Minutes from being taken to leaving, when both are known."""
        if self.started is None or self.finished is None:
            return None
        return (self.finished - self.started).total_seconds() / 60


class ReportIn(Strict):
    """A report as submitted (by the API, the command line or an import)."""

    crossing: Id
    direction: Id
    mode: Mode
    day: date
    outcome: Outcome
    note: NoteText | None = None
    stages: list[StageTimes] = Field(min_length=1, max_length=20)


@dataclass(frozen=True)
class ReportProblem:
    """What is wrong with a report, and where: a path such as ``("stages", 2, "started")``."""

    loc: tuple[str | int, ...]
    message: str

    def __str__(self) -> str:
        return f"{'.'.join(str(p) for p in self.loc)}: {self.message}" if self.loc else self.message


def check_report(report: ReportIn, catalog: Catalog, *, now: datetime) -> list[ReportProblem]:
    """Every problem of ``report`` against the crossing data, as of ``now`` (aware); empty when it is plausible.

    The crossing and direction must exist; the stages must be stages of that direction,
    in its order, each once, and passed by travellers of the report's mode; every time
    must follow the one before it (within a stage and from one stage to the next); no
    stage may take longer than three days; the day may not lie ahead of ``now`` by more
    than a day, nor the times; the first time must fall within a day of the report's
    day; the stages passed before the last must say when the traveller left them, and a
    crossing that ``crossed`` must say when it left the last one too.
    """
    problems: list[ReportProblem] = []

    def bad(loc: tuple[str | int, ...], message: str) -> None:
        problems.append(ReportProblem(loc, message))

    latest = now + FUTURE_SLACK
    if report.day > latest.date():
        bad(("day",), f"{report.day.isoformat()} is in the future: report a crossing once it has happened")
    if report.day < EARLIEST_DAY:
        bad(("day",), f"{report.day.isoformat()} is too long ago: reports start in {EARLIEST_DAY.year}")
    crossing = catalog.crossings.get(report.crossing)
    if crossing is None:
        bad(("crossing",), f"unknown crossing {report.crossing!r}" + suggest(report.crossing, list(catalog.crossings)))
        return problems
    direction = next((d for d in crossing.directions if d.id == report.direction), None)
    if direction is None:
        known = [d.id for d in crossing.directions]
        bad(("direction",), f"{crossing.id} has no direction {report.direction!r}" + suggest(report.direction, known))
        return problems

    route = direction.route
    previous_index = -1
    previous_end: tuple[str, datetime] | None = None
    seen: set[str] = set()
    for i, entry in enumerate(report.stages):
        loc = ("stages", i)
        if entry.stage in seen:
            bad((*loc, "stage"), f"{entry.stage!r} is reported twice: give each stage once")
            continue
        seen.add(entry.stage)
        if entry.stage not in route:
            bad(
                (*loc, "stage"),
                f"{entry.stage!r} is not a stage of {crossing.id} {direction.id} (in order: {', '.join(route)})",
            )
            continue
        index = route.index(entry.stage)
        if index < previous_index:
            bad(
                (*loc, "stage"),
                f"{entry.stage!r} comes before {route[previous_index]!r} on the way {direction.id}: "
                f"list the stages in the order passed ({', '.join(route)})",
            )
        previous_index = max(previous_index, index)
        stage = crossing.stages[entry.stage]
        if not stage.applies_to(report.mode):
            served = ", ".join(m.value for m in stage.modes or [])
            bad((*loc, "stage"), f"{entry.stage!r} serves {served} only, not {report.mode.value}")

        times = entry.times()
        if not times:
            bad(loc, f"{entry.stage!r} has no time: give at least when you arrived or were taken")
            continue
        if entry.finished is not None and entry.started is None:
            bad((*loc, "started"), "a stage left ('finished') needs the time it started")
        for (name_a, a), (name_b, b) in zip(times, times[1:], strict=False):
            if b < a:
                bad((*loc, name_b), f"{name_b} {b.isoformat()} is before {name_a} {a.isoformat()}")
        first_name, first = times[0]
        last_name, last = times[-1]
        if last - first > timedelta(hours=MAX_STAGE_HOURS):
            hours = (last - first).total_seconds() / 3600
            bad(
                (*loc, last_name),
                f"{hours:.0f} hours from {first_name} to {last_name}: no stage takes more than "
                f"{MAX_STAGE_HOURS // 24} days; check the dates",
            )
        for name, moment in times:
            if moment > latest:
                bad((*loc, name), f"{moment.isoformat()} is in the future: report a crossing once it has happened")
        if previous_end is not None and first < previous_end[1]:
            bad(
                (*loc, first_name),
                f"{first.isoformat()} is before the previous stage's {previous_end[0]} "
                f"{previous_end[1].isoformat()}: the stages follow each other",
            )
        previous_end = (last_name, last)
        is_last = i == len(report.stages) - 1
        if entry.finished is None and (not is_last or report.outcome is Outcome.crossed):
            why = "the stages after it were reached" if not is_last else "the outcome is 'crossed'"
            bad((*loc, "finished"), f"give when you left {entry.stage!r}: {why}")

    if not problems:
        first = report.stages[0].times()[0][1]
        local_day = first.date()
        if abs(local_day - report.day) > DAY_SLACK:
            bad(
                ("day",),
                f"{report.day.isoformat()} is more than a day from the first time given "
                f"({first.isoformat()}): the day is the day of the crossing",
            )
    return problems


@dataclass(frozen=True, slots=True)
class Observation:
    """What one report saw at one stage: minutes waiting in the queue and being processed."""

    crossing: str
    stage: str
    mode: Mode
    day: date
    processing_minutes: float | None
    wait_minutes: float | None = None
    started: datetime | None = None  # aware; with ``finished``, lets the closed time in between be left out
    finished: datetime | None = None
    reporter: str | None = None  # who sent it (a token), so that no one sender outweighs the rest; None: unknown

    @property
    def ref(self) -> str:
        """``crossing/stage``."""
        return f"{self.crossing}/{self.stage}"
