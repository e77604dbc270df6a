"""Hands items to storage in batches, on one writer thread, so the reactor never waits for disk.

The run id comes from the `cchc crawl` command (setting `CCHC_RUN_ID`); a bare `scrapy crawl NAME`
opens and closes a run of its own. One Store and one writer thread serve every spider of a process,
so concurrent spiders never contend for SQLite's write lock; and one buffer serves every spider of a
process writing the same run (`_Batch`), so a batch is one transaction for all of them.

A batch is written when it holds `CCHC_BATCH` page items (those carrying a page's text and raw copy:
what bounds the buffer's memory), ten times as many items of any kind (sightings, fetch counts,
health: a few hundred bytes each), or every 2 seconds. Why (issue 12): an unchanged day stores
thousands of small items; written 50 at a time by each of the seven spiders apart, their commits were
a tenth of the crawl process's CPU.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from scrapy.utils.defer import maybe_deferred_to_future
from sqlalchemy.exc import OperationalError
from twisted.internet import defer, task
from twisted.internet.threads import deferToThreadPool

from core.clock import observed_on
from crawler.items import as_storage_dict
from storage import Store

log = logging.getLogger(__name__)
#: PostgreSQL's "retry the transaction" states: serialization_failure, deadlock_detected
RETRYABLE = {"40001", "40P01"}
WRITE_ATTEMPTS = 4

_LOCK = threading.Lock()
_WRITE_LOCK = threading.Lock()
_SHARED: dict[str, Any] = {}
#: items of any kind a batch may hold, per page item `CCHC_BATCH` allows
SMALL_PER_PAGE = 10
#: item types that carry a page's text (and raw copy): what bounds a buffer's memory
HEAVY = frozenset({"page", "widget"})


class _Batch:
    """The items buffered for one run of one database in this process, by all its spiders'
    pipelines, and the write in progress (writes stay ordered: each waits for the previous)."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.heavy = 0
        self.pending: defer.Deferred | None = None
        self.loop: task.LoopingCall | None = None
        self.users = 0


_BATCHES: dict[tuple[str, int], _Batch] = {}


def shared_store(url: str | None) -> Store:
    with _LOCK:
        key = url or ""
        if key not in _SHARED:
            _SHARED[key] = Store.open(url)
        return _SHARED[key]


class StoragePipeline:
    """Buffers items and writes them with `Store.save_items` every `CCHC_BATCH` items or 2 seconds."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.db_url: str | None = settings.get("CCHC_DB") or None
        self.run_id: int | None = settings.getint("CCHC_RUN_ID") or None
        self.own_run = False
        self.batch_size = settings.getint("CCHC_BATCH", 50)
        self.batch = _Batch()  # this pipeline's own until `open_spider` joins the run's shared one

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        return cls(crawler)

    def open_spider(self, spider: Any = None) -> None:
        self.store = shared_store(self.db_url)
        if self.run_id is None:
            self.run_id = self.store.start_run(trigger="manual", observed_on=observed_on(), args={"spider": getattr(spider, "name", None)})
            self.own_run = True
        self.batch = _BATCHES.setdefault((self.db_url or "", self.run_id), self.batch)
        self.batch.users += 1
        if self.batch.loop is None:
            self.batch.loop = task.LoopingCall(self._flush)
            self.batch.loop.start(2.0, now=False)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        data = as_storage_dict(item)
        batch = self.batch
        batch.items.append(data)
        batch.heavy += data.get("type") in HEAVY
        self.stats.inc_value(f"cchc/stored/{item.type}")
        validator = data.pop("validator", None) if data.get("type") == "page" else None
        if validator and data.get("record") is not None:
            batch.items.append(validator)  # after its page, in the same batch (issue 12)
        if batch.heavy >= self.batch_size or len(batch.items) >= SMALL_PER_PAGE * self.batch_size:
            await maybe_deferred_to_future(self._flush())
        return item

    def _flush(self) -> defer.Deferred:
        """Write the run's buffer after the previous write finished (writes stay ordered)."""
        shared = self.batch
        items, shared.items, shared.heavy = shared.items, [], 0
        previous = shared.pending or defer.succeed(None)

        def write(_: Any) -> defer.Deferred:
            if not items:
                return defer.succeed(None)
            from twisted.internet import reactor

            self.stats.inc_value("cchc/storage/batches")  # one write transaction each
            return deferToThreadPool(reactor, reactor.getThreadPool(), self._write, items)

        shared.pending = previous.addCallback(write)
        return shared.pending

    def _write(self, batch: list[dict[str, Any]]) -> None:
        # one writer at a time across spiders of this process
        with _WRITE_LOCK:
            for attempt in range(1, WRITE_ATTEMPTS + 1):
                try:
                    self.store.save_items(self.run_id, batch)  # type: ignore[arg-type]
                    return
                except OperationalError as exc:
                    # several worker processes write one PostgreSQL database: two batches may deadlock
                    # (or fail serialisation); the server rolled the batch back, and items are upserts,
                    # so the batch is written again rather than lost
                    if attempt == WRITE_ATTEMPTS or getattr(exc.orig, "sqlstate", None) not in RETRYABLE:
                        raise
                    log.warning("batch of %d items rolled back (%s); writing it again", len(batch),
                                getattr(exc.orig, "sqlstate", None))
                    time.sleep(0.2 * attempt)

    async def close_spider(self, spider: Any = None) -> None:
        batch = self.batch
        batch.users -= 1
        if batch.users <= 0:
            _BATCHES.pop((self.db_url or "", self.run_id or 0), None)
            if batch.loop is not None and batch.loop.running:
                batch.loop.stop()
            batch.loop = None
        await maybe_deferred_to_future(self._flush())
        if self.own_run:
            self.store.finish_run(self.run_id, status="complete", stats=_jsonable(self.stats.get_stats()))  # type: ignore[arg-type]


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()}
