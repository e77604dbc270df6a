"""Snapshots over simulated days, each day crawled by the scheduler (`cchc schedule --once`) into one
database, on SQLite and on PostgreSQL.

Ground truth is the simulator's own change log (`world.changes`): documents added on day N get
first_seen_run N, an edited document gets version 2 in the run of its edit, a removed one is marked
removed in the run whose re-fetch answered 404, widgets give one reading per portal per day, and a
portal down on day 2 is recorded down on day 2 and up on day 3.
"""
from __future__ import annotations

import collections
import dataclasses
import os
import subprocess
import sys

import pytest
from pgtest import create_database, drop_database
from simcrawl import FAST, ROOT

from crawler.registry import load_registry, registry_to_csv
from sim.network import SimNetwork
from storage import Store

pytestmark = pytest.mark.slow

DAYS = 3


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def days_db(request, crawl, tmp_path_factory, pg_admin):
    probe = SimNetwork(day=DAYS)
    changes = [c for c in probe.world.changes if c.day <= DAYS]
    ids = sorted({c.portal_id for c in changes} | {"p-ninhbinh"})
    tmp = tmp_path_factory.mktemp(f"days-{request.param}")
    reg = load_registry()
    registry = tmp / "portals.csv"
    registry.write_text(registry_to_csv([dataclasses.replace(reg[i], parent=None) for i in ids]), encoding="utf-8")
    name = None
    if request.param == "sqlite":
        db = f"sqlite:///{tmp}/days.sqlite"
    else:
        name, db = create_database(pg_admin, "cchc_days")
    net = crawl.net
    # Full crawls (CCHC_FULL_CRAWL): every known document re-checked every day, so an edit or a removal
    # is found the day it happens. The incremental crawl finds them within its re-check lag
    # (tests/crawler/test_incremental.py).
    env = {**os.environ, **FAST, "CCHC_FILES_STORE": str(tmp / "files"), "CCHC_LOG_DIR": str(tmp / "logs"),
           "CCHC_FULL_CRAWL": "1"}
    try:
        for day in range(1, DAYS + 1):
            net.set_day(day)
            proc = subprocess.run([sys.executable, "-m", "cli", "schedule", "--once", "--db", db, "--registry", str(registry)],
                                  cwd=ROOT, env={**env, **net.env()}, capture_output=True, text=True, timeout=600)
            assert proc.returncode == 0, proc.stderr[-3000:]
        yield db, changes, ids
    finally:
        net.set_day(1)
        if name is not None:
            drop_database(pg_admin, name)


def test_runs_observe_the_simulated_dates(days_db, crawl):
    db, _, _ = days_db
    runs = crawl.export(db, "runs")
    assert [(r["id"], r["trigger"], r["observed_on"], r["status"]) for r in runs] == [
        (1, "schedule", "2026-03-02", "complete"), (2, "schedule", "2026-03-03", "complete"),
        (3, "schedule", "2026-03-04", "complete"),
    ]


def test_added_documents_have_the_run_of_their_day(days_db, crawl):
    db, changes, _ = days_db
    docs = {d["url"]: d for d in crawl.export(db, "documents")}
    added = [c for c in changes if c.kind == "added"]
    assert added
    for c in added:
        assert docs[c.article.url]["first_seen_run"] == c.day, c.article.url


def test_edited_document_gets_a_new_version(days_db, crawl):
    db, changes, _ = days_db
    docs = {d["url"]: d for d in crawl.export(db, "documents")}
    edited = [c for c in changes if c.kind == "edited"]
    assert edited
    for c in edited:
        assert docs[c.article.url]["version"] == 2, c.article.url
        assert docs[c.article.url]["first_seen_run"] == 1


def test_removed_document_is_marked_in_the_run_that_saw_the_404(days_db, crawl):
    db, changes, _ = days_db
    docs = {d["url"]: d for d in crawl.export(db, "documents")}
    removed = [c for c in changes if c.kind == "removed"]
    assert removed
    for c in removed:
        assert docs[c.article.url]["removed_run"] == c.day, c.article.url
    # nothing else was marked removed: a bounded listing not reaching a page is not a removal
    assert sorted(u for u, d in docs.items() if d["removed_run"]) == sorted(c.article.url for c in removed)


def test_one_widget_reading_per_portal_per_day(days_db, crawl):
    db, _, portals = days_db
    widgets = [w for w in crawl.export(db, "widgets") if w.get("total") is not None or w.get("on_time_rate") is not None]
    runs_by_portal = collections.defaultdict(list)
    for w in widgets:
        runs_by_portal[w["portal"]].append(w["run"])
    world = SimNetwork(day=1).world
    with_widget = [pid for pid in portals if world.widget(pid) is not None and pid != "p-lamdong"]
    assert with_widget
    for pid in with_widget:
        assert sorted(runs_by_portal[pid]) == [1, 2, 3], pid
    # a live widget moves day by day; the frozen one (p-ninhbinh) keeps its updated-at
    live = sorted((w for w in widgets if w["portal"] == with_widget[0] and with_widget[0] != "p-ninhbinh"), key=lambda w: w["run"])
    assert len({w["updated_at"] for w in live}) == 3
    ninhbinh = sorted((w for w in widgets if w["portal"] == "p-ninhbinh"), key=lambda w: w["run"])
    assert len(ninhbinh) == 3 and len({w["updated_at"] for w in ninhbinh}) == 1


def test_portal_down_on_day_two_and_back_on_day_three(days_db):
    db, _, _ = days_db
    store = Store.open(db)
    try:
        state = {}
        for run in (1, 2, 3):
            row = next(p for p in store.run_summary(run)["portals"] if p["portal"] == "p-lamdong")
            state[run] = bool(row.get("error"))
    finally:
        store.close()
    assert state == {1: False, 2: True, 3: False}
