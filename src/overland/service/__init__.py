"""The service: one object that owns the data, the planner, the reports and the clock (:class:`Overland`)."""

from overland.service.overland import Overland, utc_now

__all__ = ["Overland", "utc_now"]
