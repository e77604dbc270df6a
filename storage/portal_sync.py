"""Registry rows into the ``portals`` table: the sync of a registry and the placeholder of an ad-hoc portal.

Why apart: the registry is the one place portal knowledge lives; its columns reach the database only
through `portal_values`, so a registry column added in `core` is stored by changing nothing here but
the list it reads.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.registry_schema import MULTI_COLUMNS
from storage.models import (
    Document,
    Fetch,
    Portal,
    PortalHealth,
    VisitorReading,
    WidgetReading,
    utcnow,
)
from storage.values import bool_or_none, origin, split_multi, text_or_none


def sync(session: Session, rows: Sequence[Mapping[str, Any]], *, prune: bool) -> dict[str, int]:
    """Upsert registry rows (`Store.sync_portals` documents `prune`); returns the counts."""
    counts = {"inserted": 0, "updated": 0, "retired": 0, "deleted": 0}
    now = utcnow()
    seen: set[str] = set()
    for row in rows:
        values = portal_values(row)
        seen.add(values["id"])
        portal = session.get(Portal, values["id"])
        if portal is None:
            session.add(Portal(**values, in_registry=True, created_at=now, updated_at=now))
            counts["inserted"] += 1
            continue
        changed = False
        for key, value in values.items():
            if getattr(portal, key) != value:
                setattr(portal, key, value)
                changed = True
        if not portal.in_registry:
            portal.in_registry = True
            changed = True
        if changed:
            portal.updated_at = now
            counts["updated"] += 1
    session.flush()
    if prune:
        for portal in session.scalars(select(Portal).where(Portal.id.not_in(seen)).order_by(Portal.id)):
            if has_data(session, portal.id):
                if portal.in_registry:
                    portal.in_registry = False
                    portal.updated_at = now
                    counts["retired"] += 1
            else:
                session.delete(portal)
                counts["deleted"] += 1
    return counts


def portal_values(row: Mapping[str, Any]) -> dict[str, Any]:
    """The ``portals`` columns of one registry row (a `Portal` dataclass as a dict, or a CSV row)."""
    portal_id = text_or_none(row.get("id"))
    if not portal_id:
        raise ValueError(f"registry row without id: {dict(row)!r}")
    base_url = text_or_none(row.get("base_url")) or ""
    values: dict[str, Any] = {
        "id": portal_id.strip(),
        "name": text_or_none(row.get("name"), 300) or portal_id,
        "level": text_or_none(row.get("level"), 20) or "unknown",
        "province": text_or_none(row.get("province"), 120),
        "parent": text_or_none(row.get("parent"), 120),
        "base_url": base_url,
        "cms": text_or_none(row.get("cms"), 40) or "unknown",
        "widget_url": text_or_none(row.get("widget_url")),
        "unit_code": text_or_none(row.get("unit_code"), 20),
        "unverified": bool(bool_or_none(row.get("unverified"))),
        "notes": text_or_none(row.get("notes")),
    }
    for column in MULTI_COLUMNS:
        values[column] = split_multi(row.get(column))
    return values


def has_data(session: Session, portal_id: str) -> bool:
    """Whether any stored row refers to the portal (then it is retired, never deleted)."""
    for model in (Fetch, Document, PortalHealth, WidgetReading, VisitorReading):
        found = session.scalar(select(model.id).where(model.portal_id == portal_id).limit(1))
        if found is not None:
            return True
    return False


def ensure(session: Session, portal_id: str, url: str | None, now: dt.datetime | None = None) -> bool:
    """A portal met outside the registry (``crawl --url``) gets a minimal row so its data can be kept.

    Returns True when the portal was already stored (the caller may remember it: portals are never
    deleted while they have data), False when a placeholder was added here (its savepoint may still
    roll back, so it must not be remembered).
    """
    if session.scalar(select(Portal.id).where(Portal.id == portal_id)) is not None:
        return True
    now = now or utcnow()
    session.add(
        Portal(
            id=portal_id, name=portal_id, level="unknown", province=None, parent=None,
            base_url=origin(url) if url else "", cms="unknown", feeds=[], sitemaps=[], listings=[],
            registers=[], hosts=[], unverified=True, in_registry=False, created_at=now, updated_at=now,
            notes="met outside the registry (ad-hoc crawl)",
        )
    )
    session.flush()
    return False
