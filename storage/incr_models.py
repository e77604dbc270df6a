"""What the incremental crawl remembers about each page it fetched: the validators the server sent
(``ETag``, ``Last-Modified``) and the hash of the body, so the next run can ask "has it changed?"
(``If-None-Match`` / ``If-Modified-Since``) and recognise an unchanged 200 without extracting it.

One row per page (portal + URL), rewritten by each run that got a 200 for it: the latest answer is
the only one a conditional request needs, so nothing here grows with the number of runs. A discovery
page's row also remembers a 404 (`PageValidator.status`), so "still not there" adds no fetch row either.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class PageValidator(Base):
    """The last full answer (200) a page gave: its validators, body hash, and the run that got it."""

    __tablename__ = "page_validators"
    __table_args__ = (UniqueConstraint("portal_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id"))
    url: Mapped[str] = mapped_column(Text)
    #: the ETag header as sent (quotes and a weak ``W/`` prefix kept: it is echoed back verbatim)
    etag: Mapped[str | None] = mapped_column(String(300))
    #: the Last-Modified header as sent (an HTTP date, echoed back verbatim)
    last_modified: Mapped[str | None] = mapped_column(String(80))
    #: SHA-256 of the body as received (for a register row: of the row's markup)
    body_sha256: Mapped[str | None] = mapped_column(String(64))
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    fetched_at: Mapped[dt.datetime | None]
    #: None: the answer above was usable (2xx); 404: a discovery page that was not there, counted
    #: without a fetch row while it answers 404 again (`storage.fetchlog`, migration 0015)
    status: Mapped[int | None] = mapped_column(Integer)


class SourceCoverage(Base):
    """The latest proof that one of a portal's feeds (or its home page) covered one of its listings
    (issue 12): in run `run_id` the listing's first page held only entries of the feed, the newest
    `anchor_url` (or only links of the home page, whose links' digest is `digest`). Between
    the portal's full walks such a listing is read through its feed instead of fetched
    (`crawler.incremental.Policy.listing_proof`); a listing whose feed no longer covers it loses its
    row. One row per listing, rewritten in place: nothing here grows with the number of runs."""

    __tablename__ = "source_coverage"
    __table_args__ = (UniqueConstraint("portal_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id"))
    #: the listing's first page, as the listings spider requests it
    url: Mapped[str] = mapped_column(Text)
    feed_url: Mapped[str] = mapped_column(Text)
    #: the listing's newest item at the proof: a feed that still lists it has not gone stale
    anchor_url: Mapped[str] = mapped_column(Text)
    #: when the home page (`feed_url`) covered the listing: the SHA-256 of its own links at the proof
    digest: Mapped[str | None] = mapped_column(String(64))
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
