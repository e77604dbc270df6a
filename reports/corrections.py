"""Reviewers' corrections as every report applies them: the ``review_corrections`` table (migration
0003) and `apply_corrections`, which amends the documents a report reads. Writing corrections is
`cchc review` (`reports.review`); this module only reads, so `reports.base` can apply them without
importing the review commands (which need `reports.base` themselves).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Engine, Integer, MetaData, String, Table, Text, inspect, select

from reports.docstate import DocState

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


def corrected_urls(engine: Engine) -> set[str]:
    """URLs of the documents an active correction names (a report that pre-filters documents in SQL
    must still read these: the correction may change their category, year or unit)."""
    return {c["document_url"] for c in active_corrections(engine) if c["document_url"]}


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
