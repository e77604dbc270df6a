"""A writer killed with SIGKILL mid-batch leaves a consistent database, its run is marked incomplete,
and a resumed run completes it without duplicates; the Store can be used from worker threads."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select
from storage_factories import REGISTRY_ROWS, REPO, TQ, child_env, page

from storage import Store
from storage.models import CrawlRun, Document, DocumentVersion, Fetch
from storage.sightings import SightingInterval

BATCH = 25
BATCHES = 12
HERE = Path(__file__).resolve().parent

WRITER = """
import datetime, sys
sys.path.insert(0, {here!r})
from storage import Store
from storage_factories import page
store = Store.open({url!r})
run = store.start_run(trigger="schedule", observed_on=datetime.date(2022, 8, 12), args={{}})
print("run", run, flush=True)
for b in range({batches}):
    store.save_items(run, [page(f"https://tuyenquang.gov.vn/a/{{b}}-{{i}}", f"Kế hoạch {{b}}-{{i}} " * 50,
                                checksums=(f"c{{b}}-{{i}}",)) for i in range({batch})])
    print("batch", b, flush=True)
print("done", flush=True)
"""


def all_items() -> list[list[dict]]:
    return [[page(f"https://tuyenquang.gov.vn/a/{b}-{i}", f"Kế hoạch {b}-{i} " * 50, checksums=(f"c{b}-{i}",))
             for i in range(BATCH)] for b in range(BATCHES)]


def consistency(store: Store) -> dict[str, int]:
    """Check the invariants a half-written item would break; return the row counts."""
    with store.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        docs = conn.execute(select(func.count()).select_from(Document)).scalar_one()
        versions = conn.execute(select(func.count()).select_from(DocumentVersion)).scalar_one()
        # (run, document) sightings: each interval expanded over the runs it spans
        sightings = conn.execute(select(func.count()).select_from(SightingInterval).join(
            CrawlRun, CrawlRun.id.between(SightingInterval.first_run_id, SightingInterval.last_run_id))).scalar_one()
        fetches = conn.execute(select(func.count()).select_from(Fetch)).scalar_one()
        # Every document has exactly its current version row; nothing is half-stored.
        missing = conn.execute(select(func.count()).select_from(Document).outerjoin(
            DocumentVersion, (DocumentVersion.document_id == Document.id) & (DocumentVersion.version == Document.version))
            .where(DocumentVersion.id.is_(None))).scalar_one()
    assert missing == 0
    return {"documents": docs, "versions": versions, "sightings": sightings, "fetches": fetches}


def test_sigkill_mid_batch_then_resume(db_url: str) -> None:
    Store.open(db_url).close()
    code = WRITER.format(here=str(HERE), url=db_url, batches=BATCHES, batch=BATCH)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=REPO, env=child_env())
    assert proc.stdout is not None
    killed_run = int(proc.stdout.readline().split()[1])
    for line in proc.stdout:
        if line.startswith("batch 3"):
            os.kill(proc.pid, signal.SIGKILL)  # somewhere inside batch 4's transaction
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    store = Store.open(db_url)
    try:
        after_kill = consistency(store)
        docs = after_kill["documents"]
        # Every page item is all-or-nothing: a document, its version, its sighting and its fetch.
        assert after_kill == {"documents": docs, "versions": docs, "sightings": docs, "fetches": docs}
        assert docs % BATCH == 0 and 4 * BATCH <= docs < BATCHES * BATCH  # whole batches only
        assert store.mark_stale_runs_incomplete() == [killed_run]
        resumed = store.start_run(trigger="schedule", observed_on=dt.date(2022, 8, 12), args={"resume": killed_run})
        for batch in all_items():
            store.save_items(resumed, batch)
        store.finish_run(resumed, status="complete", stats={})
        total = BATCHES * BATCH
        # Documents and versions once; sightings once per run that saw them; fetch rows once per page
        # whose content the run found new (issue 12: the killed run's documents fetched again
        # unchanged add no fetch row, storage/fetchlog.py)
        assert consistency(store) == {"documents": total, "versions": total, "sightings": total + docs,
                                      "fetches": total}
        with store.engine.connect() as conn:
            assert conn.execute(select(func.max(Document.version))).scalar_one() == 1
        out = io.StringIO()
        store.export("documents", "jsonl", out)
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        assert len(rows) == len({r["url"] for r in rows}) == BATCHES * BATCH
        assert {r["last_seen_run"] for r in rows} == {resumed}
        assert sum(1 for r in rows if r["first_seen_run"] == killed_run) == docs
    finally:
        store.close()


def test_store_from_worker_threads(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
    batches = all_items()[:8]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda batch: store.save_items(run, batch), batches))
        # Same batches again, concurrently: still no duplicates.
        list(pool.map(lambda batch: store.save_items(run, batch), batches))
    assert store.failed_items == []
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Document)).scalar_one() == 8 * BATCH
        assert conn.execute(select(func.count()).select_from(Fetch).where(Fetch.portal_id == TQ)).scalar_one() == 8 * BATCH
    assert store.run_summary(run)["totals"]["documents"] == 8 * BATCH


def test_resume_the_killed_run_gives_the_uninterrupted_snapshot(tmp_path: Path) -> None:
    """Resuming the killed run itself yields exactly the export of a crawl that was never killed."""
    killed_url, clean_url = f"sqlite:///{tmp_path}/killed.sqlite", f"sqlite:///{tmp_path}/clean.sqlite"
    clean = Store.open(clean_url)
    run = clean.start_run(trigger="schedule", observed_on=dt.date(2022, 8, 12), args={})
    for batch in all_items():
        clean.save_items(run, batch)
    clean.finish_run(run, status="complete", stats={})

    Store.open(killed_url).close()
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(here=str(HERE), url=killed_url, batches=BATCHES,
                                                                batch=BATCH)],
                            stdout=subprocess.PIPE, text=True, cwd=REPO, env=child_env())
    assert proc.stdout is not None
    killed_run = int(proc.stdout.readline().split()[1])
    for line in proc.stdout:
        if line.startswith("batch 5"):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=60)
    store = Store.open(killed_url)
    try:
        with pytest.raises(ValueError):
            store.resume_run(killed_run)  # still "running": mark it first
        assert store.mark_stale_runs_incomplete() == [killed_run]
        store.resume_run(killed_run)
        assert store.mark_stale_runs_incomplete() == []  # ours now
        for batch in all_items():
            store.save_items(killed_run, batch)
        store.finish_run(killed_run, status="complete", stats={})
        for kind in ("documents", "widgets"):
            got, want = io.StringIO(), io.StringIO()
            store.export(kind, "jsonl", got)
            clean.export(kind, "jsonl", want)
            assert got.getvalue() == want.getvalue()
        assert consistency(store) == consistency(clean)
        runs = io.StringIO()
        store.export("runs", "jsonl", runs)
        assert json.loads(runs.getvalue())["stats"] == {"resumed": 1}
    finally:
        store.close()
        clean.close()
