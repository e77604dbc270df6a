"""A rule's scope as a SQL clause on `portals` (all, a province, a level, a list of units).

Province names are matched as people write them (folded: "dien bien" is "Điện Biên"): the distinct
stored spellings are read once (one row per province, not per portal) and the clause is an IN over
them, so the database does the filtering. A scope that names a province or a unit the database does
not hold is an error, not a rule that silently never fires.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session

from alerts.rules import Scope
from core.vntext import fold
from storage.models import Portal


class ScopeError(Exception):
    """The scope names something the database does not hold."""


def scope_clause(session: Session, scope: Scope) -> Callable[[Any], ColumnElement[bool]]:
    """A function giving, for a `Portal` entity (or alias), the SQL condition of `scope`."""
    provinces: list[str] = []
    if scope.province is not None:
        wanted = fold(scope.province).strip()
        stored = session.scalars(select(Portal.province).where(Portal.province.is_not(None)).distinct())
        provinces = [p for p in stored if p is not None and fold(p).strip() == wanted]
        if not provinces:
            raise ScopeError(f"scope.province {scope.province!r}: no portal of the database is in that province")
    if scope.units:
        known = set(session.scalars(select(Portal.id).where(Portal.id.in_(scope.units))))
        missing = [u for u in scope.units if u not in known]
        if missing:
            raise ScopeError(f"scope.units: no portal {', '.join(map(repr, missing))} in the database "
                             "(see `cchc sources list`)")

    def clause(portal: Any) -> ColumnElement[bool]:
        conds: list[ColumnElement[bool]] = [true()]
        if provinces:
            conds.append(portal.province.in_(provinces))
        if scope.level is not None:
            conds.append(portal.level == scope.level)
        if scope.units:
            conds.append(portal.id.in_(scope.units))
        return and_(*conds)

    return clause


def row_in_scope(scope: Scope, portal_id: str, province: str | None, level: str | None) -> bool:
    """The same test on one row a report already computed (the compliance rows of `past_deadline`)."""
    if scope.province is not None and fold(province or "").strip() != fold(scope.province).strip():
        return False
    if scope.level is not None and level != scope.level:
        return False
    return not scope.units or portal_id in scope.units
