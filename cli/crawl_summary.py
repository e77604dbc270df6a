"""What `cchc crawl` (and so `cchc demo` and a scheduled run) prints when a run ends, for people.

Why a module of its own: the crawl command's job is to run a crawl; this one turns the stored run
into what a person reads at the terminal — per-portal counts, the portals that failed and why, what
else went wrong on the way, the totals — in the language of ``--lang`` (Vietnamese by default).
Every word comes from the project's one vocabulary (reports/labels.py); numbers are written the
Vietnamese way (``1.234``), the observed day as ``02/03/2026`` and the run's start and end in
Asia/Ho_Chi_Minh. The stored error text of a fetch is data and is shown as it was recorded, after
a label that says in the reader's language what kind of problem it is.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from reports.formatting import current_lang, vn_date, vn_int
from reports.labels import header, label, text, vn_datetime

if TYPE_CHECKING:
    from storage import Store
    from storage.datadir import RunPaths

#: Exit codes: a bad input (nothing was crawled, no run recorded) and a run that did not complete.
EXIT_BAD_INPUT = 2
EXIT_RUN_FAILED = 1


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One `error:` line on stderr and a non-zero exit (the project's one style for every failure)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)

#: The summary table's columns: (row key, right-aligned).
COLUMNS = (("portal", False), ("pages", True), ("documents", True), ("cchc_documents", True), ("widget", True),
           ("status", False))
PORTAL_WIDTH = 38


def is_problem(row: dict[str, Any]) -> bool:
    """Whether a portal's row is one the run could not use (error, firewall page, HTTP error)."""
    return bool(row.get("error") or row.get("waf_blocked") or (row.get("status") or 200) >= 400)


def problem_text(row: dict[str, Any], lang: str) -> str:
    """What went wrong with a portal, as people read it: the kind of problem in `lang`, then the
    recorded detail (an HTTP status, the fetch error as stored)."""
    error, status, moved = row.get("error"), row.get("status"), row.get("redirected_to")
    if row.get("waf_blocked"):
        return label("health", "waf", lang) + (f" (HTTP {status})" if status else "")
    if moved and error and str(error).startswith("redirect to"):
        return text("crawl.redirect_refused", lang, url=moved)
    if status and status >= 400:
        what = f"{label('health', 'http_error', lang)} {status}"
    elif error and "timeout" in str(error).lower():
        what = f"{label('health', 'timeout', lang)} ({error})"
    elif error:
        what = f"{label('health', 'down', lang)} ({error})"
    else:
        return label("health", "ok", lang)
    if moved:
        what += f" ({text('crawl.redirect_to', lang, url=moved)})"
    return what


def _state(row: dict[str, Any], lang: str) -> str:
    if is_problem(row):
        return problem_text(row, lang)
    return label("health", "ok", lang) if row.get("status") or row.get("reachable") else "-"


def run_notes(store: Any, run_id: int, lang: str | None = None) -> dict[str, list[str]]:
    """What a person should know about portals that did answer: URLs robots.txt kept us from, other
    failed fetches (404s of probed default paths aside), redirects followed to another host, URLs
    that answered only after retries (from the run's per-spider stats)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from storage.models import CrawlRun, Fetch, PortalHealth

    lang = lang or current_lang()
    notes: dict[str, list[str]] = {}
    with Session(store.engine) as session:
        rows = session.execute(
            select(Fetch.portal_id, Fetch.error, func.count()).where(Fetch.run_id == run_id, Fetch.error.is_not(None))
            .group_by(Fetch.portal_id, Fetch.error).order_by(Fetch.portal_id, Fetch.error)
        ).all()
        for portal, error, n in rows:
            if error is None or error.startswith("HTTP 404"):  # None is filtered out above
                continue
            line = (text("crawl.note_robots", lang, n=vn_int(n)) if "robots.txt" in error
                    else text("crawl.note_failed", lang, n=vn_int(n), error=error[:90]))
            notes.setdefault(portal, []).append(line)
        for portal, url, target in session.execute(
            select(PortalHealth.portal_id, PortalHealth.url, PortalHealth.redirected_to)
            .where(PortalHealth.run_id == run_id, PortalHealth.redirected_to.is_not(None), PortalHealth.error.is_(None))
        ):
            notes.setdefault(portal, []).append(text("crawl.note_redirect", lang, url=url, target=target))
        run = session.get(CrawlRun, run_id)
        retried: dict[str, list[int]] = {}
        for spider_stats in ((run.stats or {}) if run is not None else {}).values():
            if not isinstance(spider_stats, dict):
                continue
            for key, value in spider_stats.items():
                for prefix, slot in (("cchc/retried_ok/", 0), ("cchc/retries/", 1)):
                    if key.startswith(prefix):
                        retried.setdefault(key[len(prefix):], [0, 0])[slot] += int(value)
        for portal, (ok, spent) in sorted(retried.items()):
            if ok:
                notes.setdefault(portal, []).append(text("crawl.note_retried", lang, n=vn_int(ok), spent=vn_int(spent)))
    return notes


def summary_lines(summary: dict[str, Any], notes: dict[str, list[str]] | None = None,
                  lang: str | None = None) -> list[str]:
    """The summary as lines: the run, per-portal counts, the portals that failed and why, what else
    went wrong on the way, the totals."""
    lang = lang or current_lang()
    run = summary.get("run", {})
    lines = ["", text("crawl.run", lang, run=run.get("id"), trigger=label("trigger", run.get("trigger"), lang),
                      day=vn_date(run.get("observed_on")), status=label("run_status", run.get("status"), lang))]
    if run.get("started_at"):
        lines.append(text("crawl.times", lang, started=vn_datetime(run.get("started_at"), seconds=True),
                          finished=vn_datetime(run.get("finished_at"), seconds=True) or "–"))
    rows = summary.get("portals", [])
    table = [[p["portal"][:PORTAL_WIDTH], vn_int(p.get("pages", 0)), vn_int(p.get("documents", 0)),
              vn_int(p.get("cchc_documents", 0)), label("bool", bool(p.get("widget")), lang), _state(p, lang)]
             for p in rows]
    heads = [header(key, lang) for key, _ in COLUMNS]
    widths = [max([len(h), *(len(r[i]) for r in table)]) for i, h in enumerate(heads[:-1])]
    widths[0] = max(widths[0], PORTAL_WIDTH)

    def line(cells: list[str]) -> str:
        out = [c.rjust(w) if right else c.ljust(w) for c, w, (_, right) in zip(cells, widths, COLUMNS, strict=False)]
        return " ".join(out) + "  " + cells[-1]

    lines.append(line(heads))
    lines.extend(line(r) for r in table)
    bad = [p for p in rows if is_problem(p)]
    if bad:
        lines += ["", text("crawl.problems", lang)]
        lines += [f"  - {p['portal']} ({p.get('name') or ''}): {problem_text(p, lang)}" for p in bad]
    bad_ids = {p["portal"] for p in bad}
    noted = {pid: found for pid, found in (notes or {}).items() if pid not in bad_ids}
    if noted:
        lines += ["", text("crawl.noted", lang)]
        lines += [f"  - {pid}: {note}" for pid, found in sorted(noted.items()) for note in found]
    totals = summary.get("totals")
    if totals:
        lines += ["", text("crawl.totals", lang) + " "
                  + ", ".join(f"{header(k, lang)} {vn_int(v)}" for k, v in totals.items())]
    return lines


def print_summary(summary: dict[str, Any], notes: dict[str, list[str]] | None = None, lang: str | None = None) -> None:
    """Print `summary_lines` (the end of every crawl a person started or a schedule ran)."""
    for line in summary_lines(summary, notes, lang):
        click.echo(line)


def print_layout_changes(store: Any, run_id: int, lang: str | None = None) -> None:
    """The drift canary's verdict at the end of the summary: portals whose pages stopped yielding what
    they used to (`reports.health.layout_changes`; the figures were written when the run closed)."""
    from sqlalchemy.orm import Session

    from reports.health import layout_changes

    lang = lang or current_lang()
    with Session(store.engine) as session:
        changes = layout_changes(session, run_id)
    if not changes:
        return
    click.echo("\n" + text("crawl.layout_changed", lang))
    for change in changes:
        figures = ", ".join(text("crawl.layout_figure", lang, metric=header(m.metric, lang),
                                 value=_figure(m.metric, m.value), median=_figure(m.metric, m.median))
                            for m in change.metrics)
        click.echo(f"  - {change.portal_id}: {figures}")


def _figure(metric: str, value: float) -> str:
    return f"{value * 100:.0f}%" if metric.endswith("_share") else f"{value:g}"


def print_run_end(store: Store, run_id: int, paths: RunPaths) -> None:
    """The summary printed after a run: counts, notes, layout changes, national index, log path."""
    lang = current_lang()
    print_summary(store.run_summary(run_id), run_notes(store, run_id, lang), lang)
    print_layout_changes(store, run_id, lang)
    for line in index766_lines(store, run_id, lang):
        click.echo(line)
    click.echo(text("crawl.log", lang, path=paths.log))


def index766_lines(store: Store, run_id: int, lang: str | None = None) -> list[str]:
    """One summary line per national index source the run read: provinces read, or the fault."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from storage.index_models import Index766Fetch

    with Session(store.engine) as session:
        rows = session.scalars(select(Index766Fetch).where(Index766Fetch.run_id == run_id)
                               .order_by(Index766Fetch.source_id, Index766Fetch.year)).all()
        return [text("crawl.index766", lang, source=f.source_id, year=f.year)
                + (text("crawl.index766_failed", lang, error=f.error) if f.error
                   else text("crawl.index766_read", lang, n=f.provinces)
                   + (text("crawl.index766_issues", lang, n=len(f.issues)) if f.issues else ""))
                for f in rows]
