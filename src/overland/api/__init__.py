"""The HTTP API and the web page: ``create_app(settings)``, served by ``overland serve``."""

from overland.api.app import create_app
from overland.api.settings import Settings

__all__ = ["Settings", "create_app"]
