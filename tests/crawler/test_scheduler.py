"""The scheduler: one crawl at a time across processes, missed runs coalesced, bad job stores refused.

Crawls go to the simulator through the same environment variables a user's crawl uses."""
from __future__ import annotations

import datetime as dt
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from simcrawl import FAST, ROOT

from crawler.registry import load_registry, registry_to_csv

pytestmark = pytest.mark.slow


@pytest.fixture
def small_registry(tmp_path) -> Path:
    reg = load_registry()
    path = tmp_path / "two.csv"
    path.write_text(registry_to_csv([reg["p-tuyenquang"], reg["p-hanoi"]]), encoding="utf-8")
    return path


def _env(crawl, tmp_path):
    return {**os.environ, **crawl.net.env(), **FAST, "CCHC_FILES_STORE": str(tmp_path / "files"),
            "CCHC_LOG_DIR": str(tmp_path / "logs")}


def _cchc(*args):
    return [sys.executable, "-m", "cli", *args]


def test_two_once_started_together_give_exactly_one_run(crawl, tmp_path, small_registry):
    db = tmp_path / "once.sqlite"
    env = _env(crawl, tmp_path)
    procs = [subprocess.Popen(_cchc("schedule", "--once", "--db", str(db), "--registry", str(small_registry)),
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert sorted(p.returncode for p in procs) == [0, 0], outs
    assert sum("bỏ qua: một lần quét khác đang chạy" in err for _, err in outs) == 1
    runs = crawl.export(db, "runs")
    assert [(r["trigger"], r["status"]) for r in runs] == [("schedule", "complete")]
    assert not db.with_name(db.name + ".crawl.lock").exists()  # the finished crawl removed its lock file


def _add_overdue_job(db: Path, registry: Path, days_late: int) -> None:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    import scheduler as sch
    from core.clock import VN_TZ
    from storage import Store
    from storage.engine import resolve_url

    Store.open(str(db)).close()  # schema first, as the daemon would find it
    url = resolve_url(str(db)).render_as_string(hide_password=False)
    s = BackgroundScheduler(timezone=VN_TZ, jobstores={"default": SQLAlchemyJobStore(url=url, tablename=sch.JOBS_TABLE)})
    s.start(paused=True)
    s.add_job(sch.scheduled_crawl, CronTrigger(hour=2, minute=0, timezone=VN_TZ), id=sch.DAILY_JOB,
              args=[url, (), ("--registry", str(registry))])
    s.shutdown(wait=False)
    # as if the daemon had been down: its stored next run lies `days_late` days in the past
    overdue = dt.datetime.now(VN_TZ) - dt.timedelta(days=days_late)
    con = sqlite3.connect(db)
    (state,) = con.execute("SELECT job_state FROM apscheduler_jobs WHERE id = ?", (sch.DAILY_JOB,)).fetchone()
    job = pickle.loads(state)
    job["next_run_time"] = overdue
    con.execute("UPDATE apscheduler_jobs SET job_state = ?, next_run_time = ? WHERE id = ?",
                (pickle.dumps(job, pickle.HIGHEST_PROTOCOL), overdue.timestamp(), sch.DAILY_JOB))
    con.commit()
    con.close()


def test_a_run_three_days_overdue_runs_exactly_once_and_sigterm_stops_cleanly(crawl, tmp_path, small_registry):
    db = tmp_path / "daemon.sqlite"
    _add_overdue_job(db, small_registry, days_late=3)
    proc = subprocess.Popen(_cchc("schedule", "--db", str(db), "--registry", str(small_registry), "--grace-hours", "96"),
                            cwd=ROOT, env=_env(crawl, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            runs = crawl.export(db, "runs")
            if runs and runs[-1]["status"] == "complete":
                break
            time.sleep(2)
        time.sleep(8)  # a catch-up of missed runs would start now
        runs = crawl.export(db, "runs")
    finally:
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, out
    assert [(r["trigger"], r["status"]) for r in runs] == [("schedule", "complete")]
    assert "scheduler stopped after 1 run(s)" in out


def test_job_store_from_an_incompatible_version_is_refused(crawl, tmp_path, small_registry):
    db = tmp_path / "bad.sqlite"
    _add_overdue_job(db, small_registry, days_late=1)
    con = sqlite3.connect(db)
    con.execute("UPDATE apscheduler_jobs SET job_state = ?", (b"\x80\x05not a pickle",))
    con.commit()
    before = con.execute("SELECT id, job_state FROM apscheduler_jobs").fetchall()
    con.close()
    proc = subprocess.run(_cchc("schedule", "--db", str(db)), cwd=ROOT, env=_env(crawl, tmp_path),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "written by an incompatible version" in proc.stderr
    assert "--reset-jobs" in proc.stderr
    con = sqlite3.connect(db)
    assert con.execute("SELECT id, job_state FROM apscheduler_jobs").fetchall() == before
    assert con.execute("SELECT count(*) FROM crawl_runs").fetchone() == (0,)
    # the way out the error names, in the user's language
    reset = subprocess.run(_cchc("schedule", "--db", str(db), "--reset-jobs", "--lang", "en"), cwd=ROOT,
                           env=_env(crawl, tmp_path), capture_output=True, text=True, timeout=60)
    assert reset.returncode == 0 and reset.stdout.strip() == "removed 1 stored job(s)", reset.stderr
    again = subprocess.run(_cchc("schedule", "--db", str(db), "--reset-jobs"), cwd=ROOT, env=_env(crawl, tmp_path),
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and again.stdout.strip() == "đã xoá 0 việc đã lưu của bộ lập lịch"
