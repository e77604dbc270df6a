"""Exports: one row per stored record, in a fixed key order and a deterministic row order.

The key names are the machine-readable contract of ``cchc export`` (issues 2 and 4); acceptance checks
compare them exactly, so they are listed here once and used by both formats. JSONL keeps JSON types
(numbers, booleans, lists, objects, null); CSV renders None as "", booleans as "true"/"false",
lists as "|"-joined text (the registry's own convention) and objects as JSON.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import collate, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from storage.errors import ExportError
from storage.models import CrawlRun, Document, DocumentVersion, Portal, PortalHealth, WidgetReading

KINDS = ("documents", "widgets", "runs", "portals")
FORMATS = ("jsonl", "csv")

DOCUMENT_KEYS = (
    "url", "portal", "title", "published_at", "is_cchc", "category", "doc_number", "doc_type", "doc_date",
    "issuer", "issuer_as_written", "organ", "plan_year", "first_seen_run", "last_seen_run", "version",
    "removed_run", "content_hash", "first_seen_on", "last_seen_on", "removed_on", "plan_period",
)
WIDGET_KEYS = (
    "portal", "url", "run", "observed_on", "period", "total", "on_time", "late", "late_rate", "on_time_rate",
    "processed_pct", "updated_at", "source", "fetched_at", "issues",
)
RUN_KEYS = ("id", "trigger", "status", "started_at", "finished_at", "observed_on", "stats", "args")
PORTAL_KEYS = (
    "id", "name", "level", "province", "parent", "base_url", "cms", "feeds", "sitemaps", "listings",
    "registers", "hosts", "widget_url", "unit_code", "unverified", "notes", "in_registry",
    # the portal's latest health (its newest run that reached it), so the faults a run named can be read here
    "reachable", "http_status", "waf_blocked", "error", "health_run",
)
#: The registry columns (and in_registry), read from the portals table as they are.
_PORTAL_COLUMNS = PORTAL_KEYS[:PORTAL_KEYS.index("in_registry") + 1]
KEYS: dict[str, tuple[str, ...]] = {
    "documents": DOCUMENT_KEYS, "widgets": WIDGET_KEYS, "runs": RUN_KEYS, "portals": PORTAL_KEYS,
}


def json_safe(value: Any) -> Any:
    """A JSON-serialisable copy: dates as ISO text, sets/tuples as lists, unknown objects as str.

    Scrapy stats hold datetimes and other objects; storing them as JSON must not fail a run.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        if isinstance(value, (set, frozenset)):
            items = sorted(items, key=str)
        return [json_safe(v) for v in items]
    return str(value)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def run_row(run: CrawlRun) -> dict[str, Any]:
    """A run as exported (and as `Store.run_summary` reports it)."""
    return {
        "id": run.id, "trigger": run.trigger, "status": run.status, "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at), "observed_on": _iso(run.observed_on),
        "stats": run.stats, "args": run.args,
    }


def bytewise(session: Session, column: Any) -> ColumnElement[Any]:
    """Order text by code point on every backend: PostgreSQL's default collation may follow the
    locale (ignoring punctuation and case), SQLite compares bytes; "C" makes both agree, so an export
    is identical whichever database it came from."""
    if session.get_bind().dialect.name == "postgresql":
        return collate(column, "C")
    return column


def _documents(session: Session) -> Iterator[dict[str, Any]]:
    first, last, removed = aliased(CrawlRun), aliased(CrawlRun), aliased(CrawlRun)
    stmt = (
        select(Document, DocumentVersion, first.observed_on, last.observed_on, removed.observed_on)
        .join(DocumentVersion, (DocumentVersion.document_id == Document.id) & (DocumentVersion.version == Document.version))
        .join(first, first.id == Document.first_seen_run_id)
        .join(last, last.id == Document.last_seen_run_id)
        .outerjoin(removed, removed.id == Document.removed_run_id)
        .order_by(bytewise(session, Document.portal_id), bytewise(session, Document.url), Document.id)
        .execution_options(yield_per=500)
    )
    for doc, ver, first_on, last_on, removed_on in session.execute(stmt):
        yield {
            "url": doc.url, "portal": doc.portal_id, "title": ver.title, "published_at": ver.published_at,
            "is_cchc": ver.is_cchc, "category": ver.category, "doc_number": ver.doc_number,
            "doc_type": ver.doc_type, "doc_date": _iso(ver.doc_date), "issuer": ver.issuer,
            "issuer_as_written": ver.issuer_as_written, "organ": ver.organ, "plan_year": ver.plan_year,
            "first_seen_run": doc.first_seen_run_id, "last_seen_run": doc.last_seen_run_id,
            "version": doc.version, "removed_run": doc.removed_run_id, "content_hash": doc.content_hash,
            "first_seen_on": _iso(first_on), "last_seen_on": _iso(last_on), "removed_on": _iso(removed_on),
            "plan_period": ver.plan_period,
        }


def _widgets(session: Session) -> Iterator[dict[str, Any]]:
    stmt = (
        select(WidgetReading, CrawlRun.observed_on)
        .join(CrawlRun, CrawlRun.id == WidgetReading.run_id)
        .order_by(WidgetReading.run_id, bytewise(session, WidgetReading.portal_id))
        .execution_options(yield_per=500)
    )
    for w, observed_on in session.execute(stmt):
        yield {
            "portal": w.portal_id, "url": w.url, "run": w.run_id, "observed_on": _iso(observed_on),
            "period": w.period, "total": w.total, "on_time": w.on_time, "late": w.late,
            "late_rate": w.late_rate, "on_time_rate": w.on_time_rate, "processed_pct": w.processed_pct,
            "updated_at": w.updated_at, "source": w.source, "fetched_at": _iso(w.fetched_at),
            "issues": w.issues or [],
        }


def _runs(session: Session) -> Iterator[dict[str, Any]]:
    for run in session.scalars(select(CrawlRun).order_by(CrawlRun.id)):
        yield run_row(run)


def _portals(session: Session) -> Iterator[dict[str, Any]]:
    """Registry columns, then the latest health: from the newest run with a health row for the
    portal (all null when no run has reached it yet)."""
    latest = (select(PortalHealth.portal_id, func.max(PortalHealth.run_id).label("run_id"))
              .group_by(PortalHealth.portal_id).subquery())
    stmt = (
        select(Portal, PortalHealth)
        .outerjoin(latest, latest.c.portal_id == Portal.id)
        .outerjoin(PortalHealth, (PortalHealth.portal_id == Portal.id) & (PortalHealth.run_id == latest.c.run_id))
        .order_by(bytewise(session, Portal.id))
    )
    for p, health in session.execute(stmt):
        row = {key: getattr(p, key) for key in _PORTAL_COLUMNS}
        row.update({
            "reachable": health.reachable if health else None,
            "http_status": health.status if health else None,
            "waf_blocked": health.waf_blocked if health else None,
            "error": health.error if health else None,
            "health_run": health.run_id if health else None,
        })
        yield row


_ROWS = {"documents": _documents, "widgets": _widgets, "runs": _runs, "portals": _portals}


def rows(session: Session, kind: str) -> Iterator[dict[str, Any]]:
    """The export rows of `kind`, keys in `KEYS[kind]` order."""
    if kind not in _ROWS:
        raise ExportError(f"unknown export kind {kind!r}: choose one of {', '.join(KINDS)}")
    return _ROWS[kind](session)


def csv_cell(value: Any) -> str:
    """CSV text of a JSON-safe value: "" for None, true/false, "|"-joined lists of scalars, JSON
    for objects (the rule of every CSV this project writes: exports and reports)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "|".join("" if v is None else str(v) for v in value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def write(session: Session, kind: str, fmt: str, out: IO[str]) -> int:
    """Write the rows of `kind` to `out` as `fmt`; returns how many rows were written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
    source = rows(session, kind)
    count = 0
    if fmt == "jsonl":
        for row in source:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(KEYS[kind])
    for row in source:
        writer.writerow([csv_cell(row[key]) for key in KEYS[kind]])
        count += 1
    return count
