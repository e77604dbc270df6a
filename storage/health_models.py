"""The drift canary's table (issue 14): what each portal's pages yielded in each run.

A portal whose template changes keeps answering 200, so neither the health row nor the run's status
notices; what falls is what its pages *yield*: titles, dates, main text, document numbers, a widget
reading. One compact row per portal and run holds the counts (never shares: counts can be pooled
over several runs when one run extracted too few pages), written in SQL when the run closes
(`storage.health.record_yields`), so the figures are those of that day even when later runs rewrite
the extraction fields of a version in place. `reports.health` compares them with the portal's
own trailing median.

The migration that creates the table is ``storage/migrations/versions/0007_portal_yields.py``.
"""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class PortalYield(Base):
    """What one portal's pages yielded in one run (counts; shares are computed by the reader)."""

    __tablename__ = "portal_yields"
    __table_args__ = (
        UniqueConstraint("run_id", "portal_id"),
        Index("ix_portal_yields_portal_id_run_id", "portal_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    portal_id: Mapped[str] = mapped_column(ForeignKey("portals.id"))
    #: the portal answered usably that day (its health row); None when the run has no health row for it
    reachable: Mapped[bool | None] = mapped_column(Boolean)
    #: URLs fetched for the portal (any page: home, listings, feeds, articles, files)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    #: pages that gave an extraction record (the run's document sightings)
    pages_extracted: Mapped[int] = mapped_column(Integer, default=0)
    #: of those, with a title / a publication date / a main text of at least MAIN_TEXT_CHARS characters
    with_title: Mapped[int] = mapped_column(Integer, default=0)
    with_date: Mapped[int] = mapped_column(Integer, default=0)
    with_text: Mapped[int] = mapped_column(Integer, default=0)
    #: pages classified CCHC, and of those the ones with a document number
    cchc_pages: Mapped[int] = mapped_column(Integer, default=0)
    cchc_with_number: Mapped[int] = mapped_column(Integer, default=0)
    #: 1 when the run stored a widget reading with a figure for the portal, else 0
    widget_readings: Mapped[int] = mapped_column(Integer, default=0)
