"""`cchc crawl` (ad-hoc crawls of registry portals or of one URL) and `cchc demo`.

A crawl is one run (a snapshot): the command opens the run, starts every chosen spider in one
Scrapy process, then closes the run with the spiders' stats and prints per-portal counts. Twisted's
reactor cannot restart, so anything that crawls more than once (the demo's days, the scheduler)
starts this command as a fresh process.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from core.clock import observed_on
from crawler.registry import RegistryError, UnknownPortalError, for_url, load_registry

SPIDERS = ("widget", "feeds", "sitemaps", "listings", "registers")
RECHECK = "recheck"
DEMO_DB = Path("data/demo.sqlite")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def run_crawl(
    *,
    spiders: tuple[str, ...],
    sources: tuple[str, ...],
    province: str | None,
    level: str | None,
    url: str | None,
    db: str | None,
    registry: str | None,
    trigger: str,
    max_pages: int,
    quiet: bool = False,
) -> int:
    """Run one crawl in this process and return its run id."""
    from scrapy.crawler import CrawlerProcess
    from twisted.internet.defer import DeferredList
    from scrapy.utils.project import get_project_settings

    from storage import Store
    from storage.errors import StorageError

    unknown = [s for s in spiders if s not in SPIDERS]
    if unknown:
        _fail(f"unknown spider {', '.join(unknown)} (expected: {', '.join(SPIDERS)})")
    try:
        if url:
            portals = [for_url(url)]
        else:
            reg = load_registry(Path(registry) if registry else None)
            portals = list(reg.select(ids=list(sources) or None, province=province, level=level))
    except (RegistryError, UnknownPortalError, ValueError) as exc:
        _fail(str(exc))
    if not portals:
        _fail("no portal in the registry matches the given --source/--province/--level")
    try:
        store = Store.open(db)
        store.sync_portals([p.to_row() for p in portals])
        stale = store.mark_stale_runs_incomplete()
        if stale:
            click.echo(f"note: run(s) {', '.join(map(str, stale))} had been interrupted; marked incomplete", err=True)
        args = {"spiders": list(spiders), "sources": list(sources), "province": province, "level": level, "url": url}
        day = observed_on()
        run_id = resumable_run(store, trigger=trigger, observed_on=day, args=args)
        if run_id is not None:
            store.resume_run(run_id)
            click.echo(f"note: resuming interrupted run {run_id} (same day and arguments)", err=True)
        else:
            run_id = store.start_run(trigger=trigger, observed_on=day, args=args)
    except StorageError as exc:
        _fail(str(exc))

    settings = get_project_settings()
    settings.set("CCHC_DB", str(store.url), priority="cmdline")
    settings.set("CCHC_RUN_ID", run_id, priority="cmdline")
    # Scrapy's log goes to a file per run; the terminal gets progress and the summary.
    log_file = Path(os.environ.get("CCHC_LOG_DIR", "data/logs")) / f"run-{run_id}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    settings.set("LOG_FILE", str(log_file), priority="cmdline")
    settings.set("LOG_LEVEL", os.environ.get("CCHC_LOG_LEVEL", "INFO"), priority="cmdline")
    settings.set("CCHC_PROGRESS", sys.stderr.isatty() and not quiet, priority="cmdline")
    process = CrawlerProcess(settings)
    kwargs: dict[str, Any] = {"max_pages": max_pages}
    if url:
        kwargs["url"] = url
    else:
        kwargs.update(sources=",".join(p.id for p in portals), registry=registry)
    # Known documents that discovery did not reach are re-fetched afterwards (removal detection).
    known = {p.id: store.known_document_urls(p.id) for p in portals}
    known_file = log_file.with_suffix(".known.json")
    known_file.write_text(json.dumps(known), encoding="utf-8")
    names = list(spiders)
    crawlers = [process.create_crawler(name) for name in names]
    discovery = [process.crawl(crawler, **kwargs) for crawler in crawlers]
    recheck = process.create_crawler(RECHECK)
    names.append(RECHECK)
    crawlers.append(recheck)

    def after_discovery(_: Any) -> Any:
        return process.crawl(recheck, known=str(known_file), **kwargs)

    def stop(_: Any) -> None:
        from twisted.internet import reactor

        if reactor.running:
            reactor.stop()

    DeferredList(discovery, consumeErrors=True).addBoth(after_discovery).addBoth(stop)
    status = "complete"
    try:
        process.start(stop_after_crawl=False)
    except KeyboardInterrupt:
        status = "incomplete"
    finally:
        known_file.unlink(missing_ok=True)
    stats: dict[str, Any] = {}
    for name, crawler in zip(names, crawlers):
        st = crawler.stats.get_stats()
        stats[name] = {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in st.items()
        }
        if st.get("finish_reason") not in (None, "finished"):
            status = "incomplete"
    store.finish_run(run_id, status=status, stats=stats)
    if not quiet:
        print_summary(store.run_summary(run_id), run_notes(store, run_id))
        click.echo(f"Log: {log_file}")
    store.close()
    return run_id


def resumable_run(store: Any, *, trigger: str, observed_on: Any, args: dict[str, Any]) -> int | None:
    """The newest run, when it was interrupted while crawling the same day with the same arguments.

    Resuming it (rather than starting a new run) makes the finished snapshot the same as that of an
    uninterrupted crawl: items are upserts, so what the killed process stored is simply stored again.
    """
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from storage.models import CrawlRun

    with Session(store.engine) as session:
        last = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1)).first()
        if (last is not None and last.status == "incomplete" and last.trigger == trigger
                and last.observed_on == observed_on and (last.args or {}) == args):
            return last.id
    return None


def run_notes(store: Any, run_id: int) -> dict[str, list[str]]:
    """What a person should know about portals that did answer: URLs robots.txt kept us from, other
    failed fetches (404s of probed default paths aside), redirects followed to another host, URLs
    that answered only after retries (from the run's per-spider stats)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from storage.models import CrawlRun, Fetch, PortalHealth

    notes: dict[str, list[str]] = {}
    with Session(store.engine) as session:
        rows = session.execute(
            select(Fetch.portal_id, Fetch.error, func.count()).where(Fetch.run_id == run_id, Fetch.error.is_not(None))
            .group_by(Fetch.portal_id, Fetch.error).order_by(Fetch.portal_id, Fetch.error)
        ).all()
        for portal, error, n in rows:
            if error.startswith("HTTP 404"):
                continue
            what = "disallowed by robots.txt, not fetched" if "robots.txt" in error else error[:90]
            notes.setdefault(portal, []).append(f"{n} URL(s) {what}")
        for portal, url, target in session.execute(
            select(PortalHealth.portal_id, PortalHealth.url, PortalHealth.redirected_to)
            .where(PortalHealth.run_id == run_id, PortalHealth.redirected_to.is_not(None), PortalHealth.error.is_(None))
        ):
            notes.setdefault(portal, []).append(f"{url} redirected to {target} (one of the portal's hosts: followed)")
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
                notes.setdefault(portal, []).append(f"{ok} URL(s) answered only after retrying ({spent} retries in all)")
    return notes


def print_summary(summary: dict[str, Any], notes: dict[str, list[str]] | None = None) -> None:
    """Per-portal counts, the portals that failed and why, then what else went wrong on the way."""
    run = summary.get("run", {})
    click.echo(f"\nRun {run.get('id')} ({run.get('trigger')}, observed {run.get('observed_on')}): {run.get('status')}")
    rows = summary.get("portals", [])
    click.echo(f"{'portal':38} {'pages':>5} {'docs':>5} {'cchc':>5} {'widget':>6}  status")
    for p in rows:
        state = p.get("error") or (f"HTTP {p['status']}" if p.get("status") else "-")
        click.echo(
            f"{p['portal'][:38]:38} {p.get('pages', 0):>5} {p.get('documents', 0):>5} {p.get('cchc_documents', 0):>5}"
            f" {'yes' if p.get('widget') else 'no':>6}  {state}"
        )
    bad = [p for p in rows if p.get("error") or p.get("waf_blocked") or (p.get("status") or 200) >= 400]
    if bad:
        click.echo("\nPortals with problems:")
        for p in bad:
            what = p.get("error") or f"HTTP {p.get('status')}"
            if p.get("redirected_to") and p["redirected_to"] not in what:
                what += f" (redirect to {p['redirected_to']})"
            click.echo(f"  - {p['portal']} ({p.get('name', '')}): {what}")
    bad_ids = {p["portal"] for p in bad}
    noted = {pid: lines for pid, lines in (notes or {}).items() if pid not in bad_ids}
    if noted:
        click.echo("\nAlso noted (the crawl went on):")
        for pid, lines in sorted(noted.items()):
            for line in lines:
                click.echo(f"  - {pid}: {line}")
    totals = summary.get("totals")
    if totals:
        click.echo("\nTotals: " + ", ".join(f"{k} {v}" for k, v in totals.items()))


@click.command("crawl")
@click.option("--spider", "spiders", multiple=True, type=click.Choice(SPIDERS), help="Discovery method(s); all by default.")
@click.option("--source", "sources", multiple=True, help="Registry portal id (repeatable).")
@click.option("--province", help="Only portals of this province (diacritics-insensitive).")
@click.option("--level", type=click.Choice(["province", "department", "district", "commune"]))
@click.option("--url", help="Ad-hoc crawl of one portal that is not in the registry.")
@click.option("--db", help="Database URL or SQLite path (default: CCHC_DB or ./data/cchc.sqlite).")
@click.option("--registry", type=click.Path(dir_okay=False), help="Registry CSV (default: the bundled one).")
@click.option("--max-pages", default=5, show_default=True, help="Pages per listing/register (bounds pagination).")
@click.option("--trigger", default="manual", type=click.Choice(["manual", "schedule", "demo"]), hidden=True)
def crawl_cmd(spiders, sources, province, level, url, db, registry, max_pages, trigger) -> None:
    """Crawl portals now and store what is found as one run."""
    run_crawl(
        spiders=tuple(spiders) or SPIDERS, sources=tuple(sources), province=province, level=level, url=url,
        db=db, registry=registry, trigger=trigger, max_pages=max_pages,
    )


@click.command("demo")
@click.option("--days", default=1, show_default=True, type=click.IntRange(1, 60), help="Simulated days 1..N, one crawl each.")
@click.option("--db", help=f"Database (default: a fresh {DEMO_DB}).")
@click.option("--seed", default=0, show_default=True, help="Seed of the simulated network.")
def demo_cmd(days: int, db: str | None, seed: int) -> None:
    """Start the simulated portal network, crawl it into a fresh SQLite file, print the summary."""
    import scheduler
    from sim.network import SimNetwork

    if db is None:
        DEMO_DB.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
        db = str(DEMO_DB)
    from storage.engine import resolve_url
    from storage.errors import StorageError

    try:  # a URL naming no file (`--db ''`, `sqlite:///`) is refused before the simulator starts
        resolve_url(db)
    except StorageError as exc:
        _fail(str(exc))
    os.environ.setdefault("CCHC_SIM_SLOW_SECONDS", "15")
    with SimNetwork(day=1, seed=seed) as net:
        click.echo(f"Simulated portal network on {net.proxy_url}; database {db}")
        for day in range(1, days + 1):
            net.set_day(day)
            # The demo's one slow portal answers after 15 s; a 10 s timeout shows the fault without a long wait.
            env = {"CCHC_DOWNLOAD_TIMEOUT": "10", **os.environ, **net.env(), "CCHC_DB": db}
            click.echo(f"\n== Day {day}: observed {net.observed_on.isoformat()} ==")
            os.environ.update(env)
            # the same path as a scheduled run: the crawl lock, then a fresh crawl process
            rc = scheduler.scheduled_crawl(db, trigger="demo")
            if rc is None:
                _fail("another crawl holds the lock of this database; try again when it has finished")
            if rc != 0:
                _fail(f"the crawl of day {day} failed (exit {rc})")
    click.echo(
        f"\nWhat was found is in {db}. Next, for example:\n"
        f"  cchc export documents --db {db} --format csv --out documents.csv\n"
        f"  cchc units sync --db {db} && cchc report coverage --year 2026 --db {db}\n"
        f"  cchc report html --out report --db {db}"
    )


COMMANDS = [crawl_cmd, demo_cmd]
