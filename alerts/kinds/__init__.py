"""The rule kinds. Each module registers its kinds in `alerts.registry.KINDS` when imported; the list
is explicit (not discovered) so a broken kind fails loudly."""
from __future__ import annotations

from alerts.kinds import deadlines, documents, layout, portals, widgets  # noqa: F401 - registers the kinds
from alerts.registry import KINDS, Kind

__all__ = ["KINDS", "Kind"]
