"""Run lifecycle helpers of the crawl and the scheduler: a dead crawl process's run is closed as
failed, and a run in which nothing answered is told apart from one that found something."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

from sqlalchemy import select
from storage_factories import REGISTRY_ROWS, TQ, child_env, fetch, health

import scheduler
from storage import Store
from storage.models import CrawlRun

DAY = dt.date(2026, 3, 2)


def test_runs_of_a_dead_crawl_process_are_marked_failed_with_the_reason(store: Store, db_url: str) -> None:
    # a real process starts a run and dies without closing it (as a SIGKILLed crawl does)
    code = ("import datetime as dt, os, sys; from storage import Store; s = Store.open(sys.argv[1]); "
            "print(s.start_run(trigger='schedule', observed_on=dt.date(2026, 3, 2)), flush=True); os._exit(3)")
    child = subprocess.run([sys.executable, "-c", code, db_url], env=child_env(), capture_output=True, text=True,
                           timeout=120)
    assert child.returncode == 3, child.stderr
    dead_run = int(child.stdout.strip())
    mine = store.start_run(trigger="manual", observed_on=DAY)  # a live run of another process is left alone
    child_pid = _pid_of_run(store, dead_run)
    assert scheduler.close_runs_of_dead_crawl(db_url, child_pid, 3) == [dead_run]
    runs = {r["id"]: r for r in _runs(store)}
    assert runs[dead_run]["status"] == "failed"
    assert runs[dead_run]["stats"] == {"error": "the crawl process exited with code 3 without closing its run"}
    assert runs[dead_run]["finished_at"] is not None
    assert runs[mine]["status"] == "running"
    assert store.fail_runs_of_process(child_pid, "again") == []  # closed runs are never reopened or rewritten
    assert store.fail_runs_of_process(os.getpid(), "killed by SIGKILL") == [mine]


def test_answered_fetches_count_only_usable_answers(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=DAY)
    assert store.answered_fetches(run) == (0, 0, None)
    refused = "IgnoreRequest: refused: http://127.0.0.1:1/ points to an internal address"
    store.save_items(run, [
        fetch("https://tuyenquang.gov.vn/a", status=None, content_hash=None, error=refused),
        fetch("https://tuyenquang.gov.vn/b", status=None, content_hash=None, error=refused),
        fetch("https://tuyenquang.gov.vn/c", status=500, content_hash=None, error="HTTP 500"),
        fetch("https://tuyenquang.gov.vn/d", status=200, error="WAF block page (status 200)"),
    ])
    assert store.answered_fetches(run) == (4, 0, refused)
    store.save_items(run, [fetch("https://tuyenquang.gov.vn/e", portal=TQ, status=200)])
    assert store.answered_fetches(run) == (5, 1, refused)


def test_a_portal_that_answered_only_with_a_refused_redirect_counts_as_an_answer(store: Store) -> None:
    """It is reachable (moved to a host the crawl may not follow): the run found that, not nothing."""
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=DAY)
    moved = "redirect to https://hue.gov.vn/ refused (not one of the portal's hosts)"
    store.save_items(run, [fetch("https://tuyenquang.gov.vn/", status=301, content_hash=None, error=moved),
                           health(TQ, url="https://tuyenquang.gov.vn/", status=301, error=moved, waf_blocked=False)])
    assert store.answered_fetches(run) == (1, 1, moved)
    waf = store.start_run(trigger="manual", observed_on=DAY)
    blocked = "WAF block page (status 200)"
    store.save_items(waf, [fetch("https://tuyenquang.gov.vn/", status=200, error=blocked),
                           health(TQ, url="https://tuyenquang.gov.vn/", status=200, error=blocked, waf_blocked=True)])
    assert store.answered_fetches(waf) == (1, 0, blocked)


def _runs(store: Store) -> list[dict]:
    out = io.StringIO()
    store.export("runs", "jsonl", out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _pid_of_run(store: Store, run_id: int) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(CrawlRun.pid).where(CrawlRun.id == run_id)).scalar_one())
