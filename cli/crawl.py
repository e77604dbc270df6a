"""`cchc crawl` (ad-hoc crawls of registry portals or of one URL) and `cchc demo`.

A crawl is one run (a snapshot): the command opens the run, starts every chosen spider in one
Scrapy process, then closes the run with the spiders' stats and prints per-portal counts. Twisted's
reactor cannot restart, so anything that crawls more than once (the demo's days, the scheduler)
starts this command as a fresh process.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.crawl_summary import (
    EXIT_BAD_INPUT,
    EXIT_RUN_FAILED,
    _fail,
    print_run_end,
)
from cli.params import LEVEL, NAME, lang_option
from crawler.registry import DEFAULT_REGISTRY_PATH, RegistryError, UnknownPortalError
from crawler.run import (
    RECHECK,
    SPIDERS,
    Outcome,
    close_run,
    crawl_in_process,
    known_pages_path,
    open_run,
    run_args,
    select_portals,
    spider_kwargs,
)
from reports.formatting import current_lang, vn_date
from reports.labels import text

if TYPE_CHECKING:
    pass

__all__ = ["RECHECK", "SPIDERS", "run_crawl"]
DEMO_DB = Path("data/demo.sqlite")

log = logging.getLogger("cchc.crawl")


class _Stopped(BaseException):
    """A shutdown signal that arrived while Scrapy's own handlers were not installed.

    A BaseException, like KeyboardInterrupt, so no ``except Exception`` on the way swallows it.
    """

    def __init__(self, signame: str) -> None:
        super().__init__(signame)
        self.signame = signame


def _raise_stopped(signum: int, _frame: Any) -> None:
    raise _Stopped(signal.Signals(signum).name)


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
    """Run one crawl in this process and return its run id (the steps are `crawler.run`'s).

    Bad input exits 2 before a run is recorded. Once the run is recorded, it is always closed,
    whatever happens: "failed" (with the reason in its stats under ``error``) when the crawl raised,
    a spider could not be loaded or started, or no request got a usable answer; "incomplete" when a
    signal stopped it (SIGTERM, Ctrl-C: resumable). Anything but "complete" exits 1 with one
    ``error:`` line, after the summary.
    """
    from storage import Store
    from storage.datadir import run_paths
    from storage.errors import StorageError

    unknown = [s for s in spiders if s not in SPIDERS]
    if unknown:
        _fail(f"unknown spider {', '.join(unknown)} (expected: {', '.join(SPIDERS)})")
    if max_pages < 1:
        _fail(f"--max-pages must be a whole number of pages, 1 or more (got {max_pages})")
    try:
        selection = select_portals(sources=sources, province=province, level=level, url=url, registry=registry,
                                   default_registry=url is None)
    except (RegistryError, UnknownPortalError, ValueError) as exc:
        _fail(str(exc))
    portals = selection.portals
    if not portals and not selection.national:
        _fail("no portal in the registry matches the given --source/--province/--level")
    # A signal before the reactor runs must still close the run: until Scrapy installs its own
    # handlers, SIGTERM raises here like Ctrl-C does.
    signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        store = Store.open(db)
        opened = open_run(store, trigger=trigger, portals=portals,
                          args=run_args(spiders=spiders, sources=sources, province=province, level=level, url=url,
                                        full=full))
        if opened.stale:
            click.echo(text("crawl.stale", current_lang(), runs=", ".join(map(str, opened.stale))), err=True)
        if opened.resumed:
            click.echo(text("crawl.resuming", current_lang(), run=opened.run_id), err=True)
        run_id = opened.run_id
    except StorageError as exc:
        _fail(str(exc))
    except (_Stopped, KeyboardInterrupt):
        _fail("stopped by a signal before the crawl started; nothing was crawled", EXIT_RUN_FAILED)

    paths = run_paths(store.engine.url, run_id)
    kwargs = spider_kwargs(selection, url=url, max_pages=max_pages)
    try:
        outcome = crawl_in_process(store, run_id, portals, spiders, kwargs, paths, quiet=quiet, full=full)
    except _Stopped as exc:
        outcome = Outcome(status="incomplete", stopped=exc.signame)
    except KeyboardInterrupt:
        outcome = Outcome(status="incomplete", stopped="SIGINT")
    except Exception as exc:  # noqa: BLE001 - whatever broke, the run is closed as failed and says why
        if logging.getLogger().handlers:  # the run's log file, once Scrapy set it up (never the terminal)
            log.exception("crawl of run %s failed", run_id)
        outcome = Outcome(status="failed", error=f"{type(exc).__name__}: {exc}")
    finally:
        # closing the run takes milliseconds; a signal now must not leave it half-written
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        paths.known.unlink(missing_ok=True)
        known_pages_path(paths).unlink(missing_ok=True)
    try:
        close_run(store, run_id, outcome)
        if not quiet:
            print_run_end(store, run_id, paths)
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
@click.option("--workers", type=int, default=None, help="Crawl with N worker processes sharing the run through Redis "
              "(PostgreSQL only; see README, \"Several workers\").")
@click.option("--redis", "redis_url", default=None, help="Redis of --workers (default: $CCHC_REDIS_URL, else "
              "redis://127.0.0.1:6379/0).")
@click.option("--trigger", default="manual", type=click.Choice(["manual", "schedule", "demo"]), hidden=True)
@lang_option
def crawl_cmd(spiders, sources, province, level, url, db, registry, max_pages, full, workers, redis_url,
              trigger) -> None:
    """Crawl portals now and store what is found as one run."""
    if workers is not None:
        from cli.worker import run_distributed

        run_distributed(workers=workers, redis_url=redis_url, spiders=tuple(spiders) or SPIDERS,
                        sources=tuple(sources), province=province, level=level, url=url, db=db,
                        registry=registry, trigger=trigger, max_pages=max_pages, full=full)
        return
    if redis_url is not None:
        _fail("--redis is for --workers N (a crawl in one process needs no Redis)")
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
