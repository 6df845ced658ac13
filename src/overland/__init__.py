"""overland: plan and simulate land border crossings from sourced data."""

from overland.facade import hours, load_catalog

__all__ = ["hours", "load_catalog"]
__version__ = "0.1.0"
