"""The crawl lock beside a SQLite database (`scheduler.crawl_lock`, through `storage.locks.file_lock`).

Why: a finished crawl left `<DB>.crawl.lock` in the user's data folder for ever; the lock must still
die with a crashed holder (a file left by a killed crawl is taken over, never read as a live crawl),
and a live holder must still keep a second crawl out.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from scheduler import crawl_lock

#: a process that takes the lock file named by argv[1] the way a crawl does, says so, and waits
HOLDER = ("import sys, time\nfrom filelock import FileLock\n"
          "lock = FileLock(sys.argv[1]); lock.acquire(timeout=0)\nprint('held', flush=True)\ntime.sleep(60)\n")


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "cchc.sqlite"


def _lock_file(db: Path) -> Path:
    return db.with_name(db.name + ".crawl.lock")


@pytest.fixture()
def holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(_lock_file(db))], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    yield proc
    proc.kill()
    proc.wait()


def test_a_finished_crawl_leaves_no_lock_file(db: Path) -> None:
    url = make_url(f"sqlite:///{db}")
    with crawl_lock(url) as mine:
        assert mine and _lock_file(db).exists()
    assert not _lock_file(db).exists()
    with crawl_lock(url) as mine:  # and the next crawl takes it again
        assert mine
    assert sorted(p.name for p in db.parent.iterdir()) == []


def test_a_crawl_that_fails_leaves_no_lock_file(db: Path) -> None:
    with pytest.raises(RuntimeError), crawl_lock(make_url(f"sqlite:///{db}")) as mine:
        assert mine
        raise RuntimeError("crawl died")
    assert not _lock_file(db).exists()


def test_a_live_holder_keeps_the_next_crawl_out(db: Path, holder: subprocess.Popen[str]) -> None:
    with crawl_lock(make_url(f"sqlite:///{db}")) as mine:
        assert not mine
    assert _lock_file(db).exists()  # the holder's file is not ours to remove


def test_a_killed_crawls_lock_file_is_taken_over(db: Path, holder: subprocess.Popen[str]) -> None:
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert _lock_file(db).exists()  # a killed holder cannot clean up
    with crawl_lock(make_url(f"sqlite:///{db}")) as mine:
        assert mine
    assert not _lock_file(db).exists()
