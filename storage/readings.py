"""Writers of a portal's readings in a run: the TTHC widget, the visitor counter and the portal's health.

One reading of each per portal per run. Widget and visitor rows are replaced by the latest item; the
health row merges the home-page fetches of several spiders (`save_health` says how).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.widget import COUNT_FIELDS, RATE_FIELDS, TEXT_FIELDS
from storage import evidence, exports
from storage.models import CrawlRun, PortalHealth, VisitorReading, WidgetReading
from storage.statements import Statements, table_of
from storage.values import bool_or_none, number, parse_instant, text_or_none

VISITOR_FIELDS = ("online", "today", "yesterday", "week", "month", "total")


def save_widget(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """The run's one widget reading for the portal (a later item replaces it) and visitor counter.

    An item whose ``widget`` is None (no widget found on the page) stores no reading, so it never
    erases a reading taken earlier in the run; its visitor counter is still kept.
    """
    widget = item.get("widget")
    if widget is not None and not isinstance(widget, Mapping):
        raise ValueError(f"widget must be a mapping, got {type(widget).__name__}")
    url = text_or_none(item.get("url"))
    fetched_at = parse_instant(item.get("fetched_at"))
    if widget:
        issues = list(item.get("widget_issues") or [])
        values: dict[str, Any] = {
            "url": url, "source": text_or_none(item.get("source"), 20), "fetched_at": fetched_at,
            **{name: text_or_none(widget.get(name), 40) for name in TEXT_FIELDS},
        }
        for names, integer in ((COUNT_FIELDS, True), (RATE_FIELDS, False)):
            for name in names:
                try:
                    values[name] = number(widget.get(name), integer=integer)
                except ValueError:
                    values[name] = None
                    issues.append(f"storage: {name}={widget.get(name)!r} is not a number")
        values["issues"] = exports.json_safe(issues)
        # One reading per portal per run: the latest replaces it.
        stmts.upsert(session, WidgetReading, {"run_id": run.id, "portal_id": portal_id}, values,
                     keep_when_null=False)
    visitors = item.get("visitors")
    if isinstance(visitors, Mapping) and visitors:
        save_visitors(stmts, session, run, portal_id, url, fetched_at, visitors)
    if isinstance(item.get("raw"), Mapping):
        evidence.link_widget(session.connection(), run.id, portal_id, item["raw"], reading=bool(widget))


def save_visitors(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, url: str | None,
                  fetched_at: dt.datetime | None, visitors: Mapping[str, Any]) -> None:
    """The run's one visitor-counter reading for the portal (a counter that is not a number is None).

    The counter as read (``values``) is kept only when the columns do not already say all of it (a key
    they lack, a value that is not the column's integer): the extractor's counters are integers under
    `VISITOR_FIELDS` names, so on most days the copy repeated the columns, about 80 bytes a portal-day
    (issue 12)."""
    values: dict[str, Any] = {"url": url, "fetched_at": fetched_at}
    for name in VISITOR_FIELDS:
        try:
            values[name] = number(visitors.get(name), integer=True)
        except ValueError:
            values[name] = None
    values["values"] = None if said_by_columns(visitors, values) else exports.json_safe(dict(visitors))
    stmts.upsert(session, VisitorReading, {"run_id": run.id, "portal_id": portal_id}, values,
                 keep_when_null=False)


def said_by_columns(visitors: Mapping[str, Any], columns: Mapping[str, Any]) -> bool:
    """Whether the counter as read is exactly its columns: every key a `VISITOR_FIELDS` name, every value
    None or the very integer stored (not a text like "1.234", a float or a bool, which the copy keeps)."""
    return all(name in VISITOR_FIELDS and (value is None or (type(value) is int and columns.get(name) == value))
               for name, value in visitors.items())


def save_health(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> None:
    """The portal's health in the run, merged over the spiders that fetched its home page.

    Core statements built once (`Statements.cached`), not ORM objects: a run stores a health item per
    spider and portal (issue 12: on an unchanged day the ORM's query, flush and bookkeeping of these
    rows were a twentieth of the crawl process)."""
    values: dict[str, Any] = {
        "url": text_or_none(item.get("url")),
        "status": number(item.get("status"), integer=True),
        "latency_ms": number(item.get("latency_ms"), integer=False),
        "error": text_or_none(item.get("error")),
        "waf_blocked": bool_or_none(item.get("waf_blocked")),
        "redirected_to": text_or_none(item.get("redirected_to")),
        "has_feed": bool_or_none(item.get("has_feed")),
        "has_widget": bool_or_none(item.get("has_widget")),
    }
    table = table_of(PortalHealth)
    conn = session.connection()
    keys = {"_run": run.id, "_portal": portal_id}
    found = conn.execute(stmts.cached("health.find", lambda: select(table.c.id, *(table.c[k] for k in HEALTH_FIELDS))
                                      .where(table.c.run_id == bindparam("_run"), table.c.portal_id == bindparam("_portal"))),
                         keys).one_or_none()
    if found is None:
        row = dict(values, reachable=reachable(values["status"], values["waf_blocked"], values["error"]))
        conn.execute(stmts.cached("health.insert", lambda: table.insert()), {"run_id": run.id, "portal_id": portal_id, **row})
        return
    # Several spiders fetch a portal's home page in one run. One usable answer means the
    # portal was reachable that day: a success replaces an earlier failure's outcome, and a
    # failure after a success (a timeout under load, a rate-limiting WAF) does not undo it.
    # Fields that are not about the outcome (has_feed, has_widget, …) merge: non-null wins.
    merged = {k: getattr(found, k) for k in HEALTH_FIELDS}
    was_ok = reachable(merged["status"], merged["waf_blocked"], merged["error"]) is True
    is_ok = reachable(values["status"], values["waf_blocked"], values["error"]) is True
    outcome = ("status", "latency_ms", "error", "waf_blocked", "url", "redirected_to")
    for key, value in values.items():
        if key in outcome and was_ok and not is_ok:
            continue
        if key in outcome and is_ok and not was_ok:
            merged[key] = value
        elif value is not None:
            merged[key] = value
    merged["reachable"] = reachable(merged["status"], merged["waf_blocked"], merged["error"])
    if all(merged[k] == getattr(found, k) for k in HEALTH_FIELDS):
        return  # nothing new: no write
    conn.execute(stmts.cached("health.update", lambda: table.update().where(table.c.id == bindparam("_id"))),
                 {"_id": found.id, **merged})


#: the columns of a health row a health item fills
HEALTH_FIELDS = ("url", "status", "latency_ms", "error", "waf_blocked", "redirected_to", "has_feed", "has_widget",
                 "reachable")


def reachable(status: int | None, waf_blocked: bool | None, error: str | None) -> bool | None:
    """A portal answered with a usable page: 2xx/3xx and not a WAF block page."""
    if status is None:
        return False if error else None
    return 200 <= status < 400 and not waf_blocked
