"""Turns fetched pages into extraction records, off the crawl's hot path.

trafilatura costs tens of milliseconds a page, so records are built in a process pool (two workers
by default, `CCHC_EXTRACT_WORKERS`; 0 runs inline) and the reactor keeps downloading meanwhile.

Nothing hangs (issue 9): every page has a time budget (`CCHC_EXTRACT_BUDGET` seconds, default 60).
Inside the worker an interval timer stops the extraction at the budget; should the worker not come
back (stuck in C code, signals blocked), the parent gives up at twice the budget plus a grace,
kills the pool's workers and starts fresh ones, and pages that were in flight on them are submitted
once more. A page over budget keeps no record: its fetch row carries the error, a document stored
earlier keeps its version, and the crawl goes on. Workers die with the crawl that owns them
(PR_SET_PDEATHSIG, plus a watchdog thread), so a killed crawl leaves no pool behind.
"""
from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import FrameType
from typing import Any

from core.process import pid_alive
from crawler.items import PageItem
from pipelines.extract import PortalContext
from pipelines.file_pointers import file_bytes


def build_record(
    html: str,
    url: str,
    context: dict[str, Any] | None,
    hints: dict[str, Any],
    files: list[dict[str, Any]],
    files_store: str | None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Pure function run in a worker: the record of one page and the text of its attachments. The
    extractor is imported here, in the worker (preloaded by its forkserver), not by the crawl process."""
    from pipelines.extract import attachment_text, extract, register_record

    ctx = PortalContext(**context) if context else None
    texts = []
    out_files: list[dict[str, Any]] = []
    for f in files:
        f = dict(f)
        if f.get("path") and files_store:
            data = file_bytes(files_store, f)
            att = attachment_text(data, f["url"].rsplit("/", 1)[-1])
            f.update(kind=att.kind, text=att.text, warnings=list(att.warnings))
            texts.append(att)
        out_files.append(f)
    row = hints.get("register_row")
    if row is not None:
        record = register_record(row, url, texts[0] if texts else None, ctx)
    else:
        record = extract(html, url, ctx)
    rec = record.to_dict()
    for f in out_files:
        for w in f.get("warnings") or []:
            rec.setdefault("warnings", []).append(f"attachment {f['url']}: {w}")
    return rec, out_files


log = logging.getLogger(__name__)

#: seconds one page may take in a worker (attachments included). The slowest page the caps of
#: pipelines/extract/page.py let through takes ~3 s of CPU; an ordinary page ~10 ms, a large
#: PDF/DOC attachment a few seconds. 60 s leaves room for a loaded machine and still ends a hang.
DEFAULT_BUDGET = 60.0
#: after 2 × budget + HARD_GRACE seconds without an answer the parent kills the worker pool
#: (the in-worker timer could not fire: C code that does not return, signals blocked)
HARD_GRACE = 10.0

Result = tuple[dict[str, Any], list[dict[str, Any]]]


class BudgetExceeded(BaseException):
    """Raised in a worker when its page's time budget is spent. A BaseException, like
    KeyboardInterrupt, so that no `except Exception` inside trafilatura or a parser swallows it."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise BudgetExceeded


def run_with_budget(work: Callable[..., Result], budget: float, *args: Any) -> tuple[str, Any]:
    """Run `work(*args)` for at most `budget` seconds of wall time: ("ok", result) or
    ("over_budget", seconds spent). The timer is SIGALRM (ITIMER_REAL), so it works only on the
    main thread of a process, which is where pool workers run their tasks; elsewhere (or with a
    budget of 0) `work` runs unbounded and the parent's hard limit is what remains."""
    armed = budget > 0 and threading.current_thread() is threading.main_thread()
    start = time.monotonic()
    previous: Any = None
    if armed:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        return "ok", work(*args)
    except BudgetExceeded:
        return "over_budget", time.monotonic() - start
    finally:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------ workers die with their parent
_PR_SET_PDEATHSIG = 1
WATCHDOG_INTERVAL = 1.0


def _set_pdeathsig(sig: int) -> bool:
    """Linux: have the kernel send `sig` to this process when its parent dies. False elsewhere."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parents(owner_pid: int, parent_pid: int) -> None:
    """Fallback for PR_SET_PDEATHSIG (non-Linux, or a death it misses): exit once the crawl that
    owns the pool, or this worker's own parent (the forkserver), is gone."""
    while True:
        time.sleep(WATCHDOG_INTERVAL)
        if os.getppid() != parent_pid or not pid_alive(owner_pid):
            os._exit(1)


def worker_init(owner_pid: int) -> None:
    """Pool initializer: tie the worker's life to the crawl process `owner_pid`.

    The worker's parent is multiprocessing's forkserver, which exits when the crawl dies (its
    "alive" pipe closes); PR_SET_PDEATHSIG turns that into SIGKILL for the worker. A daemon thread
    polls both pids as a fallback. Without this a SIGKILLed crawl left its workers blocked on the
    call queue for minutes.
    """
    parent = os.getppid()
    _set_pdeathsig(signal.SIGKILL)
    if parent == 1 or not pid_alive(owner_pid):
        os._exit(1)  # the owner died before prctl took effect
    threading.Thread(target=_watch_parents, args=(owner_pid, parent), name="cchc-parent-watchdog",
                     daemon=True).start()


class _SharedPool:
    """One worker pool per crawl process, shared by every spider's pipeline (the spiders of a crawl
    run side by side; a pool each would put several times the cores' worth of workers on the machine).

    At most 2 × workers pages are in flight (the rest wait here, not in the pool's queue), so a
    page's wait before a worker takes it is at most one other page's budget: the parent's hard
    limit can be measured from submission, and memory stays bounded.
    """

    pool: ProcessPoolExecutor | None = None
    users = 0
    workers = 0
    slots: asyncio.Semaphore | None = None
    restarts = 0

    @classmethod
    def _new(cls) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("forkserver")
        # takes effect if this process has not started its forkserver yet (a crawl has not)
        ctx.set_forkserver_preload(["pipelines.forkserver_preload"])
        return ProcessPoolExecutor(cls.workers, mp_context=ctx, initializer=worker_init, initargs=(os.getpid(),))

    @classmethod
    def acquire(cls, workers: int) -> ProcessPoolExecutor:
        if cls.pool is None:
            cls.workers = workers
            cls.pool = cls._new()
            cls.slots = None
        cls.users += 1
        return cls.pool

    @classmethod
    def semaphore(cls) -> asyncio.Semaphore:
        """The in-flight limit, made on first use inside the running event loop."""
        if cls.slots is None:
            cls.slots = asyncio.Semaphore(2 * max(1, cls.workers))
        return cls.slots

    @classmethod
    def restart(cls, broken: ProcessPoolExecutor) -> None:
        """Kill `broken`'s workers and put a fresh pool in its place (once, however many pages
        noticed). ProcessPoolExecutor has no public way to kill a worker (3.14 adds one), hence
        `_processes`; the futures still pending on it fail with BrokenProcessPool."""
        if cls.pool is not broken:
            return
        for proc in list((getattr(broken, "_processes", None) or {}).values()):
            try:
                proc.kill()
            except (OSError, ValueError):
                pass
        broken.shutdown(wait=False, cancel_futures=True)
        cls.restarts += 1
        cls.pool = cls._new() if cls.users > 0 else None

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users == 0 and cls.pool is not None:
            cls.pool.shutdown(wait=True, cancel_futures=False)
            cls.pool = None
            cls.slots = None


class ExtractPipeline:
    """Fills `PageItem.record` (and attachment texts) using a process pool, each page within its
    time budget; a page over budget gets `error` instead of a record."""

    def __init__(self, workers: int, files_store: str | None, stats: Any, budget: float = DEFAULT_BUDGET,
                 work: Callable[..., Result] = build_record) -> None:
        """`work` is the worker function (tests inject one that is slow by construction; it must
        be a module-level function so the pool can pickle it)."""
        self.workers = workers
        self.files_store = files_store
        self.stats = stats
        self.budget = budget
        self.work = work
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        workers = int(os.environ.get("CCHC_EXTRACT_WORKERS", crawler.settings.getint("CCHC_EXTRACT_WORKERS", 2)))
        budget = float(os.environ.get("CCHC_EXTRACT_BUDGET")
                       or crawler.settings.getfloat("CCHC_EXTRACT_BUDGET", DEFAULT_BUDGET))
        return cls(workers, crawler.settings.get("FILES_STORE"), crawler.stats, budget)

    def open_spider(self, spider: Any = None) -> None:
        if self.workers > 0:
            self.pool = _SharedPool.acquire(self.workers)

    def close_spider(self, spider: Any = None) -> None:
        if self.pool is not None:
            _SharedPool.release()
            self.pool = None

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, PageItem):
            return item
        portal = spider.portals.get(item.portal_id) if spider is not None and hasattr(spider, "portals") else None
        context = (
            {"portal_id": portal.id, "unit_name": portal.name, "level": portal.level, "province": portal.province}
            if portal is not None else None
        )
        args = (item.html, item.url, context, item.hints, item.files, self.files_store)
        if self.pool is None:
            return self._done(item, run_with_budget(self.work, self.budget, *args))
        async with _SharedPool.semaphore():
            return self._done(item, await self._in_pool(item.url, args))

    async def _in_pool(self, url: str, args: tuple[Any, ...]) -> tuple[str, Any]:
        """Run one page in the shared pool: its outcome, surviving a pool restarted under it."""
        hard = 2 * self.budget + HARD_GRACE if self.budget > 0 else None
        for attempt in (1, 2):
            pool = _SharedPool.pool
            if pool is None:
                break
            try:
                fut: Future[tuple[str, Any]] = pool.submit(run_with_budget, self.work, self.budget, *args)
            except (BrokenProcessPool, RuntimeError):
                _SharedPool.restart(pool)
                continue
            started = time.monotonic()
            try:
                return await asyncio.wait_for(asyncio.wrap_future(fut), hard)
            except TimeoutError:
                log.warning("extraction of %s did not come back in %.0f s; restarting the worker pool", url, hard)
                _SharedPool.restart(pool)
                return "over_budget", time.monotonic() - started
            except BrokenProcessPool:
                # a worker died (killed by a restart for another page, out of memory, a crash)
                self.stats.inc_value("cchc/extract/pool_broken")
                _SharedPool.restart(pool)
                if attempt == 2:
                    return "worker_died", None
        return "worker_died", None

    def _done(self, item: PageItem, outcome: tuple[str, Any]) -> PageItem:
        kind, value = outcome
        if kind == "ok":
            item.record, item.files = value
            self.stats.inc_value("cchc/extract/records")
            if item.record.get("is_cchc"):
                self.stats.inc_value("cchc/extract/cchc_records")
            return item
        item.record = None
        if kind == "over_budget":
            item.error = (f"extraction exceeded its budget of {self.budget:g} s (CCHC_EXTRACT_BUDGET); "
                          "page not extracted, a stored document keeps its version")
            self.stats.inc_value("cchc/extract/over_budget")
        else:
            item.error = "extraction worker died twice on this page; page not extracted, a stored document keeps its version"
            self.stats.inc_value("cchc/extract/worker_died")
        log.warning("%s: %s", item.url, item.error)
        return item
