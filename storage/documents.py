"""Writers of documents and their versions: ``page`` items (a fetched page and its extraction record)
and ``removed`` items (a re-fetch that found a document gone).

A document is keyed by (portal, canonical URL); its content hash (`storage.values.document_content_hash`)
decides a new version. Seeing the same content again widens the version's seen range and rewrites what
the extractor derives only when that changed (the extractor may have improved), never the raw page the
version was first seen with. Citations and attachments are rebuilt from the record, so the same input
always gives the same rows.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import zlib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.record import COLUMN_FIELDS, Record
from storage import evidence, exports, fetchlog
from storage.blobs import blob_key
from storage.fetches import upsert_fetch
from storage.models import Attachment, Citation, CrawlRun, Document, DocumentVersion
from storage.statements import Statements, table_of
from storage.values import (
    canonical_url,
    document_content_hash,
    integer,
    parse_date,
    parse_instant,
    sha256_text,
    text_or_none,
)

log = logging.getLogger(__name__)

#: Re-fetch statuses that mean "gone". A 2xx/None removal item means "the page no longer holds the
#: document" (decided by the pipeline); any other status (5xx, 403, timeouts) is a portal problem,
#: not a removal, and is ignored.
REMOVAL_STATUSES = frozenset({404, 410})


def save_page(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """The page's fetch row, then (when it carries an extraction record) its document and version."""
    url = text_or_none(item.get("url"))
    if not url:
        raise ValueError("page item without url")
    html = item.get("html")
    html_bytes = html.encode("utf-8") if isinstance(html, str) else html if isinstance(html, bytes) else None
    status = integer(item.get("status"))
    fetched_at = parse_instant(item.get("fetched_at"))
    discovered_by = text_or_none(item.get("discovered_by"), 40)
    upsert_fetch(stmts, session, run, portal_id, {
        "url": url,
        "requested_url": text_or_none(item.get("requested_url")),
        "status": status,
        "fetched_at": fetched_at,
        "content_hash": text_or_none(item.get("content_hash"), 128) or sha256_text(html_bytes),
        "discovered_by": discovered_by,
        "error": text_or_none(item.get("error")),
    })
    record = item.get("record")
    files = [f for f in (item.get("files") or []) if isinstance(f, Mapping)]
    raw = item.get("raw") if isinstance(item.get("raw"), Mapping) else None
    if not isinstance(record, Mapping) or (status is not None and status >= 400):
        evidence.save_unlinked(session.connection(), run.id, portal_id, raw, files)
        return  # a fetch without an extraction record (or an error page) is not a document
    doc_url = canonical_url(text_or_none(record.get("url")) or url)
    content_hash = document_content_hash(record.get("text"), (text_or_none(f.get("checksum")) for f in files))

    fields = version_fields(record, url, fetched_at, status, discovered_by)
    fields["record_hash"] = derived_hash(record, files)
    docs = table_of(Document)
    conn = session.connection()
    found = conn.execute(stmts.cached("doc.find", lambda: select(
        docs.c.id, docs.c.version, docs.c.content_hash, docs.c.first_seen_run_id, docs.c.last_seen_run_id,
        docs.c.removed_run_id).where(docs.c.portal_id == bindparam("_portal"), docs.c.url == bindparam("_url"))),
        {"_portal": portal_id, "_url": doc_url}).one_or_none()
    if found is None:
        document_id = conn.execute(stmts.cached("doc.insert", lambda: docs.insert().returning(docs.c.id)), {
            "portal_id": portal_id, "url": doc_url, "first_seen_run_id": run.id, "last_seen_run_id": run.id,
            "removed_run_id": None, "removed_status": None, "version": 1, "content_hash": content_hash,
        }).scalar_one()
        version = 1
        _add_version(stmts, session, document_id, 1, content_hash, run, fields, html_bytes, record, files, raw)
    else:
        document_id, version = found.id, found.version
        changes: dict[str, Any] = {
            "first_seen_run_id": min(found.first_seen_run_id, run.id),
            "last_seen_run_id": max(found.last_seen_run_id, run.id),
        }
        if content_hash != found.content_hash:
            version += 1
            changes.update(version=version, content_hash=content_hash)
            _add_version(stmts, session, document_id, version, content_hash, run, fields, html_bytes, record,
                         files, raw)
        else:
            _refresh_version(stmts, session, document_id, version, run, fields, record, files)
            if found.last_seen_run_id < run.id:  # seen, not a fetch row (storage/fetchlog.py)
                fetchlog.forget_unchanged_page(stmts, conn, run.id, url, status)
        if found.removed_run_id is not None and run.id >= found.removed_run_id:
            changes.update(removed_run_id=None, removed_status=None)  # it came back
        conn.execute(stmts.cached(("doc.update", tuple(changes)),
                                  lambda: docs.update().where(docs.c.id == bindparam("_id"))),
                     {"_id": document_id, **changes})
    stmts.sightings.saw(conn, run.id, document_id, version,
                        new_version=found is not None and version != found.version)
    evidence.link_version(session.connection(), run.id, portal_id, document_id, version, raw, files)


def save_removed(stmts: Statements, session: Session, run: CrawlRun, portal_id: str,
                 item: Mapping[str, Any]) -> None:
    """Mark a known document removed in the first run that found it gone (`REMOVAL_STATUSES`)."""
    url = text_or_none(item.get("url"))
    if not url:
        raise ValueError("removed item without url")
    status = integer(item.get("status"))
    if status is not None and status not in REMOVAL_STATUSES and not 200 <= status < 300:
        log.info("not a removal: %s answered %s", url, status)
        return
    document = session.scalar(select(Document).where(
        Document.portal_id == portal_id, Document.url == canonical_url(url)))
    if document is None:
        log.info("removal of an unknown document ignored: %s", url)
        return
    if run.id < document.last_seen_run_id:
        return  # the document was seen in a later run: this older removal no longer applies
    if document.removed_run_id is None or run.id < document.removed_run_id:
        document.removed_run_id = run.id  # the first run that found it gone
        document.removed_status = status


def _refresh_version(stmts: Statements, session: Session, document_id: int, version: int, run: CrawlRun,
                     fields: dict[str, Any], record: Mapping[str, Any], files: list[Mapping[str, Any]]) -> None:
    """Same content seen again: widen the version's seen range; rewrite what the extractor derives
    only when it changed (the extractor may have improved), never the raw page it was first seen with."""
    table = table_of(DocumentVersion)
    conn = session.connection()
    current = conn.execute(stmts.cached("version.find", lambda: select(
        table.c.id, table.c.record_hash, table.c.first_seen_run_id, table.c.last_seen_run_id)
        .where(table.c.document_id == bindparam("_doc"), table.c.version == bindparam("_version"))),
        {"_doc": document_id, "_version": version}).one_or_none()
    if current is None:
        raise ValueError(f"document {document_id} has no row for its version {version}")
    changes: dict[str, Any] = {
        "first_seen_run_id": min(current.first_seen_run_id, run.id),
        "last_seen_run_id": max(current.last_seen_run_id, run.id),
    }
    if current.record_hash != fields["record_hash"]:
        changes.update({k: v for k, v in fields.items()
                        if k not in ("fetched_url", "fetched_at", "status", "discovered_by")})
    conn.execute(stmts.cached(("version.update", tuple(changes)),
                              lambda: table.update().where(table.c.id == bindparam("_id"))),
                 {"_id": current.id, **changes})
    if current.record_hash != fields["record_hash"]:
        _replace_children(stmts, session, current.id, record, files, fresh=False)


def version_fields(record: Mapping[str, Any], url: str, fetched_at: dt.datetime | None,
                   status: int | None, discovered_by: str | None) -> dict[str, Any]:
    """The ``document_versions`` columns of one page and its extraction record.

    The record's column fields come from the typed `Record` (`core.record`, the one definition of
    its fields): text cut to the column's length, a date parsed for a DATE column, lists and objects
    made JSON-safe (an empty value is NULL). The whole record, minus its text, is kept as JSON as the
    extractor wrote it.
    """
    typed = Record.from_mapping({**record, "url": text_or_none(record.get("url")) or url})  # url: as the key
    values: dict[str, Any] = {
        "fetched_url": url,
        "fetched_at": fetched_at,
        "status": status,
        "discovered_by": discovered_by,
    }
    for f in COLUMN_FIELDS:
        value = getattr(typed, f.name)
        if f.metadata.get("date"):
            value = parse_date(value)
        elif isinstance(value, str) and f.metadata.get("max_length"):
            value = value[:int(f.metadata["max_length"])]
        elif isinstance(value, (list, dict)):
            value = exports.json_safe(value) if value not in (None, "") else None
        values[f.name] = value
    # its length in characters, stored once (`storage.health.record_yields` reads it every run): the
    # text is NFC already (`Record`), and len() counts its code points as SQLite's length() and
    # PostgreSQL's char_length() do (the backfill of migration 0016)
    values["text_chars"] = len(values["text"]) if values["text"] is not None else None
    values["record"] = exports.json_safe({k: v for k, v in record.items() if k != "text"})
    return values


def _add_version(stmts: Statements, session: Session, document_id: int, version: int, content_hash: str,
                 run: CrawlRun, fields: dict[str, Any], html_bytes: bytes | None, record: Mapping[str, Any],
                 files: list[Mapping[str, Any]], raw: Mapping[str, Any] | None = None) -> None:
    """A new version. When the evidence pipeline kept the raw page in the content-addressed store
    (`storage.blobs`), ``html_path`` names its blob and the page is not copied into ``html_z``."""
    table = table_of(DocumentVersion)
    blob = blob_key(str(raw["sha256"])) if raw and raw.get("sha256") else None
    version_id = session.connection().execute(
        stmts.cached("version.insert", lambda: table.insert().returning(table.c.id)), {
            "document_id": document_id, "version": version, "content_hash": content_hash,
            "first_seen_run_id": run.id, "last_seen_run_id": run.id,
            "html_z": zlib.compress(html_bytes, 6) if html_bytes is not None and blob is None else None,
            "html_sha256": sha256_text(html_bytes),
            "html_size": len(html_bytes) if html_bytes is not None else None, "html_path": blob, **fields,
        }).scalar_one()
    _replace_children(stmts, session, version_id, record, files, fresh=True)


def _replace_children(stmts: Statements, session: Session, version_id: int, record: Mapping[str, Any],
                      files: list[Mapping[str, Any]], *, fresh: bool) -> None:
    """Citations and attachments of a version, rebuilt from the record (same input, same rows)."""
    conn = session.connection()
    if not fresh:
        for model in (Citation, Attachment):
            table = table_of(model)
            conn.execute(stmts.cached(("children.delete", table.name),
                                      lambda: table.delete().where(table.c.version_id == bindparam("_v"))),
                         {"_v": version_id})
    citations: list[dict[str, Any]] = []
    for position, citation in enumerate(c for c in (record.get("citations") or []) if isinstance(c, Mapping)):
        citations.append({
            "version_id": version_id, "position": position, "type": text_or_none(citation.get("type"), 40),
            "number": text_or_none(citation.get("number"), 120), "date": parse_date(citation.get("date")),
            "issuer": text_or_none(citation.get("issuer"), 300),
        })
    if citations:
        conn.execute(stmts.cached("citation.insert", table_of(Citation).insert), citations)
    by_url: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for source in (record.get("attachments") or [], files):
        for entry in source:
            if not isinstance(entry, Mapping) or not text_or_none(entry.get("url")):
                continue
            key = str(entry["url"])
            if key not in by_url:
                by_url[key] = {}
                order.append(key)
            by_url[key].update({k: v for k, v in entry.items() if v not in (None, "")})
    attachments: list[dict[str, Any]] = []
    for position, key in enumerate(order):
        entry = by_url[key]
        text = text_or_none(entry.get("text"))
        attachments.append({
            "version_id": version_id, "position": position, "url": key, "name": text_or_none(entry.get("name")),
            "kind": text_or_none(entry.get("kind"), 20), "path": text_or_none(entry.get("path")),
            "checksum": text_or_none(entry.get("checksum"), 128), "text": text, "text_hash": sha256_text(text),
            "warnings": exports.json_safe(entry.get("warnings")) if entry.get("warnings") else None,
        })
    if attachments:
        conn.execute(stmts.cached("attachment.insert", table_of(Attachment).insert), attachments)


def derived_hash(record: Mapping[str, Any], files: list[Mapping[str, Any]]) -> str:
    """Hash of the whole extraction output for a page (record and files' metadata)."""
    # a file's "raw" (fetch metadata of its copy, new each run) and "blob" (where its bytes are) are
    # evidence, not extraction output; nor is the download's "status" once the file was got: Scrapy says
    # "downloaded" the first day and "uptodate" (or "cached") after, for the same bytes (same checksum),
    # which rewrote and re-indexed every unchanged page with an attachment on its second fetch (issue 12:
    # about a third of an unchanged day's growth). "failed" stays: a file that could not be got is news.
    kept = [{k: v for k, v in f.items() if k not in ("raw", "blob") and not (k == "status" and v != "failed")}
            for f in files]
    # the page's chrome (its visitor counter, a sidebar widget) moves every day: not the document's
    # extraction, so an unchanged document re-fetched is not rewritten nor re-indexed (issue 12)
    own = {k: v for k, v in record.items() if k not in ("visitors", "widget", "widget_issues")}
    payload = json.dumps({"record": exports.json_safe(own), "files": exports.json_safe(kept)},
                         sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
