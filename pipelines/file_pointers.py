"""FILES_STORE pointers (`pipelines.files_store`), read without importing Scrapy.

Extraction workers read attachments (`pipelines.extraction.build_record`); importing Scrapy's
FilesPipeline there would load Scrapy and Twisted into every worker of the pool (measured: +130 MiB for
the crawl's process tree), so the few lines that read a pointer live here, on the standard library only.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

POINTER_MARK = b'{"cchc_blob": 1'
POINTER_MAX = 4096


def read_pointer(path: Path) -> dict[str, Any] | None:
    """The pointer at `path`, or None when `path` holds real bytes (or nothing)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(POINTER_MAX + 1)
    except OSError:
        return None
    if not head.startswith(POINTER_MARK) or len(head) > POINTER_MAX:
        return None
    try:
        pointer = json.loads(head)
    except ValueError:
        return None
    return pointer if isinstance(pointer, dict) and pointer.get("sha256") and pointer.get("blob") else None


def file_bytes(files_store: str, entry: dict[str, Any]) -> bytes:
    """The bytes of a downloaded file (an item's ``files`` entry): its blob when the evidence pipeline
    named one, else what FILES_STORE/<path> holds (following a pointer)."""
    if entry.get("blob"):
        return gzip.decompress(Path(entry["blob"]).read_bytes())
    path = Path(files_store) / entry["path"]
    pointer = read_pointer(path)
    if pointer is not None:
        return gzip.decompress(Path(pointer["blob"]).read_bytes())
    return path.read_bytes()
