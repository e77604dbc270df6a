"""Attachments (PDF, DOC, DOCX) linked from a plan, downloaded with Scrapy's FilesPipeline.

Download requests carry the page's portal id so the host guard applies the same registry hosts,
and the size cap of the settings applies to them like to every download.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import Request
from scrapy.pipelines.files import FilesPipeline, FSFilesStore
from scrapy.pipelines.media import FileInfoOrError

from crawler.capture import raw_of
from pipelines.files_store import BlobFilesStore
from storage.blobs import BlobStore
from storage.datadir import data_dir_for
from storage.errors import DatabaseURLError


class AttachmentsPipeline(FilesPipeline):
    """Stores each file once (path = hash of its URL) and records its MD5 checksum and status.

    The bytes go to the database's content-addressed blob store (`pipelines.files_store`); FILES_STORE
    keeps a pointer per file so the download cache (FILES_EXPIRES) works as before."""

    def __init__(self, store_uri: Any, download_func: None = None, *, crawler: Any) -> None:
        try:
            self.blob_dir: Path | None = data_dir_for(crawler.settings.get("CCHC_DB") or None)
        except DatabaseURLError:
            self.blob_dir = None  # the storage pipeline refuses the same URL with a message that says what to do
        super().__init__(store_uri, download_func, crawler=crawler)

    def _get_store(self, uri: str) -> Any:
        store = super()._get_store(uri)
        if type(store) is FSFilesStore and self.blob_dir is not None:
            return BlobFilesStore(uri, BlobStore(self.blob_dir))
        return store

    def get_media_requests(self, item: Any, info: Any):
        adapter = ItemAdapter(item)
        for url in adapter.get("file_urls") or []:
            yield Request(url, meta={"portal_id": adapter.get("portal_id"), "attachment_of": adapter.get("url")})

    async def media_downloaded(self, response: Any, request: Any, info: Any, *, item: Any = None) -> Any:
        """Scrapy's download result plus the fetch metadata of the raw copy (`crawler.capture`), which
        `pipelines.evidence` stores with the file's bytes; the bytes stay in FILES_STORE meanwhile."""
        result = await super().media_downloaded(response, request, info, item=item)
        meta = raw_of(response, "attachment")
        del meta["body"]
        meta["requested_url"] = request.url
        return {**result, "raw": meta}

    def item_completed(self, results: list[FileInfoOrError], item: Any, info: Any) -> Any:
        adapter = ItemAdapter(item)
        if "files" not in adapter.field_names():
            return item
        stats = info.spider.crawler.stats if info.spider else None
        files: list[dict[str, Any]] = []
        value: Any  # Scrapy's FileInfo plus our "raw" (file_downloaded adds it), or the download's Failure
        for url, (ok, value) in zip(adapter.get("file_urls") or [], results):
            if ok:
                files.append({"url": url, "path": value["path"], "checksum": value["checksum"], "status": value.get("status"),
                              "raw": value.get("raw")})
                if stats:
                    stats.inc_value("cchc/attachments/downloaded")
            else:
                files.append({"url": url, "path": None, "checksum": None, "status": "failed", "error": str(value.value)[:300]})
                if stats:
                    stats.inc_value("cchc/attachments/failed")
        adapter["files"] = files
        return item
