"""Who holds a SQLite write lock, and the bounded wait for it (`storage.locks`, issue 9)."""
from __future__ import annotations

import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from storage_factories import REGISTRY_ROWS

from core.process import process_start
from storage import DatabaseLockedError, Store
from storage.locks import retry_while_locked, sqlite_lock_holders


def _db(tmp_path: Path) -> Path:
    path = tmp_path / "cchc.sqlite"
    with Store.open(str(path)) as store:
        store.sync_portals(REGISTRY_ROWS)
        store.finish_run(store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={}),
                         status="complete")
    return path


def _running(path: Path, pid: int, host: str, trigger: str = "schedule", process_start: str | None = None) -> None:
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO crawl_runs (\"trigger\", status, started_at, observed_on, host, pid, process_start, args) "
                 "VALUES (?, 'running', '2022-08-13 01:02:03.000000', '2022-08-13', ?, ?, ?, '{}')",
                 (trigger, host, pid, process_start))
    conn.commit()
    conn.close()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_holders_are_the_live_running_runs(tmp_path: Path) -> None:
    path = _db(tmp_path)
    assert sqlite_lock_holders(path) == ""  # one complete run, nothing running
    _running(path, _dead_pid(), socket.gethostname())  # killed crawl: holds nothing
    _running(path, os.getpid(), socket.gethostname())
    _running(path, 4242, "crawler-2", trigger="manual")  # another host: cannot be checked, so named
    assert sqlite_lock_holders(path) == (
        f"run 3 (schedule crawl, pid {os.getpid()} on this host, started 2022-08-13 01:02 UTC) and "
        "run 4 (manual crawl, pid 4242 on crawler-2, started 2022-08-13 01:02 UTC)")


def test_a_reused_pid_holds_nothing(tmp_path: Path) -> None:
    """A run whose pid is alive but belongs to another process now (start time differs) is no holder."""
    path = _db(tmp_path)
    mine = process_start(os.getpid())
    assert mine is not None
    _running(path, os.getpid(), socket.gethostname(), process_start=str(int(mine) + 1))  # pid reused since
    assert sqlite_lock_holders(path) == ""
    _running(path, os.getpid(), socket.gethostname(), process_start=mine)
    assert sqlite_lock_holders(path).startswith(f"run 3 (schedule crawl, pid {os.getpid()} on this host")


def test_the_wait_is_bounded_and_the_error_names_the_holder(tmp_path: Path) -> None:
    path = _db(tmp_path)
    _running(path, os.getpid(), socket.gethostname())
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    attempts: list[int] = []

    def write(busy_timeout_ms: int) -> None:
        attempts.append(busy_timeout_ms)
        with Store.open(str(path), busy_timeout_ms=busy_timeout_ms) as store:
            store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 14), args={})

    started = time.monotonic()
    try:
        with pytest.raises(DatabaseLockedError) as info:
            retry_while_locked(write, wait_s=1.0)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert time.monotonic() - started < 5
    assert attempts[0] <= 1000 and all(ms >= 100 for ms in attempts)
    message = str(info.value)
    assert f"is locked by run 2 (schedule crawl, pid {os.getpid()} on this host" in message
    assert "Nothing was changed" in message
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM crawl_runs").fetchone() == (2,)
    conn.close()


def test_a_lock_released_within_the_wait_lets_the_write_through(tmp_path: Path) -> None:
    path = _db(tmp_path)
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, lambda: (holder.execute("ROLLBACK"), holder.close())).start()

    def write(busy_timeout_ms: int) -> int:
        with Store.open(str(path), busy_timeout_ms=busy_timeout_ms) as store:
            return store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 14), args={})

    assert retry_while_locked(write, wait_s=10.0) == 2
