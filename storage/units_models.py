"""Tables of the administrative-units area (issue 5): units, their successions, and portal links.

Kept beside `storage.models` (same `Base`, same naming convention) so one Alembic history creates them;
the migration that does is ``storage/migrations/versions/0002_admin_units.py`` and must stay equal to
these models (tests/units/test_units_db.py compares them).

A GSO code can be reused by a later unit (the new Xã Cẩm Giàng, Hải Phòng, carries 10903, the code of the
former Xã Ngọc Liên), so a unit is identified by a surrogate ``id`` and by ``key`` = level:code:start,
never by its code alone.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class AdminUnit(Base):
    """A province, district, commune (ward, special zone) or department over one validity period."""

    __tablename__ = "admin_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: Stable natural key "level:code:valid_from" ("before" when the start is not recorded).
    key: Mapped[str] = mapped_column(String(80), unique=True)
    code: Mapped[str] = mapped_column(String(20), index=True)
    #: province | district | commune | department (the registry's levels).
    level: Mapped[str] = mapped_column(String(20), index=True)
    #: tỉnh, thành phố, huyện, quận, thị xã, xã, phường, thị trấn, đặc khu, sở.
    type: Mapped[str] = mapped_column(String(20))
    #: Short name without the type word ("Ngọc Liên"); `full_name` adds it ("Xã Ngọc Liên").
    name: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(300))
    #: `units.names.name_key(name)`: diacritics/case/punctuation-insensitive lookup key.
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    #: The province the unit belonged to during its validity (itself for a province).
    province_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"), index=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    #: Other written forms ("|"-separated), e.g. a department's abbreviation.
    aliases: Mapped[str | None] = mapped_column(Text)
    #: Where the row came from: vietnam-provinces, vietnamadminunits, curated.
    source: Mapped[str] = mapped_column(String(40))


class AdminUnitSuccession(Base):
    """`predecessor` became part of `successor` on `effective`: whole, or in part (a split unit)."""

    __tablename__ = "admin_unit_successions"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    predecessor_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    effective: Mapped[dt.date] = mapped_column(Date)
    whole: Mapped[bool] = mapped_column(Boolean)
    #: For a split unit: the successor its source names as the main one. True for whole successions.
    main: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(40))


class PortalUnit(Base):
    """The one unit a registry portal belongs to (set by `cchc units sync` from the registry).

    Keyed by the registry id without a foreign key: the link is known before any crawl has stored the
    portal row, and a portal row that leaves the registry keeps its history in `portals`.
    """

    __tablename__ = "portal_units"

    portal_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    #: How the link was made: "code" (the registry's unit_code) or "name" (the portal's name).
    method: Mapped[str] = mapped_column(String(20))
