"""The crawl-run lifecycle (start, finish, resume, stale runs, failed runs) and a run's summaries.

Why apart from the item writers: a run's row is written by whoever drives a crawl (the CLI, the
scheduler, a Scrapy process something else started), items by the storage pipeline; each function
here takes the session it works in, so `Store` decides the transactions and the driver of a crawl
can be anywhere. A run's owner is recorded as (host, pid, process start time) so a later crawl can
tell a run whose process died (`mark_stale`) from one still in progress, reading /proc on Linux.
"""
from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Container, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.process import process_start, same_process
from storage import exports, fetchlog, health
from storage.errors import UnknownRunError
from storage.models import (
    CrawlRun,
    Document,
    DocumentVersion,
    Fetch,
    Portal,
    PortalHealth,
    VisitorReading,
    WidgetReading,
    utcnow,
)
from storage.sightings import SightingInterval, in_run

RUN_TRIGGERS = frozenset({"manual", "schedule", "demo"})
RUN_STATUSES = frozenset({"running", "complete", "failed", "incomplete"})
FINAL_STATUSES = RUN_STATUSES - {"running"}


def get_run(session: Session, run_id: int, where: str, hint: str = "") -> CrawlRun:
    """The run's row, or `UnknownRunError` naming the database (and what to do, when `hint`)."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise UnknownRunError(f"there is no run {run_id} in {where}{hint}")
    return run


def start(session: Session, *, trigger: str, observed_on: dt.date, args: Mapping[str, Any] | None) -> int:
    """A new run (status "running") owned by this process; returns its id."""
    if trigger not in RUN_TRIGGERS:
        raise ValueError(f"trigger {trigger!r} is not one of {sorted(RUN_TRIGGERS)}")
    if not isinstance(observed_on, dt.date) or isinstance(observed_on, dt.datetime):
        raise ValueError(f"observed_on must be a date, got {observed_on!r}")
    run = CrawlRun(
        trigger=trigger, status="running", started_at=utcnow(), finished_at=None,
        observed_on=observed_on, args=dict(args or {}), stats=None,
        host=socket.gethostname(), pid=os.getpid(), process_start=process_start(os.getpid()),
    )
    session.add(run)
    session.flush()
    return run.id


def finish(session: Session, run_id: int, where: str, *, status: str, stats: Mapping[str, Any] | None) -> None:
    """Close a run with its final status and per-spider stats (made JSON-safe), and record the drift
    canary's figures of the day (`storage.health`)."""
    if status not in FINAL_STATUSES:
        raise ValueError(f"status {status!r} is not one of {sorted(FINAL_STATUSES)}")
    run = get_run(session, run_id, where)
    run.status = status
    run.finished_at = utcnow()
    resumed = (run.stats or {}).get("resumed")
    run.stats = exports.json_safe(dict(stats or {}))
    if resumed:  # storage's own note survives the caller's stats
        run.stats = {**run.stats, "resumed": resumed}
    session.flush()
    health.record_yields(session.connection(), run_id)  # the drift canary's figures of this day


def resume(session: Session, run_id: int, where: str) -> None:
    """Take over an "incomplete" run in this process (`Store.resume_run` says why)."""
    run = get_run(session, run_id, where)
    if run.status != "incomplete":
        raise ValueError(f"run {run_id} is {run.status!r}; only an 'incomplete' run can be resumed "
                         "(call mark_stale_runs_incomplete() first)")
    run.status = "running"
    run.finished_at = None
    run.host, run.pid, run.process_start = socket.gethostname(), os.getpid(), process_start(os.getpid())
    run.stats = {k: v for k, v in (run.stats or {}).items() if k != "marked_incomplete"} | {
        "resumed": int((run.stats or {}).get("resumed", 0)) + 1}


def mark_stale(session: Session, live: Container[int]) -> list[int]:
    """Mark runs left "running" by a process that no longer runs as "incomplete"; return their ids.

    A run is stale when it was started on this host and its process is gone: the pid is not alive,
    or it now belongs to another process (its start time differs from the one recorded). Runs in
    `live` (this process's own) are left alone, and so are runs from another host: they cannot be
    checked.
    """
    host = socket.gethostname()
    marked: list[int] = []
    runs = session.scalars(select(CrawlRun).where(CrawlRun.status == "running").order_by(CrawlRun.id))
    for run in runs:
        if run.id in live or run.host not in (None, host):
            continue
        if run.pid is not None and same_process(run.pid, run.process_start):
            continue
        run.status = "incomplete"
        run.finished_at = utcnow()
        run.stats = dict(run.stats or {}) | {"marked_incomplete": "process ended without finishing"}
        marked.append(run.id)
    return marked


def fail_of_process(session: Session, pid: int, reason: str) -> list[int]:
    """Mark the runs still "running" that process `pid` of this host started as "failed" (the reason
    kept in stats under ``error``); return their ids."""
    host = socket.gethostname()
    failed: list[int] = []
    runs = session.scalars(select(CrawlRun).where(
        CrawlRun.status == "running", CrawlRun.pid == pid, CrawlRun.host == host).order_by(CrawlRun.id))
    for run in runs:
        run.status = "failed"
        run.finished_at = utcnow()
        run.stats = dict(run.stats or {}) | {"error": reason}
        failed.append(run.id)
    return failed


def answered_fetches(session: Session, run_id: int) -> tuple[int, int, str | None]:
    """(fetches recorded, usable answers, the most frequent fetch error) of a run (`Store` says why)."""
    total = session.scalar(select(func.count()).select_from(Fetch).where(Fetch.run_id == run_id)) or 0
    usable = session.scalar(select(func.count()).select_from(Fetch).where(
        Fetch.run_id == run_id, Fetch.status >= 200, Fetch.status < 400, Fetch.error.is_(None))) or 0
    usable += session.scalar(select(func.count()).select_from(PortalHealth).where(
        PortalHealth.run_id == run_id, PortalHealth.reachable.is_(True))) or 0
    unchanged, gone = fetchlog.answered_unchanged(session, run_id)  # answered as before: counted, no row
    total, usable = total + unchanged + gone, usable + unchanged
    errors = dict(session.execute(
        select(Fetch.error, func.count().label("n")).where(Fetch.run_id == run_id, Fetch.error.is_not(None))
        .group_by(Fetch.error)).all())
    if gone:  # the 404s answered again are fetches that failed as their rows did
        errors[fetchlog.GONE_ERROR] = errors.get(fetchlog.GONE_ERROR, 0) + gone
    common = min(errors.items(), key=lambda e: (-e[1], e[0]))[0] if errors else None
    return int(total), int(usable), common


def summary(session: Session, run_id: int, where: str) -> dict[str, Any]:
    """What one run saw, per portal and in total (the end-of-crawl table and the demo's summary)."""
    run = get_run(session, run_id, where)
    pages = dict(session.execute(select(Fetch.portal_id, func.count()).where(Fetch.run_id == run_id)
                                 .group_by(Fetch.portal_id)).all())
    for pid, n in fetchlog.unchanged_by_portal(session, run_id).items():
        pages[pid] = pages.get(pid, 0) + n
    sighted = (select(Document.portal_id, DocumentVersion.is_cchc, Document.first_seen_run_id,
                      SightingInterval.version)
               .join(Document, Document.id == SightingInterval.document_id)
               .join(DocumentVersion, (DocumentVersion.document_id == Document.id)
                     & (DocumentVersion.version == SightingInterval.version))
               .where(in_run(run_id)))
    docs: dict[str, dict[str, int]] = {}
    for portal_id, is_cchc, first_seen, _version in session.execute(sighted):
        counts = docs.setdefault(portal_id, {"documents": 0, "cchc_documents": 0, "new_documents": 0})
        counts["documents"] += 1
        counts["cchc_documents"] += 1 if is_cchc else 0
        counts["new_documents"] += 1 if first_seen == run_id else 0
    changed = dict(session.execute(
        select(Document.portal_id, func.count()).join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(DocumentVersion.first_seen_run_id == run_id, DocumentVersion.version > 1)
        .group_by(Document.portal_id)).all())
    removed = dict(session.execute(
        select(Document.portal_id, func.count()).where(Document.removed_run_id == run_id)
        .group_by(Document.portal_id)).all())
    widgets = set(session.scalars(select(WidgetReading.portal_id).where(WidgetReading.run_id == run_id)))
    visitors = set(session.scalars(select(VisitorReading.portal_id).where(VisitorReading.run_id == run_id)))
    healths = {h.portal_id: h for h in session.scalars(select(PortalHealth).where(PortalHealth.run_id == run_id))}
    portal_ids = sorted(set(pages) | set(docs) | set(changed) | set(removed) | widgets | visitors | set(healths))
    names = dict(session.execute(select(Portal.id, Portal.name).where(Portal.id.in_(portal_ids))).all())
    rows: list[dict[str, Any]] = []
    for pid in portal_ids:
        h = healths.get(pid)
        counts = docs.get(pid, {"documents": 0, "cchc_documents": 0, "new_documents": 0})
        rows.append({
            "portal": pid, "name": names.get(pid), "pages": pages.get(pid, 0),
            "documents": counts["documents"], "cchc_documents": counts["cchc_documents"],
            "new_documents": counts["new_documents"], "changed_documents": changed.get(pid, 0),
            "removed_documents": removed.get(pid, 0), "widget": pid in widgets, "visitors": pid in visitors,
            "status": h.status if h else None, "reachable": h.reachable if h else None,
            "latency_ms": h.latency_ms if h else None, "error": h.error if h else None,
            "waf_blocked": bool(h.waf_blocked) if h else False,
            "redirected_to": h.redirected_to if h else None,
        })
    totals = {
        "portals": len(rows),
        **{key: sum(r[key] for r in rows) for key in
           ("pages", "documents", "cchc_documents", "new_documents", "changed_documents", "removed_documents")},
        "widgets": sum(1 for r in rows if r["widget"]),
        "waf_blocked": sum(1 for r in rows if r["waf_blocked"]),
        "failing": sum(1 for r in rows if r["error"] or r["waf_blocked"] or (r["status"] or 0) >= 400
                       or r["reachable"] is False),
    }
    return {"run": exports.run_row(run), "portals": rows, "totals": totals}
