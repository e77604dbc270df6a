"""Units in the database: `sync` (load the reference data, idempotently), `load_catalog`, and the
storage-level `current_units` the reports' ``--as-units current`` uses.

Sync is a diff, not a reload: rows are matched on their natural `key`, so a second run with the same
data changes nothing (and says so), ids stay stable for anything that refers to them, and a corrected
curated row is one UPDATE. All of it runs in one write transaction with batched statements (about 14,000
units and 14,000 successions load in a few seconds on SQLite and PostgreSQL).
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from storage.engine import write_engine
from storage.models import Portal
from storage.units_models import AdminUnit, AdminUnitSuccession, PortalUnit
from units.catalog import CurrentUnit, UnitCatalog, today
from units.errors import MappingCycleError, UnitsNotLoadedError, UnknownUnitCodeError
from units.model import ReferenceData, Unit
from units.names import name_key
from units.portals import link_portals
from units.reference import load_reference

_LEVEL_ORDER = {"province": 0, "district": 1, "department": 1, "commune": 2}
_UNIT_FIELDS = ("code", "level", "type", "name", "full_name", "name_key", "parent_id", "province_id",
                "valid_from", "valid_to", "aliases", "source")
_BATCH = 2000

UNITS = AdminUnit.__table__
SUCCESSIONS = AdminUnitSuccession.__table__
PORTAL_UNITS = PortalUnit.__table__


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted

    def __str__(self) -> str:
        return f"{self.inserted} inserted, {self.updated} updated, {self.deleted} deleted"


@dataclass
class SyncReport:
    """What `sync` did: per-table counts, totals in the database afterwards, link problems, time."""

    units: Counts = field(default_factory=Counts)
    successions: Counts = field(default_factory=Counts)
    portal_links: Counts = field(default_factory=Counts)
    totals: dict[str, int] = field(default_factory=dict)
    linked_portals: int = 0
    portal_count: int = 0
    problems: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return bool(self.units.changed or self.successions.changed or self.portal_links.changed)


def tables_exist(bind: Engine | Connection | Session) -> bool:
    """True when the unit tables are in the database (the 0002 migration ran)."""
    conn = bind.connection() if isinstance(bind, Session) else bind
    if isinstance(conn, Engine):
        with conn.connect() as c:
            return inspect(c).has_table("admin_units")
    return inspect(conn).has_table("admin_units")


def _desired_row(rec: Unit, ids: dict[str, int]) -> dict[str, Any]:
    return {
        "key": rec.key,
        "code": rec.code,
        "level": rec.level,
        "type": rec.type,
        "name": rec.name,
        "full_name": rec.full_name,
        "name_key": name_key(rec.name),
        "parent_id": ids.get(rec.parent_key) if rec.parent_key else None,
        # NULL for a province itself: a row cannot name its own id before it is inserted.
        "province_id": ids.get(rec.province_key) if rec.province_key and rec.province_key != rec.key else None,
        "valid_from": rec.valid_from,
        "valid_to": rec.valid_to,
        "aliases": "|".join(rec.aliases) or None,
        "source": rec.source,
    }


def _chunks(rows: Sequence[dict[str, Any]], size: int = _BATCH) -> Iterable[Sequence[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _sync_units(conn: Connection, data: ReferenceData, counts: Counts) -> dict[str, int]:
    existing = {r.key: r._asdict() for r in conn.execute(select(UNITS))}
    ids = {k: r["id"] for k, r in existing.items()}
    desired = {rec.key: rec for rec in data.units}
    # Inserts, parents first so every parent id is known when its children are written.
    new = sorted((rec for k, rec in desired.items() if k not in existing), key=lambda r: _LEVEL_ORDER[r.level])
    for level_rank in sorted({_LEVEL_ORDER[r.level] for r in new}):
        batch = [_desired_row(r, ids) for r in new if _LEVEL_ORDER[r.level] == level_rank]
        for chunk in _chunks(batch):
            conn.execute(insert(UNITS), list(chunk))
        keys = {row["key"] for row in batch}
        ids.update({k: i for i, k in conn.execute(select(UNITS.c.id, UNITS.c.key)) if k in keys})
        counts.inserted += len(batch)
    # Updates of rows whose data changed (including parents that moved to a new row).
    changed: list[dict[str, Any]] = []
    for key, rec in desired.items():
        if key not in existing:
            continue
        want = _desired_row(rec, ids)
        have = existing[key]
        if any(want[f] != have[f] for f in _UNIT_FIELDS):
            changed.append({"b_id": have["id"], **{f: want[f] for f in _UNIT_FIELDS}})
    if changed:
        stmt = update(UNITS).where(UNITS.c.id == bindparam("b_id")).values(
            {f: bindparam(f) for f in _UNIT_FIELDS})
        for chunk in _chunks(changed):
            conn.execute(stmt, list(chunk))
        counts.updated += len(changed)
    return ids


def _delete_stale_units(conn: Connection, data: ReferenceData, counts: Counts) -> None:
    desired = {rec.key for rec in data.units}
    stale = [(r.id, r.level) for r in conn.execute(select(UNITS.c.id, UNITS.c.key, UNITS.c.level))
             if r.key not in desired]
    if not stale:
        return
    stale_ids = [i for i, _ in stale]
    for chunk_start in range(0, len(stale_ids), _BATCH):
        chunk = stale_ids[chunk_start:chunk_start + _BATCH]
        conn.execute(delete(SUCCESSIONS).where(SUCCESSIONS.c.predecessor_id.in_(chunk)))
        conn.execute(delete(SUCCESSIONS).where(SUCCESSIONS.c.successor_id.in_(chunk)))
        conn.execute(delete(PORTAL_UNITS).where(PORTAL_UNITS.c.unit_id.in_(chunk)))
    for rank in sorted({_LEVEL_ORDER.get(lvl, 9) for _, lvl in stale}, reverse=True):
        ids = [i for i, lvl in stale if _LEVEL_ORDER.get(lvl, 9) == rank]
        for chunk_start in range(0, len(ids), _BATCH):
            conn.execute(delete(UNITS).where(UNITS.c.id.in_(ids[chunk_start:chunk_start + _BATCH])))
    counts.deleted += len(stale)


def _sync_successions(conn: Connection, data: ReferenceData, ids: dict[str, int], counts: Counts) -> None:
    existing = {(r.predecessor_id, r.successor_id): r for r in conn.execute(select(SUCCESSIONS))}
    desired: dict[tuple[int, int], dict[str, Any]] = {}
    for s in data.successions:
        pair = (ids[s.predecessor_key], ids[s.successor_key])
        desired[pair] = {"predecessor_id": pair[0], "successor_id": pair[1], "effective": s.effective,
                         "whole": s.whole, "main": s.main, "source": s.source}
    new = [row for pair, row in desired.items() if pair not in existing]
    for chunk in _chunks(new):
        conn.execute(insert(SUCCESSIONS), list(chunk))
    counts.inserted += len(new)
    changed = [
        {"b_id": existing[pair].id, "effective": row["effective"], "whole": row["whole"], "main": row["main"],
         "source": row["source"]}
        for pair, row in desired.items()
        if pair in existing and (existing[pair].effective, existing[pair].whole, existing[pair].main,
                                 existing[pair].source) != (row["effective"], row["whole"], row["main"], row["source"])
    ]
    if changed:
        stmt = update(SUCCESSIONS).where(SUCCESSIONS.c.id == bindparam("b_id")).values(
            effective=bindparam("effective"), whole=bindparam("whole"), main=bindparam("main"),
            source=bindparam("source"))
        conn.execute(stmt, changed)
        counts.updated += len(changed)
    stale = [existing[pair].id for pair in existing if pair not in desired]
    for chunk_start in range(0, len(stale), _BATCH):
        conn.execute(delete(SUCCESSIONS).where(SUCCESSIONS.c.id.in_(stale[chunk_start:chunk_start + _BATCH])))
    counts.deleted += len(stale)


def _sync_portal_links(conn: Connection, links: dict[str, tuple[int, str]], counts: Counts) -> None:
    existing = {r.portal_id: (r.unit_id, r.method) for r in conn.execute(select(PORTAL_UNITS))}
    new = [{"portal_id": p, "unit_id": u, "method": m} for p, (u, m) in links.items() if p not in existing]
    if new:
        conn.execute(insert(PORTAL_UNITS), new)
    changed = [{"b_id": p, "unit_id": u, "method": m} for p, (u, m) in links.items()
               if p in existing and existing[p] != (u, m)]
    if changed:
        conn.execute(update(PORTAL_UNITS).where(PORTAL_UNITS.c.portal_id == bindparam("b_id"))
                     .values(unit_id=bindparam("unit_id"), method=bindparam("method")), changed)
    stale = [p for p in existing if p not in links]
    if stale:
        conn.execute(delete(PORTAL_UNITS).where(PORTAL_UNITS.c.portal_id.in_(stale)))
    counts.inserted += len(new)
    counts.updated += len(changed)
    counts.deleted += len(stale)
    # Mirror the links into the column storage reserved for them (`portals.unit_id`), for the portal
    # rows a crawl has stored; only rows whose value differs are written, so a rerun writes nothing.
    portals = Portal.__table__
    wanted = {p: u for p, (u, _) in links.items()}
    current = {r.id: r.unit_id for r in conn.execute(select(portals.c.id, portals.c.unit_id))}
    fixes = [{"b_id": p, "unit_id": wanted.get(p)} for p, have in current.items() if have != wanted.get(p)]
    if fixes:
        conn.execute(update(portals).where(portals.c.id == bindparam("b_id")).values(unit_id=bindparam("unit_id")),
                     fixes)


def sync(engine: Engine, data: ReferenceData | None = None, registry: Any = None) -> SyncReport:
    """Make the database's unit tables equal to the reference data, and link the registry's portals.

    `engine` must be at the schema head (`Store.open` migrates). `registry` defaults to the bundled
    one; portals that cannot be linked to exactly one unit are left unlinked and listed in
    `report.problems` (the units themselves are still loaded).
    """
    from crawler.registry import load_registry  # the crawler's registry only when none was given

    started = time.perf_counter()
    data = data or load_reference()
    registry = registry if registry is not None else load_registry()
    report = SyncReport(sources=dict(data.sources))
    with write_engine(engine).begin() as conn:
        ids = _sync_units(conn, data, report.units)
        _delete_stale_units(conn, data, report.units)
        _sync_successions(conn, data, ids, report.successions)
        catalog = UnitCatalog.build(
            (replace(r, id=ids[r.key]) for r in data.units),
            ((s.predecessor_key, s.successor_key, s.effective, s.whole, s.main) for s in data.successions),
        )
        links, problems = link_portals(registry, catalog)
        _sync_portal_links(conn, {p: (link.unit.id, link.method) for p, link in links.items()},  # type: ignore[misc]
                           report.portal_links)
        report.problems = problems
        report.linked_portals = len(links)
        report.portal_count = len(registry)
        for name, table in (("units", UNITS), ("successions", SUCCESSIONS), ("portal_units", PORTAL_UNITS)):
            report.totals[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
    report.seconds = time.perf_counter() - started
    return report


# ----------------------------------------------------------------------------------- reading
def _unit_from_row(row: Any, key_of: dict[int, str]) -> Unit:
    province_key = key_of.get(row.province_id) if row.province_id is not None else (
        row.key if row.level == "province" else None)
    return Unit(row.key, row.code, row.level, row.type, row.name, row.full_name,
                key_of.get(row.parent_id) if row.parent_id is not None else None, province_key,
                row.valid_from, row.valid_to, tuple(row.aliases.split("|")) if row.aliases else (), row.id)


def load_catalog(bind: Engine | Connection | Session) -> UnitCatalog:
    """The units in the database as a catalog (for resolution, `units show`, report mapping).

    Raises `UnitsNotLoadedError` when `cchc units sync` has not filled the tables."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return load_catalog(conn)
    conn = bind.connection() if isinstance(bind, Session) else bind
    if not tables_exist(conn):
        raise UnitsNotLoadedError("the database has no unit tables: run `cchc units sync` first")
    rows = list(conn.execute(select(UNITS)))
    if not rows:
        raise UnitsNotLoadedError("the database has no units: run `cchc units sync` first")
    key_of = {r.id: r.key for r in rows}
    units = [_unit_from_row(r, key_of) for r in rows]
    edges = [(key_of[r.predecessor_id], key_of[r.successor_id], r.effective, r.whole, r.main)
             for r in conn.execute(select(SUCCESSIONS))]
    return UnitCatalog.build(units, edges)


def portal_links(bind: Engine | Connection | Session) -> dict[str, int]:
    """Registry portal id -> unit id, as stored by the last sync."""
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return portal_links(conn)
    conn = bind.connection() if isinstance(bind, Session) else bind
    return {r.portal_id: r.unit_id for r in conn.execute(select(PORTAL_UNITS))}


def current_units(bind: Engine | Connection | Session, unit: Unit | int | str, at: dt.date | None = None,
                  *, level: str | None = None, on: dt.date | None = None) -> list[CurrentUnit]:
    """Storage-level: the units valid on `on` (default today) that `unit` became part of.

    `unit` is a Unit, a database id, or a code (then `at` chooses the version valid that day). Walks
    ``admin_unit_successions`` with one query per generation (at most three in the 2025 data), so a
    report can call it per row; for many calls, `load_catalog(...).current_units` avoids the queries.
    `level="province"` lifts the answer to the current provinces.
    """
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            return current_units(conn, unit, at, level=level, on=on)
    conn = bind.connection() if isinstance(bind, Session) else bind
    day = on or today()
    start_id = _start_id(conn, unit, at)
    results: dict[int, bool] = {}
    frontier: dict[int, tuple[bool, tuple[int, ...]]] = {start_id: (True, (start_id,))}
    rows_by_id: dict[int, Any] = {}
    while frontier:
        for row in conn.execute(select(UNITS).where(UNITS.c.id.in_(list(frontier)))):
            rows_by_id[row.id] = row
        edges: dict[int, list[Any]] = {}
        for e in conn.execute(select(SUCCESSIONS).where(SUCCESSIONS.c.predecessor_id.in_(list(frontier)))):
            edges.setdefault(e.predecessor_id, []).append(e)
        nxt: dict[int, tuple[bool, tuple[int, ...]]] = {}
        for uid, (whole, path) in frontier.items():
            row = rows_by_id[uid]
            valid = (row.valid_from is None or row.valid_from <= day) and (row.valid_to is None or day <= row.valid_to)
            if valid or uid not in edges:
                if valid:
                    results[uid] = results.get(uid, False) or whole
                continue
            for e in edges[uid]:
                if e.successor_id in path:
                    raise MappingCycleError([str(i) for i in (*path, e.successor_id)])
                prev = nxt.get(e.successor_id)
                step = (whole and e.whole, (*path, e.successor_id))
                nxt[e.successor_id] = step if prev is None else (prev[0] or step[0], step[1])
        frontier = nxt
    if not results:
        return []
    catalog_rows = list(conn.execute(select(UNITS).where(UNITS.c.id.in_(list(results)))))
    parent_ids = {r.parent_id for r in catalog_rows if r.parent_id} | {r.province_id for r in catalog_rows if r.province_id}
    extra = list(conn.execute(select(UNITS).where(UNITS.c.id.in_(list(parent_ids))))) if parent_ids else []
    key_of = {r.id: r.key for r in [*catalog_rows, *extra]}
    found = [CurrentUnit(_unit_from_row(r, key_of), results[r.id]) for r in catalog_rows]
    if level is not None and level != "commune":
        lifted: dict[int, Any] = {}
        for cu, row in zip(found, catalog_rows, strict=True):
            if row.level == level:
                lifted.setdefault(row.id, row)
            elif level == "province" and row.province_id:
                lifted.setdefault(row.province_id, next(r for r in extra if r.id == row.province_id))
        whole = len(lifted) == 1
        found = [CurrentUnit(_unit_from_row(r, key_of | {r.id: r.key}), whole) for r in lifted.values()]
    return sorted(found, key=lambda c: (c.unit.level, c.unit.code))


def _start_id(conn: Connection, unit: Unit | int | str, at: dt.date | None) -> int:
    if isinstance(unit, Unit):
        if unit.id is not None:
            return unit.id
        found = conn.execute(select(UNITS.c.id).where(UNITS.c.key == unit.key)).scalar_one_or_none()
        if found is None:
            raise UnknownUnitCodeError(unit.code, f" (unit {unit.key} is not in the database)")
        return found
    if isinstance(unit, int):
        if conn.execute(select(UNITS.c.id).where(UNITS.c.id == unit)).scalar_one_or_none() is None:
            raise UnknownUnitCodeError(str(unit), " (no unit has that id)")
        return unit
    rows = list(conn.execute(select(UNITS).where(UNITS.c.code == unit.strip())))
    if at is not None:
        rows = [r for r in rows if (r.valid_from is None or r.valid_from <= at) and (r.valid_to is None or at <= r.valid_to)]
    elif len(rows) > 1:
        rows = [r for r in rows if r.valid_to is None] or rows
    if not rows:
        raise UnknownUnitCodeError(unit, f" on {at.isoformat()}" if at else "")
    if len(rows) > 1:
        listing = "; ".join(f"{r.level} {r.full_name}" for r in rows)
        raise UnknownUnitCodeError(unit, f" as one unit: it names {len(rows)} ({listing}); give a date")
    return rows[0].id
