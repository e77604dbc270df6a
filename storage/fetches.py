"""Writer of ``fetch`` items and the fetch row every page item also writes: one row per (run, URL).

A later item for the same URL overrides only the fields it carries (an upsert that keeps stored
values where the new item has None), so a page item after a fetch item of the same URL merges.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from storage import fetchlog
from storage.models import CrawlRun, Fetch
from storage.statements import Statements
from storage.values import number, parse_instant, text_or_none


def upsert_fetch(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, values: dict[str, Any]) -> None:
    """One row per (run, url); a later item for the same URL overrides the fields it carries."""
    values = dict(values)
    url = values.pop("url")
    stmts.upsert(session, Fetch, {"run_id": run.id, "url": url}, {"portal_id": portal_id, **values},
                 keep_when_null=True)


def save_fetch(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """A fetch that carried no page to extract (a feed, a sitemap, a listing, an error)."""
    url = text_or_none(item.get("url"))
    if not url:
        raise ValueError("fetch item without url")
    if fetchlog.counted_only(stmts, session, run, portal_id, item):
        return  # a discovery page that answered as before: counted, no row (storage/fetchlog.py)
    upsert_fetch(stmts, session, run, portal_id, {
        "url": url,
        "requested_url": text_or_none(item.get("requested_url")),
        "status": number(item.get("status"), integer=True),
        "fetched_at": parse_instant(item.get("fetched_at")),
        "content_hash": text_or_none(item.get("content_hash"), 128),
        "discovered_by": text_or_none(item.get("discovered_by"), 40),
        "error": text_or_none(item.get("error")),
    })
