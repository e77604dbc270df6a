"""Storage side of the incremental crawl (issue 12): the two items it adds and the known-pages file.

- ``seen`` (portal + URL): the run saw a known document without storing a new fetch of it: a 304, a
  200 whose body hash equals the stored one, or a link to it still present in a feed, sitemap,
  listing or register. It widens the document's and its current version's ``last_seen_run`` and its
  sighting interval (`storage.sightings`), exactly as a re-fetch of unchanged content does; it writes no
  ``fetches`` row (a page that did not change adds no fetch row: the crawl's stats count them).
- ``seen_batch`` (portal + URLs): the sightings of one callback (`crawler.seenbatch`), each written
  as a ``seen`` item.
- ``validator`` (portal + URL): the ETag / Last-Modified and body hash of a page's latest 200, one row
  per page (``page_validators``), rewritten in place.
- ``coverage`` (portal + listing URL): a feed of the portal covered the listing's first page in this
  run (``source_coverage``, one row per listing, rewritten in place), or, without a feed URL, no
  feed did any more (the row goes).

`write_known_pages` streams, for the portals of a run, every document not marked removed with its
validators, the listings' and feeds' coverage proofs and the discovery pages that answered 404, into the run's known-pages file (a small SQLite file the spiders query one URL at a time;
spiders know no database).
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.orm import Session

from storage.database import Readable
from storage.incr_models import PageValidator, SourceCoverage
from storage.models import CrawlRun, Document, DocumentVersion
from storage.statements import Statements, table_of
from storage.values import canonical_url, parse_date, parse_instant, text_or_none

log = logging.getLogger(__name__)


def save_seen(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """Mark a known document seen in `run` (see module doc); an unknown URL is ignored."""
    url = text_or_none(item.get("url"))
    if not url:
        raise ValueError("seen item without url")
    docs = table_of(Document)
    conn = session.connection()
    found = conn.execute(stmts.cached("seen.find", lambda: select(
        docs.c.id, docs.c.version, docs.c.last_seen_run_id, docs.c.removed_run_id)
        .where(docs.c.portal_id == bindparam("_portal"), docs.c.url == bindparam("_url"))),
        {"_portal": portal_id, "_url": canonical_url(url)}).one_or_none()
    if found is None:
        log.info("seen item for an unknown document ignored: %s", url)
        return
    changes: dict[str, Any] = {"last_seen_run_id": max(found.last_seen_run_id, run.id)}
    if found.removed_run_id is not None and run.id >= found.removed_run_id:
        changes.update(removed_run_id=None, removed_status=None)  # it came back
    conn.execute(stmts.cached(("seen.doc", tuple(changes)), lambda: docs.update().where(docs.c.id == bindparam("_id"))),
                 {"_id": found.id, **changes})
    versions = table_of(DocumentVersion)
    conn.execute(stmts.cached("seen.version", lambda: versions.update().where(
        versions.c.document_id == bindparam("_doc"), versions.c.version == bindparam("_version"),
        versions.c.last_seen_run_id < bindparam("_run")).values(last_seen_run_id=bindparam("_run"))),
        {"_doc": found.id, "_version": found.version, "_run": run.id})
    stmts.sightings.saw(conn, run.id, found.id, found.version)


def save_seen_batch(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """Several sightings of one portal (`crawler.seenbatch`), each stored as `save_seen` stores one."""
    urls = item.get("urls")
    if not isinstance(urls, list):
        raise ValueError("seen_batch item without a list of urls")
    for url in urls:
        save_seen(stmts, session, run, portal_id, {"url": url})


def save_validator(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """The page's latest 200: its validators and body hash (one row per page, replaced)."""
    url = text_or_none(item.get("url"))
    if not url:
        raise ValueError("validator item without url")
    stmts.upsert(session, PageValidator, {"portal_id": portal_id, "url": canonical_url(url)}, {
        "etag": text_or_none(item.get("etag"), 300),
        "last_modified": text_or_none(item.get("last_modified"), 80),
        "body_sha256": text_or_none(item.get("body_sha256"), 64),
        "run_id": run.id,
        "fetched_at": parse_instant(item.get("fetched_at")),
        "status": None,  # a usable answer (a 404 the row held is over)
    }, keep_when_null=False)


def save_coverage(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """A listing's coverage proof of this run (see module doc): the row replaced, or deleted when the
    item names no feed (the listing was fetched and no feed of the portal covered it)."""
    url = text_or_none(item.get("url"))
    if not url:
        raise ValueError("coverage item without url")
    feed, anchor = text_or_none(item.get("feed_url")), text_or_none(item.get("anchor_url"))
    keys = {"portal_id": portal_id, "url": canonical_url(url)}
    if feed is None or anchor is None:
        cov = table_of(SourceCoverage)
        session.connection().execute(stmts.cached("coverage.delete", lambda: cov.delete().where(
            cov.c.portal_id == bindparam("portal_id"), cov.c.url == bindparam("url"))), keys)
        return
    stmts.upsert(session, SourceCoverage, keys, {"feed_url": feed, "anchor_url": anchor, "run_id": run.id,
                                                 "digest": text_or_none(item.get("digest"), 64)},
                 keep_when_null=False)


def write_known_pages(store: Readable, portal_ids: Iterable[str], path: Path, run_id: int | None = None) -> int:
    """Stream the known documents of `portal_ids` (not marked removed) with their validators, the
    observed day of their last full answer (of their last sighting when they have none) and that of
    their last sighting (the re-check's removal lag counts from it) into the
    run's known-pages file at `path` (`crawler.incremental.KnownPages.write`: an indexed SQLite file
    the spiders query), and the portals a run before `run_id` found documents of (the sitemaps'
    rotation starts after a portal's first crawl, resumed or not). Rows are read in batches, never
    all at once. Returns the number written."""
    from crawler.incremental import KnownPages

    docs, val, runs, vers = table_of(Document), table_of(PageValidator), table_of(CrawlRun), table_of(DocumentVersion)
    seen_runs = runs.alias("seen_runs")
    ids = list(portal_ids)
    # first stored by this run itself (an interrupted part, or another worker before this one started)
    this_run = (docs.c.first_seen_run_id >= run_id if run_id is not None else literal(False)).label("this_run")

    def rows() -> Iterator[tuple[Any, ...]]:
        with store.read() as session:
            for chunk_start in range(0, len(ids), 500):
                chunk = ids[chunk_start:chunk_start + 500]
                stmt = (select(docs.c.url, docs.c.portal_id, val.c.etag, val.c.last_modified, val.c.body_sha256,
                               runs.c.observed_on, vers.c.discovered_by, seen_runs.c.observed_on.label("seen_on"),
                               this_run, vers.c.doc_date, vers.c.published_at)
                        .outerjoin(vers, (vers.c.document_id == docs.c.id) & (vers.c.version == docs.c.version))
                        .outerjoin(val, (val.c.portal_id == docs.c.portal_id) & (val.c.url == docs.c.url))
                        .join(runs, runs.c.id == func.coalesce(val.c.run_id, docs.c.last_seen_run_id))
                        .join(seen_runs, seen_runs.c.id == docs.c.last_seen_run_id)
                        .where(docs.c.portal_id.in_(chunk), docs.c.removed_run_id.is_(None))
                        .execution_options(yield_per=2000))
                for row in session.execute(stmt):
                    # the document's own date, for its re-read period (`crawler.incremental.reread_every`)
                    dated = row.doc_date or parse_date(row.published_at)
                    yield (row.url, row.portal_id, row.etag, row.last_modified, row.body_sha256,
                           row.observed_on.isoformat() if row.observed_on else None, row.discovered_by,
                           row.seen_on.isoformat() if row.seen_on else None, int(bool(row.this_run)),
                           dated.isoformat() if dated else None)

    def coverage() -> Iterator[tuple[str | None, ...]]:
        """The listings' coverage proofs with the observed day of the run that made each."""
        cov = table_of(SourceCoverage)
        with store.read() as session:
            for chunk_start in range(0, len(ids), 500):
                stmt = (select(cov.c.portal_id, cov.c.url, cov.c.feed_url, cov.c.anchor_url, runs.c.observed_on,
                               cov.c.digest)
                        .join(runs, runs.c.id == cov.c.run_id)
                        .where(cov.c.portal_id.in_(ids[chunk_start:chunk_start + 500])))
                if run_id is not None:
                    # proofs of earlier runs only: a worker that joins or restarts mid-run reads the
                    # listings as a worker that started with the run did (a proof renewed by this run
                    # replaced its predecessor, so that listing is fetched again: the safe side)
                    stmt = stmt.where(cov.c.run_id < run_id)
                for row in session.execute(stmt):
                    yield (row.portal_id, row.url, row.feed_url, row.anchor_url, row.observed_on.isoformat(),
                           row.digest)

    def crawled() -> Iterator[str]:
        """The portals a run before `run_id` found documents of (all with a document without it)."""
        with store.read() as session:
            for chunk_start in range(0, len(ids), 500):
                stmt = select(docs.c.portal_id).distinct().where(docs.c.portal_id.in_(ids[chunk_start:chunk_start + 500]))
                if run_id is not None:
                    stmt = stmt.where(docs.c.first_seen_run_id < run_id)
                yield from session.scalars(stmt)

    def absent() -> Iterator[tuple[str, str]]:
        """The discovery pages that answered 404 at their last try (``page_validators.status``,
        `storage.fetchlog`): a guessed one is asked again only on its day (`Policy.probe`)."""
        with store.read() as session:
            for chunk_start in range(0, len(ids), 500):
                stmt = select(val.c.portal_id, val.c.url).where(
                    val.c.portal_id.in_(ids[chunk_start:chunk_start + 500]), val.c.status == 404)
                yield from ((row.portal_id, row.url) for row in session.execute(stmt))

    return KnownPages.write(path, rows(), crawled(), coverage(), absent())


#: item type → writer, merged into `storage.writes.WRITERS`
SAVERS: dict[str, Callable[[Statements, Session, CrawlRun, str, Mapping[str, Any]], None]] = {
    "seen": save_seen, "seen_batch": save_seen_batch, "validator": save_validator, "coverage": save_coverage}
