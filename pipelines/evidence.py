"""Raw pages and attachments into the content-addressed store (issue 14: evidence that outlives the portal).

One concern: the bytes. A page item carries its raw copy (`crawler.capture.raw_of`: body and fetch
metadata); its attachments were downloaded by Scrapy's FilesPipeline (`pipelines.attachments`, which
keeps its role: download, size cap, host guard, cache), whose store already wrote their bytes into the
blob store (`pipelines.files_store`). This pipeline writes the page into
`<data dir>/blobs/sha256/ab/cdef….gz` (`storage.blobs`; identical bytes are one file) off the reactor
thread, drops the body from the item and leaves the SHA-256 and sizes in its place, makes sure each
attachment's blob is in this database's store (``files[i]["blob"]``, which extraction then reads),
so storage records the metadata (`storage.evidence`) and never holds a page twice in memory.

Two classes, one per moment: `RawPagesPipeline` (priority 50) stores the page's body as soon as the
item leaves the spider, so no raw bytes wait with the item for its attachments or for an extraction
worker; `EvidencePipeline` (200, after Scrapy's FilesPipeline at 100) handles the attachments (and a
page body still there when the first is not enabled).

A blob that cannot be written (disk full, permissions) is logged and counted; the item goes on without
its ``sha256``, and storage then keeps the page in ``document_versions.html_z`` as before.
Counts in the crawl's stats: ``cchc/evidence/blobs_written``, ``…/blobs_deduplicated``,
``…/bytes_raw``, ``…/bytes_stored``, ``…/errors``.
"""
from __future__ import annotations

import gzip
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from pipelines.file_pointers import read_pointer
from storage.blobs import BlobStore, Stored, blob_key
from storage.datadir import data_dir_for
from storage.errors import DatabaseURLError

log = logging.getLogger(__name__)


class EvidencePipeline:
    """Writes each item's raw page and attachment files into the blob store of the crawl's database."""

    #: only the page's body (`RawPagesPipeline`)
    pages_only = False

    def __init__(self, data_dir: Path | None, files_store: str | None, stats: Any) -> None:
        self.blobs = BlobStore(data_dir) if data_dir is not None else None
        self.files_store = files_store
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidencePipeline:
        settings = crawler.settings
        try:
            folder: Path | None = data_dir_for(settings.get("CCHC_DB") or None)
        except DatabaseURLError:
            folder = None  # the storage pipeline refuses the same URL with a message that says what to do
        return cls(folder, settings.get("FILES_STORE") or None, crawler.stats)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        raw = getattr(item, "raw", None)
        if self.pages_only:
            if self.blobs is None or not isinstance(raw, dict) or "body" not in raw:
                return item
            counts: Counter[str] = await maybe_deferred_to_future(deferToThread(self.store_page, item))
            for key, value in counts.items():
                self.stats.inc_value(f"cchc/evidence/{key}", value)
            return item
        files = getattr(item, "files", None) or []
        if self.blobs is None or (not raw and not any(f.get("path") for f in files)):
            if isinstance(raw, dict):
                raw.pop("body", None)
            return item
        counts = await maybe_deferred_to_future(deferToThread(self.store_item, item))
        for key, value in counts.items():
            self.stats.inc_value(f"cchc/evidence/{key}", value)
        return item

    def store_item(self, item: Any) -> Counter[str]:
        """Store the item's raw bytes (runs in a thread); the counts for the crawl's stats."""
        counts = self.store_page(item)
        for f in getattr(item, "files", None) or []:
            if not f.get("path") or not self.files_store:
                continue
            meta = dict(f.get("raw") or {
                # FilesPipeline served the file from its cache (FILES_EXPIRES): not fetched in this run
                "kind": "attachment", "url": f.get("url"), "requested_url": f.get("url"), "status": None,
                "headers": {"x-cchc-source": f"download cache ({f.get('status') or 'uptodate'})"},
            })
            path = Path(self.files_store) / f["path"]
            if self._put(meta, lambda: self._file_blob(path), counts):
                f["raw"] = meta
                f["blob"] = str(self.blobs.path(meta["sha256"]))  # type: ignore[union-attr]
        return counts

    def store_page(self, item: Any) -> Counter[str]:
        """The page's body into the store, replaced on the item by its SHA-256 and sizes."""
        counts: Counter[str] = Counter()
        raw = getattr(item, "raw", None)
        if isinstance(raw, dict) and "body" in raw:
            body = raw.pop("body")
            self._put(raw, lambda: self.blobs.put(body), counts)  # type: ignore[union-attr]
        return counts

    def _file_blob(self, path: Path) -> Stored:
        """A downloaded file into this database's blob store: usually already there (`BlobFilesStore`
        put it), else copied from the blob a shared FILES_STORE points to, or from a real file."""
        assert self.blobs is not None
        pointer = read_pointer(path)
        if pointer is None:
            return self.blobs.put_file(path)
        if self.blobs.has(pointer["sha256"]):
            sha = pointer["sha256"]
            return Stored(sha, int(pointer.get("size") or 0), self.blobs.path(sha).stat().st_size, False, blob_key(sha))
        return self.blobs.put(gzip.decompress(Path(pointer["blob"]).read_bytes()))

    @staticmethod
    def _put(meta: dict[str, Any], put: Any, counts: Counter[str]) -> bool:
        try:
            stored: Stored = put()
        except OSError as exc:
            counts["errors"] += 1
            log.warning("raw copy of %s not kept: %s", meta.get("url"), exc)
            return False
        meta.update(sha256=stored.sha256, size=stored.size, stored_size=stored.stored_size)
        counts["blobs_written" if stored.written else "blobs_deduplicated"] += 1
        counts["bytes_raw"] += stored.size
        if stored.written:
            counts["bytes_stored"] += stored.stored_size
        return True


class RawPagesPipeline(EvidencePipeline):
    """The page's body only, before anything waits (attachment downloads, the extraction pool's queue):
    an item then carries its SHA-256 instead of its raw bytes for the rest of its way."""

    pages_only = True
