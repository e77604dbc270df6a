"""Hands items to storage in batches, on one writer thread, so the reactor never waits for disk.

The run id comes from the `cchc crawl` command (setting `CCHC_RUN_ID`); a bare `scrapy crawl NAME`
opens and closes a run of its own. One Store and one writer thread serve every spider of a process,
so concurrent spiders never contend for SQLite's write lock.
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
        self.buffer: list[dict[str, Any]] = []
        self.pending: defer.Deferred | None = None
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        return cls(crawler)

    def open_spider(self, spider: Any = None) -> None:
        self.store = shared_store(self.db_url)
        if self.run_id is None:
            self.run_id = self.store.start_run(trigger="manual", observed_on=observed_on(), args={"spider": getattr(spider, "name", None)})
            self.own_run = True
        self.loop = task.LoopingCall(self._flush)
        self.loop.start(2.0, now=False)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        data = as_storage_dict(item)
        self.buffer.append(data)
        self.stats.inc_value(f"cchc/stored/{item.type}")
        validator = data.pop("validator", None) if data.get("type") == "page" else None
        if validator and data.get("record") is not None:
            self.buffer.append(validator)  # after its page, in the same batch (issue 12)
        if len(self.buffer) >= self.batch_size:
            await maybe_deferred_to_future(self._flush())
        return item

    def _flush(self) -> defer.Deferred:
        """Write the buffer after the previous write finished (writes stay ordered)."""
        batch, self.buffer = self.buffer, []
        previous = self.pending or defer.succeed(None)

        def write(_: Any) -> defer.Deferred:
            if not batch:
                return defer.succeed(None)
            from twisted.internet import reactor

            self.stats.inc_value("cchc/storage/batches")  # one write transaction each

            return deferToThreadPool(reactor, reactor.getThreadPool(), self._write, batch)

        self.pending = previous.addCallback(write)
        return self.pending

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
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        await maybe_deferred_to_future(self._flush())
        if self.own_run:
            self.store.finish_run(self.run_id, status="complete", stats=_jsonable(self.stats.get_stats()))  # type: ignore[arg-type]


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()}
