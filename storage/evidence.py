"""Evidence rows: the fetch metadata of raw copies, what each copy proves, and retention.

The crawl's evidence pipeline (`pipelines.evidence`) has already put the bytes in the content-addressed
store (`storage.blobs`) and left on the item a ``raw`` mapping (``url, requested_url, status,
fetched_at, headers, sha256, size, stored_size, kind``); `Store.save_items` hands it here in the
item's savepoint:

* every raw copy gets a ``blobs`` row (upsert: ``last_seen_at`` moves forward) and a ``raw_fetches``
  row (upsert on run + final URL), whether or not anything was stored from it, so that every blob on
  disk is known to retention;
* a document version is linked (``version_evidence``) to the page and attachments of the capture that
  first produced it (or, for a version stored before migration 0008, of its first capture since);
* a widget reading is linked (``widget_evidence``) to the page it was read from in its run.

Retention (`prune`): a blob is dropped when its last capture is older than N days and no row in
`REFERENCES` points at it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import BindParameter, bindparam, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from storage.blobs import BlobStore
from storage.evidence_models import Blob, RawFetch, VersionEvidence, WidgetEvidence
from storage.models import DocumentVersion, UTCDateTime, WidgetReading, utcnow
from storage.values import number, parse_instant, text_or_none


@dataclass(frozen=True)
class Reference:
    """A table whose rows keep raw copies alive: `exists` is an SQL ``EXISTS`` body correlated on the
    outer ``blobs`` row, aliased ``b`` (e.g. ``… WHERE rf.sha256 = b.sha256``)."""

    table: str
    exists: str


#: THE list of what keeps a raw copy from `cchc db prune`. Each entry is one table of evidence; a
#: blob referenced by any entry is kept whatever its age. To protect the raw copies another table
#: cites (the alerts of issue 14, say), add one entry here; nothing else in retention changes.
REFERENCES: tuple[Reference, ...] = (
    Reference("document_versions",
              "SELECT 1 FROM raw_fetches rf JOIN version_evidence ve ON ve.raw_fetch_id = rf.id "
              "WHERE rf.sha256 = b.sha256"),
    Reference("widget_readings",
              "SELECT 1 FROM raw_fetches rf JOIN widget_evidence we ON we.raw_fetch_id = rf.id "
              "WHERE rf.sha256 = b.sha256"),
    # an alert is evidence of what its run fetched at the URL it links (the document, the widget's page)
    Reference("alerts",
              "SELECT 1 FROM raw_fetches rf JOIN alerts a ON a.run_id = rf.run_id AND a.portal_id = rf.portal_id "
              "AND (a.url = rf.url OR a.url = rf.requested_url) WHERE rf.sha256 = b.sha256"),
)


def _insert(conn: Connection, table: Any) -> Any:
    return (pg_insert if conn.dialect.name == "postgresql" else sqlite_insert)(table)


def save_raw(conn: Connection, run_id: int, portal_id: str, raw: Mapping[str, Any]) -> int | None:
    """Record one raw copy (blob row and fetch metadata); its ``raw_fetches`` id, or None when the
    mapping carries no stored bytes (the pipeline could not store them)."""
    sha = text_or_none(raw.get("sha256"), 64)
    url = text_or_none(raw.get("url"))
    if not sha or not url:
        return None
    fetched_at = parse_instant(raw.get("fetched_at")) or utcnow()
    size = number(raw.get("size"), integer=True) or 0
    conn.execute(_raw_statements(conn)[0], {
        "sha256": sha, "size": size, "stored_size": number(raw.get("stored_size"), integer=True),
        "first_stored_at": fetched_at, "last_seen_at": fetched_at})
    headers = {str(k).lower(): str(v) for k, v in (raw.get("headers") or {}).items()}
    values = {
        "portal_id": portal_id, "kind": text_or_none(raw.get("kind"), 20) or "page",
        "requested_url": text_or_none(raw.get("requested_url")), "status": number(raw.get("status"), integer=True),
        "fetched_at": fetched_at, "content_type": text_or_none(headers.get("content-type"), 200),
        "last_modified": text_or_none(headers.get("last-modified"), 100),
        "etag": text_or_none(headers.get("etag"), 200), "headers": headers or None, "sha256": sha, "size": size,
    }
    return int(conn.execute(_raw_statements(conn)[1], {"run_id": run_id, "url": url, **values}).scalar_one())


#: (blob upsert, raw-fetch upsert) per dialect: built once, run with bound parameters. Building them
#: per raw copy (values as literals, a fresh ``excluded`` alias) cost more than running them: ~5 % of
#: the crawl process's GIL time (bench/crawl_bench.py --profile), on the writer thread.
_RAW_STATEMENTS: dict[str, tuple[Any, Any]] = {}
_RAW_FETCH_COLUMNS = ("portal_id", "kind", "requested_url", "status", "fetched_at", "content_type",
                      "last_modified", "etag", "headers", "sha256", "size")


def _raw_statements(conn: Connection) -> tuple[Any, Any]:
    built = _RAW_STATEMENTS.get(conn.dialect.name)
    if built is None:
        blobs = Blob.__table__
        stmt = _insert(conn, blobs)
        stmt = stmt.on_conflict_do_update(index_elements=["sha256"], set_={
            "last_seen_at": _latest(conn, blobs.c.last_seen_at, stmt.excluded.last_seen_at)})
        fetches = RawFetch.__table__
        up = _insert(conn, fetches)
        up = up.on_conflict_do_update(index_elements=["run_id", "url"],
                                      set_={k: up.excluded[k] for k in _RAW_FETCH_COLUMNS})
        built = _RAW_STATEMENTS[conn.dialect.name] = (stmt, up.returning(fetches.c.id))
    return built


def _latest(conn: Connection, stored: Any, new: Any) -> Any:
    from sqlalchemy import func

    return (func.greatest if conn.dialect.name == "postgresql" else func.max)(stored, new)


def link_version(conn: Connection, run_id: int, portal_id: str, document_id: int, version: int,
                 page: Mapping[str, Any] | None, files: list[Mapping[str, Any]]) -> None:
    """Record a page item's raw copies and link them to the version when it has no evidence yet."""
    page_id = save_raw(conn, run_id, portal_id, page) if page else None
    file_ids = [(i, save_raw(conn, run_id, portal_id, f["raw"])) for i, f in enumerate(files)
                if isinstance(f.get("raw"), Mapping)]
    versions = DocumentVersion.__table__
    version_id = conn.execute(select(versions.c.id).where(
        versions.c.document_id == bindparam("_d"), versions.c.version == bindparam("_v")),
        {"_d": document_id, "_v": version}).scalar_one_or_none()
    if version_id is None or page_id is None:
        return
    links = VersionEvidence.__table__
    if conn.execute(select(links.c.id).where(links.c.version_id == version_id).limit(1)).first() is not None:
        return  # the version keeps the capture that first produced it
    rows = [{"version_id": version_id, "raw_fetch_id": page_id, "role": "page", "position": 0}]
    rows += [{"version_id": version_id, "raw_fetch_id": fid, "role": "attachment", "position": i + 1}
             for i, fid in file_ids if fid is not None]
    conn.execute(_insert(conn, links).on_conflict_do_nothing(), rows)


def save_unlinked(conn: Connection, run_id: int, portal_id: str, page: Mapping[str, Any] | None,
                  files: list[Mapping[str, Any]]) -> None:
    """Raw copies of an item from which nothing was stored (an error page, a page over its budget): kept
    as fetch metadata so retention knows their blobs, linked to nothing."""
    if page:
        save_raw(conn, run_id, portal_id, page)
    for f in files:
        if isinstance(f.get("raw"), Mapping):
            save_raw(conn, run_id, portal_id, f["raw"])


def link_widget(conn: Connection, run_id: int, portal_id: str, raw: Mapping[str, Any], *, reading: bool) -> None:
    """Record a widget item's raw copy and, when the item stored a `reading`, make it the evidence of
    the run's reading for the portal (the latest reading replaces an earlier one, and so does its
    evidence; an item without a reading leaves the reading's evidence alone)."""
    raw_id = save_raw(conn, run_id, portal_id, raw)
    if not reading:
        return
    readings = WidgetReading.__table__
    reading_id = conn.execute(select(readings.c.id).where(
        readings.c.run_id == bindparam("_r"), readings.c.portal_id == bindparam("_p")),
        {"_r": run_id, "_p": portal_id}).scalar_one_or_none()
    if raw_id is None or reading_id is None:
        return
    links = WidgetEvidence.__table__
    conn.execute(links.delete().where(links.c.widget_reading_id == reading_id))
    conn.execute(links.insert(), {"widget_reading_id": reading_id, "raw_fetch_id": raw_id})


# ---------------------------------------------------------------------------------------- retention
@dataclass
class PruneResult:
    """What `prune` dropped (or would drop with ``dry_run``)."""

    files: int = 0
    bytes: int = 0
    raw_fetches: int = 0
    kept_referenced: int = 0
    missing_files: int = 0


def _candidates_sql(limit: int | None) -> str:
    refs = " ".join(f"AND NOT EXISTS ({r.exists})" for r in REFERENCES)
    return (f"SELECT b.sha256, b.stored_size FROM blobs b WHERE b.last_seen_at < :cutoff {refs} "
            f"ORDER BY b.sha256{f' LIMIT {int(limit)}' if limit else ''}")


def prune(engine: Any, data_dir: Path, keep_days: int, *, dry_run: bool = False,
          now: dt.datetime | None = None, batch: int = 500) -> PruneResult:
    """Drop the raw copies last captured more than `keep_days` days ago that nothing in `REFERENCES`
    cites: their blob files, ``blobs`` rows and fetch metadata. The work is SQL, in batches; rows are
    deleted (and committed) before their files, so a crash leaves at worst a file nothing names."""
    if keep_days < 0:
        raise ValueError("--keep-days must be 0 or more")
    cutoff = (now or utcnow()) - dt.timedelta(days=keep_days)
    store = BlobStore(data_dir)
    result = PruneResult()
    bind_cutoff = cutoff
    with engine.connect() as conn:
        old = conn.execute(_q("SELECT count(*) FROM blobs b WHERE b.last_seen_at < :cutoff"),
                           {"cutoff": bind_cutoff}).scalar_one()
    if dry_run:
        with engine.connect() as conn:
            rows = conn.execute(_q(f"SELECT count(*), coalesce(sum(c.stored_size), 0) FROM ({_candidates_sql(None)}) c"),
                                {"cutoff": bind_cutoff}).one()
            result.files, result.bytes = int(rows[0]), int(rows[1])
            result.raw_fetches = int(conn.execute(_q(
                f"SELECT count(*) FROM raw_fetches rf WHERE rf.sha256 IN (SELECT c.sha256 FROM ({_candidates_sql(None)}) c)"),
                {"cutoff": bind_cutoff}).scalar_one())
        result.kept_referenced = int(old) - result.files
        return result
    while True:
        with engine.begin() as conn:
            chosen = [row[0] for row in conn.execute(_q(_candidates_sql(batch)), {"cutoff": bind_cutoff})]
            if not chosen:
                break
            shas: BindParameter[str] = bindparam("shas", expanding=True)
            result.raw_fetches += conn.execute(RawFetch.__table__.delete().where(
                RawFetch.__table__.c.sha256.in_(shas)), {"shas": chosen}).rowcount or 0
            conn.execute(Blob.__table__.delete().where(Blob.__table__.c.sha256.in_(shas)), {"shas": chosen})
        for sha in chosen:
            freed = store.remove(sha)
            if freed:
                result.files += 1
                result.bytes += freed
            else:
                result.missing_files += 1
    result.kept_referenced = int(old) - result.files - result.missing_files
    return result


def _q(sql: str) -> Any:
    """An SQL text whose ``:cutoff`` is bound as the column stores instants (`UTCDateTime`)."""
    return text(sql).bindparams(bindparam("cutoff", type_=UTCDateTime()))
