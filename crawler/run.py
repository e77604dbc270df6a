"""Crawl orchestration as a library: which portals, which run, which Scrapy wiring, how a run ends.

Why a library: `cchc crawl`, the scheduler (through that command), the benchmarks, the tests and the
distributed workers (`crawler.workers`) all start crawls. Before, this lived in the CLI
(`cli/crawl.py::run_crawl`), and the portal selection was repeated in `PortalSpider.__init__`. Now:

* `select_portals` is the one selection of portals (and of national sources) for a crawl; the
  spiders call it too, so the command and its spiders cannot disagree on what a crawl covers.
* `open_run` opens a run or resumes the interrupted one of the same day and arguments.
* `crawl_in_process` runs the discovery spiders, then the re-check spider, in one Scrapy process;
  the re-check spider gets the known documents from the run's known-pages file that incremental
  crawling writes anyway (no separate temporary list of URLs).
* `close_run` turns a run in which nothing answered into a failed one and records how it ended.
* `RunLifecycle` (a Scrapy extension) does open/resume and finish from *inside* a Scrapy process
  that something else started (Scrapyd's `scrapy crawl`, a worker), on the engine's own signals.

The CLI keeps what is the CLI's: messages, exit codes and signal handling.
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

    from scrapy.crawler import Crawler
    from scrapy.settings import Settings
    from twisted.python.failure import Failure

    from crawler.registry import Portal, Registry
    from storage import Store
    from storage.datadir import RunPaths

#: The discovery spiders, in the order a crawl starts them, and the spider that runs after them.
SPIDERS = ("widget", "feeds", "sitemaps", "listings", "registers", "index766")
RECHECK = "recheck"

log = logging.getLogger("cchc.crawl")


@dataclass(frozen=True)
class Selection:
    """What a crawl covers: registry portals (or the one ad-hoc portal) and national sources' ids."""

    portals: list[Portal]
    national: list[str] = field(default_factory=list)
    registry: str | None = None


_REGISTRIES: dict[tuple[str, int, int], Registry] = {}


def registry_of_run(path: str | os.PathLike[str] | None) -> Registry:
    """`load_registry(path)`, parsed once per process for a file whose size and mtime are unchanged
    (a folder of registry files is read every time): every spider of a crawl selects its portals, and
    parsing the registry seven times was a visible share of an incremental day's CPU."""
    from crawler.registry import DEFAULT_REGISTRY_PATH, load_registry

    p = Path(path) if path else DEFAULT_REGISTRY_PATH
    if not p.is_file():
        return load_registry(p if path else None)  # a folder, or its own error for a missing file
    st = p.stat()
    key = (str(p.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _REGISTRIES:
        _REGISTRIES[key] = load_registry(p)
    return _REGISTRIES[key]


def select_portals(*, sources: Iterable[str] = (), province: str | None = None, level: str | None = None,
                   url: str | None = None, registry: str | Path | None = None,
                   default_registry: bool = False) -> Selection:
    """The portals of a crawl, chosen the one way the command and every spider choose them.

    `url` is an ad-hoc portal outside the registry. Otherwise the registry (`registry`, or with
    `default_registry` the user's own or the bundled one, `core.paths.registry_to_read`) is filtered
    by `sources` (portal and national-source ids), `province` and `level`. National sources are read
    by every registry crawl, unless `sources` names portals and none of them. Raises the registry's
    own errors (RegistryError, UnknownPortalError, ValueError) for the caller to report.
    """
    from crawler.registry import for_url

    if url:
        return Selection(portals=[for_url(url)])
    if registry is None and default_registry:
        from core.paths import registry_to_read

        default = registry_to_read()
        registry = str(default) if default is not None else None
    ids = [s for s in sources if s] or None
    reg = registry_of_run(registry)
    portals = list(reg.select(ids=ids, province=province, level=level))
    national = [s.id for s in reg.national_sources(ids)]
    if ids and not [s for s in ids if s in national]:
        national = []
    return Selection(portals=portals, national=national, registry=str(registry) if registry else None)


def run_args(*, spiders: Iterable[str], sources: Iterable[str], province: str | None, level: str | None,
             url: str | None, full: bool = False) -> dict[str, Any]:
    """The arguments a run is recorded with: a run is resumed only by a crawl with the same ones."""
    args: dict[str, Any] = {"spiders": list(spiders), "sources": list(sources), "province": province,
                            "level": level, "url": url}
    if full:
        args["full"] = True  # issue 12: no conditional request, every listing walked, every document re-checked
    return args


def spider_kwargs(selection: Selection, *, url: str | None, max_pages: int) -> dict[str, Any]:
    """The arguments every spider of the run gets (`PortalSpider.__init__` selects the same portals)."""
    kwargs: dict[str, Any] = {"max_pages": max_pages}
    if url:
        kwargs["url"] = url
    else:
        kwargs.update(sources=",".join([*(p.id for p in selection.portals), *selection.national]),
                      registry=selection.registry)
    return kwargs


@dataclass
class OpenedRun:
    """A run ready to crawl: its id, whether it was resumed, and older runs found stale on the way."""

    run_id: int
    resumed: bool
    stale: list[int]


def open_run(store: Store, *, trigger: str, args: dict[str, Any], portals: Iterable[Portal],
             day: dt.date | None = None) -> OpenedRun:
    """Record the portals, close runs whose process died, then resume today's interrupted run with
    the same arguments or start a new one. Raises StorageError (a database that cannot take it)."""
    from core.clock import observed_on
    from storage.datadir import data_dir

    data_dir(store.engine.url)  # a database without a folder for its run files is refused before any run
    store.sync_portals([p.to_row() for p in portals])
    stale = store.mark_stale_runs_incomplete()
    day = day or observed_on()
    run_id = resumable_run(store, trigger=trigger, observed_on=day, args=args)
    if run_id is not None:
        store.resume_run(run_id)
        return OpenedRun(run_id, True, stale)
    return OpenedRun(store.start_run(trigger=trigger, observed_on=day, args=args), False, stale)


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


@dataclass
class Outcome:
    """How a run ends: its final status, why (when it did not complete) and per-spider stats."""

    status: str = "complete"
    stats: dict[str, Any] = field(default_factory=dict)
    #: set when the run failed: kept in the run's stats under "error" and printed as the error line
    error: str | None = None
    #: the signal that stopped the run (it is then "incomplete": the next identical crawl resumes it)
    stopped: str | None = None


def close_run(store: Store, run_id: int, outcome: Outcome) -> None:
    """Record how the run ended; a "complete" run in which nothing answered is recorded as failed."""
    if outcome.status == "complete":
        answered_check(store, run_id, outcome)
    stats = dict(outcome.stats)
    if outcome.error:
        stats["error"] = outcome.error
    if outcome.stopped:
        stats["stopped"] = outcome.stopped
    store.finish_run(run_id, status=outcome.status, stats=stats)


def answered_check(store: Store, run_id: int, outcome: Outcome) -> None:
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
    """The run's known pages with their validators (issue 12): what the re-check spider re-fetches."""
    return paths.known.with_name(paths.known.name.replace(".known.json", ".pages.sqlite"))


def prepare_known_pages(store: Store, portal_ids: Iterable[str], path: Path, settings: Settings, *,
                        full: bool, run_id: int | None = None) -> None:
    """Stream the run's known documents and validators from the database into `path` and point the
    crawl's settings at it (incremental crawl and the re-check both read it; spiders know no database)."""
    from storage.incremental import write_known_pages

    write_known_pages(store, list(portal_ids), path, run_id)
    settings.set("CCHC_KNOWN_PAGES", str(path), priority="cmdline")
    if full:
        settings.set("CCHC_FULL_CRAWL", True, priority="cmdline")


def crawl_in_process(store: Store, run_id: int, portals: list[Portal], spiders: tuple[str, ...],
                     kwargs: dict[str, Any], paths: RunPaths, *, quiet: bool, full: bool = False,
                     known_path: Path | None = None, tune: Callable[[Settings], None] | None = None) -> Outcome:
    """Run the discovery spiders, then the re-check spider, in one Scrapy process; return the outcome.

    `known_path` (default: the run's known-pages file) and `tune` (a last change to the settings)
    are what a worker of a distributed run (`crawler.workers_run`) sets differently."""
    from scrapy.crawler import CrawlerProcess
    from twisted.internet.defer import DeferredList
    from twisted.internet.error import ReactorNotRunning

    from crawler.failures import failure_kind

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

    paths.create()
    settings = scrapy_settings(store, run_id, paths, quiet=quiet)
    prepare_known_pages(store, [p.id for p in portals], known_path or known_pages_path(paths), settings, full=full,
                        run_id=run_id)
    if tune is not None:
        tune(settings)
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

    outcome = outcome_of(names, crawlers)
    stopped_by = process.stopped_by or (signal.Signals(pending[0]).name if pending else None)
    if stopped_by is not None:
        outcome.status, outcome.stopped, outcome.error = "incomplete", stopped_by, None
    elif failures:
        outcome.status, outcome.error = "failed", "; ".join(failures)
    return outcome


def outcome_of(names: Iterable[str], crawlers: Iterable[Crawler]) -> Outcome:
    """The run's outcome from its crawlers' stats: "incomplete" when one did not run or finish."""
    outcome = Outcome()
    unfinished: list[str] = []
    for name, crawler in zip(names, crawlers, strict=True):
        try:
            st = crawler.stats.get_stats()
        except (RuntimeError, AttributeError):  # never started (stopped before the re-check, or it failed to start)
            unfinished.append(f"spider {name} did not run")
            continue
        outcome.stats[name] = jsonable(st)
        if st.get("finish_reason") != "finished":
            unfinished.append(f"spider {name} ended with {st.get('finish_reason', 'no finish')!r}")
    if unfinished:
        outcome.status, outcome.error = "incomplete", "; ".join(unfinished)
    return outcome


def jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    """Scrapy stats as JSON values (datetimes as ISO text), as a run's stats are stored."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()}
