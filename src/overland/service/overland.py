"""The one service every adapter calls: :class:`Overland`.

It owns the catalog (loaded once), the planner and its caches, the calibration by
crossing reports, the reports database (optional) and the clock. Every use case goes
through it (plan, compare, when, hours, simulate, capacity, sweep, batch, reports), so
the command line, the HTTP API and the Python functions ``overland.plan(...)`` give the
same answer to the same question. The core it calls (``model``, ``timing``,
``planner``, ``sim``) reads no files and no clock: this object passes them in.
"""

from __future__ import annotations

import difflib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from overland import limits
from overland.errors import InputError, OverlandError, UnknownIdError
from overland.model.catalog import Catalog, suggest
from overland.model.crossing import Mode, RuleKind
from overland.planner.rhythm import Rhythm, of_profile
from overland.planner.schedule import Schedule, stage_schedule
from overland.planner.search import Planner, check_documents
from overland.planner.trip import Entry, Plan, Traveller

if TYPE_CHECKING:
    from overland.model.observed import ObservedCrossing
    from overland.model.report import Observation
    from overland.planner.calibration import Calibration, Learned
    from overland.planner.departures import DepartureScan
    from overland.planner.fitting import Backtest
    from overland.service.audit import DataAudit
    from overland.service.freight import Freight
    from overland.service.reports import Reports
    from overland.store.db import Store

Clock = Callable[[], datetime]
CALIBRATED_KEPT = 8  # calibrated planners kept (one per mode and set of reports)


def _names(given: str | Sequence[str] | None) -> list[str]:
    """The names in ``given``: a list, or one text with commas (``korday,torugart``)."""
    if given is None:
        return []
    items = [given] if isinstance(given, str) else list(given)
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def utc_now() -> datetime:
    """The present moment, aware, in UTC (the default clock)."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Caution:
    """Something about the request itself the traveller should know before reading the plan.

    ``kind`` is ``departure-in-the-past`` (``details``: ``depart``, ``now``, both ISO 8601 in
    the departure's clock) or ``unknown-item`` (``details``: ``item``, ``known``, the items
    the data's posts rule on, and ``suggestion``, the closest of them or None). ``text`` says
    it in English; a page in another language words it from ``kind`` and ``details``.
    """

    kind: str
    text: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, **self.details}


def check_aware(moment: datetime, name: str) -> datetime:
    """``moment`` must carry its UTC offset and lie in the calendars' range."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = f"{name} {moment.isoformat()} has no UTC offset: give the clock, e.g. +06:00 for Kyrgyz time"
        raise InputError(msg)
    from overland.timing.clocks import in_range

    try:
        return in_range(moment)
    except InputError as error:
        raise InputError(f"{name}: {error}") from None


def normal_item(text: str) -> str:
    """A carried item as the data names items: trimmed, lower case (``Drone`` is ``drone``)."""
    return " ".join(text.split()).casefold()


class Overland:
    """Plans, schedules, freight runs and crossing reports over one set of crossing data.

    Parameters
    ----------
    data
        The data folder (default: the bundled data); ignored when ``catalog`` is given.
    catalog
        A catalog already loaded (tests, or data built in code).
    database_url
        The reports database (default: ``OVERLAND_DATABASE_URL``, else the SQLite file in
        the user's data directory).
    store
        A reports database already open (instead of ``database_url``).
    use_reports
        Blend the processing times learned from crossing reports into plans (when the
        database holds some); False plans with the data's times only.
    clock
        The present moment (aware); reports' ages, "today" and report checks use it.
    reports_refresh_seconds
        How long the reports read stay in use before the database is looked at again (0, the
        default: at every plan). A server taking many reports sets some seconds, so that a burst
        of reports does not make every plan read them all and calibrate again.
    timer
        Seconds from any fixed point (``time.monotonic``): measures ``reports_refresh_seconds``.
    """

    def __init__(
        self,
        *,
        data: str | Path | None = None,
        catalog: Catalog | None = None,
        database_url: str | None = None,
        store: Store | None = None,
        use_reports: bool = True,
        clock: Clock = utc_now,
        reports_refresh_seconds: float = 0.0,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.data_dir = Path(data) if data is not None and catalog is None else None
        self.reports_refresh_seconds = reports_refresh_seconds
        self.timer = timer
        self._observations_read_at = -math.inf
        self.database_url = database_url
        self.use_reports = use_reports
        self.clock = clock
        self._catalog = catalog
        self._catalog_given = catalog is not None
        self._planner: Planner | None = None
        self._learned: Learned | None = None
        self._lock = threading.RLock()
        self._calibrated: OrderedDict[tuple[Any, ...], tuple[tuple[Observation, ...], Calibration, Planner]] = (
            OrderedDict()
        )
        self._observations: tuple[tuple[int, ...], int, tuple[Observation, ...]] | None = None
        self._store: Store | None = store
        self._reports: Reports | None = None
        self._freight: Freight | None = None
        self._rhythms: dict[tuple[Any, ...], Rhythm] = {}  # the traveller's day by mode and overrides
        self._observed_crossings: tuple[ObservedCrossing, ...] | None = None

    def __repr__(self) -> str:
        where = self.data_dir or "the bundled data"
        return f"Overland(data={str(where)!r})"

    # -- what it owns ------------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        """The validated crossing data (loaded on first use)."""
        if self._catalog is None:
            with self._lock:
                if self._catalog is None:
                    from overland.io.data_files import load_catalog

                    self._catalog = load_catalog(self.data_dir)
        return self._catalog

    def observed_crossings(self) -> tuple[ObservedCrossing, ...]:
        """The dated accounts of real crossings in the data folder's ``observations/`` (loaded on first use)."""
        if self._observed_crossings is None:
            with self._lock:
                if self._observed_crossings is None:
                    from overland.io.observation_files import load_observations

                    self._observed_crossings = load_observations(self.catalog, self.data_dir)
        return self._observed_crossings

    @property
    def data_folder(self) -> Path | None:
        """The folder the data is read from: the one given, else the bundled data (None: a catalog given in code)."""
        if self._catalog_given:
            return None
        if self.data_dir is not None:
            return self.data_dir
        from overland.io.data_files import default_data_dir

        return default_data_dir()

    @property
    def planner(self) -> Planner:
        """The planner of the data's own times (its timetables are expanded once and kept)."""
        if self._planner is None:
            with self._lock:
                if self._planner is None:
                    self._planner = Planner(self.catalog)
        return self._planner

    @property
    def learned(self) -> Learned:
        """What each crossing report teaches, kept between calibrations (a new report costs only itself)."""
        if self._learned is None:
            with self._lock:
                if self._learned is None:
                    from overland.planner.calibration import Learned

                    self._learned = Learned(self.catalog)
        return self._learned

    def now(self) -> datetime:
        """The present moment by the service's clock."""
        return self.clock()

    def today(self) -> date:
        """Today's date (UTC) by the service's clock."""
        return self.clock().astimezone(UTC).date()

    @property
    def reports(self) -> Reports:
        """Crossing reports: add, list, moderate, tokens, what they saw."""
        if self._reports is None:
            from overland.service.reports import Reports

            self._reports = Reports(self)
        return self._reports

    @property
    def freight(self) -> Freight:
        """Rail freight: simulate a terminal, size it, its capacity in trains a day, a corridor, a grid sweep."""
        if self._freight is None:
            from overland.service.freight import Freight

            self._freight = Freight()
        return self._freight

    def store(self) -> Store:
        """The reports database, opened (and migrated, created when missing) on first use."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    from overland.store.db import open_store

                    self._store = open_store(self.database_url)
        return self._store

    def has_reports_database(self) -> bool:
        """True when there may be reports to read (a server URL, or a SQLite file that exists)."""
        if self._store is not None:
            return True
        from overland.store.location import database_exists

        return database_exists(self.database_url)

    def close(self) -> None:
        """Close the reports database, if it was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- places and inputs -----------------------------------------------------------------

    def traveller(
        self,
        mode: str | Mode = "own-car",
        documents: Sequence[str] | None = None,
        carrying: Sequence[str] = (),
        *,
        quiet_hours: str | None = None,
        max_drive_hours: float | str | None = None,
        dark_roads: bool | None = None,
        nationality: str | None = None,
        day: date | None = None,
    ) -> Traveller:
        """A traveller of ``mode`` holding ``documents`` (None: all the route asks for), carrying ``carrying``.

        The traveller's day is the data's profile for the mode (``data/travellers.yaml``), with
        ``quiet_hours`` (``"22:00-05:00"``, or ``"none"``), ``max_drive_hours`` (a number, or
        ``"none"``) and ``dark_roads`` (drive the roads the data warns about after dark) in
        place of the profile's when given. With ``nationality`` (the passport's ISO code) the
        visas come from the entry regimes (``data/entry-regimes.yaml``) as they stand on
        ``day`` (default: the service's today).
        """
        travel_mode = Mode.parse(mode)
        if documents is not None:
            check_documents(self.catalog, list(documents))
        no_cap = isinstance(max_drive_hours, str) and max_drive_hours.strip().lower() in ("none", "off")
        if isinstance(max_drive_hours, str) and not no_cap:
            try:
                max_drive_hours = float(max_drive_hours.strip().removesuffix("h"))
            except ValueError:
                msg = f"hours at the wheel {max_drive_hours!r}: give a number of hours, e.g. 9, or none"
                raise InputError(msg) from None
        key = (travel_mode, quiet_hours, max_drive_hours, no_cap, dark_roads)
        rhythm = self._rhythms.get(key)
        if rhythm is None:
            rhythm = of_profile(
                self.catalog.profile(travel_mode), quiet=quiet_hours, keep_quiet=quiet_hours is None,
                max_drive_hours=None if no_cap else max_drive_hours,  # type: ignore[arg-type]
                keep_max=max_drive_hours is None, dark_roads=dark_roads,
            )  # fmt: skip
            if len(self._rhythms) < 256:
                self._rhythms[key] = rhythm
        return Traveller(
            mode=travel_mode,
            documents=frozenset(documents) if documents is not None else None,
            carrying=frozenset(normal_item(item) for item in carrying),
            rhythm=rhythm,
            nationality=self._nationality(nationality),
            entry=self.entry(nationality, day or self.today()) if nationality else (),
        )

    def _visa_countries(self, traveller: Traveller, origin: str, destination: str) -> frozenset[str]:
        """The countries the traveller's passport needs a visa for, but those of the trip's two ends."""
        if traveller.nationality is None:
            raise InputError("avoiding visas needs a nationality: say which passport you travel on")
        ends = {self.catalog.place(origin).country, self.catalog.place(destination).country}
        return frozenset(e.country for e in traveller.entry if traveller.needs_visa_for(e.country)) - ends

    def _entry_changes(self, plan: Plan, traveller: Traveller) -> list[str]:
        """A warning for each country of the plan whose entry regime for the passport ends during the trip or
        within a month of leaving."""
        if not traveller.entry or plan.via is None or plan.direction is None:
            return []
        entered = [
            next(d.to_country for d in self.catalog.crossing(c).directions if d.id == direction)
            for c, direction in zip(plan.via.split(","), plan.direction.split(","), strict=True)
        ]
        end = max((plan.arrive or plan.depart).date(), plan.depart.date() + timedelta(days=30))  # the trip and a month
        found = []
        for country in entered:
            regime = traveller.entry_for(country)
            if regime is not None and regime.until is not None and regime.until < end:
                after = f"; from {regime.until + timedelta(days=1)}: {regime.after}" if regime.after else ""
                found.append(f"{regime.name}: {regime.kind} entry for {traveller.nationality} passports holds until "
                             f"{regime.until}{after} ({regime.source})")  # fmt: skip
        return found

    def _nationality(self, code: str | None) -> str | None:
        if code is None:
            return None
        found = code.strip().upper()
        if len(found) != 2 or not found.isalpha():
            msg = f"nationality {code!r}: give the passport's two-letter country code, e.g. GB, DE, FR or US"
            raise InputError(msg)
        return found

    def entry(self, nationality: str, day: date) -> tuple[Entry, ...]:
        """The entry regime of each country of the data for a passport of ``nationality`` on ``day``;
        an error names the nationalities the data knows when it has none for this one."""
        code = self._nationality(nationality)
        assert code is not None
        found = []
        for country, by_passport in self.catalog.entry.items():
            fact = by_passport.get(code)
            if fact is None:
                continue
            claim, _ = fact.claim_on(day)
            after = fact.claim_on(claim.valid_until + timedelta(days=1))[0] if claim.valid_until else None
            found.append(Entry(country=country, name=self.catalog.countries[country].name, kind=claim.value.kind,
                               days=claim.value.days, source=claim.citation(), until=claim.valid_until,
                               after=after.value.kind if after is not None and after is not claim else None))  # fmt: skip
        if not found and self.catalog.entry:
            msg = (f"nationality {code}: the data has no entry regimes for it (it has {', '.join(self.catalog.passports)}); "
                   "leave the nationality out to see every visa the posts ask for")  # fmt: skip
            raise InputError(msg)
        return tuple(found)

    def trip_ends(self, origin: str, destination: str, via: str | Sequence[str] | None = None,
                  avoid: str | Sequence[str] = ()) -> tuple[str, str, tuple[str, ...], frozenset[str]]:  # fmt: skip
        """The ids of the places a person named (any case, any script), of the crossings to pass in order
        (``via``: ids or names, a list or one text with commas) and of the countries and crossings to
        avoid (codes, names or ids); a trip from a place to itself is refused."""
        origin, destination = self.catalog.place_id(origin), self.catalog.place_id(destination)
        if origin == destination:
            msg = (
                f"from and to are the same place ({origin}): give the place you leave from and the one "
                "you want to reach"
            )
            raise InputError(msg)
        crossings = tuple(self.catalog.crossing_id(name) for name in _names(via))
        avoided = frozenset(self._avoided(name) for name in _names(avoid))
        both = sorted(set(crossings) & avoided)
        if both:
            raise InputError(f"{', '.join(both)} is both to go via and to avoid: keep it in one of them")
        return origin, destination, crossings, avoided

    def _avoided(self, name: str) -> str:
        """A country code or a crossing id for a name in ``--avoid``."""
        try:
            return self.catalog.country_code(name)
        except UnknownIdError:
            pass
        try:
            return self.catalog.crossing_id(name)
        except UnknownIdError:
            known = sorted([*self.catalog.countries, *self.catalog.crossings])
            raise UnknownIdError(
                f"avoid {name!r}: neither a country nor a crossing" + suggest(name.lower(), known)
            ) from None

    def known_items(self) -> list[str]:
        """The items some post of the data rules on (``forbidden-item`` rules), sorted."""
        return sorted(
            {
                rule.item
                for crossing in self.catalog.crossings.values()
                for stage in crossing.stages.values()
                for rule in stage.rules
                if rule.kind is RuleKind.forbidden_item and rule.item
            }
        )

    def cautions(self, depart: datetime, carrying: Sequence[str] = ()) -> list[Caution]:
        """What the traveller should know about the request itself: a departure in the past (by the
        service's clock), and each carried item no post of the data rules on (it changes nothing)."""
        found = []
        now = self.now()
        if depart < now - timedelta(minutes=1):
            shown_now = now.astimezone(depart.tzinfo).replace(second=0, microsecond=0)  # as the text says it
            text = (f"the departure {depart:%a %d %b %Y %H:%M} is in the past (it is now {shown_now:%a %d %b %Y %H:%M}"
                    " in that clock): the plan shows what would have happened")  # fmt: skip
            found.append(
                Caution("departure-in-the-past", text, {"depart": depart.isoformat(), "now": shown_now.isoformat()})
            )
        known = self.known_items() if carrying else []
        for item in dict.fromkeys(normal_item(i) for i in carrying):
            if not item or item in known:
                continue
            close = difflib.get_close_matches(item, known, n=1, cutoff=0.6)
            text = (
                f"carrying {item!r}: no post in the data rules on it, so it changes nothing in the plan"
                f" (the posts rule on: {', '.join(known) or 'nothing'})"
                + (f"; did you mean {close[0]}?" if close else "")
            )
            found.append(
                Caution("unknown-item", text, {"item": item, "known": known, "suggestion": close[0] if close else None})
            )
        return found

    @staticmethod
    def _check_samples(samples: int, *, low: int, high: int) -> None:
        if isinstance(samples, bool) or not low <= samples <= high:
            msg = f"samples must be between {low} and {high:,}, not {samples:,}"
            raise InputError(msg)

    # -- reports as observations -------------------------------------------------------------

    def observations(self) -> tuple[Observation, ...]:
        """What the visible crossing reports saw at each stage (none without a database).

        Read again only when the database changed (see :meth:`_observed`).
        """
        return self._observed()[1]

    def _observed(self) -> tuple[int, tuple[Observation, ...]]:
        """(version, observations): the version changes whenever what the reports saw changes.

        The reports are read again only when the database's fingerprint (count, newest id,
        hidden ones) changed, so a report added or hidden by another process is seen at once.
        """
        if not self.has_reports_database():
            return 0, ()
        from overland.store.reports import fingerprint
        from overland.store.reports import observations as stored

        kept = self._observations
        read_at = self.timer()
        if kept is not None and read_at - self._observations_read_at < self.reports_refresh_seconds:
            return kept[1], kept[2]
        store = self.store()
        with store.session() as session:
            mark = fingerprint(session)
            if kept is not None and kept[0] == mark:
                self._observations_read_at = read_at
                return kept[1], kept[2]
            found = tuple(stored(session))
        with self._lock:
            version = (self._observations[1] + 1) if self._observations is not None else 1
            self._observations = (mark, version, found)
            self._observations_read_at = read_at
        return version, found

    def reports_changed(self) -> None:
        """Read the reports again on the next plan (after a report is added, hidden or shown)."""
        with self._lock:
            if self._observations is not None:
                self._observations = ((), *self._observations[1:])

    def _planner_for(
        self, mode: Mode, observations: Sequence[Observation] | None
    ) -> tuple[Planner, Calibration | None, str | None]:
        """The planner to use for ``mode``: calibrated with the reports when there are some.

        The third value says why the reports could not be read (the data's times are used).
        """
        if observations is not None:
            seen = tuple(observations)
            key: tuple[Any, ...] = ("given", hash(seen), self.today(), mode)
        elif self.use_reports:
            try:
                version, seen = self._observed()
            except OverlandError as error:
                return self.planner, None, f"crossing reports not used ({error}): the data's times only"
            key = ("stored", version, self.today(), mode)
        else:
            return self.planner, None, None
        if not seen:
            return self.planner, None, None
        with self._lock:
            kept = self._calibrated.get(key)
            if kept is not None and kept[0] == seen:
                self._calibrated.move_to_end(key)
                return kept[2], kept[1], None
            from overland.planner.calibration import calibrate

            calibration = calibrate(self.catalog, seen, as_of=key[2], modes=[mode], learned=self.learned)
            planner = self.planner.recalibrated(calibration.catalog) if calibration.stages else self.planner
            self._calibrated[key] = (seen, calibration, planner)
            while len(self._calibrated) > CALIBRATED_KEPT:
                self._calibrated.popitem(last=False)
        return planner, calibration, None

    # -- trips -------------------------------------------------------------------------------

    def hours(self, stage: str, start: datetime, *, days: int = 7) -> Schedule:
        """The open windows of ``stage`` (``crossing/stage``) for ``days`` days from ``start``.

        ``start`` must carry its UTC offset. Closed days come with their reason.
        """
        if start.tzinfo is None or start.utcoffset() is None:
            msg = f"start {start.isoformat()} has no UTC offset: give the clock, e.g. +08:00 for Beijing time"
            raise InputError(msg)
        if isinstance(days, bool) or not 1 <= days <= limits.MAX_HOURS_DAYS:
            msg = f"days must be between 1 and {limits.MAX_HOURS_DAYS}, not {days}"
            raise InputError(msg)
        check_aware(start, "start")
        check_aware(start + timedelta(days=days), "the last day")
        crossing, stage_id, _ = self.catalog.stage(stage)
        return stage_schedule(crossing, stage_id, self.catalog.countries, start, start + timedelta(days=days))

    def plan(
        self,
        origin: str,
        destination: str,
        depart: datetime,
        *,
        via: str | Sequence[str] | None = None,
        avoid: str | Sequence[str] = (),
        mode: str | Mode = "own-car",
        documents: Sequence[str] | None = None,
        carrying: Sequence[str] = (),
        samples: int = 0,
        seed: int = 0,
        observations: Sequence[Observation] | None = None,
        quiet_hours: str | None = None,
        max_drive_hours: float | str | None = None,
        dark_roads: bool | None = None,
        nationality: str | None = None,
        avoid_visa: bool = False,
    ) -> Plan:
        """Plan a trip door to door: when each stage opens, where you sleep, what stops you.

        ``documents`` lists the document ids you hold (None: every document the route asks
        for); ``carrying`` lists items such as ``drone``. With ``samples`` > 0 the plan's
        ``distribution`` holds the Monte Carlo view, the same for the same ``seed``.

        Processing times learned from crossing reports (the database's, or
        ``observations`` when given) are blended into the data's for the stages they
        concern; ``Plan.observations`` says which stages used them and how many.
        """
        self._check_samples(samples, low=0, high=limits.MAX_PLAN_SAMPLES)
        check_aware(depart, "departure")
        traveller = self.traveller(mode, documents, carrying, quiet_hours=quiet_hours, max_drive_hours=max_drive_hours,
                                   dark_roads=dark_roads, nationality=nationality, day=depart.date())  # fmt: skip
        origin, destination, via_ids, avoided = self.trip_ends(origin, destination, via, avoid)
        avoided |= self._visa_countries(traveller, origin, destination) if avoid_visa else frozenset()
        planner, calibration, problem = self._planner_for(traveller.mode, observations)
        result = planner.plan(origin, destination, depart, traveller, via=via_ids, avoid=avoided, samples=samples,
                              seed=seed)  # fmt: skip
        notes = [c.text for c in self.cautions(depart, carrying)]
        notes += [n for n in (problem, *self._entry_changes(result, traveller)) if n is not None]
        if notes:
            result = replace(result, warnings=[*notes, *result.warnings])
        if calibration is not None and calibration.stages:
            passed = {stage: i for i, stage in enumerate(dict.fromkeys(e.stage for e in result.events if e.stage))}
            used = sorted((s for s in calibration.stages if s.stage in passed), key=lambda s: passed[s.stage])
            result = replace(result, observations=tuple(used))
        return result

    def compare(self, origin: str, destination: str, depart: datetime, *, mode: str | Mode = "own-car",
                quiet_hours: str | None = None, max_drive_hours: float | str | None = None,
                dark_roads: bool | None = None, avoid: str | Sequence[str] = (), nationality: str | None = None,
                avoid_visa: bool = False) -> list[Plan]:  # fmt: skip
        """One plan per sequence of crossings joining the two places (every document held), best first."""
        check_aware(depart, "departure")
        traveller = self.traveller(mode, quiet_hours=quiet_hours, max_drive_hours=max_drive_hours,
                                   dark_roads=dark_roads, nationality=nationality, day=depart.date())  # fmt: skip
        origin, destination, _, avoided = self.trip_ends(origin, destination, avoid=avoid)
        avoided |= self._visa_countries(traveller, origin, destination) if avoid_visa else frozenset()
        planner, _, _ = self._planner_for(traveller.mode, None)
        return planner.compare(origin, destination, depart, traveller, avoid=avoided)

    def when(
        self,
        origin: str,
        destination: str,
        start: datetime,
        end: datetime,
        *,
        every_minutes: int = 30,
        samples: int = 1000,
        seed: int = 0,
        confidence: float = 0.9,
        arrive_by: datetime | None = None,
        via: str | Sequence[str] | None = None,
        avoid: str | Sequence[str] = (),
        mode: str | Mode = "own-car",
        documents: Sequence[str] | None = None,
        carrying: Sequence[str] = (),
        progress: Callable[[int], None] | None = None,
        quiet_hours: str | None = None,
        max_drive_hours: float | str | None = None,
        dark_roads: bool | None = None,
        nationality: str | None = None,
        avoid_visa: bool = False,
        max_work: int = limits.MAX_SCAN_WORK,
    ) -> DepartureScan:
        """The best departure between ``start`` and ``end``: Monte Carlo arrivals for a departure
        every ``every_minutes``, the best ones and, with ``arrive_by``, the latest that still
        arrives by it with probability ``confidence``. At most ``max_work`` samples in all
        (departures × ``samples``).
        """
        from overland.planner.departures import candidates, scan

        for name, moment in (("start", start), ("end", end), ("arrive-by", arrive_by)):
            if moment is not None:
                check_aware(moment, name)
        if end < start:
            msg = f"the span ends ({end.isoformat()}) before it starts ({start.isoformat()})"
            raise InputError(msg)
        if end - start > timedelta(days=limits.MAX_SCAN_DAYS):
            msg = (
                f"the span is more than {limits.MAX_SCAN_DAYS} days: scan at most {limits.MAX_SCAN_DAYS} days at a time"
            )
            raise InputError(msg)
        if not limits.MIN_SCAN_STEP_MINUTES <= every_minutes <= limits.MAX_SCAN_STEP_MINUTES:
            msg = f"every must be between {limits.MIN_SCAN_STEP_MINUTES} minutes and a day, not {every_minutes} minutes"
            raise InputError(msg)
        if not 0 < confidence < 1:
            msg = f"confidence must be between 0 and 1 (e.g. 0.9), not {confidence:g}"
            raise InputError(msg)
        self._check_samples(samples, low=1, high=limits.MAX_SCAN_SAMPLES)
        departures = candidates(start, end, timedelta(minutes=every_minutes))
        if len(departures) * samples > min(max_work, limits.MAX_SCAN_WORK):
            msg = (
                f"{len(departures)} departures × {samples:,} samples is more than "
                f"{min(max_work, limits.MAX_SCAN_WORK):,}: "
                "use fewer samples, a shorter span or a longer step"
            )
            raise InputError(msg)
        traveller = self.traveller(mode, documents, carrying, quiet_hours=quiet_hours, max_drive_hours=max_drive_hours,
                                   dark_roads=dark_roads, nationality=nationality, day=start.date())  # fmt: skip
        origin, destination, via_ids, avoided = self.trip_ends(origin, destination, via, avoid)
        avoided |= self._visa_countries(traveller, origin, destination) if avoid_visa else frozenset()
        planner, _, _ = self._planner_for(traveller.mode, None)
        return scan(
            planner,
            origin,
            destination,
            departures,
            traveller,
            samples=samples,
            seed=seed,
            confidence=confidence,
            arrive_by=arrive_by,
            via=via_ids,
            avoid=avoided,
            every_minutes=every_minutes,
            progress=progress,
        )

    def backtest(
        self,
        *,
        crossing: str | None = None,
        samples: int = 300,
        seed: int = 0,
        fit: bool = True,
        written_only: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> Backtest:
        """Replay every observed crossing (of ``crossing`` only, when given) and score each fact it gives.

        With ``fit`` the assumed numbers the observations bear on are fitted to them, and each
        observation is also predicted by a fit on all the others (leave-one-out); with
        ``written_only`` only the numbers the data has from a fit are refitted, the rest kept as the
        data has them (the data as shipped, out of sample). The data's own times, without the
        reports database. ``progress(n)`` is called as observations are done.
        """
        from overland.planner.fitting import backtest

        self._check_samples(samples, low=10, high=limits.MAX_BACKTEST_SAMPLES)
        if written_only and not fit:
            msg = "--written-only refits the numbers the data has from a fit, so it cannot go with --no-fit"
            raise InputError(msg)
        observed = self.observed_crossings()
        if crossing is not None:
            crossing = self.catalog.crossing_id(crossing)
            observed = tuple(o for o in observed if o.crossing == crossing)
        return backtest(self.planner, observed, lambda o: self.traveller(o.mode), samples=samples, seed=seed,
                        fit=fit, written_only=written_only, progress=progress)  # fmt: skip

    def audit(
        self,
        *,
        today: date | None = None,
        sensitivity: bool = True,
        days: int = 365,
        every_hours: float = 25,
        shift_minutes: float = 30,
        progress: Callable[[int, int], None] | None = None,
    ) -> DataAudit:
        """A maintainer's audit of the data: claims by status, sourced claims without a quote, seed quotes
        not found in their seed, claims whose validity has ended or ends within 90 days, and (with
        ``sensitivity``) the assumed numbers plans depend on most.

        ``today`` defaults to the service's clock. The sensitivity moves each assumed number the
        planner reads by ±25 % and counts the departures of the main trips through it, every
        ``every_hours`` for ``days`` days from today, whose arrival moves by ``shift_minutes`` or
        more; ``progress(done, total)`` is called as it goes. ``DataAudit.ok`` is False on a
        misquote, a sourced claim without a quote or an expired default.
        """
        from overland.service import audit

        return audit.run(self, today=today, sensitivity=sensitivity, days=days, every_hours=every_hours,
                         shift_minutes=shift_minutes, progress=progress)  # fmt: skip

    def batch(
        self,
        trips: list[dict[str, Any]],
        client: Any,
        *,
        samples: int = 0,
        seed: int = 0,
        on_rows: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> list[dict[str, Any]]:
        """Plan every trip (rows of a trips file) on the Dask ``client``: one row each, in the trips' order.

        The workers plan with this service's data folder and the data's own times.
        """
        from overland.service import batch

        self.catalog  # noqa: B018  (a data folder that does not validate stops here, not in every row)
        data_dir = str(self.data_dir.resolve()) if self.data_dir is not None else None
        return batch.run(
            trips, client, factory=type(self), data_dir=data_dir, samples=samples, seed=seed, on_rows=on_rows
        )
