"""overland: plan and simulate land border crossings from sourced data.

The functions here use one default :class:`~overland.service.Overland` over the bundled
data (and the reports database, when there is one); build your own ``Overland(data=...)``
for other data, another database or a fixed clock.

>>> import overland
>>> from datetime import datetime
>>> schedule = overland.hours("torugart/gate", datetime.fromisoformat("2026-11-27T12:30+08:00"), days=5)
>>> schedule.windows[0][0].isoformat()
'2026-11-27T14:00:00+08:00'
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from overland.model.catalog import Catalog
    from overland.planner.departures import DepartureScan
    from overland.planner.fitting import Backtest
    from overland.planner.schedule import Schedule
    from overland.planner.trip import Plan
    from overland.service import Overland
    from overland.sim.capacity import CapacityResult, RateResult
    from overland.sim.corridor import CorridorReport
    from overland.sim.kpis import Report

__all__ = [
    "Overland",
    "backtest",
    "compare",
    "default",
    "freight_capacity",
    "freight_corridor",
    "freight_rate",
    "hours",
    "load_catalog",
    "plan",
    "simulate",
    "when",
]
__version__ = "0.1.0"

_DEFAULT: Overland | None = None
_LOCK = threading.Lock()


def __getattr__(name: str) -> Any:
    """``overland.Overland``, imported on first use: the service brings in the model, the planner and
    pydantic's validators (a tenth of a second), which ``import overland.cli.app`` should not pay for
    before the command line has said what it needs."""
    if name == "Overland":
        from overland.service import Overland

        return Overland
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def default() -> Overland:
    """The service the module functions use: the bundled data, the default reports database."""
    global _DEFAULT
    if _DEFAULT is None:
        with _LOCK:
            if _DEFAULT is None:
                from overland.service import Overland

                _DEFAULT = Overland()
    return _DEFAULT


def load_catalog(data_dir: str | Path | None = None) -> Catalog:
    """The validated crossing data: the bundled data (loaded once), or the data under ``data_dir``."""
    if data_dir is None:
        return default().catalog
    from overland.service import Overland

    return Overland(data=data_dir).catalog


def hours(stage: str, start: datetime, *, days: int = 7) -> Schedule:
    """The open windows of ``stage`` (``crossing/stage``) from ``start``: see :meth:`Overland.hours`."""
    return default().hours(stage, start, days=days)


def plan(origin: str, destination: str, depart: datetime, **options: Any) -> Plan:
    """A door-to-door plan: see :meth:`Overland.plan` for the options."""
    return default().plan(origin, destination, depart, **options)


def compare(origin: str, destination: str, depart: datetime, **options: Any) -> list[Plan]:
    """One plan per crossing, best first: see :meth:`Overland.compare`."""
    return default().compare(origin, destination, depart, **options)


def when(origin: str, destination: str, start: datetime, end: datetime, **options: Any) -> DepartureScan:
    """The best departures in a span: see :meth:`Overland.when`."""
    return default().when(origin, destination, start, end, **options)


def backtest(**options: Any) -> Backtest:
    """The planner held against the observed crossings: see :meth:`Overland.backtest`."""
    return default().backtest(**options)


def simulate(scenario: Any, **options: Any) -> Report:
    """Simulate a freight terminal scenario: see :meth:`overland.service.freight.Freight.simulate`.

    >>> import overland
    >>> report = overland.simulate("khorgos-2021", days=30, seed=1)
    >>> 9 < report.summary["trains_per_day"].mean < 13
    True
    """
    return default().freight.simulate(scenario, **options)


def freight_capacity(scenario: Any, **options: Any) -> CapacityResult:
    """The smallest terminal that carries a target: see :meth:`overland.service.freight.Freight.capacity`."""
    return default().freight.capacity(scenario, **options)


def freight_rate(scenario: Any, **options: Any) -> RateResult:
    """How many trains a day a terminal takes: see :meth:`overland.service.freight.Freight.rate`."""
    return default().freight.rate(scenario, **options)


def freight_corridor(corridor: Any, **options: Any) -> CorridorReport:
    """Terminals side by side, with closures and without: see :meth:`overland.service.freight.Freight.corridor`."""
    return default().freight.corridor(corridor, **options)
