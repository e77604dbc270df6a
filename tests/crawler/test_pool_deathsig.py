"""Pool workers die with their parent (issue 9): a SIGKILLed crawl used to leave its extraction
workers alive for minutes. A child process owns the pool here; it is SIGKILLed and its workers
must be gone within a few seconds (polled in a bounded loop, never timed)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = str(Path(__file__).resolve().parents[2])
GONE_WITHIN = 10.0   # seconds; PR_SET_PDEATHSIG acts at once, the watchdog within about a second

OWNER = r"""
import json, os, sys, time
from collections import Counter
sys.path.insert(0, {repo!r})
from pipelines.extraction import ExtractPipeline, _SharedPool

class Stats(Counter):
    def inc_value(self, key, count=1, start=0):
        self[key] += count

pipe = ExtractPipeline(2, None, Stats())
pipe.open_spider()
pool = _SharedPool.pool
# make every worker start and answer: each reports its pid and its parent's
seen = set()
while len(seen) < 2:
    seen.update(f.result(timeout=60) for f in [pool.submit(os.getpid) for _ in range(8)])
print(json.dumps(sorted(seen)), flush=True)
time.sleep(600)
"""

WATCHED = r"""
import os, sys, threading, time
sys.path.insert(0, {repo!r})
from pipelines.extraction import _watch_parents
parent = os.getppid()
threading.Thread(target=_watch_parents, args=(parent, parent), daemon=True).start()
print("watching", parent, flush=True)
time.sleep(600)
"""

OWNER_OF_WATCHED = r"""
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", {watched!r}])
print(child.pid, flush=True)
child.wait()
"""


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper counts as gone: it runs nothing)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def wait_gone(pids: list[int]) -> list[int]:
    deadline = time.monotonic() + GONE_WITHIN
    while time.monotonic() < deadline:
        left = [p for p in pids if alive(p)]
        if not left:
            return []
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def start(code: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line


def test_workers_die_when_the_crawl_that_owns_the_pool_is_killed() -> None:
    owner, line = start(OWNER.format(repo=REPO))
    try:
        workers = json.loads(line)
        assert len(workers) == 2 and owner.pid not in workers
        assert all(alive(p) for p in workers)
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait(timeout=30)
        assert wait_gone(workers) == [], f"workers still alive {GONE_WITHIN} s after their crawl was killed"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()


def test_the_watchdog_alone_ends_a_worker_whose_parent_died() -> None:
    """The fallback without PR_SET_PDEATHSIG: the watchdog notices the parent is gone."""
    owner, line = start(OWNER_OF_WATCHED.format(watched=WATCHED.format(repo=REPO)))
    try:
        watched = int(line)
        assert owner.stdout is not None
        assert owner.stdout.readline().split() == ["watching", str(owner.pid)]
        assert alive(watched)
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait(timeout=30)
        assert wait_gone([watched]) == [], f"watched process still alive {GONE_WITHIN} s after its parent died"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
