"""Administrative units before and after the 1 July 2025 reorganisation (issue 5).

Public interface (details in units/README.md):
- `resolve_issuer(name, context_province=None, context_portal_unit=None, at=None, *, catalog=None)`
  -> `Resolved | Ambiguous | Unresolved`.
- `UnitCatalog` (in memory: `current_units`, `by_code`, `ancestors`, …), `default_catalog()` (bundled data).
- `units.db`: `sync(engine)`, `load_catalog(bind)`, `current_units(bind, unit, at=None, level=None)`.
- `check_portal_units(registry, session_or_data=None) -> list[str]` for `cchc sources validate`.
"""
from __future__ import annotations

from units.catalog import CurrentUnit, Unit, UnitCatalog
from units.checks import check_portal_units
from units.errors import MappingCycleError, UnitDataError, UnitError, UnitsNotLoadedError, UnknownUnitCodeError
from units.portals import PortalLink, PortalUnitError, link_portal, portal_unit_issues
from units.resolve import Ambiguous, Resolved, Unresolved, default_catalog, resolve_issuer

__all__ = [
    "Ambiguous",
    "CurrentUnit",
    "MappingCycleError",
    "PortalLink",
    "PortalUnitError",
    "Resolved",
    "Unit",
    "UnitCatalog",
    "UnitDataError",
    "UnitError",
    "UnitsNotLoadedError",
    "UnknownUnitCodeError",
    "Unresolved",
    "check_portal_units",
    "default_catalog",
    "link_portal",
    "portal_unit_issues",
    "resolve_issuer",
]
