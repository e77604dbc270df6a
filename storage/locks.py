"""Who holds a SQLite database's write lock, and a bounded wait for it.

SQLite allows one writer at a time. A crawl writes in batches for minutes, so a person's write (``cchc
units sync``, ``cchc review …``) can meet the lock twice over: SQLite's busy handler waits for it, but
a transaction that read before a crawl committed gets ``SQLITE_BUSY`` at once (its snapshot is stale)
and no busy handler helps. `retry_while_locked` covers both: it repeats the whole, idempotent action
until a deadline, and then says who holds the lock instead of a bare "database is locked".

SQLite itself cannot tell who holds a lock; the runs table can: a crawl records its run as "running"
with its host and pid when it starts (committed, so readable while it writes, WAL readers never wait).

`file_lock` is the one lock file beside a SQLite database (the crawl lock, the alerts lock): an flock,
so a crashed holder releases it with its death, and a finished holder removes its file.
"""
from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from core.process import same_process
from storage.errors import DatabaseLockedError, locked_error

T = TypeVar("T")

#: How long a holder lookup may wait for its own read (it must never add a second long wait).
HOLDER_LOOKUP_TIMEOUT_S = 1.0


def sqlite_lock_holders(path: Path) -> str:
    """The running crawl runs that may hold `path`'s write lock, as words ("" when none is known).

    Runs recorded on this host whose process is gone, or whose pid now belongs to another process (its
    start time differs from the one recorded), are left out (they hold nothing; the next crawl marks
    them incomplete, `storage.runs.mark_stale`, by the same `core.process.same_process` check); runs from another host are named as they are (their pid cannot be checked).
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=HOLDER_LOOKUP_TIMEOUT_S)
    except sqlite3.Error:
        return ""
    try:
        rows = conn.execute(
            "SELECT id, \"trigger\", pid, process_start, host, started_at FROM crawl_runs WHERE status = 'running' ORDER BY id"
        ).fetchall()
    except sqlite3.Error:
        return ""
    finally:
        conn.close()
    here = socket.gethostname()
    named: list[str] = []
    for run_id, trigger, pid, proc_start, host, started_at in rows:
        if host == here and pid is not None and not same_process(int(pid), proc_start):
            continue
        where = "this host" if host == here else (host or "an unknown host")
        started = str(started_at or "")[:16].replace("T", " ")
        named.append(f"run {run_id} ({trigger} crawl, pid {pid} on {where}, started {started} UTC)")
    return " and ".join(named)


def retry_while_locked(action: Callable[[int], T], *, wait_s: float) -> T:
    """Run ``action(busy_timeout_ms)`` until it gets the write lock or `wait_s` seconds have passed.

    `action` must be safe to repeat (one transaction, or idempotent steps): a locked attempt changed
    nothing. Each attempt's busy timeout is the time left, so the total wait stays within `wait_s`
    (plus one short pause). The final `DatabaseLockedError` gives the whole time waited and the holders.
    """
    started = time.monotonic()
    deadline = started + max(wait_s, 0.0)
    pause = 0.1
    while True:
        left_ms = max(int((deadline - time.monotonic()) * 1000), 100)
        try:
            return action(left_ms)
        except DatabaseLockedError as exc:
            if time.monotonic() + pause > deadline:
                waited = round(time.monotonic() - started, 1)
                raise locked_error(exc.where, waited, exc.holders) from None
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


@contextlib.contextmanager
def file_lock(path: Path, wait_s: float = 0.0) -> Iterator[bool]:
    """Hold the lock file `path` for the block (yield True), or yield False when another process held it
    for `wait_s` seconds (0: one attempt).

    An flock (filelock): a holder that crashes, is killed or loses its machine releases it with its
    process, so a file left behind is taken over at once, never mistaken for a live holder. A holder that
    finishes removes the file before it unlocks, so a database's folder keeps no lock files between runs.
    Removing it is safe while we hold it: a process that opened the old file waits on it, gets it after
    our release, sees it has no name any more and starts over on a new one (filelock checks st_nlink);
    the file is removed only while it is still the one we locked.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=max(wait_s, 0.0))
    except Timeout:
        yield False
        return
    try:
        held = os.stat(path)
        yield True
    finally:
        try:
            with contextlib.suppress(FileNotFoundError):
                if os.path.samestat(os.stat(path), held):
                    os.unlink(path)
        finally:
            lock.release()
