"""Turns fetched pages into extraction records, off the crawl's hot path.

trafilatura costs tens of milliseconds a page, so records are built in a process pool (two workers
by default, `CCHC_EXTRACT_WORKERS`; 0 runs inline) and the reactor keeps downloading meanwhile.
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any


from crawler.items import PageItem
from pipelines.extract import PortalContext, attachment_text, extract, register_record


def build_record(
    html: str,
    url: str,
    context: dict[str, Any] | None,
    hints: dict[str, Any],
    files: list[dict[str, Any]],
    files_store: str | None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Pure function run in a worker: the record of one page and the text of its attachments."""
    ctx = PortalContext(**context) if context else None
    texts = []
    out_files: list[dict[str, Any]] = []
    for f in files:
        f = dict(f)
        if f.get("path") and files_store:
            data = (Path(files_store) / f["path"]).read_bytes()
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


class _SharedPool:
    """One worker pool per crawl process, shared by every spider's pipeline (the spiders of a crawl
    run side by side; a pool each would put several times the cores' worth of workers on the machine)."""

    pool: ProcessPoolExecutor | None = None
    users = 0

    @classmethod
    def acquire(cls, workers: int) -> ProcessPoolExecutor:
        if cls.pool is None:
            cls.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
        cls.users += 1
        return cls.pool

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users == 0 and cls.pool is not None:
            cls.pool.shutdown(wait=True, cancel_futures=False)
            cls.pool = None


class ExtractPipeline:
    """Fills `PageItem.record` (and attachment texts) using a process pool."""

    def __init__(self, workers: int, files_store: str | None, stats: Any) -> None:
        self.workers = workers
        self.files_store = files_store
        self.stats = stats
        self.pool: ProcessPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ExtractPipeline":
        workers = int(os.environ.get("CCHC_EXTRACT_WORKERS", crawler.settings.getint("CCHC_EXTRACT_WORKERS", 2)))
        return cls(workers, crawler.settings.get("FILES_STORE"), crawler.stats)

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
            return self._done(item, build_record(*args))
        return self._done(item, await asyncio.wrap_future(self.pool.submit(build_record, *args)))

    def _done(self, item: PageItem, result: tuple[dict[str, Any], list[dict[str, Any]]]) -> PageItem:
        item.record, item.files = result
        self.stats.inc_value("cchc/extract/records")
        if item.record.get("is_cchc"):
            self.stats.inc_value("cchc/extract/cchc_records")
        return item
