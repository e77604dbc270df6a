"""Storage side of the incremental crawl (issue 12): the two items it adds and the known-pages file.

- ``seen`` (portal + URL): the run saw a known document without storing a new fetch of it: a 304, a
  200 whose body hash equals the stored one, or a link to it still present in a feed, sitemap,
  listing or register. It widens the document's and its current version's ``last_seen_run`` and adds
  the run's ``document_sightings`` row, exactly as a re-fetch of unchanged content does; it writes no
  ``fetches`` row (a page that did not change adds no fetch row: the crawl's stats count them).
- ``validator`` (portal + URL): the ETag / Last-Modified and body hash of a page's latest 200, one row
  per page (``page_validators``), rewritten in place.

`write_known_pages` streams, for the portals of a run, every document not marked removed with its
validators into a JSON-lines file the spiders read (spiders know no database).
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from storage.incr_models import PageValidator
from storage.models import CrawlRun, Document, DocumentSighting, DocumentVersion
from storage.values import canonical_url, parse_instant, text_or_none

if TYPE_CHECKING:
    from storage.store import Store

log = logging.getLogger(__name__)


def save_seen(store: Store, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """Mark a known document seen in `run` (see module doc); an unknown URL is ignored."""
    url = text_or_none(item.get("url"))
    if not url:
        raise ValueError("seen item without url")
    docs = Document.__table__
    conn = session.connection()
    found = conn.execute(store._cached("seen.find", lambda: select(
        docs.c.id, docs.c.version, docs.c.last_seen_run_id, docs.c.removed_run_id)
        .where(docs.c.portal_id == bindparam("_portal"), docs.c.url == bindparam("_url"))),
        {"_portal": portal_id, "_url": canonical_url(url)}).one_or_none()
    if found is None:
        log.info("seen item for an unknown document ignored: %s", url)
        return
    changes: dict[str, Any] = {"last_seen_run_id": max(found.last_seen_run_id, run.id)}
    if found.removed_run_id is not None and run.id >= found.removed_run_id:
        changes.update(removed_run_id=None, removed_status=None)  # it came back
    conn.execute(store._cached(("seen.doc", tuple(changes)), lambda: docs.update().where(docs.c.id == bindparam("_id"))),
                 {"_id": found.id, **changes})
    versions = DocumentVersion.__table__
    conn.execute(store._cached("seen.version", lambda: versions.update().where(
        versions.c.document_id == bindparam("_doc"), versions.c.version == bindparam("_version"),
        versions.c.last_seen_run_id < bindparam("_run")).values(last_seen_run_id=bindparam("_run"))),
        {"_doc": found.id, "_version": found.version, "_run": run.id})
    store._upsert(session, DocumentSighting, {"run_id": run.id, "document_id": found.id},
                  {"version": found.version, "fetched_at": None}, keep_when_null=True)


def save_validator(store: Store, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """The page's latest 200: its validators and body hash (one row per page, replaced)."""
    url = text_or_none(item.get("url"))
    if not url:
        raise ValueError("validator item without url")
    store._upsert(session, PageValidator, {"portal_id": portal_id, "url": canonical_url(url)}, {
        "etag": text_or_none(item.get("etag"), 300),
        "last_modified": text_or_none(item.get("last_modified"), 80),
        "body_sha256": text_or_none(item.get("body_sha256"), 64),
        "run_id": run.id,
        "fetched_at": parse_instant(item.get("fetched_at")),
    }, keep_when_null=False)


def write_known_pages(store: Store, portal_ids: Iterable[str], path: Path) -> int:
    """Stream the known documents of `portal_ids` with their validators into `path` (JSON lines:
    ``{"p": portal, "u": url, "e": etag, "m": last_modified, "h": body_sha256, "d": day}``; ``d`` is
    the observed day of the run of the last full answer, or of the document's last sighting when it
    has none). Rows are
    read in batches, never all at once. Returns the number of lines written."""
    docs, val, runs = Document.__table__, PageValidator.__table__, CrawlRun.__table__
    ids = list(portal_ids)
    n = 0
    tmp = path.with_suffix(path.suffix + ".part")
    with store._read() as session, tmp.open("w", encoding="utf-8") as out:
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start:chunk_start + 500]
            stmt = (select(docs.c.portal_id, docs.c.url, val.c.etag, val.c.last_modified, val.c.body_sha256,
                           runs.c.observed_on)
                    .outerjoin(val, (val.c.portal_id == docs.c.portal_id) & (val.c.url == docs.c.url))
                    .join(runs, runs.c.id == func.coalesce(val.c.run_id, docs.c.last_seen_run_id))
                    .where(docs.c.portal_id.in_(chunk), docs.c.removed_run_id.is_(None))
                    .order_by(docs.c.portal_id, docs.c.url)
                    .execution_options(yield_per=2000))
            for row in session.execute(stmt):
                out.write(json.dumps({"p": row.portal_id, "u": row.url, "e": row.etag, "m": row.last_modified,
                                      "h": row.body_sha256, "d": row.observed_on.isoformat()},
                                     ensure_ascii=False) + "\n")
                n += 1
    tmp.replace(path)
    return n


__all__ = ["SAVERS", "save_seen", "save_validator", "write_known_pages"]

#: item type → saver, merged into `storage.store`'s table of savers
SAVERS: dict[str, Any] = {"seen": save_seen, "validator": save_validator}
