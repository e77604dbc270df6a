"""Tables of the evidence area (issue 14): raw copies, their fetch metadata, and what they prove.

- ``blobs``: one row per distinct raw byte string kept in the content-addressed store
  (`storage.blobs`: ``<data dir>/blobs/sha256/ab/cdef….gz``), with its sizes and when it was first
  stored and last captured (retention judges age by the last capture).
- ``raw_fetches``: the fetch metadata of one raw copy in one run (URL asked, final URL, time, status,
  the headers that matter, SHA-256 of the bytes), one row per run and final URL.
- ``version_evidence`` / ``widget_evidence``: which raw copies a stored document version (its page and
  attachments) or a widget reading was read from. These links are what `cchc evidence pack` follows
  and what keeps a blob from `cchc db prune` (`storage.evidence.REFERENCES`).

Kept apart from `storage.models` (same `Base`) so the evidence area merges cleanly; the migration that
creates them is ``0008_evidence.py`` and must stay equal to these models.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class Blob(Base):
    """A distinct raw byte string kept once in the content-addressed store."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    stored_size: Mapped[int | None] = mapped_column(Integer)
    first_stored_at: Mapped[dt.datetime]
    #: the newest capture of these bytes (a page unchanged for a year is still today's evidence)
    last_seen_at: Mapped[dt.datetime] = mapped_column(index=True)


class RawFetch(Base):
    """Fetch metadata of one raw copy: what was asked, what answered, and the SHA-256 of the bytes."""

    __tablename__ = "raw_fetches"
    __table_args__ = (UniqueConstraint("run_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id"), index=True)
    #: page | attachment | widget
    kind: Mapped[str] = mapped_column(String(20))
    #: the final URL (after redirects), the one the bytes came from
    url: Mapped[str] = mapped_column(Text)
    requested_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[dt.datetime | None]
    content_type: Mapped[str | None] = mapped_column(String(200))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    etag: Mapped[str | None] = mapped_column(String(200))
    #: the headers that matter (storage.evidence.KEPT_HEADERS), as received
    headers: Mapped[dict[str, Any] | None]
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    size: Mapped[int] = mapped_column(Integer)


class VersionEvidence(Base):
    """A raw copy a document version was read from: its page (position 0) or an attachment."""

    __tablename__ = "version_evidence"
    __table_args__ = (
        UniqueConstraint("version_id", "raw_fetch_id"),
        Index("ix_version_evidence_raw_fetch_id", "raw_fetch_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("document_versions.id", ondelete="CASCADE"))
    raw_fetch_id: Mapped[int] = mapped_column(ForeignKey("raw_fetches.id", ondelete="CASCADE"))
    #: page | attachment
    role: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)


class WidgetEvidence(Base):
    """The raw copy a widget reading was read from (the home page, its iframe page or JSON endpoint)."""

    __tablename__ = "widget_evidence"
    __table_args__ = (
        UniqueConstraint("widget_reading_id", "raw_fetch_id"),
        Index("ix_widget_evidence_raw_fetch_id", "raw_fetch_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    widget_reading_id: Mapped[int] = mapped_column(ForeignKey("widget_readings.id", ondelete="CASCADE"))
    raw_fetch_id: Mapped[int] = mapped_column(ForeignKey("raw_fetches.id", ondelete="CASCADE"))
