"""Report rows kept in key order, in memory while few, on disk when many.

Why: a diff over the year lists ~475,000 new documents and ~300,000 changed ones with their text
diffs; held as Python rows they took 1.3 GB (issue 12: no report command above 500 MB). A `RowSpool`
keeps the first `MEMORY_ROWS` rows in a list, like a short diff always did, and past that moves them
into a temporary SQLite file (Python's own `sqlite3`; its name is removed as soon as it is open, so it
is gone when the spool is closed or the process ends, killed or not),
which sorts them on disk and hands them back one at a time. Readers see a sized, re-iterable sequence
of rows in key order either way, so a day's diff costs what it did and a year's stays bounded.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from reports.rows import KeyedRow
from reports.vocab import ReportError

R = TypeVar("R", bound=KeyedRow)

#: rows held in memory before the spool moves them to disk (a day's diff never reaches it)
MEMORY_ROWS = 20_000
#: rows written to the spool file per statement
_BATCH = 2_000
#: SQLite's page cache for the spool file, in KiB (negative cache_size): what sorting may hold in memory
_CACHE_KIB = 65_536


class RowSpool(Generic[R]):
    """Rows of one `KeyedRow` class, read back sorted by `keys` (then in the order they came).

    `append` rows, then read: ``len(spool)``, ``bool(spool)``, ``for row in spool`` (as often as
    needed, each pass streamed from disk once spilled). Rows must be picklable values."""

    def __init__(self, row_type: type[R], keys: Sequence[str], *, memory_rows: int | None = None) -> None:
        self._type = row_type
        self._index = [row_type.INDEX[k] for k in keys]
        self._memory_rows = MEMORY_ROWS if memory_rows is None else memory_rows
        self._rows: list[R] | None = []
        self._sorted = True
        self._count = 0
        self._db: sqlite3.Connection | None = None
        self._path: str | None = None
        self._pending: list[R] = []

    def _key(self, values: Sequence[Any]) -> tuple[Any, ...]:
        return tuple("" if values[i] is None else values[i] for i in self._index)

    def append(self, row: R) -> None:
        self._count += 1
        if self._rows is not None:
            self._rows.append(row)
            self._sorted = False
            if len(self._rows) > self._memory_rows:
                self._spill()
            return
        self._pending.append(row)  # written a batch at a time: one statement a row cost ~10 µs each
        if len(self._pending) >= _BATCH:
            self._insert(self._pending)
            self._pending = []

    def _spill(self) -> None:
        try:
            fd, self._path = tempfile.mkstemp(prefix="cchc-spool-", suffix=".sqlite")
            os.close(fd)
            db = sqlite3.connect(self._path)
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            db.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            db.execute("CREATE TABLE rows (seq INTEGER PRIMARY KEY, k BLOB NOT NULL, v BLOB NOT NULL)")
            # unlinked while open: the file lives as long as the connection, so a report that is killed
            # leaves no spool behind (with no journal SQLite never opens the file by its name again)
            os.unlink(self._path)
            self._path = None
        except (OSError, sqlite3.Error) as exc:
            self.close()
            raise _spool_error(exc) from None
        self._db = db
        rows, self._rows = self._rows or [], None
        self._insert(rows)

    def _insert(self, rows: list[R]) -> None:
        assert self._db is not None
        # the sort key is its own column of bytes whose order is the key's (`_sort_blob`), so SQLite
        # sorts the rows as `sorted` would, on disk
        try:
            self._db.executemany("INSERT INTO rows (k, v) VALUES (?, ?)", [
                (_sort_blob(self._key(r._values)), pickle.dumps(list(r._values), pickle.HIGHEST_PROTOCOL))
                for r in rows])
        except sqlite3.Error as exc:
            self.close()
            raise _spool_error(exc) from None

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[R]:
        if self._rows is not None:
            if not self._sorted:
                self._rows.sort(key=lambda r: self._key(r._values))
                self._sorted = True
            return iter(self._rows)
        return self._read()

    def _read(self) -> Iterator[R]:
        assert self._db is not None
        if self._pending:
            self._insert(self._pending)
            self._pending = []
        make, loads = self._type, pickle.loads
        for (blob,) in self._db.execute("SELECT v FROM rows ORDER BY k, seq"):
            yield make(loads(blob))

    def close(self) -> None:
        """Close the spool's file, which has no name left (also done when the spool is collected)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._path is not None:
            try:
                os.unlink(self._path)
            except FileNotFoundError:
                pass
            self._path = None

    def __del__(self) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RowSpool({self._type.__name__}, {self._count} rows, {'memory' if self._rows is not None else 'disk'})"


def _spool_error(exc: BaseException) -> ReportError:
    """A full or unwritable temporary folder as one report error line (never a traceback)."""
    detail = getattr(exc, "strerror", None) or str(exc).strip().splitlines()[0]
    return ReportError(f"cannot keep the report's rows in a temporary file in {tempfile.gettempdir()} ({detail}); "
                       "free space there or set TMPDIR to a folder with room")


def _sort_blob(key: tuple[Any, ...]) -> bytes:
    """Bytes whose memcmp order is the tuple order of `key` (texts and integers; None sorts as "").

    Texts: their UTF-8 with 0x00 escaped (0x00 -> 0x01 0x01, 0x01 -> 0x01 0x02) and a 0x00 after
    each, so a shorter text sorts before its extensions whatever follows it. Integers: a sign byte
    and 8 big-endian bytes."""
    out = bytearray()
    for value in key:
        if isinstance(value, str):
            out += value.encode("utf-8", "surrogatepass").replace(b"\x01", b"\x01\x02").replace(b"\x00", b"\x01\x01")
            out += b"\x00"
        elif isinstance(value, int):
            out += (b"\x01" if value >= 0 else b"\x00") + (value + (1 << 63)).to_bytes(8, "big")
        else:
            raise TypeError(f"a spool sorts on texts and integers, not {type(value).__name__}")
    return bytes(out)
