"""`cchc review`: a person's corrections, stored apart from crawled data and applied by every report.

Actions (table ``review_corrections``, migration 0003):
- ``not_cchc``: the document is not about administrative reform (reports drop it);
- ``category``: it is a different category (``propaganda_plan``, ``plan``, ``report``, ``other``);
- ``link``: it belongs to another unit (a registry portal id), e.g. a commune's plan posted by its district;
- ``offline``: a plan found offline (paper, e-mail), with its evidence; it counts in coverage.

Corrections are keyed by the document's URL (and portal), not by database ids, so they survive
re-crawls, new versions and even a rebuilt database. Withdrawing one sets ``active`` false (kept for
the record). Every report row a correction changed lists the correction ids in ``corrections``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, insert, select, update

from reports.base import ReportError, load_units
from reports.corrections import active_corrections, apply_corrections, corrections, metadata, table_exists
from reports.trend import find_unit
from storage.models import Document, Portal

#: the table and its readers live in `reports.corrections` (every report applies them); named here too
#: because `cchc review` and the report server reach them through this module
__all__ = [
    "ACTIONS", "CATEGORIES", "REVIEW_KEYS", "active_corrections", "add_correction", "apply_corrections",
    "corrections", "list_corrections", "metadata", "table_exists", "withdraw",
]

CATEGORIES = ("propaganda_plan", "plan", "report", "other")
ACTIONS = ("not_cchc", "category", "link", "offline")

def _known_portals(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(Portal.id)).scalars())


def _unit_portal(engine: Engine, unit: str | None) -> str:
    """The portal id of `unit` as a person names it: a registry portal id, or the unit's name typed
    any way (without diacritics, in any case: "ubnd xa ngoc lien"); unknown or ambiguous is an error."""
    if unit and unit in _known_portals(engine):
        return unit
    if not unit:
        raise ReportError("give the unit: a registry portal id or the unit's name (see `cchc export portals`)")
    return find_unit(load_units(engine), unit).portal_id


def _require_table(engine: Engine) -> None:
    if not table_exists(engine):
        raise ReportError("this database has no review table yet: run `cchc db upgrade` first")


def _document_portal(engine: Engine, url: str) -> str:
    with engine.connect() as conn:
        portals = sorted(set(conn.execute(select(Document.portal_id).where(Document.url == url)).scalars()))
    if not portals:
        raise ReportError(f"no stored document has the URL {url!r} (give the URL exactly as `cchc export documents` lists it)")
    return portals[0]


def add_correction(engine: Engine, action: str, *, document_url: str | None = None, category: str | None = None,
                   unit: str | None = None, plan_year: int | None = None, organ: str | None = None,
                   doc_number: str | None = None, doc_date: dt.date | None = None,
                   published_on: dt.date | None = None, title: str | None = None, evidence: str | None = None,
                   note: str | None = None, reviewer: str | None = None) -> int:
    """Validate and store one correction; returns its id."""
    _require_table(engine)
    if action not in ACTIONS:
        raise ReportError(f"unknown review action {action!r}: choose one of {', '.join(ACTIONS)}")
    portal_id = None
    if action in ("not_cchc", "category", "link"):
        if not document_url:
            raise ReportError("give the document's URL")
        portal_id = _document_portal(engine, document_url)
    if action == "category" and category not in CATEGORIES:
        raise ReportError(f"unknown category {category!r}: choose one of {', '.join(CATEGORIES)}")
    if action in ("link", "offline"):
        unit = _unit_portal(engine, unit)
    if action == "offline":
        if category not in ("propaganda_plan", "plan"):
            raise ReportError("an offline plan needs --kind propaganda_plan or plan")
        if plan_year is None:
            raise ReportError("an offline plan needs --year")
        if not evidence:
            raise ReportError("an offline plan needs --evidence (where it was seen: a file, a letter, a URL)")
        if doc_date is None and published_on is None:
            raise ReportError("an offline plan needs --doc-date or --published")
    with engine.begin() as conn:
        result = conn.execute(insert(corrections).values(
            created_at=dt.datetime.now(dt.UTC), reviewer=reviewer, action=action,
            document_url=document_url, portal_id=portal_id, category=category, unit_portal_id=unit,
            plan_year=plan_year, organ=organ, doc_number=doc_number, doc_date=doc_date, published_on=published_on,
            title=title, evidence=evidence, note=note, active=True,
        ))
        key = result.inserted_primary_key
        if key is None:
            raise ReportError("the database did not return the new correction's id")
        return int(key[0])


def withdraw(engine: Engine, correction_id: int) -> None:
    """Mark a correction inactive (kept for the record)."""
    _require_table(engine)
    with engine.begin() as conn:
        if conn.execute(update(corrections).where(corrections.c.id == correction_id)
                        .values(active=False)).rowcount == 0:
            raise ReportError(f"there is no correction {correction_id}")


def list_corrections(engine: Engine, include_inactive: bool = False) -> list[dict[str, Any]]:
    _require_table(engine)
    stmt = select(corrections).order_by(corrections.c.id)
    if not include_inactive:
        stmt = stmt.where(corrections.c.active.is_(True))
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(stmt)]


REVIEW_KEYS: Sequence[str] = ("id", "created_at", "reviewer", "action", "document_url", "portal_id", "category",
                              "unit_portal_id", "plan_year", "organ", "doc_number", "doc_date", "published_on",
                              "title", "evidence", "note", "active")

