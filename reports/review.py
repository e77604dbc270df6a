"""`cchc review`: a person's corrections, stored apart from crawled data and applied by every report.

Actions (table ``review_corrections``, migration 0003):
- ``not_cchc``: the document is not about administrative reform (reports drop it);
- ``category``: it is a different category (``propaganda_plan``, ``plan``, ``report``, ``other``);
- ``link``: it belongs to another unit (a registry portal id), e.g. a commune's plan posted by its district;
- ``offline``: a plan found offline (paper, e-mail), with its evidence; it counts in coverage.

Corrections are keyed by the document's URL (and portal), not by database ids, so they survive
re-crawls, new versions and even a rebuilt database. Withdrawing one sets ``active`` false (kept for
the record). Every report row a correction changed lists the correction ids in ``corrections``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
    update,
)

from reports.base import DocState, ReportError

CATEGORIES = ("propaganda_plan", "plan", "report", "other")
ACTIONS = ("not_cchc", "category", "link", "offline")

#: Core table (own MetaData): kept out of `storage.models.Base` so storage's schema checks and exports
#: stay exactly what the crawler owns; the migration (0003) is the source of truth for its shape.
metadata = MetaData()
corrections = Table(
    "review_corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("reviewer", String(120)),
    Column("action", String(20), nullable=False),
    Column("document_url", Text),
    Column("portal_id", String(120)),
    Column("category", String(40)),
    Column("unit_portal_id", String(120)),
    Column("plan_year", Integer),
    Column("organ", String(40)),
    Column("doc_number", String(120)),
    Column("doc_date", Date),
    Column("published_on", Date),
    Column("title", Text),
    Column("evidence", Text),
    Column("note", Text),
    Column("active", Boolean, nullable=False, default=True),
)


def table_exists(engine: Engine) -> bool:
    return inspect(engine).has_table("review_corrections")


def active_corrections(engine: Engine) -> list[dict[str, Any]]:
    """Active corrections, oldest first (a later one for the same document wins)."""
    if not table_exists(engine):
        return []
    with engine.connect() as conn:
        rows = conn.execute(select(corrections).where(corrections.c.active.is_(True)).order_by(corrections.c.id))
        return [dict(r._mapping) for r in rows]


def apply_corrections(engine: Engine, docs: list[DocState]) -> list[DocState]:
    """Documents with the active corrections applied, plus offline plans as documents of their own.

    Offline plans get a negative document id (they are not crawled documents) and run 0 as "first seen"
    is meaningless for them: `first_seen_run` stays None-like (0) and the row's ``corrections`` says why.
    """
    found = active_corrections(engine)
    if not found:
        return docs
    by_url: dict[str, list[DocState]] = {}
    for d in docs:
        by_url.setdefault(d.url, []).append(d)
    out = list(docs)
    for c in found:
        if c["action"] == "offline":
            published = c["published_on"] or c["doc_date"]
            out.append(DocState(
                document_id=-c["id"], portal_id=c["unit_portal_id"], url=c["evidence"] or "", version=1,
                content_hash="", first_seen_run=0, first_seen_on=c["created_at"].date(), removed_run=None,
                removed_on=None, title=c["title"], published_at=published.isoformat() if published else None,
                is_cchc=True, category=c["category"], doc_number=c["doc_number"], doc_type="Kế hoạch",
                doc_date=c["doc_date"], issuer=None, organ=c["organ"] or "government", plan_year=c["plan_year"],
                version_id=0, corrections=[c["id"]],
            ))
            continue
        for d in by_url.get(c["document_url"] or "", []):
            if c["portal_id"] and c["portal_id"] != d.portal_id:
                continue
            if c["action"] == "not_cchc":
                d.is_cchc, d.category = False, "other"
            elif c["action"] == "category":
                d.is_cchc, d.category = True, c["category"]
                if c["plan_year"] is not None:
                    d.plan_year = c["plan_year"]
            elif c["action"] == "link":
                d.linked_portal = c["unit_portal_id"]
            d.corrections.append(c["id"])
    return out


def _known_portals(engine: Engine) -> set[str]:
    from storage.models import Portal

    with engine.connect() as conn:
        return set(conn.execute(select(Portal.id)).scalars())


def _unit_portal(engine: Engine, unit: str | None) -> str:
    """The portal id of `unit` as a person names it: a registry portal id, or the unit's name typed
    any way (without diacritics, in any case: "ubnd xa ngoc lien"); unknown or ambiguous is an error."""
    if unit and unit in _known_portals(engine):
        return unit
    if not unit:
        raise ReportError("give the unit: a registry portal id or the unit's name (see `cchc export portals`)")
    from reports.base import load_units
    from reports.trend import find_unit

    return find_unit(load_units(engine), unit).portal_id


def _require_table(engine: Engine) -> None:
    if not table_exists(engine):
        raise ReportError("this database has no review table yet: run `cchc db upgrade` first")


def _document_portal(engine: Engine, url: str) -> str:
    from storage.models import Document

    with engine.connect() as conn:
        portals = sorted(set(conn.execute(select(Document.portal_id).where(Document.url == url)).scalars()))
    if not portals:
        raise ReportError(f"no stored document has the URL {url!r} (give the URL exactly as `cchc export documents` lists it)")
    return portals[0]


def add_correction(engine: Engine, action: str, *, document_url: str | None = None, category: str | None = None,
                   unit: str | None = None, plan_year: int | None = None, organ: str | None = None,
                   doc_number: str | None = None, doc_date: dt.date | None = None,
                   published_on: dt.date | None = None, title: str | None = None, evidence: str | None = None,
                   note: str | None = None, reviewer: str | None = None) -> int:
    """Validate and store one correction; returns its id."""
    _require_table(engine)
    if action not in ACTIONS:
        raise ReportError(f"unknown review action {action!r}: choose one of {', '.join(ACTIONS)}")
    portal_id = None
    if action in ("not_cchc", "category", "link"):
        if not document_url:
            raise ReportError("give the document's URL")
        portal_id = _document_portal(engine, document_url)
    if action == "category" and category not in CATEGORIES:
        raise ReportError(f"unknown category {category!r}: choose one of {', '.join(CATEGORIES)}")
    if action in ("link", "offline"):
        unit = _unit_portal(engine, unit)
    if action == "offline":
        if category not in ("propaganda_plan", "plan"):
            raise ReportError("an offline plan needs --kind propaganda_plan or plan")
        if plan_year is None:
            raise ReportError("an offline plan needs --year")
        if not evidence:
            raise ReportError("an offline plan needs --evidence (where it was seen: a file, a letter, a URL)")
        if doc_date is None and published_on is None:
            raise ReportError("an offline plan needs --doc-date or --published")
    with engine.begin() as conn:
        result = conn.execute(insert(corrections).values(
            created_at=dt.datetime.now(dt.UTC), reviewer=reviewer, action=action,
            document_url=document_url, portal_id=portal_id, category=category, unit_portal_id=unit,
            plan_year=plan_year, organ=organ, doc_number=doc_number, doc_date=doc_date, published_on=published_on,
            title=title, evidence=evidence, note=note, active=True,
        ))
        key = result.inserted_primary_key
        if key is None:
            raise ReportError("the database did not return the new correction's id")
        return int(key[0])


def withdraw(engine: Engine, correction_id: int) -> None:
    """Mark a correction inactive (kept for the record)."""
    _require_table(engine)
    with engine.begin() as conn:
        if conn.execute(update(corrections).where(corrections.c.id == correction_id)
                        .values(active=False)).rowcount == 0:
            raise ReportError(f"there is no correction {correction_id}")


def list_corrections(engine: Engine, include_inactive: bool = False) -> list[dict[str, Any]]:
    _require_table(engine)
    stmt = select(corrections).order_by(corrections.c.id)
    if not include_inactive:
        stmt = stmt.where(corrections.c.active.is_(True))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


REVIEW_KEYS: Sequence[str] = ("id", "created_at", "reviewer", "action", "document_url", "portal_id", "category",
                              "unit_portal_id", "plan_year", "organ", "doc_number", "doc_date", "published_on",
                              "title", "evidence", "note", "active")

