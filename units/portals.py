"""Registry portal -> unit: every portal belongs to exactly one unit, or the registry is reported.

A portal is linked by its `unit_code` (a GSO code, at the portal's level), cross-checked against its name
resolved in its registered province; without a code (departments have none) by the name alone. Refused,
each with a message naming the portal: a code no unit carries, a name that fits several units, a
name that fits none, and a portal whose code and name point at two different units.

`check_portal_units` is what `cchc sources validate` prints: the refusals above, and portals whose unit
no longer exists (a pre-2025 commune, a merged department) with the successor(s) to move to.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from units.catalog import Unit, UnitCatalog, today
from units.errors import UnitError
from units.resolve import Ambiguous, Resolved, resolve_issuer


@dataclass(frozen=True)
class PortalLink:
    """A portal's unit and how it was found ("code" or "name")."""

    portal_id: str
    unit: Unit
    method: str


class PortalUnitError(UnitError):
    """A portal that cannot be linked to exactly one unit. `kind`: unknown_code, ambiguous, unresolved,
    two_units, no_level."""

    def __init__(self, portal_id: str, kind: str, message: str, candidates: Iterable[Unit] = ()) -> None:
        self.portal_id = portal_id
        self.kind = kind
        self.candidates = tuple(candidates)
        super().__init__(f"{portal_id}: {message}")


def describe(unit: Unit, catalog: UnitCatalog) -> str:
    """"Xã Ngọc Liên (10903; Huyện Cẩm Giàng, Tỉnh Hải Dương; until 2025-06-30)": enough to tell namesakes apart."""
    where = [a.full_name for a in catalog.ancestors(unit)]
    province = catalog.province_of(unit)
    if province is not None and province is not unit and province.full_name not in where:
        where.append(province.full_name)
    span = []
    if unit.valid_from:
        span.append(f"from {unit.valid_from.isoformat()}")
    if unit.valid_to:
        span.append(f"until {unit.valid_to.isoformat()}")
    parts = [unit.code, ", ".join(where), " ".join(span)]
    return f"{unit.full_name} ({'; '.join(p for p in parts if p)})"


def link_portal(portal: Any, catalog: UnitCatalog) -> PortalLink:
    """The one unit of a registry `Portal` (see module docstring); raises `PortalUnitError`."""
    pid = portal.id
    level = portal.level
    if level is None:
        raise PortalUnitError(pid, "no_level", "an ad-hoc portal has no level, so no unit can be linked")
    named = resolve_issuer(portal.name, context_province=portal.province, catalog=catalog)
    by_name: list[Unit] = []
    if isinstance(named, Resolved):
        by_name = [named.unit]
    elif isinstance(named, Ambiguous):
        by_name = list(named.candidates)
    by_name = [u for u in by_name if u.level == level]
    code = (portal.unit_code or "").strip()
    if code:
        by_code = catalog.by_code(code, level=level)
        if not by_code:
            other = catalog.by_code(code)
            hint = f" (it is the code of {', '.join(describe(u, catalog) for u in other)})" if other else ""
            raise PortalUnitError(pid, "unknown_code", f"unit code {code!r} does not exist at level {level}{hint}")
        if by_name and not set(by_name) & set(by_code):
            raise PortalUnitError(
                pid, "two_units",
                f"points at two units: unit_code {code} is {describe(by_code[0], catalog)} but the name "
                f"{portal.name!r} is {' or '.join(describe(u, catalog) for u in by_name)}",
                [*by_code, *by_name],
            )
        chosen = [u for u in by_code if u in by_name] or by_code
        if len(chosen) > 1:
            current = [u for u in chosen if u.valid_on(today())]
            chosen = current if len(current) == 1 else chosen
        if len(chosen) > 1:
            raise PortalUnitError(pid, "ambiguous", f"unit code {code} names {len(chosen)} units: "
                                  + "; ".join(describe(u, catalog) for u in chosen), chosen)
        return PortalLink(pid, chosen[0], "code")
    if len(by_name) == 1:
        return PortalLink(pid, by_name[0], "name")
    if len(by_name) > 1:
        raise PortalUnitError(pid, "ambiguous", f"the name {portal.name!r} in {portal.province} fits "
                              f"{len(by_name)} units: " + "; ".join(describe(u, catalog) for u in by_name)
                              + "; set unit_code", by_name)
    reason = getattr(named, "reason", "no unit of that level")
    raise PortalUnitError(pid, "unresolved", f"the name {portal.name!r} ({level}, {portal.province}) matches no "
                          f"unit: {reason}")


def link_portals(registry: Iterable[Any], catalog: UnitCatalog) -> tuple[dict[str, PortalLink], list[str]]:
    """Link every portal; returns the links and one message per portal that could not be linked."""
    links: dict[str, PortalLink] = {}
    problems: list[str] = []
    for portal in registry:
        try:
            links[portal.id] = link_portal(portal, catalog)
        except PortalUnitError as exc:
            problems.append(str(exc))
    return links, problems


@dataclass(frozen=True)
class PortalUnitIssue:
    """One finding of `portal_unit_issues`: severity "error" (no unit) or "notice" (unit gone)."""

    portal_id: str
    severity: str
    message: str
    successors: tuple[Unit, ...] = ()

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


def portal_unit_issues(registry: Iterable[Any], catalog: UnitCatalog, on: dt.date | None = None) -> list[PortalUnitIssue]:
    """Portals with no (single) unit, and portals whose unit no longer exists on `on` (default today),
    with the current unit(s) it became part of as the proposed successor."""
    day = on or today()
    issues: list[PortalUnitIssue] = []
    for portal in registry:
        try:
            link = link_portal(portal, catalog)
        except PortalUnitError as exc:
            issues.append(PortalUnitIssue(portal.id, "error", str(exc)))
            continue
        unit = link.unit
        hint = ""
        # Districts and communes share names across provinces: their rows should carry the code.
        # (A province or department is unambiguous by name in its province.)
        if link.method == "name" and unit.code.isdigit() and unit.level in ("district", "commune"):
            hint = f"; set unit_code={unit.code}"
        if unit.valid_on(day):
            if hint:
                issues.append(PortalUnitIssue(portal.id, "notice", f"{portal.id}: linked by name to "
                                              f"{describe(unit, catalog)}{hint}"))
            continue
        current = catalog.current_units(unit, on=day)
        if current:
            proposal = "; ".join(f"{describe(c.unit, catalog)}{'' if c.whole else ' (in part)'}" for c in current)
            message = (f"{portal.id}: unit {describe(unit, catalog)} no longer exists; "
                       f"successor{'s' if len(current) > 1 else ''}: {proposal}{hint}")
        else:
            message = f"{portal.id}: unit {describe(unit, catalog)} no longer exists and has no recorded successor{hint}"
        issues.append(PortalUnitIssue(portal.id, "notice", message, tuple(c.unit for c in current)))
    return issues
