"""The full-text search index (``search_entries``, migration 0003), kept up to date by the WRITERS.

Why it lives in storage and is refreshed here: the read-only commands (``cchc report search``,
``cchc serve``) open the database read-only and must never write, so the index is brought up to date
by whoever writes crawled data: the end of every crawl run (``Store.finish_run``) and ``cchc db
upgrade`` (``storage.upgrade_database``). Readers only check whether it is complete (`pending`) and
say so when it is not.

What is indexed: one entry per CURRENT document version (its title and text) and one per attachment
of a current version that has text (its file name and text). The stored copy is the text folded by
`core.vntext.fold` (lower case, no tone or vowel marks, đ -> d) and reduced to its words: runs of
``[0-9a-z]`` joined by single spaces. Reducing to words is what makes both backends see the SAME
tokens: PostgreSQL's default parser would otherwise keep "25/kh-ubnd" or "04/03/2026" as one
file-path token while SQLite's FTS5 splits them, so "25 kh ubnd" would find a plan on one backend
only. Adjacent words stay adjacent, so phrases ("25/KH-UBND" as 25 kh ubnd) still match as phrases.

Incremental, and done in the database: an entry carries a fingerprint of what it was built from
(``text_hash``: `FORMAT` + the version's ``record_hash``, the hash of its whole extraction output, or
the attachment's ``text_hash``). Entries without an up-to-date source are deleted and sources without
an up-to-date entry are inserted, both found by anti-joins on indexed keys; only the texts to
(re)index are read into Python (folding is Python: `core.vntext` is the one place text is normalised),
in keyset-paged batches. A new `FORMAT` therefore rebuilds every entry once.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    exists,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.elements import ColumnElement

from core.vntext import fold, nfc

#: Prefix of every entry's fingerprint: bump it when the way entries are built changes.
FORMAT = "t2"
BATCH = 500

metadata = MetaData()
entries = Table(
    "search_entries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(20), nullable=False),
    Column("source_id", Integer, nullable=False),
    Column("document_id", Integer, nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("portal_id", String(120), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("title", Text),
    Column("body", Text),
)

#: The watermark of the last refresh (migration 0014): one row saying how far the index reached, so a
#: reader can tell "up to date" with a few keyed lookups (`lag`) instead of anti-joins over every
#: version and entry (`state`), which took seconds at a year of 15,000 portals.
marks = Table(
    "search_index_marks", metadata,
    Column("id", Integer, primary_key=True),
    #: every run up to this id was closed when the index was refreshed (a later or still running one may
    #: have stored texts the index does not hold yet)
    Column("run_id", Integer, nullable=False),
    #: the largest version and attachment ids that existed then (new rows get larger ids)
    Column("version_id", Integer, nullable=False),
    Column("attachment_id", Integer, nullable=False),
)

_WORD = re.compile(r"[0-9a-z]+")


def words(text: str | None) -> list[str]:
    """The folded words of `text`, as both full-text indexes split the stored copy."""
    return _WORD.findall(fold(nfc(text or "")))


def index_text(text: str | None) -> str:
    """The stored copy of `text`: its folded words joined by single spaces."""
    return " ".join(words(text))


def has_index(engine: Engine | Connection) -> bool:
    """Whether the database has the index table (migration 0003)."""
    return inspect(engine).has_table("search_entries")


def _fingerprint(value: Any) -> ColumnElement[str]:
    """`FORMAT` + the source's own hash, cut to fit ``text_hash`` (String(64))."""
    return literal(FORMAT, String) + func.substr(func.coalesce(value, ""), 1, 64 - len(FORMAT))


def _sources() -> dict[str, Any]:
    """For each entry source: the select of its current rows (id, document, version, portal, fingerprint,
    title, body), keyed so anti-joins and keyset paging can use the primary key."""
    from storage.models import Attachment, Document, DocumentVersion

    current = and_(Document.id == DocumentVersion.document_id, Document.version == DocumentVersion.version)
    version_fp = _fingerprint(func.coalesce(DocumentVersion.record_hash, DocumentVersion.content_hash))
    versions = (select(DocumentVersion.id.label("source_id"), DocumentVersion.document_id, DocumentVersion.id.label("version_id"),
                       Document.portal_id, version_fp.label("fp"), DocumentVersion.title.label("title"),
                       DocumentVersion.text.label("body"))
                .join(Document, current))
    attachment_fp = _fingerprint(Attachment.text_hash)
    attachments = (select(Attachment.id.label("source_id"), DocumentVersion.document_id, Attachment.version_id,
                          Document.portal_id, attachment_fp.label("fp"), Attachment.name.label("title"),
                          Attachment.text.label("body"))
                   .join(DocumentVersion, DocumentVersion.id == Attachment.version_id)
                   .join(Document, current)
                   .where(Attachment.text.is_not(None)))
    return {"version": (versions, DocumentVersion.id, version_fp),
            "attachment": (attachments, Attachment.id, attachment_fp)}


def _up_to_date_entry(source: str, key: Any, fp: ColumnElement[str]) -> Any:
    """EXISTS an entry of `source` for row `key` built from the same fingerprint."""
    return exists().where(entries.c.source == source, entries.c.source_id == key, entries.c.text_hash == fp)


def _outdated_entries() -> Any:
    """Entries with no current source of the same fingerprint (deleted, replaced or rebuilt sources)."""
    conditions = []
    for source, (query, key, fp) in _sources().items():
        alive = query.with_only_columns(literal(1)).where(key == entries.c.source_id, fp == entries.c.text_hash)
        conditions.append(and_(entries.c.source == source, ~alive.exists()))
    conditions.append(entries.c.source.not_in(list(_sources())))
    return or_(*conditions)


def _missing(conn: Connection, source: str) -> Iterator[Sequence[Row[Any]]]:
    """Batches of current rows of `source` without an up-to-date entry (keyset-paged on the key)."""
    query, key, fp = _sources()[source]
    last = 0
    while True:
        batch = conn.execute(query.where(~_up_to_date_entry(source, key, fp), key > last)
                             .order_by(key).limit(BATCH)).all()
        if not batch:
            return
        yield batch
        last = batch[-1].source_id


def refresh(engine: Engine | Connection) -> dict[str, int]:
    """Bring the index in line with the current versions and their attachments, in one transaction.

    Returns how many entries were added and removed (an entry rebuilt counts once in each).
    """
    if isinstance(engine, Connection):
        return _refresh(engine)
    with engine.begin() as conn:
        return _refresh(conn)


def _refresh(conn: Connection) -> dict[str, int]:
    mark = watermark(conn)  # taken before the refresh: what is written meanwhile is newer than the mark
    removed = conn.execute(delete(entries).where(_outdated_entries())).rowcount or 0
    added = 0
    for source in _sources():
        for batch in _missing(conn, source):
            conn.execute(insert(entries), [{
                "source": source, "source_id": r.source_id, "document_id": r.document_id, "version_id": r.version_id,
                "portal_id": r.portal_id, "text_hash": r.fp, "title": index_text(r.title), "body": index_text(r.body),
            } for r in batch])
            added += len(batch)
    if inspect(conn).has_table("search_index_marks"):
        conn.execute(delete(marks))
        conn.execute(insert(marks).values(id=1, **mark))
    return {"added": added, "removed": removed}


def watermark(conn: Connection) -> dict[str, int]:
    """How far the crawled data reaches now: the newest run with no run still open at or before it, and
    the largest version and attachment ids (each a lookup on a primary or indexed key)."""
    from storage.models import Attachment, CrawlRun, DocumentVersion

    runs = CrawlRun.__table__
    first_open = conn.execute(select(func.min(runs.c.id)).where(runs.c.status == "running")).scalar()
    newest = conn.execute(select(func.max(runs.c.id))).scalar() or 0
    return {"run_id": newest if first_open is None else first_open - 1,
            "version_id": conn.execute(select(func.max(DocumentVersion.id))).scalar() or 0,
            "attachment_id": conn.execute(select(func.max(Attachment.id))).scalar() or 0}


@dataclass(frozen=True)
class IndexLag:
    """What the crawled data holds beyond the last refresh's watermark (`marks`): runs not indexed
    (newer than the mark, or open when it was taken), versions and attachments stored since (counted
    by id: every new row, current or not). Zero everywhere: the index is current."""

    runs: int
    versions: int
    attachments: int

    @property
    def current(self) -> bool:
        return not (self.runs or self.versions or self.attachments)


def lag(engine: Engine | Connection) -> IndexLag | None:
    """The index's lag behind the crawled data, from the watermark (constant time, whatever the data's
    size); None when no refresh has left a watermark yet (then only `state` can tell).

    Writers change the indexed texts only inside runs (new versions and attachments get new ids; an
    improved extraction rewriting a version in place happens in a run that is open now or newer than
    the mark), and every refresh (the end of each run, ``cchc db upgrade``) moves the mark, so a
    database no run has touched since the refresh is current."""
    def run(conn: Connection) -> IndexLag | None:
        if not inspect(conn).has_table("search_index_marks"):
            return None
        mark = conn.execute(select(marks)).first()
        if mark is None:
            return None
        from storage.models import CrawlRun

        now = watermark(conn)
        runs = CrawlRun.__table__
        # newer than the mark, or open now (a run resumed after the mark was taken may rewrite texts in place)
        later_runs = conn.execute(select(func.count()).select_from(runs)
                                  .where(or_(runs.c.id > mark.run_id, runs.c.status == "running"))).scalar_one()
        return IndexLag(runs=later_runs, versions=max(0, now["version_id"] - mark.version_id),
                        attachments=max(0, now["attachment_id"] - mark.attachment_id))

    if isinstance(engine, Connection):
        return run(engine)
    with engine.connect() as conn:
        return run(conn)


@dataclass(frozen=True)
class IndexState:
    """How far the index is from the crawled data: sources without an up-to-date entry (`missing`),
    entries without a current source (`outdated`), and entries in all (`entries`)."""

    missing: int
    outdated: int
    entries: int

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.outdated == 0


def state(engine: Engine | Connection) -> IndexState:
    """Counts only (anti-joins in the database): what a read-only search says about a stale index."""
    def run(conn: Connection) -> IndexState:
        missing = 0
        for source, (query, key, fp) in _sources().items():
            missing += conn.execute(select(func.count()).select_from(
                query.where(~_up_to_date_entry(source, key, fp)).subquery())).scalar_one()
        outdated = conn.execute(select(func.count()).select_from(entries).where(_outdated_entries())).scalar_one()
        total = conn.execute(select(func.count()).select_from(entries)).scalar_one()
        return IndexState(missing, outdated, total)

    if isinstance(engine, Connection):
        return run(engine)
    with engine.connect() as conn:
        return run(conn)
