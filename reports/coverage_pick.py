"""Coverage's per-unit choice made by the database: each unit's earliest plan for the year, and how many.

Why: choosing in Python built one record per candidate document and sorted them per unit, work that
grows with the documents a year of portal-days accumulates. The database ranks the candidates with
ROW_NUMBER() partitioned by portal and returns one row per unit with the count (COUNT() over the same
partition), on SQLite and PostgreSQL alike.

The order is `reports.coverage._sort_key`'s: the issue date, else the publication date (the date part of
``published_at`` when it is a real ``YYYY-MM-DD`` date), else "never" (9999-12-31); then the first run
that saw it; then the URL in code-point order (``COLLATE "C"`` on PostgreSQL, SQLite's binary default);
then the document id, which is the order Python's stable sort kept among full ties. Dates are compared as
``YYYY-MM-DD`` text, which orders like the dates. "A real date" is checked in SQL as Python's
``date.fromisoformat`` does for that shape (year 0001-9999, the month's length); the extractor writes no
other shape (ISO week dates such as ``2026-W09-1``, which Python would read, count as no date here).

Documents a reviewer corrected (by URL) and offline plans are left to Python (`reports.coverage`): a
correction may move a document to another unit, year or category, and there are few of them.

For the snapshot "now" the ranking is not even made here: the writers keep each portal's first plan per
kind, year and organ (`storage.plan_choices`, rebuilt at the end of every run), and `best_plans` reads
it while it is current, combining a unit's organ groups in the same order (issue 12: the ranking was a
third of coverage's time at a year of 15,000 portals).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import Engine, Select, and_, func, literal, not_, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from reports.base import ReportError, doc_state, document_columns, documents_select, is_whole, run_among
from reports.docstate import DocState
from storage import plan_choices
from storage.models import Document, DocumentVersion


def _issued(engine: Engine, doc_date: ColumnElement[dt.date], published_at: ColumnElement[str]) -> ColumnElement[str]:
    """`storage.plan_choices.issued`: the issue date, else the publication date, else "no date", as
    ``YYYY-MM-DD`` text (the order key the writers rank `plan_choices` by: one definition)."""
    return plan_choices.issued(engine.dialect.name, doc_date, published_at)


def _organ(column: ColumnElement[str], wanted: str) -> ColumnElement[bool]:
    """`reports.base.organ_matches` as a condition."""
    if wanted == "any":
        return literal(True)
    if wanted == "government":
        return or_(column == "government", column.is_(None))
    return column == wanted


def best_plans(engine: Engine, runs_observed: dict[int, dt.date], known: set[int], *, kind: str, year: int,
               organ: str, candidates: Select[Any], corrected: Collection[str],
               summary: bool = False, portals: Collection[str] | None = None) -> dict[str, tuple[DocState, int]]:
    """Portal -> (its first plan of `kind` for `year` known at the snapshot `known`, how many it has).

    Only documents among `candidates` (document ids), not removed at the snapshot, CCHC, of the organ
    asked, whose URL no reviewer corrected (`corrected`: `reports.coverage` handles those).

    With `summary` (`candidates` are all the plans of `kind` for `year`, of the `portals` when given),
    the choice the writers keep (`storage.plan_choices`) answers when it is current and the snapshot is
    "now" (every run); a portal holding a corrected document is ranked here, as before."""
    try:
        with engine.connect() as conn:
            if summary and is_whole(conn, known) and plan_choices.current(conn):
                live = _portals_of(conn, corrected)
                if portals is not None:
                    live &= set(portals)
                out = _from_summary(conn, runs_observed, kind=kind, year=year, organ=organ, skip=live, only=portals)
                if live:
                    doc = select(Document.id).where(Document.portal_id.in_(sorted(live)))
                    out.update(_ranked(conn, runs_observed, known, kind=kind, year=year, organ=organ,
                                       candidates=candidates.where(DocumentVersion.document_id.in_(doc)),
                                       corrected=corrected))
                return out
            return _ranked(conn, runs_observed, known, kind=kind, year=year, organ=organ, candidates=candidates,
                           corrected=corrected)
    except DBAPIError as exc:
        raise ReportError(f"cannot read the database: {str(exc.orig).strip().splitlines()[0]}") from None


def _portals_of(conn: Any, urls: Collection[str]) -> set[str]:
    """The portals holding a document at one of `urls` (the corrected ones: few)."""
    if not urls:
        return set()
    return {p for (p,) in conn.execute(select(Document.portal_id).where(Document.url.in_(sorted(urls))).distinct())}


def _from_summary(conn: Any, runs_observed: dict[int, dt.date], *, kind: str, year: int, organ: str,
                  skip: Collection[str], only: Collection[str] | None = None) -> dict[str, tuple[DocState, int]]:
    """`best_plans` from the writers' choice per portal, kind, year and organ (`storage.plan_choices`):
    a portal's groups of the organ asked combined in the same order, their counts added.

    The groups are combined here, in one pass over the rows as they come (a unit has one to three):
    the order key compares in Python as in the database (dates as ``YYYY-MM-DD`` text, the URL in code
    points, which is UTF-8's byte order), and a window over the table cost more than the pass."""
    pc = plan_choices.choices
    where = [pc.c.category == kind, pc.c.plan_year == year, _organ(pc.c.organ, organ)]
    if skip:
        where.append(pc.c.portal_id.not_in(sorted(skip)))
    if only is not None:
        where.append(pc.c.portal_id.in_(sorted(only)))
    columns = (pc.c.portal_id, pc.c.documents, pc.c.issued, pc.c.first_seen_run_id, pc.c.url, pc.c.document_id,
               pc.c.version, pc.c.content_hash, pc.c.title, pc.c.published_at, pc.c.category, pc.c.doc_number,
               pc.c.doc_type, pc.c.doc_date, pc.c.issuer, pc.c.organ, pc.c.plan_year, pc.c.version_id, pc.c.plan_period)
    best: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for row in conn.execute(select(*columns).where(*where)).all():  # one fetch: psycopg row by row cost more
        portal = row[0]
        counts[portal] = counts.get(portal, 0) + row[1]
        held = best.get(portal)
        if held is None or row[2:6] < held[2:6]:
            best[portal] = row
    out: dict[str, tuple[DocState, int]] = {}
    for portal, row in best.items():
        (_p, _n, _issued_on, first_run, url, doc_id, version, content_hash, title, published_at, category, doc_number,
         doc_type, doc_date, issuer, organ_, plan_year, version_id, plan_period) = row
        out[portal] = (DocState(
            document_id=doc_id, portal_id=portal, url=url, version=version, content_hash=content_hash,
            first_seen_run=first_run, first_seen_on=runs_observed[first_run], removed_run=None, removed_on=None,
            title=title, published_at=published_at, is_cchc=True, category=category, doc_number=doc_number,
            doc_type=doc_type, doc_date=doc_date, issuer=issuer, organ=organ_, plan_year=plan_year,
            version_id=version_id, plan_period=plan_period), counts[portal])
    return out


def _ranked(conn: Any, runs_observed: dict[int, dt.date], known: set[int], *, kind: str, year: int,
            organ: str, candidates: Select[Any], corrected: Collection[str]) -> dict[str, tuple[DocState, int]]:
    """`best_plans` ranked by the database from the documents themselves, at any snapshot."""
    engine = conn.engine
    stmt, ver = documents_select(engine, known)
    removed_known = and_(Document.removed_run_id.is_not(None), run_among(Document.removed_run_id, known))
    stmt = stmt.where(Document.id.in_(candidates), not_(removed_known), ver.c.is_cchc.is_(True),
                      ver.c.category == kind, ver.c.plan_year == year, _organ(ver.c.organ, organ))
    if corrected:
        stmt = stmt.where(Document.url.not_in(sorted(corrected)))
    url = plan_choices.url_order(engine.dialect.name, Document.url)
    order = (_issued(engine, ver.c.doc_date, ver.c.published_at), Document.first_seen_run_id, url, Document.id)
    # ranked on the ids alone, the full rows read only for the first of each unit: the two window sorts
    # carried every column (titles, issuers…) of every candidate and took two thirds of the time
    ranked = stmt.order_by(None).with_only_columns(
        Document.id.label("doc_id"), ver.c.id.label("version_id"),
        func.row_number().over(partition_by=Document.portal_id, order_by=order).label("rank"),
        func.count().over(partition_by=Document.portal_id).label("documents"),
    ).subquery("ranked")
    best = DocumentVersion.__table__.alias("best")
    outer = (select(*document_columns(best), ranked.c.documents)
             .select_from(ranked)
             .join(Document, Document.id == ranked.c.doc_id)
             .join(best, best.c.id == ranked.c.version_id)
             .where(ranked.c.rank == 1))
    out: dict[str, tuple[DocState, int]] = {}
    for row in conn.execute(outer):
        d = doc_state(row, known, runs_observed)
        out[d.portal_id] = (d, row.documents)
    return out
