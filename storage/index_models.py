"""Tables of the national 766 index (issue 14): what each run read from a national source, per province.

Why not `widget_readings`: those are a unit's own portal figures, keyed by the portal; the index is
published by a national source (a registry row of kind `national_index`, never a `portals` row) about
every province at once, so its readings are keyed by (run, source, year, province) and its fetch — with
the fault when the source answered nothing usable — is kept beside them. `source_id` is the registry id,
without a foreign key, like `portal_units.portal_id`. Created by migration 0009; tests compare the two.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class Index766Fetch(Base):
    """One read of a national source for one year in one run: status, fault, and how many provinces."""

    __tablename__ = "index766_fetches"
    __table_args__ = (UniqueConstraint("run_id", "source_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    #: why nothing could be read (HTTP error, not JSON, another shape, a WAF page…); None when read
    error: Mapped[str | None] = mapped_column(Text)
    provinces: Mapped[int] = mapped_column(Integer, default=0)
    issues: Mapped[list[Any] | None]
    fetched_at: Mapped[dt.datetime | None]


class Index766Reading(Base):
    """One province's index figures as one run read them (None where the source was silent)."""

    __tablename__ = "index766_readings"
    __table_args__ = (
        UniqueConstraint("run_id", "source_id", "year", "province_key"),
        Index("ix_index766_readings_year_province_key_run_id", "year", "province_key", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    source_id: Mapped[str] = mapped_column(String(120))
    year: Mapped[int] = mapped_column(Integer)
    #: as the index names it ("Tỉnh An Giang"), NFC
    province: Mapped[str] = mapped_column(String(200))
    #: folded name without "Tỉnh"/"Thành phố": meets `crawler.registry.province_key` of the registry
    province_key: Mapped[str] = mapped_column(String(120))
    api_id: Mapped[str | None] = mapped_column(String(40))
    rank: Mapped[int | None] = mapped_column(Integer)
    ckmb: Mapped[float | None] = mapped_column(Float)
    tdgq: Mapped[float | None] = mapped_column(Float)
    tttt: Mapped[float | None] = mapped_column(Float)
    clgq: Mapped[float | None] = mapped_column(Float)
    mdhl: Mapped[float | None] = mapped_column(Float)
    mdsh: Mapped[float | None] = mapped_column(Float)
    total: Mapped[float | None] = mapped_column(Float)
    issues: Mapped[list[Any] | None]
    #: the object as the API sent it (the evidence behind every figure above)
    raw: Mapped[dict[str, Any] | None]
