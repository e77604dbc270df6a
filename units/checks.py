"""Checking the registry's portals against the units: `check_portal_units` for ``cchc sources validate``.

Why a module of its own: the check takes its units from the bundled reference data, a catalog or the
database, so it needs `units.db`, while `units.db` needs the portal linking of `units.portals` to sync;
with the check here, neither of those two imports the other (they did, behind imports inside functions).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from units.catalog import UnitCatalog
from units.db import load_catalog
from units.model import ReferenceData
from units.portals import portal_unit_issues
from units.resolve import default_catalog


def _catalog_from(session_or_data: Any) -> UnitCatalog:
    if session_or_data is None:
        return default_catalog()
    if isinstance(session_or_data, UnitCatalog):
        return session_or_data
    if isinstance(session_or_data, ReferenceData):
        return UnitCatalog.from_reference(session_or_data)
    return load_catalog(session_or_data)


def check_portal_units(registry: Iterable[Any], session_or_data: Any = None, *, on: dt.date | None = None) -> list[str]:
    """Messages for `cchc sources validate`: "error: …" for a portal without exactly one unit (unknown
    code, ambiguous or unknown name, code and name pointing at two units), "notice: …" for a portal
    whose unit no longer exists (with the proposed successor) or is linked by name only (with the code
    to set). `session_or_data`: a SQLAlchemy Session/Engine/Connection (units as synced), a
    `UnitCatalog` or `ReferenceData`, or None for the bundled reference data.
    """
    return [str(issue) for issue in portal_unit_issues(registry, _catalog_from(session_or_data), on)]
