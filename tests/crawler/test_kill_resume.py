"""A crawl killed with SIGKILL at three points leaves a consistent database; the next start marks the
run incomplete and resumes it; the final export equals that of an uninterrupted crawl of the same
simulated day."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from simcrawl import FAST, ROOT

pytestmark = pytest.mark.slow

PORTALS = ["p-tuyenquang", "d-sldtbxh-dienbien", "p-hanoi", "p-haiphong", "x-ngoclien-camgiang-haiduong", "p-cantho"]
ARGS = [a for pid in PORTALS for a in ("--source", pid)]
VOLATILE = {"fetched_at"}


def _stable(rows):
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in rows]


def _count(db, table: str) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _crawl_and_kill(crawl, db, tmp_path, fetches: int) -> None:
    env = {**os.environ, **crawl.net.env(), **FAST, "CCHC_FILES_STORE": str(tmp_path / "files"),
           "CCHC_LOG_DIR": str(tmp_path / "logs"), "CCHC_BATCH": "5"}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "crawl", "--db", str(db), *ARGS], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while _count(db, "fetches") < fetches and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, f"the crawl ended before {fetches} fetches were stored"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def test_kill_three_times_then_resume_equals_uninterrupted(crawl, tmp_path):
    reference = tmp_path / "reference.sqlite"
    crawl.run(reference, *ARGS)

    db = tmp_path / "killed.sqlite"
    for fetches in (3, 30, 70):
        _crawl_and_kill(crawl, db, tmp_path, fetches)
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.close()
    proc = crawl.run(db, *ARGS)
    assert "lưu ý: tiếp tục lần quét 1 bị gián đoạn" in proc.stderr

    runs = crawl.export(db, "runs")
    assert [(r["id"], r["status"]) for r in runs] == [(1, "complete")]
    assert _stable(crawl.export(db, "documents")) == _stable(crawl.export(reference, "documents"))
    assert _stable(crawl.export(db, "widgets")) == _stable(crawl.export(reference, "widgets"))
