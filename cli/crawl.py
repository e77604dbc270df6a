"""`cchc crawl` (ad-hoc crawls of registry portals or of one URL) and `cchc demo`.

A crawl is one run (a snapshot): the command opens the run, starts every chosen spider in one
Scrapy process, then closes the run with the spiders' stats and prints per-portal counts. Twisted's
reactor cannot restart, so anything that crawls more than once (the demo's days, the scheduler)
starts this command as a fresh process.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from cli.crawl_summary import print_layout_changes, print_summary, run_notes
from cli.params import LEVEL, NAME, lang_option
from core.clock import observed_on
from core.paths import registry_to_read
from crawler.failures import failure_kind
from crawler.registry import DEFAULT_REGISTRY_PATH, RegistryError, UnknownPortalError, for_url, load_registry
from reports.formatting import current_lang, vn_date
from reports.labels import text

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from crawler.registry import Portal
    from storage import Store
    from storage.datadir import RunPaths

SPIDERS = ("widget", "feeds", "sitemaps", "listings", "registers", "index766")
RECHECK = "recheck"
DEMO_DB = Path("data/demo.sqlite")
#: Exit codes: a bad input (nothing was crawled, no run recorded) and a run that did not complete.
EXIT_BAD_INPUT = 2
EXIT_RUN_FAILED = 1

log = logging.getLogger("cchc.crawl")


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """One `error:` line on stderr and a non-zero exit (the project's one style for every failure)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class _Stopped(BaseException):
    """A shutdown signal that arrived while Scrapy's own handlers were not installed.

    A BaseException, like KeyboardInterrupt, so no ``except Exception`` on the way swallows it.
    """

    def __init__(self, signame: str) -> None:
        super().__init__(signame)
        self.signame = signame


def _raise_stopped(signum: int, _frame: Any) -> None:
    raise _Stopped(signal.Signals(signum).name)


@dataclass
class _Outcome:
    """How a run ends: its final status, why (when it did not complete) and per-spider stats."""

    status: str = "complete"
    stats: dict[str, Any] = field(default_factory=dict)
    #: set when the run failed: kept in the run's stats under "error" and printed as the error line
    error: str | None = None
    #: the signal that stopped the run (it is then "incomplete": the next identical crawl resumes it)
    stopped: str | None = None


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
    full: bool = False,
) -> int:
    """Run one crawl in this process and return its run id.

    Bad input exits 2 before a run is recorded. Once the run is recorded, it is always closed,
    whatever happens: "failed" (with the reason in its stats under ``error``) when the crawl raised,
    a spider could not be loaded or started, or no request got a usable answer; "incomplete" when a
    signal stopped it (SIGTERM, Ctrl-C: resumable). Anything but "complete" exits 1 with one
    ``error:`` line, after the summary.
    """
    from storage import Store
    from storage.datadir import data_dir, run_paths
    from storage.errors import StorageError

    unknown = [s for s in spiders if s not in SPIDERS]
    if unknown:
        _fail(f"unknown spider {', '.join(unknown)} (expected: {', '.join(SPIDERS)})")
    if max_pages < 1:
        _fail(f"--max-pages must be a whole number of pages, 1 or more (got {max_pages})")
    if registry is None and url is None:
        default = registry_to_read()
        registry = str(default) if default is not None else None
    national: list[str] = []  # national sources (kind national_index) read by the index766 spider
    try:
        if url:
            portals = [for_url(url)]
        else:
            reg = load_registry(Path(registry) if registry else None)
            portals = list(reg.select(ids=list(sources) or None, province=province, level=level))
            # every registry crawl reads them, unless --source names portals and none of them
            national = [s.id for s in reg.national_sources(list(sources) or None)]
            if sources and not [s for s in sources if s in national]:
                national = []
    except (RegistryError, UnknownPortalError, ValueError) as exc:
        _fail(str(exc))
    if not portals and not national:
        _fail("no portal in the registry matches the given --source/--province/--level")
    # A signal before the reactor runs must still close the run: until Scrapy installs its own
    # handlers, SIGTERM raises here like Ctrl-C does.
    signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        store = Store.open(db)
        data_dir(store.engine.url)  # a database without a folder for its run files is refused before any run
        store.sync_portals([p.to_row() for p in portals])
        stale = store.mark_stale_runs_incomplete()
        if stale:
            click.echo(text("crawl.stale", current_lang(), runs=", ".join(map(str, stale))), err=True)
        args: dict[str, Any] = {"spiders": list(spiders), "sources": list(sources), "province": province, "level": level, "url": url}
        if full:
            args["full"] = True  # issue 12: no conditional request, every listing walked, every document re-checked
        day = observed_on()
        run_id = resumable_run(store, trigger=trigger, observed_on=day, args=args)
        if run_id is not None:
            store.resume_run(run_id)
            click.echo(text("crawl.resuming", current_lang(), run=run_id), err=True)
        else:
            run_id = store.start_run(trigger=trigger, observed_on=day, args=args)
    except StorageError as exc:
        _fail(str(exc))
    except (_Stopped, KeyboardInterrupt):
        _fail("stopped by a signal before the crawl started; nothing was crawled", EXIT_RUN_FAILED)

    paths = run_paths(store.engine.url, run_id)
    kwargs: dict[str, Any] = {"max_pages": max_pages}
    if url:
        kwargs["url"] = url
    else:
        kwargs.update(sources=",".join([*(p.id for p in portals), *national]), registry=registry)
    try:
        outcome = _crawl(store, run_id, portals, spiders, kwargs, paths, quiet=quiet, full=full)
    except _Stopped as exc:
        outcome = _Outcome(status="incomplete", stopped=exc.signame)
    except KeyboardInterrupt:
        outcome = _Outcome(status="incomplete", stopped="SIGINT")
    except Exception as exc:  # noqa: BLE001 - whatever broke, the run is closed as failed and says why
        if logging.getLogger().handlers:  # the run's log file, once Scrapy set it up (never the terminal)
            log.exception("crawl of run %s failed", run_id)
        outcome = _Outcome(status="failed", error=f"{type(exc).__name__}: {exc}")
    finally:
        # closing the run takes milliseconds; a signal now must not leave it half-written
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        paths.known.unlink(missing_ok=True)
        known_pages_path(paths).unlink(missing_ok=True)
    try:
        if outcome.status == "complete":
            answered_check(store, run_id, outcome)
        stats = dict(outcome.stats)
        if outcome.error:
            stats["error"] = outcome.error
        if outcome.stopped:
            stats["stopped"] = outcome.stopped
        store.finish_run(run_id, status=outcome.status, stats=stats)
        if not quiet:
            lang = current_lang()
            print_summary(store.run_summary(run_id), run_notes(store, run_id, lang), lang)
            print_layout_changes(store, run_id, lang)
            for line in index766_lines(store, run_id, lang):
                click.echo(line)
            click.echo(text("crawl.log", lang, path=paths.log))
    except StorageError as exc:
        _fail(f"run {run_id} could not be closed: {exc}", EXIT_RUN_FAILED)
    finally:
        store.close()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if outcome.stopped:
        _fail(f"run {run_id} stopped by {outcome.stopped} before it had finished; marked incomplete "
              f"(the next identical crawl today resumes it)", EXIT_RUN_FAILED)
    if outcome.status != "complete":
        _fail(f"run {run_id} {outcome.status}: {outcome.error} (log: {paths.log})", EXIT_RUN_FAILED)
    return run_id


def answered_check(store: Store, run_id: int, outcome: _Outcome) -> None:
    """Turn a run in which nothing answered into a failed one (it found nothing: not a snapshot)."""
    total, answered, common = store.answered_fetches(run_id)
    if answered or index766_answered(store, run_id):
        return
    outcome.status = "failed"
    if total:
        outcome.error = (f"no request got a usable answer: all {total} fetch(es) were refused or failed"
                         + (f" (most often: {common})" if common else ""))
    else:
        outcome.error = "no request got a usable answer: nothing was fetched (every request was refused or failed)"


def index766_answered(store: Store, run_id: int) -> bool:
    """Whether a national index source was read in this run (its reads are not `fetches` rows)."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from storage.index_models import Index766Fetch

    with Session(store.engine) as session:
        return session.scalar(select(Index766Fetch.id).where(
            Index766Fetch.run_id == run_id, Index766Fetch.error.is_(None)).limit(1)) is not None


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


def scrapy_settings(store: Store, run_id: int, paths: RunPaths, *, quiet: bool) -> Settings:
    """The crawl's Scrapy settings, built from the project's `settings` module by name.

    Not `get_project_settings()`: that looks for scrapy.cfg in the current directory (so a crawl
    started anywhere else found no spiders) and would pick up another Scrapy project's scrapy.cfg
    and SCRAPY_* variables. The module ships with the package, so this works from any directory and
    from a plain install.
    """
    from scrapy.settings import Settings

    import settings as project_settings

    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.set("CCHC_DB", str(store.url), priority="cmdline")
    settings.set("CCHC_RUN_ID", run_id, priority="cmdline")
    # Scrapy's log goes to a file per run, beside the database; the terminal gets progress and the summary.
    settings.set("LOG_FILE", str(paths.log), priority="cmdline")
    settings.set("FILES_STORE", str(paths.files), priority="cmdline")
    settings.set("CCHC_PROGRESS", sys.stderr.isatty() and not quiet, priority="cmdline")
    return settings


def known_pages_path(paths: RunPaths) -> Path:
    """The run's known pages with their validators (issue 12), beside its known-documents file."""
    return paths.known.with_name(paths.known.name.replace(".known.json", ".pages.sqlite"))


def _crawl(store: Store, run_id: int, portals: list[Portal], spiders: tuple[str, ...], kwargs: dict[str, Any],
           paths: RunPaths, *, quiet: bool, full: bool = False) -> _Outcome:
    """Run the discovery spiders, then the re-check spider, in one Scrapy process; return the outcome."""
    from scrapy.crawler import CrawlerProcess
    from twisted.internet.defer import DeferredList
    from twisted.internet.error import ReactorNotRunning
    from twisted.python.failure import Failure

    class _Process(CrawlerProcess):
        """Remembers which signal asked it to stop, so the run can say so."""

        stopped_by: str | None = None

        def _signal_shutdown(self, signum: int, frame: Any) -> None:
            self.stopped_by = signal.Signals(signum).name
            super()._signal_shutdown(signum, frame)

    # From here until Scrapy's own handlers are installed (when the reactor has started), a signal
    # must not raise: it would land inside a spider's start-up as that spider's failure and the
    # crawl would go on. It is noted and turned into Scrapy's graceful stop as the reactor starts.
    pending: list[int] = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda received, _frame: pending.append(received))
    from storage.incremental import write_known_pages

    paths.create()
    settings = scrapy_settings(store, run_id, paths, quiet=quiet)
    # Incremental crawl (issue 12): the known documents and their validators, streamed from the database.
    write_known_pages(store, [p.id for p in portals], known_pages_path(paths))
    settings.set("CCHC_KNOWN_PAGES", str(known_pages_path(paths)), priority="cmdline")
    if full:
        settings.set("CCHC_FULL_CRAWL", True, priority="cmdline")
    process = _Process(settings)
    # Known documents that discovery did not reach are re-fetched afterwards (removal detection): the
    # re-check spider streams them from the known-pages file written above.
    names = [*spiders, RECHECK]
    try:
        crawlers = [process.create_crawler(name) for name in names]
    except KeyError as exc:
        raise RuntimeError(f"a spider cannot be loaded ({exc.args[0] if exc.args else exc}; "
                           f"spider modules: {', '.join(process.settings.getlist('SPIDER_MODULES'))})") from None
    recheck = crawlers[-1]
    failures: list[str] = []

    def note(name: str, failure: Failure) -> None:
        failures.append(f"spider {name} failed: {failure_kind(failure)}: {failure.getErrorMessage()}")
        exc = failure.value
        log.error("spider %s failed", name,
                  exc_info=(type(exc), exc, failure.getTracebackObject()) if exc is not None else None)

    def after_discovery(results: list[tuple[bool, Any]]) -> Any:
        for name, (ok, value) in zip(names[:-1], results, strict=True):
            if not ok:
                note(name, value)
        if process.stopped_by is not None:
            return None
        return process.crawl(recheck, **kwargs).addErrback(lambda f: note(RECHECK, f))

    def stop(_: Any) -> None:
        from twisted.internet import reactor

        if not reactor.running:  # every spider ended (failed to start) before the reactor ran
            reactor.callWhenRunning(stop, None)
            return
        with contextlib.suppress(ReactorNotRunning):  # a signal may have begun stopping it already
            reactor.stop()  # type: ignore[misc]  # twisted types the global reactor's stop() as a plain attribute

    def stop_if_signalled() -> None:
        if pending:
            process._signal_shutdown(pending[0], None)

    discovery = [process.crawl(crawler, **kwargs) for crawler in crawlers[:-1]]
    DeferredList(discovery, consumeErrors=True).addCallback(after_discovery).addBoth(stop)
    # Imported only now: starting the crawls above installed the reactor the settings ask for
    # (importing it earlier would install Twisted's default one and no crawler could start).
    from twisted.internet import reactor

    reactor.callWhenRunning(stop_if_signalled)  # runs before Scrapy installs its signal handlers
    process.start(stop_after_crawl=False)

    outcome = _Outcome()
    unfinished: list[str] = []
    for name, crawler in zip(names, crawlers, strict=True):
        try:
            st = crawler.stats.get_stats()
        except RuntimeError:  # never started (stopped before the re-check, or it failed to start)
            unfinished.append(f"spider {name} did not run")
            continue
        outcome.stats[name] = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in st.items()}
        if st.get("finish_reason") != "finished":
            unfinished.append(f"spider {name} ended with {st.get('finish_reason', 'no finish')!r}")
    if unfinished:
        outcome.status, outcome.error = "incomplete", "; ".join(unfinished)
    stopped_by = process.stopped_by or (signal.Signals(pending[0]).name if pending else None)
    if stopped_by is not None:
        outcome.status, outcome.stopped, outcome.error = "incomplete", stopped_by, None
    elif failures:
        outcome.status, outcome.error = "failed", "; ".join(failures)
    return outcome


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


@click.command("crawl")
@click.option("--spider", "spiders", multiple=True, type=click.Choice(SPIDERS), help="Discovery method(s); all by default.")
@click.option("--source", "sources", multiple=True, help="Registry portal id (repeatable).")
@click.option("--province", type=NAME, help="Only portals of this province (diacritics-insensitive).")
@click.option("--level", type=LEVEL, help="Only portals of this level (tỉnh, sở, huyện, xã/phường; xa, phuong…).")
@click.option("--url", help="Ad-hoc crawl of one portal that is not in the registry.")
@click.option("--db", help="Database URL or SQLite path (default: CCHC_DB or ./data/cchc.sqlite).")
@click.option("--registry", type=click.Path(),
              help="Registry CSV (default: $CCHC_REGISTRY, else your own registry if `sources add` made one, "
                   "else the bundled one).")
@click.option("--max-pages", default=5, show_default=True, help="Pages per listing/register (bounds pagination), 1 or more.")
@click.option("--full", is_flag=True, help="Fetch every page in full: no conditional request, every listing walked to "
              "its bound, every known document re-checked (default: incremental, see README).")
@click.option("--trigger", default="manual", type=click.Choice(["manual", "schedule", "demo"]), hidden=True)
@lang_option
def crawl_cmd(spiders, sources, province, level, url, db, registry, max_pages, full, trigger) -> None:
    """Crawl portals now and store what is found as one run."""
    run_crawl(
        spiders=tuple(spiders) or SPIDERS, sources=tuple(sources), province=province, level=level, url=url,
        db=db, registry=registry, trigger=trigger, max_pages=max_pages, full=full,
    )


@click.command("demo")
@click.option("--days", default=1, show_default=True, type=click.IntRange(1, 60), help="Simulated days 1..N, one crawl each.")
@click.option("--db", help=f"Database (default: a fresh {DEMO_DB}).")
@click.option("--seed", default=0, show_default=True, help="Seed of the simulated network.")
@click.option("--template-change", default=None, metavar="PORTAL_ID:DAY",
              help="From day DAY on, that simulated portal changes its template (the drift canary flags it).")
@lang_option
def demo_cmd(days: int, db: str | None, seed: int, template_change: str | None) -> None:
    """Start the simulated portal network, crawl it into a fresh SQLite file, print the summary."""
    lang = current_lang()
    import scheduler
    from sim.network import SimNetwork
    from storage.datadir import data_dir_for

    if db is None:
        DEMO_DB.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DEMO_DB}{suffix}").unlink(missing_ok=True)
        # fresh means fresh: the old demo's logs and attachments went with its database
        shutil.rmtree(data_dir_for(str(DEMO_DB)), ignore_errors=True)
        db = str(DEMO_DB)
    from storage.engine import resolve_url
    from storage.errors import StorageError

    try:  # a URL naming no file (`--db ''`, `sqlite:///`) is refused before the simulator starts
        resolve_url(db)
    except StorageError as exc:
        _fail(str(exc))
    os.environ.setdefault("CCHC_SIM_SLOW_SECONDS", "15")
    # alert rules ($CCHC_ALERTS) are evaluated after each day with the environment the demo started in:
    # the simulator's proxy is for the crawl, the alerts go to the user's own recipients
    alerts_env = {**os.environ, "CCHC_DB": db}
    from sim.redesign import TemplateChangeError

    try:
        net = SimNetwork(day=1, seed=seed, template_change=template_change)
    except TemplateChangeError as exc:
        _fail(str(exc))
    with net:
        click.echo(text("demo.network", lang, proxy=net.proxy_url, db=db))
        for day in range(1, days + 1):
            net.set_day(day)
            # The demo's one slow portal answers after 15 s; a 10 s timeout shows the fault without a long wait.
            env = {"CCHC_DOWNLOAD_TIMEOUT": "10", **os.environ, **net.env(), "CCHC_DB": db}
            click.echo("\n" + text("demo.day", lang, n=day, day=vn_date(net.observed_on)))
            os.environ.update(env)
            # the same path as a scheduled run: the crawl lock, then a fresh crawl process
            # the simulator serves the bundled registry's portals, whatever the user's own registry holds
            rc = scheduler.scheduled_crawl(db, extra=("--registry", str(DEFAULT_REGISTRY_PATH), "--lang", lang),
                                           trigger="demo", alerts_env=alerts_env)
            if rc is None:
                _fail("another crawl holds the lock of this database; try again when it has finished")
            if rc in (EXIT_RUN_FAILED, EXIT_BAD_INPUT):
                sys.exit(rc)  # the crawl printed its own error line
            if rc != 0:
                _fail(f"the crawl of day {day} died (exit {rc}); its run is marked failed", EXIT_RUN_FAILED)
    click.echo(
        "\n" + text("demo.next", lang, db=db) + "\n"
        f"  cchc export documents --db {db} --format csv --out documents.csv\n"
        f"  cchc units sync --db {db} && cchc report coverage --year 2026 --db {db}\n"
        f"  cchc report reconcile --year 2026 --db {db}\n"
        f"  cchc report html --out report --db {db}"
    )


COMMANDS = [crawl_cmd, demo_cmd]
