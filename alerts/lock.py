"""One evaluation at a time per database: two at once (the scheduler's and a person's `cchc alerts run`)
would both read the same pending alert and both send it. A lock that dies with its holder, like the
crawl lock (scheduler.py): a file lock beside a SQLite database, an advisory lock on PostgreSQL."""
from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from storage.locks import file_lock

#: How long an evaluation waits for another one to finish (`CCHC_ALERTS_LOCK_WAIT` seconds).
WAIT_SECONDS = 120.0


class AlertsBusy(Exception):
    """Another evaluation of this database's alerts held the lock for too long."""


@contextlib.contextmanager
def alerts_lock(url: URL, wait: float | None = None) -> Iterator[None]:
    """Hold the database's alerts lock for the block, waiting at most `wait` seconds for it."""
    if wait is None:
        wait = float(os.environ.get("CCHC_ALERTS_LOCK_WAIT") or WAIT_SECONDS)
    busy = AlertsBusy(f"another `cchc alerts run` on this database did not finish within {wait:g} s; "
                      "nothing was sent by this one: try again when it has")
    if url.get_backend_name() == "sqlite":
        db = Path(url.database or "data/cchc.sqlite")
        with file_lock(db.with_name(db.name + ".alerts.lock"), wait) as got:
            if not got:
                raise busy
            yield
        return
    key = int.from_bytes(hashlib.sha256(b"cchc-watch alerts").digest()[:8], "big", signed=True)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            deadline = time.monotonic() + wait
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                if time.monotonic() > deadline:
                    raise busy
                time.sleep(0.5)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    finally:
        engine.dispose()
