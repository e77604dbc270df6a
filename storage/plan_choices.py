"""Each unit's first plan of each kind, year and organ, kept by the WRITERS (issue 12: coverage < 1 s at a
year of 15,000 portals): ``plan_choices`` (migration 0020).

Why a summary table: `cchc report coverage` answers "which units have their plan for the year" over the
current documents, and ranking every unit's candidate plans each time it is asked (a window over
~76,000 plan versions at that size, then ~14,000 winners read back from the versions table, whose
columns sit after the main text) was 0.4-0.5 s of the report's 1.2-1.4 s. The answer only changes when
a crawl stores something, so the writers keep it: the end of every crawl run (``Store.finish_run``) and
``cchc db upgrade`` rebuild it, in the database, in one ``INSERT ... SELECT``; reports only read it.

What a row is: for one portal, a kind of plan (``category``), a plan year and an organ as stored
(``organ``, null when the issuer was not read), the first of the current, not removed, CCHC versions
of that group in coverage's order (`issued`, then the first run that saw the document, then its URL in
code-point order, then the document id: `reports.coverage._sort_key`), with how many the group holds
(``documents``), its order key, and the columns a coverage row shows. Coverage combines a unit's organ
groups (the government's plans are the organ "government" and the unread ones) by the same order and
adds their counts.

When it is used (`current`): only for the snapshot "now" (every run), and only when nothing was stored
since the rebuild: the mark holds the newest run with no run open at or before it and the largest
version id at the rebuild (`storage.search_index.watermark`), and a newer or open run, or a newer
version, means the reader ranks the candidates itself
(`reports.coverage_pick`), as before. Writers change documents only inside runs (new versions get
new ids, a removal or an improved re-extraction happens in a run that is then newer or open), so an
untouched database is current. Reviewers' corrections are applied by the reader, not here.

Self-contained on purpose (its own ``MetaData``, like `storage.search_index`): a derived table, never
compared with the models, rebuilt from them.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

#: The "no date" end of coverage's order (`reports.coverage._sort_key`'s ``dt.date.max``).
NO_DATE = "9999-12-31"

metadata = MetaData()
choices = Table(
    "plan_choices", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("portal_id", String(120), nullable=False),
    Column("category", String(120), nullable=False),
    Column("plan_year", Integer, nullable=False),
    Column("organ", String(120)),
    #: current, not removed, CCHC versions in this group
    Column("documents", Integer, nullable=False),
    # the order key of the group's first plan
    Column("issued", String(10), nullable=False),
    Column("first_seen_run_id", Integer, nullable=False),
    Column("url", Text, nullable=False),
    Column("document_id", Integer, nullable=False),
    # what a coverage row shows of it
    Column("version_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text),
    Column("published_at", String(40)),
    Column("doc_number", String(120)),
    Column("doc_type", String(40)),
    Column("doc_date", Date),
    Column("issuer", String(300)),
    Column("plan_period", String(9)),
)
#: One row: how far the crawled data reached when the table was rebuilt.
marks = Table(
    "plan_choice_marks", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", Integer, nullable=False),
    Column("version_id", Integer, nullable=False),
)


def issued(dialect: str, doc_date: ColumnElement[dt.date], published_at: ColumnElement[str]) -> ColumnElement[str]:
    """The issue date, else the publication date, else `NO_DATE`, as ``YYYY-MM-DD`` text (which orders
    like the dates). "The publication date" is the date part of ``published_at`` when it is a real
    ``YYYY-MM-DD`` date, checked as Python's ``date.fromisoformat`` does for that shape (year
    0001-9999, the month's length)."""
    day = func.substr(published_at, 1, 10)
    if dialect == "postgresql":
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


def url_order(dialect: str, url: Any) -> ColumnElement[str]:
    """A URL compared in code-point order (PostgreSQL's default collation may be a language's)."""
    return url.collate("C") if dialect == "postgresql" else url


def refresh(engine: Engine | Connection) -> int:
    """Rebuild the table from the current documents, in one transaction; how many rows it holds."""
    if isinstance(engine, Connection):
        return _refresh(engine)
    with engine.begin() as conn:
        return _refresh(conn)


def _refresh(conn: Connection) -> int:
    from storage.models import Document, DocumentVersion
    from storage.search_index import watermark

    dialect = conn.dialect.name
    # taken first, as the search index's: the newest run with no run open at or before it (an open run
    # may store more after this), the largest version id (what is written meanwhile is newer)
    mark = watermark(conn)
    v = DocumentVersion.__table__.alias("v")
    key = issued(dialect, v.c.doc_date, v.c.published_at)
    group = (Document.portal_id, v.c.category, v.c.plan_year, v.c.organ)
    order = (key, Document.first_seen_run_id, url_order(dialect, Document.url), Document.id)
    # ranked on the ids and the order key alone; the shown columns are read for each group's first only
    ranked = (select(Document.id.label("document_id"), v.c.id.label("version_id"), key.label("issued"),
                     func.row_number().over(partition_by=group, order_by=order).label("rank"),
                     func.count().over(partition_by=group).label("documents"))
              .join(v, and_(v.c.document_id == Document.id, v.c.version == Document.version))
              .where(Document.removed_run_id.is_(None), v.c.is_cchc.is_(True), v.c.plan_year.is_not(None),
                     v.c.category.is_not(None))
              .subquery("ranked"))
    w = DocumentVersion.__table__.alias("w")
    rows = (select(Document.portal_id, w.c.category, w.c.plan_year, w.c.organ, ranked.c.documents, ranked.c.issued,
                   Document.first_seen_run_id, Document.url, Document.id, w.c.id, w.c.version, w.c.content_hash,
                   w.c.title, w.c.published_at, w.c.doc_number, w.c.doc_type, w.c.doc_date, w.c.issuer, w.c.plan_period)
            .select_from(ranked)
            .join(Document, Document.id == ranked.c.document_id)
            .join(w, w.c.id == ranked.c.version_id)
            .where(ranked.c.rank == 1))
    conn.execute(delete(choices))
    conn.execute(insert(choices).from_select(
        ["portal_id", "category", "plan_year", "organ", "documents", "issued", "first_seen_run_id", "url",
         "document_id", "version_id", "version", "content_hash", "title", "published_at", "doc_number", "doc_type",
         "doc_date", "issuer", "plan_period"], rows))
    conn.execute(delete(marks))
    conn.execute(insert(marks).values(id=1, run_id=mark["run_id"], version_id=mark["version_id"]))
    if dialect == "postgresql":
        # statistics of the new rows at once: the planner otherwise knew none until autovacuum came by, and
        # filtered a diff's few portals out of a whole year's rows instead of reading them by key (18 ms ->
        # 0.05). Not on SQLite: statistics of this one table beside none of the others' would change how
        # it plans every other query, and it reads this table by its index either way.
        conn.exec_driver_sql("ANALYZE plan_choices")
    return int(conn.execute(select(func.count()).select_from(choices)).scalar_one())


def current(conn: Connection) -> bool:
    """Whether the table answers for "now": rebuilt since the last thing a writer stored (module doc)."""
    from storage.models import CrawlRun, DocumentVersion

    mark = conn.execute(select(marks.c.run_id, marks.c.version_id)).first()
    if mark is None:
        return False
    runs = CrawlRun.__table__
    later, newest_version = conn.execute(select(
        select(func.count()).select_from(runs).where(or_(runs.c.id > mark.run_id, runs.c.status == "running"))
        .scalar_subquery(),
        select(func.coalesce(func.max(DocumentVersion.id), 0)).scalar_subquery())).one()
    return later == 0 and newest_version == mark.version_id
