"""overland: plan and simulate land border crossings from sourced data."""

from overland.facade import compare, freight_capacity, hours, load_catalog, plan, simulate, when

__all__ = ["compare", "freight_capacity", "hours", "load_catalog", "plan", "simulate", "when"]
__version__ = "0.1.0"
