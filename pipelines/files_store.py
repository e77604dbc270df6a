"""Scrapy's FILES_STORE backed by the content-addressed blob store: one copy of an attachment's bytes.

Scrapy's FilesPipeline keeps its role (download, size cap, host guard, FILES_EXPIRES cache, MD5
checksum); only where it puts the bytes changes. `BlobFilesStore.persist_file` writes them into
``<data dir>/blobs/sha256/ab/cdef….gz`` (`storage.blobs`) and leaves at FILES_STORE/<path> a small
JSON *pointer* (``{"cchc_blob": 1, "blob": ABSOLUTE PATH, "sha256", "size", "md5"}``) so that
`stat_file` still answers the pipeline's "is this file fresh?" question (its mtime and the MD5 Scrapy
reports for cached files) without a second copy of the bytes. A pointer whose blob is gone (pruned,
folder moved) reads as absent, so the file is downloaded again. A real file left by an older version
in FILES_STORE keeps working as before (it is read as is).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

from scrapy.pipelines.files import FSFilesStore, StatInfo

from pipelines.file_pointers import read_pointer
from storage.blobs import BlobStore


class BlobFilesStore(FSFilesStore):
    """FSFilesStore whose bytes live in a `BlobStore`; FILES_STORE holds pointers only."""

    def __init__(self, basedir: str, blobs: BlobStore) -> None:
        super().__init__(basedir)
        self.blobs = blobs

    def persist_file(self, path: Any, buf: BytesIO, info: Any, meta: dict[str, Any] | None = None,
                     headers: dict[str, str] | None = None) -> None:
        data = buf.getvalue()
        stored = self.blobs.put(data)
        pointer = {"cchc_blob": 1, "blob": str(self.blobs.path(stored.sha256)), "sha256": stored.sha256,
                   "size": stored.size, "md5": hashlib.md5(data).hexdigest()}  # noqa: S324 - Scrapy's checksum
        target = self._get_filesystem_path(path)
        self._mkdir(target.parent, info)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(pointer, fh)
        os.replace(tmp, target)

    def stat_file(self, path: Any, info: Any) -> StatInfo:
        target = self._get_filesystem_path(path)
        pointer = read_pointer(target)
        if pointer is None:
            return super().stat_file(path, info)  # a real file from before, or nothing
        if not Path(pointer["blob"]).is_file():
            return {}  # its bytes were pruned: download again
        stat: StatInfo = {"last_modified": target.stat().st_mtime}
        if pointer.get("md5"):  # Scrapy reads a missing checksum as None, as before
            stat["checksum"] = pointer["md5"]
        return stat
