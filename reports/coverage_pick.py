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
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import Engine, Integer, Select, String, and_, case, cast, func, literal, not_, or_, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ColumnElement

from reports.base import ReportError, doc_state, document_columns, documents_select, run_among
from reports.docstate import DocState
from storage.models import Document, DocumentVersion

#: The "no date" end of the order, as `_sort_key`'s ``dt.date.max``.
NO_DATE = "9999-12-31"


def _issued(engine: Engine, doc_date: ColumnElement[dt.date], published_at: ColumnElement[str]) -> ColumnElement[str]:
    """The issue date, else the publication date, else `NO_DATE`, as ``YYYY-MM-DD`` text."""
    day = func.substr(published_at, 1, 10)
    if engine.dialect.name == "postgresql":
        issued_text: ColumnElement[str] = func.to_char(doc_date, "YYYY-MM-DD")
        y, m, d = (cast(func.substr(day, start, n), Integer) for start, n in ((1, 4), (6, 2), (9, 2)))
        month_end = func.extract("day", func.make_date(y, m, 1) + text("interval '1 month'") - text("interval '1 day'"))
        # nested CASEs, not AND: make_date must only see a shape-checked year and month (it raises otherwise)
        published = case((day.op("~")("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                          case((and_(y >= 1, m.between(1, 12)), case((d.between(1, month_end), day))))))
    else:
        issued_text = cast(doc_date, String)
        # date() with a modifier recomputes the day (02-30 -> 03-02), so equality also checks the calendar
        published = case((and_(day.op("GLOB")("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"),
                               func.substr(day, 1, 4) != "0000", func.date(day, "+0 days") == day), day))
    return func.coalesce(issued_text, published, literal(NO_DATE))


def _organ(column: ColumnElement[str], wanted: str) -> ColumnElement[bool]:
    """`reports.base.organ_matches` as a condition."""
    if wanted == "any":
        return literal(True)
    if wanted == "government":
        return or_(column == "government", column.is_(None))
    return column == wanted


def best_plans(engine: Engine, runs_observed: dict[int, dt.date], known: set[int], *, kind: str, year: int,
               organ: str, candidates: Select[Any], corrected: Collection[str]) -> dict[str, tuple[DocState, int]]:
    """Portal -> (its first plan of `kind` for `year` known at the snapshot `known`, how many it has).

    Only documents among `candidates` (document ids), not removed at the snapshot, CCHC, of the organ
    asked, whose URL no reviewer corrected (`corrected`: `reports.coverage` handles those)."""
    stmt, ver = documents_select(engine, known)
    removed_known = and_(Document.removed_run_id.is_not(None), run_among(Document.removed_run_id, known))
    stmt = stmt.where(Document.id.in_(candidates), not_(removed_known), ver.c.is_cchc.is_(True),
                      ver.c.category == kind, ver.c.plan_year == year, _organ(ver.c.organ, organ))
    if corrected:
        stmt = stmt.where(Document.url.not_in(sorted(corrected)))
    url = Document.url.collate("C") if engine.dialect.name == "postgresql" else Document.url
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
    try:
        with engine.connect() as conn:
            for row in conn.execute(outer):
                d = doc_state(row, known, runs_observed)
                out[d.portal_id] = (d, row.documents)
    except DBAPIError as exc:
        raise ReportError(f"cannot read the database: {str(exc.orig).strip().splitlines()[0]}") from None
    return out
