"""Writes the drift canary's figures (`storage.health_models.PortalYield`) when a run closes.

One ``INSERT … SELECT`` per run: fetches, document sightings (joined to the version each sighting
saw), widget readings and health rows are aggregated per portal by the database, so the cost grows
with the run, never with the history. Called by `Store.finish_run` inside its write transaction;
re-closing a run (a resumed one) replaces its rows.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, delete, func, literal, or_, select

from storage.fetchlog import unchanged_answers
from storage.health_models import PortalYield
from storage.models import (
    Document,
    DocumentVersion,
    Fetch,
    Portal,
    PortalHealth,
    WidgetReading,
)
from storage.sightings import SightingInterval, in_run

#: A page "has a main text" when its extracted text holds at least this many characters (a template
#: that hides the body leaves a menu or a footer line, far shorter than any article).
MAIN_TEXT_CHARS = 200


def _yes(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """SUM of 1 per row where `condition` holds, 0 (not NULL) over no rows."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def record_yields(conn: Connection, run_id: int) -> int:
    """Store what each portal's pages yielded in run `run_id`; return the number of portal rows."""
    conn.execute(delete(PortalYield).where(PortalYield.run_id == run_id))
    # "Pages fetched" is what the run accounted for: its fetch rows, plus the documents it saw without
    # storing a fetch row (confirmed unchanged by a 304 or the same hash, or still linked: issue 12's
    # incremental crawl stores what changed and counts the rest), so an incremental day is not a "fall".
    f2 = Fetch.__table__.alias("f2")
    unfetched_seen = (
        select(Document.portal_id.label("portal_id"), literal(1).label("one"))
        .select_from(SightingInterval)
        .join(Document, Document.id == SightingInterval.document_id)
        .where(in_run(run_id),
               ~select(f2.c.id).where(f2.c.run_id == run_id, f2.c.url == Document.url).exists())
    )
    fetch_rows = select(Fetch.portal_id.label("portal_id"), literal(1).label("one")).where(Fetch.run_id == run_id)
    unchanged = unchanged_answers(run_id).subquery("u")  # discovery pages answered as before (storage/fetchlog.py)
    counted = select(unchanged.c.portal_id, literal(1).label("one"))
    accounted = fetch_rows.union_all(unfetched_seen, counted).subquery("a")
    fetched = (select(accounted.c.portal_id, func.count().label("n"))
               .group_by(accounted.c.portal_id).subquery("f"))
    v = DocumentVersion
    extracted = (
        select(
            Document.portal_id.label("portal_id"),
            func.count().label("n"),
            _yes(and_(v.title.is_not(None), v.title != "")).label("with_title"),
            _yes(and_(v.published_at.is_not(None), v.published_at != "")).label("with_date"),
            # the length stored with the version (every writer fills it, migration 0016 filled the
            # older rows): reading length(text) here read every live text each run (issue 12)
            _yes(func.coalesce(v.text_chars, 0) >= MAIN_TEXT_CHARS).label("with_text"),
            _yes(v.is_cchc.is_(True)).label("cchc"),
            _yes(and_(v.is_cchc.is_(True), v.doc_number.is_not(None), v.doc_number != "")).label("numbered"),
        )
        .select_from(SightingInterval)
        .join(Document, Document.id == SightingInterval.document_id)
        .join(v, and_(v.document_id == Document.id, v.version == SightingInterval.version))
        .where(in_run(run_id))
        .group_by(Document.portal_id)
        .subquery("s")
    )
    w = WidgetReading
    widgets = (select(w.portal_id.label("portal_id"), func.count().label("n"))
               .where(w.run_id == run_id,
                      or_(w.total.is_not(None), w.processed_pct.is_not(None), w.on_time_rate.is_not(None),
                          w.late.is_not(None)))
               .group_by(w.portal_id).subquery("w"))
    h = PortalHealth
    rows = (
        select(
            literal(run_id), Portal.id, h.reachable,
            func.coalesce(fetched.c.n, 0), func.coalesce(extracted.c.n, 0),
            func.coalesce(extracted.c.with_title, 0), func.coalesce(extracted.c.with_date, 0),
            func.coalesce(extracted.c.with_text, 0), func.coalesce(extracted.c.cchc, 0),
            func.coalesce(extracted.c.numbered, 0), func.coalesce(widgets.c.n, 0),
        )
        .select_from(Portal)
        .outerjoin(fetched, fetched.c.portal_id == Portal.id)
        .outerjoin(extracted, extracted.c.portal_id == Portal.id)
        .outerjoin(widgets, widgets.c.portal_id == Portal.id)
        .outerjoin(h, and_(h.portal_id == Portal.id, h.run_id == run_id))
        .where(or_(fetched.c.n.is_not(None), extracted.c.n.is_not(None), widgets.c.n.is_not(None),
                   h.id.is_not(None)))
    )
    t = PortalYield
    result = conn.execute(t.__table__.insert().from_select(
        ["run_id", "portal_id", "reachable", "pages_fetched", "pages_extracted", "with_title", "with_date",
         "with_text", "cchc_pages", "cchc_with_number", "widget_readings"], rows))
    return int(result.rowcount or 0)
