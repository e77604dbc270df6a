"""The daily crawl, run by APScheduler without a person.

Design points:
* Each run is a fresh `cchc crawl --trigger schedule` process: Twisted's reactor cannot restart, and
  a crash in one run must not take the scheduler down. This module never imports the crawler.
* Never two crawls at once, across processes: a lock that dies with its holder (an flock file next
  to a SQLite database; a session-level advisory lock on PostgreSQL).
* The daemon keeps its jobs in the same database (APScheduler's SQLAlchemy job store) so a restart
  knows when the next run is due; missed runs are coalesced into one within a grace time.
* `run_once` (``cchc schedule --once``) does not load that job store: job stores must not be shared
  between schedulers.
* Every option is validated before anything starts (`validate_options`): APScheduler accepts a
  negative or huge interval and only fails later, inside its own thread, which then dies while the
  process lives on and no crawl ever runs again. For the same reason the daemon watches that thread:
  if it stops for any reason the daemon exits non-zero instead of idling forever.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from core.clock import VN_TZ
from reports.labels import DEFAULT_LANG
from storage.engine import resolve_url
from storage.locks import file_lock

log = logging.getLogger("cchc.scheduler")

JOBS_TABLE = "apscheduler_jobs"
DAILY_JOB = "daily-crawl"
WIDGET_JOB = "widget-readings"
_current_child: subprocess.Popen | None = None


#: Bounds of `--widgets-every`: more often than every 15 minutes hammers every portal (a widget run
#: fetches each home page); past a week the daily run already reads every widget.
MIN_WIDGET_HOURS = 0.25
MAX_WIDGET_HOURS = 168.0
#: Bounds of `--grace-hours`: a missed run is still worth running up to a week late, never "-5 h" late.
MIN_GRACE_HOURS = 1 / 3600
MAX_GRACE_HOURS = 168.0
#: Longest an evaluation of the alert rules may take after a crawl (each recipient has its own
#: connection timeout; this only bounds a hung one).
ALERTS_TIMEOUT = 1800


class SchedulerError(Exception):
    """A problem the scheduler reports before starting (the message says what to do)."""


def validate_options(
    *,
    at: str = "02:00",
    widgets_every_hours: float | None = None,
    grace_hours: float = 12.0,
    max_runs: int | None = None,
) -> tuple[int, int]:
    """Check every daemon option up front; returns the daily (hour, minute).

    Called by `run_daemon` and by ``cchc schedule`` before anything else (also with ``--once``, so a
    bad crontab line fails the first time it runs, not the day the daemon is started with it).
    """
    try:
        hour_text, minute_text = at.strip().split(":")
        hour, minute = int(hour_text), int(minute_text)
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise ValueError
    except ValueError:
        raise SchedulerError(f"--at {at!r} is not a time of day: write HH:MM (00:00 to 23:59, Asia/Ho_Chi_Minh)") from None
    if widgets_every_hours is not None and not (
        math.isfinite(widgets_every_hours) and MIN_WIDGET_HOURS <= widgets_every_hours <= MAX_WIDGET_HOURS
    ):
        raise SchedulerError(
            f"--widgets-every {widgets_every_hours:g} is out of range: give hours from {MIN_WIDGET_HOURS:g} "
            f"to {MAX_WIDGET_HOURS:g} (or leave it out: the daily run reads every widget)"
        )
    if not (math.isfinite(grace_hours) and MIN_GRACE_HOURS <= grace_hours <= MAX_GRACE_HOURS):
        raise SchedulerError(
            f"--grace-hours {grace_hours:g} is out of range: give hours from 1 second ({MIN_GRACE_HOURS:.6f}) "
            f"to {MAX_GRACE_HOURS:g}; a run missed by less than this still runs, once"
        )
    if max_runs is not None and max_runs < 1:
        raise SchedulerError(f"--max-runs {max_runs} is out of range: give 1 or more")
    check_alerts_config()
    return hour, minute


def check_alerts_config() -> None:
    """A rules file named by $CCHC_ALERTS must be sound before the daemon starts (issue 14): refused
    with its `FILE:LINE: field 'F': message` now, not found broken at 02:00 with nobody reading."""
    if not os.environ.get("CCHC_ALERTS"):
        return
    from alerts.config import AlertsConfigError, config_path, load_rules

    try:
        path = config_path(None)
        if path is not None:
            load_rules(path)
    except AlertsConfigError as exc:
        raise SchedulerError(str(exc)) from None


def evaluate_alerts(db: str, env: dict[str, str] | None = None) -> int | None:
    """After a crawl that completed, when $CCHC_ALERTS names a rules file: `cchc alerts run` in a fresh
    process (issue 14). Its exit code is logged, never raised: an unreachable SMTP server or webhook is
    a failed delivery the alerts table keeps and the next run retries, and must not stop the schedule."""
    if not (env if env is not None else os.environ).get("CCHC_ALERTS"):
        return None
    cmd = [sys.executable, "-P", "-m", "cli", "alerts", "run", "--db", db]
    try:
        rc = subprocess.run(cmd, timeout=ALERTS_TIMEOUT, env=env).returncode
    except (OSError, subprocess.SubprocessError) as exc:
        log.error("alerts not evaluated: %s: %s", type(exc).__name__, exc)
        return None
    (log.info if rc == 0 else log.warning)("alerts evaluated: exit %s", rc)
    return rc


@contextlib.contextmanager
def crawl_lock(url: URL) -> Iterator[bool]:
    """Yield True when this process holds the crawl lock, False when another process does."""
    if url.get_backend_name() == "sqlite":
        db = Path(url.database or "data/cchc.sqlite")
        with file_lock(db.with_name(db.name + ".crawl.lock")) as got:
            yield got
        return
    key = int.from_bytes(hashlib.sha256(b"cchc-watch crawl").digest()[:8], "big", signed=True)
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
    engine.dispose()


def scheduled_crawl(db: str, spiders: tuple[str, ...] = (), extra: tuple[str, ...] = (), trigger: str = "schedule",
                    alerts_env: dict[str, str] | None = None) -> int | None:
    """One scheduled crawl in a fresh process, then the alert rules when configured; returns the
    crawl's exit code, or None when skipped. `alerts_env`: the environment of the alerts process when
    it must differ from the crawl's (the demo's crawl goes through the simulator's proxy; its alerts go
    to the user's real recipients)."""
    global _current_child
    url = resolve_url(db)
    with crawl_lock(url) as mine:
        if not mine:
            log.warning("scheduled crawl skipped: another crawl holds the lock")
            return None
        # -P: the current directory is not put on sys.path, so a stray settings.py or cli/ in the
        # folder the scheduler was started from cannot stand in for the installed package's.
        cmd = [sys.executable, "-P", "-m", "cli", "crawl", "--trigger", trigger, "--db", db]
        for s in spiders:
            cmd += ["--spider", s]
        cmd += list(extra)
        started = time.monotonic()
        log.info("scheduled crawl starting: %s", " ".join(cmd[3:]))
        _current_child = child = subprocess.Popen(cmd)
        try:
            rc = child.wait()
        finally:
            _current_child = None
        log.info("scheduled crawl finished: exit %s after %.1f s", rc, time.monotonic() - started)
        if rc != 0:
            close_runs_of_dead_crawl(db, child.pid, rc)
        else:
            evaluate_alerts(db, env=alerts_env)
        return rc


def close_runs_of_dead_crawl(db: str, pid: int, rc: int) -> list[int]:
    """Mark "failed" any run the ended crawl process `pid` left "running" (it was killed, or died
    before it could close its run); a crawl that ended normally has closed its own run already."""
    from storage import StorageError, Store

    how = f"killed by {signal.Signals(-rc).name}" if rc < 0 else f"exited with code {rc}"
    try:
        with Store.open(db, upgrade=False) as store:
            failed = store.fail_runs_of_process(pid, f"the crawl process {how} without closing its run")
    except StorageError as exc:
        log.warning("could not check the runs of the ended crawl process %s: %s", pid, exc)
        return []
    if failed:
        log.warning("run(s) %s of the crawl process that %s marked failed", ", ".join(map(str, failed)), how)
    return failed


def crawl_args(registry: str | None, lang: str | None = None) -> tuple[str, ...]:
    """The scheduled crawl's own arguments. The language is passed only when it is not the crawl's
    default (Vietnamese), so a daemon started as before keeps its stored job (and its next run time)."""
    extra: tuple[str, ...] = ("--registry", registry) if registry else ()
    if lang and lang != DEFAULT_LANG:
        extra += ("--lang", lang)
    return extra


def run_once(db: str | None, registry: str | None = None, lang: str | None = None) -> int | None:
    """`cchc schedule --once`: the scheduled job now, without the daemon's job store."""
    extra = crawl_args(registry, lang)
    return scheduled_crawl(str(resolve_url(db).render_as_string(hide_password=False)), (), extra)


def check_job_store(url: URL) -> None:
    """Refuse to start on jobs this version cannot read (APScheduler would silently drop them)."""
    engine = create_engine(url)
    try:
        if JOBS_TABLE not in inspect(engine).get_table_names():
            return
        with engine.connect() as conn:
            rows = conn.execute(text(f"SELECT id, job_state FROM {JOBS_TABLE}")).all()
        for job_id, state in rows:
            try:
                job = pickle.loads(state)
                if not isinstance(job, dict) or "version" not in job or job["version"] > 1:
                    raise ValueError(f"unsupported job state version {job.get('version') if isinstance(job, dict) else '?'}")
            except Exception as exc:  # pickle raises many kinds on foreign data
                raise SchedulerError(
                    f"the scheduler's job store ({JOBS_TABLE}) holds job {job_id!r} written by an incompatible "
                    f"version ({type(exc).__name__}: {exc}); nothing was changed. Remove the jobs with "
                    f"`cchc schedule --reset-jobs` and start again."
                ) from None
    finally:
        engine.dispose()


def reset_jobs(db: str | None) -> int:
    url = resolve_url(db)
    engine = create_engine(url)
    try:
        if JOBS_TABLE not in inspect(engine).get_table_names():
            return 0
        with engine.begin() as conn:
            return conn.execute(text(f"DELETE FROM {JOBS_TABLE}")).rowcount or 0
    finally:
        engine.dispose()


def run_daemon(
    db: str | None,
    *,
    at: str = "02:00",
    widgets_every_hours: float | None = None,
    grace_hours: float = 12.0,
    max_runs: int | None = None,
    registry: str | None = None,
    lang: str | None = None,
) -> None:
    """`cchc schedule`: the foreground daemon. Stops cleanly on SIGTERM/Ctrl-C."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    hour, minute = validate_options(at=at, widgets_every_hours=widgets_every_hours, grace_hours=grace_hours,
                                    max_runs=max_runs)
    url = resolve_url(db)
    db_str = url.render_as_string(hide_password=False)
    check_job_store(url)
    extra = crawl_args(registry, lang)
    died: list[BaseException] = []
    done = threading.Event()

    class WatchedScheduler(BackgroundScheduler):
        """APScheduler whose main loop reports its own death (it would otherwise end silently)."""

        def _main_loop(self) -> None:
            try:
                super()._main_loop()
            except BaseException as exc:  # noqa: BLE001 - any end of the loop but shutdown is fatal
                died.append(exc)
                done.set()

    sched = WatchedScheduler(
        timezone=VN_TZ,
        jobstores={"default": SQLAlchemyJobStore(url=db_str, tablename=JOBS_TABLE)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(grace_hours * 3600)},
    )
    runs = {"n": 0}

    def on_event(event: Any) -> None:
        runs["n"] += 1
        if getattr(event, "exception", None) is not None:
            log.error("job %s failed: %s: %s", event.job_id, type(event.exception).__name__, event.exception)
        if max_runs is not None and runs["n"] >= max_runs:
            done.set()

    sched.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)

    def stop(signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping the scheduler (a running crawl is asked to stop and is marked)", signum)
        if _current_child is not None and _current_child.poll() is None:
            _current_child.send_signal(signal.SIGTERM)
        done.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sched.start(paused=True)
    daily = CronTrigger(hour=hour, minute=minute, timezone=VN_TZ)
    existing = sched.get_job(DAILY_JOB)
    if existing is None or str(existing.trigger) != str(daily) or tuple(existing.args) != (db_str, (), extra):
        # A job kept in the store keeps its next run time, so runs missed while down are coalesced.
        sched.add_job(scheduled_crawl, daily, id=DAILY_JOB, args=[db_str, (), extra], replace_existing=True)
    else:
        # keep its next run time (missed runs coalesce into one) but apply this start's policies
        sched.modify_job(DAILY_JOB, coalesce=True, max_instances=1, misfire_grace_time=int(grace_hours * 3600))
    if widgets_every_hours:
        trig = IntervalTrigger(hours=widgets_every_hours, timezone=VN_TZ)
        if sched.get_job(WIDGET_JOB) is None:
            sched.add_job(scheduled_crawl, trig, id=WIDGET_JOB, args=[db_str, ("widget",), extra], replace_existing=True)
    elif sched.get_job(WIDGET_JOB) is not None:
        sched.remove_job(WIDGET_JOB)
    for job in sched.get_jobs():
        log.info("job %s: next run %s", job.id, job.next_run_time)
    sched.resume()
    thread = getattr(sched, "_thread", None)
    try:
        while not done.wait(1.0):
            if thread is not None and not thread.is_alive() and not died:
                died.append(RuntimeError("the scheduler thread ended"))
                break
    finally:
        sched.shutdown(wait=True)  # waits for a running crawl to finish (it was asked to stop)
        log.info("scheduler stopped after %d run(s)", runs["n"])
    if died:
        exc = died[0]
        raise SchedulerError(
            f"the scheduler's thread stopped ({type(exc).__name__}: {exc}), so no crawl would ever run "
            "again: the scheduler exits. Check its options and the database, then start it again."
        )
