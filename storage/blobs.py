"""The content-addressed store of raw bytes: pages and attachments exactly as a portal served them.

A government page is evidence only if the bytes it was judged on can be shown later, after the portal
changed or went dark. So every raw page and attachment is written once, gzip-compressed, under the
SHA-256 of its *uncompressed* bytes: ``<data dir>/blobs/sha256/ab/cdef….gz``. Identical bytes (a page
unchanged since yesterday, one PDF linked from three articles) are one file. gzip (stdlib) rather than
zstd: no new dependency, every machine and every zip tool can open a blob by hand, and evidence is
written once and read rarely, so zstd's speed would buy little.

Writes are atomic (a temporary file in the same folder, fsync'd, then renamed), so a crash never leaves
a half blob under a real name; a blob that already exists is not rewritten. The database keeps the
fetch metadata (`storage.evidence_models`); this module only knows bytes and paths.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

BLOBS_DIR = "blobs"
ALGORITHM = "sha256"
SUFFIX = ".gz"
#: gzip level 6: within a few per cent of 9 on HTML, several times faster.
LEVEL = 6


@dataclass(frozen=True)
class Stored:
    """What `BlobStore.put` did: the digest, the raw and stored sizes, and whether a file was written."""

    sha256: str
    size: int
    stored_size: int
    written: bool
    key: str


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, lower-case hex (the blob's name and the pack manifest's sum)."""
    return hashlib.sha256(data).hexdigest()


def blob_key(sha256: str) -> str:
    """The blob's path relative to the data folder: ``blobs/sha256/ab/cdef….gz``."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return f"{BLOBS_DIR}/{ALGORITHM}/{sha256[:2]}/{sha256[2:]}{SUFFIX}"


class BlobStore:
    """Raw bytes under their SHA-256, gzip-compressed, below one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)

    def path(self, sha256: str) -> Path:
        return self.data_dir / blob_key(sha256)

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put(self, data: bytes) -> Stored:
        """Store `data` once; a second call with the same bytes writes nothing."""
        digest = sha256_hex(data)
        target = self.path(digest)
        if target.is_file():
            return Stored(digest, len(data), target.stat().st_size, False, blob_key(digest))
        packed = gzip.compress(data, compresslevel=LEVEL, mtime=0)  # mtime 0: same bytes, same blob file
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(packed)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return Stored(digest, len(data), len(packed), True, blob_key(digest))

    def put_file(self, path: Path) -> Stored:
        """Store a file's bytes (an attachment Scrapy's FilesPipeline downloaded)."""
        return self.put(Path(path).read_bytes())

    def read(self, sha256: str) -> bytes:
        """The raw bytes of a blob, checked against its name (a damaged blob is an error, not evidence)."""
        data = gzip.decompress(self.path(sha256).read_bytes())
        if sha256_hex(data) != sha256:
            raise ValueError(f"blob {blob_key(sha256)} is damaged: its bytes no longer hash to its name")
        return data

    def remove(self, sha256: str) -> int:
        """Delete a blob; returns the bytes freed on disk (0 when it was already gone)."""
        target = self.path(sha256)
        try:
            size = target.stat().st_size
            target.unlink()
        except FileNotFoundError:
            return 0
        for folder in (target.parent, target.parent.parent):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
        return size
