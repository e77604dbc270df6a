"""The snapshot schema: every crawl is a run, and everything observed hangs off the run that saw it.

Design rules (issues 2 and 4):
- A *run* is a snapshot. Everything a run observed (fetched pages, portal health, widget and visitor
  readings, document sightings) is keyed by ``run_id`` so any two runs can be compared; ``observed_on``
  on the run is the date every "as of" question uses (see ``core.clock``).
- A *document* is one logical publication (portal + canonical URL). Its *versions* change only when the
  content hash changes (NFC main text + attachment checksums), never because a page's counters or
  sidebars moved. ``first_seen_run``/``last_seen_run``/``removed_run`` answer "since when / until when".
- Dates and times *we* produce (run start, fetch time) are stored as UTC instants (`UTCDateTime`).
  Timestamps a *portal* wrote (an article's ``published_at``, a widget's own "updated at") are kept as
  the ISO text the extractor produced, so nothing is lost to time-zone conversion and equality (a
  widget whose "updated at" stopped moving) stays exact.
- Constraint names follow one naming convention so Alembic batch migrations on SQLite can find them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

from core.record import COLUMN_FIELDS, Record, field_kind

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON everywhere, JSONB on PostgreSQL so later reports can index and query into it. Python None is
# stored as SQL NULL (not JSON 'null') so "IS NULL" means "absent" in every query.
JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An instant stored as UTC and always returned timezone-aware (UTC).

    SQLite has no time-zone type and SQLAlchemy would hand back naive values; PostgreSQL has
    ``timestamptz``. Normalising to UTC on the way in and re-attaching UTC on the way out makes both
    backends return identical values, which the exports and the SQLite/PostgreSQL test pairs rely on.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: pass an aware datetime (UTC or +07:00)")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    """The current instant, aware, in UTC (what we record for our own actions)."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with the shared naming convention and type map."""

    # Every model here is declared with ``__tablename__``, so its ``__table__`` is a real ``Table``
    # (SQLAlchemy types it as the wider ``FromClause``, which has no insert/update/delete/name).
    __table__: ClassVar[Table]

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dict[str, Any]: JSONType,
        list[Any]: JSONType,
        dt.datetime: UTCDateTime(),
    }


class Portal(Base):
    """A portal from the registry (or one met ad hoc through ``crawl --url``).

    Rows are upserted from ``crawler/data/portals.csv``; a portal that has data is never deleted, only
    marked ``in_registry = False`` when it leaves the registry, so old snapshots keep their portal.
    ``unit_id`` is reserved for the administrative-units issue (a GSO unit row), hence no foreign key yet.
    """

    __tablename__ = "portals"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(20), default="unknown")
    province: Mapped[str | None] = mapped_column(String(120))
    parent: Mapped[str | None] = mapped_column(String(120), index=True)
    base_url: Mapped[str] = mapped_column(Text)
    cms: Mapped[str] = mapped_column(String(40), default="unknown")
    feeds: Mapped[list[Any]] = mapped_column(default=list)
    sitemaps: Mapped[list[Any]] = mapped_column(default=list)
    listings: Mapped[list[Any]] = mapped_column(default=list)
    registers: Mapped[list[Any]] = mapped_column(default=list)
    hosts: Mapped[list[Any]] = mapped_column(default=list)
    widget_url: Mapped[str | None] = mapped_column(Text)
    unit_code: Mapped[str | None] = mapped_column(String(20), index=True)
    unverified: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    in_registry: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CrawlRun(Base):
    """One crawl: the snapshot everything else refers to.

    ``host``/``pid``/``process_start`` identify the process that started it so a later start can tell
    a run whose process was killed (status left ``running``) from one still in progress.
    """

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trigger: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True)
    started_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    observed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stats: Mapped[dict[str, Any] | None]
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    #: The process's start time as the OS reports it (Linux: /proc/PID/stat field 22), so a pid that
    #: was reused by another process after a kill is not mistaken for the crawl still running.
    process_start: Mapped[str | None] = mapped_column(String(40))


class PortalHealth(Base):
    """How a portal answered in one run: reachable, status, latency, WAF, feed and widget presence."""

    __tablename__ = "portal_health"
    __table_args__ = (UniqueConstraint("run_id", "portal_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id"), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    reachable: Mapped[bool | None] = mapped_column(Boolean)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    waf_blocked: Mapped[bool | None] = mapped_column(Boolean)
    redirected_to: Mapped[str | None] = mapped_column(Text)
    has_feed: Mapped[bool | None] = mapped_column(Boolean)
    has_widget: Mapped[bool | None] = mapped_column(Boolean)


class Fetch(Base):
    """One fetched URL in one run (any page: listing, feed, article, attachment): status, time, hash.

    ``content_hash`` is over the raw bytes as received: it says *that* a page changed, which is useful
    for diagnostics, but it is deliberately not what document versions use.
    """

    __tablename__ = "fetches"
    __table_args__ = (UniqueConstraint("run_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    requested_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[dt.datetime | None]
    content_hash: Mapped[str | None] = mapped_column(String(128))
    discovered_by: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)


class Document(Base):
    """One logical document (portal + canonical URL) with its current version and lifetime.

    ``version``/``content_hash`` mirror the newest `DocumentVersion`; ``removed_run_id`` is set only by
    an explicit removal (a re-fetch answering 404/410, or the page no longer holding the document) and
    cleared if the document is seen again later.
    """

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("portal_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    first_seen_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    last_seen_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    removed_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    removed_status: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))


class DocumentVersion(Base):
    """One content state of a document, with the extraction record and the raw page it came from.

    The raw HTML is kept zlib-compressed per version (``html_z``); ``html_path`` is room for storing it
    outside the database later. The extracted fields are copied into columns for querying and the
    whole record (minus the main text, which has its own column) is kept as JSON so nothing the
    extractor produced is lost.
    """

    __tablename__ = "document_versions"
    __table_args__ = (
        UniqueConstraint("document_id", "version"),
        Index("ix_document_versions_document_id_content_hash", "document_id", "content_hash"),
        # "the plans of a year" (reports.base.plan_candidates) from the index alone (migration 0014)
        Index("ix_document_versions_plan", "category", "plan_year", "plan_period", "document_id"),
        # coverage's ranking of a year's plans per unit from the index alone (migration 0018,
        # reports.coverage_pick): what it reads sits after the main text in the row; the version id
        # is in it on PostgreSQL too (0019; SQLite keeps the rowid in every index)
        Index("ix_document_versions_plan_rank", "category", "plan_year", "document_id", "version", "is_cchc", "organ",
              "doc_date", "published_at", sqlite_where=sql_text("plan_year IS NOT NULL"),
              postgresql_where=sql_text("plan_year IS NOT NULL"), postgresql_include=["id"]),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    last_seen_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id"), index=True)
    fetched_url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime | None]
    status: Mapped[int | None] = mapped_column(Integer)
    discovered_by: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)
    #: ``len(text)`` in characters (NULL when there is no text), written with the text (migration 0016):
    #: the drift canary counts pages with a main text every run (`storage.health.record_yields`), and
    #: computing ``length(text)`` there read every stored text each run (issue 12)
    text_chars: Mapped[int | None] = mapped_column(Integer)
    is_cchc: Mapped[bool | None] = mapped_column(Boolean, index=True)
    category: Mapped[str | None] = mapped_column(String(120), index=True)
    doc_number: Mapped[str | None] = mapped_column(String(120), index=True)
    doc_type: Mapped[str | None] = mapped_column(String(40))
    doc_date: Mapped[dt.date | None] = mapped_column(Date)
    issuer: Mapped[str | None] = mapped_column(String(300))
    issuer_as_written: Mapped[str | None] = mapped_column(Text)
    organ: Mapped[str | None] = mapped_column(String(120))
    plan_year: Mapped[int | None] = mapped_column(Integer, index=True)
    #: "2021-2025" for a plan for a period (then plan_year is null); migration 0004
    plan_period: Mapped[str | None] = mapped_column(String(9), index=True)
    channels: Mapped[list[Any] | None]
    sections: Mapped[dict[str, Any] | None]
    deadlines: Mapped[list[Any] | None]
    warnings: Mapped[list[Any] | None]
    record: Mapped[dict[str, Any] | None]
    #: Hash of everything extracted (record + downloaded files' metadata): when a re-seen version's
    #: extraction is unchanged, storage skips rewriting it (the common case on a daily crawl).
    record_hash: Mapped[str | None] = mapped_column(String(64))
    html_z: Mapped[bytes | None] = mapped_column(LargeBinary)
    html_sha256: Mapped[str | None] = mapped_column(String(64))
    html_size: Mapped[int | None] = mapped_column(Integer)
    html_path: Mapped[str | None] = mapped_column(Text)


def record_column_type(f: dataclasses.Field[Any]) -> TypeEngine[Any]:
    """The SQL type of a record field's ``document_versions`` column, from the field's annotation
    and metadata (`core.record`): text (``String(max_length)`` when it has one), DATE for a date,
    INTEGER, BOOLEAN, FLOAT, and JSON for lists and objects."""
    kind, _ = field_kind(typing.get_type_hints(Record)[f.name])
    if f.metadata.get("date"):
        return Date()
    if kind == "str":
        length = f.metadata.get("max_length")
        return String(int(length)) if length else Text()
    types: dict[str, TypeEngine[Any]] = {"int": Integer(), "bool": Boolean(), "float": Float()}
    return types.get(kind, JSONType)


# A record field marked as a column that the class above does not declare (a field added to the
# record since) gets its column here, derived from the record: adding a field to the record needs
# only its migration (tests/storage/test_vocabulary.py checks declared columns agree with the record).
for _field in COLUMN_FIELDS:
    if _field.name not in DocumentVersion.__table__.c:
        setattr(DocumentVersion, _field.name, mapped_column(_field.name, record_column_type(_field), nullable=True))


class Citation(Base):
    """A document a version cites ("Kế hoạch số 4347/KH-UBND ngày 25/11/2021 của UBND tỉnh …")."""

    __tablename__ = "citations"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str | None] = mapped_column(String(40))
    number: Mapped[str | None] = mapped_column(String(120), index=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    issuer: Mapped[str | None] = mapped_column(String(300))


class Attachment(Base):
    """A file linked from a version (PDF, DOC, DOCX…), with where it is stored, its hash and its text."""

    __tablename__ = "attachments"
    __table_args__ = (UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(20))
    path: Mapped[str | None] = mapped_column(Text)
    checksum: Mapped[str | None] = mapped_column(String(128), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    text_hash: Mapped[str | None] = mapped_column(String(64))
    warnings: Mapped[list[Any] | None]


class WidgetReading(Base):
    """The TTHC result widget as one run read it (one reading per portal per run).

    ``updated_at`` is the portal's own "Cập nhật lúc" (as ISO text); ``fetched_at`` is when we read it.
    """

    __tablename__ = "widget_readings"
    __table_args__ = (
        UniqueConstraint("run_id", "portal_id"),
        Index("ix_widget_readings_portal_id_run_id", "portal_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id"))
    url: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(20))
    fetched_at: Mapped[dt.datetime | None]
    period: Mapped[str | None] = mapped_column(String(40))
    processed_pct: Mapped[float | None] = mapped_column(Float)
    total: Mapped[int | None] = mapped_column(Integer)
    on_time: Mapped[int | None] = mapped_column(Integer)
    late: Mapped[int | None] = mapped_column(Integer)
    late_rate: Mapped[float | None] = mapped_column(Float)
    on_time_rate: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[str | None] = mapped_column(String(40))
    issues: Mapped[list[Any] | None]


class VisitorReading(Base):
    """A portal's visitor counter as one run read it: a sign the portal is alive and used."""

    __tablename__ = "visitor_readings"
    __table_args__ = (UniqueConstraint("run_id", "portal_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id"), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime | None]
    online: Mapped[int | None] = mapped_column(Integer)
    today: Mapped[int | None] = mapped_column(Integer)
    yesterday: Mapped[int | None] = mapped_column(Integer)
    week: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer)
    values: Mapped[dict[str, Any] | None]
