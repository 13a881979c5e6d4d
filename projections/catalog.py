"""Every projection the service runs: the engine, `scr projections` and the API read from this list."""

from __future__ import annotations

from projections.base import Projection
from service.settings import Settings


def read_models(settings: Settings) -> list[Projection]:
    """The read models in the order the engine applies them (each is tracked and fails on its own)."""
    # One line per projection class; each takes the settings it needs (e.g. the rule settings).
    return []
