"""The extraction pool's time budget (issue 9, "nothing hangs"), tested by construction, never by
timing real extraction: the injected worker functions below are slow on purpose (they sleep, or
sleep with the budget's signal blocked), and the budget is a fraction of a second.

Checked: a page over budget comes back with no record and an error naming the budget; the pool
goes on extracting the next page (same workers after a soft stop, fresh ones after a hard one, and
a page that was in flight when the pool was restarted still gets its record); and through the
storage pipeline, a document stored before keeps its version, hash and fields while the fetch row
of the run that timed out names the budget.
"""
from __future__ import annotations

import asyncio
import json
import signal
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy.settings import Settings
from sqlalchemy import select

from core.clock import observed_on
from crawler.items import PageItem, as_storage_dict
from pipelines import extraction
from pipelines.extraction import (
    ExtractPipeline,
    _SharedPool,
    build_record,
    run_with_budget,
)
from pipelines.storage import StoragePipeline
from storage import Store
from storage.models import Document, DocumentVersion, Fetch

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
URL = "https://tuyenquang.gov.vn/portal/Pages/2022-4-27/ke-hoach-tuyen-truyen-cchc.aspx"
HANG_GUARD = 60.0   # seconds: only stops a broken test from hanging the suite; never a measurement


# ---- worker functions, slow by construction (module level: the pool pickles them by name) ----
def sleepy(html: str, url: str, *rest: Any) -> Any:
    """Never finishes on its own within a test: only the budget's timer can end it."""
    time.sleep(3600)
    raise AssertionError("unreachable")


def stubborn(html: str, url: str, *rest: Any) -> Any:
    """Blocks the budget's signal, as C code that never returns to Python would: only the
    parent's hard limit (killing the worker) can end it."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(3600)
    raise AssertionError("unreachable")


def quick(html: str, url: str, *rest: Any) -> Any:
    """A record at once: proves the pool still works after a page over budget."""
    return {"url": url, "title": html, "is_cchc": False}, []


class Stats(Counter):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] += count


def page_item(url: str = URL, html: str = "<html><body><h1>x</h1></body></html>") -> PageItem:
    return PageItem(portal_id="p-tuyenquang", url=url, requested_url=url, status=200, html=html,
                    discovered_by="feeds")


async def run_pages(pipe: ExtractPipeline, items: list[PageItem]) -> list[PageItem]:
    """Open the pipeline, process the items concurrently (as Scrapy does), close it."""
    pipe.open_spider()
    try:
        return list(await asyncio.wait_for(asyncio.gather(*(pipe.process_item(i) for i in items)), HANG_GUARD))
    finally:
        pipe.close_spider()


def test_run_with_budget_stops_a_slow_function_and_restores_the_timer() -> None:
    kind, spent = run_with_budget(sleepy, 0.2, "<html/>", URL)
    assert kind == "over_budget"
    assert spent >= 0.2
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.default_int_handler, None)
    assert run_with_budget(quick, 0.2, "T", URL) == ("ok", ({"url": URL, "title": "T", "is_cchc": False}, []))


def test_inline_extraction_over_budget_gives_an_error_not_a_record() -> None:
    stats = Stats()
    pipe = ExtractPipeline(0, None, stats, budget=0.2, work=sleepy)
    [item] = asyncio.run(run_pages(pipe, [page_item()]))
    assert item.record is None
    assert item.error is not None and "exceeded its budget of 0.2 s" in item.error
    assert stats["cchc/extract/over_budget"] == 1


def test_pool_worker_stops_at_the_budget_and_takes_the_next_page() -> None:
    stats = Stats()
    restarts = _SharedPool.restarts

    async def crawl() -> tuple[PageItem, PageItem, list[PageItem]]:
        slow = ExtractPipeline(1, None, stats, budget=0.3, work=sleepy)
        fast = ExtractPipeline(1, None, stats, budget=30.0, work=quick)
        fast.open_spider()
        slow.open_spider()   # one shared pool, one worker
        try:
            # a first page starts the worker, so that no limit below counts its start-up
            warm = await asyncio.wait_for(fast.process_item(page_item(f"{URL}?warm", html="W")), HANG_GUARD)
            late = await asyncio.wait_for(slow.process_item(page_item()), HANG_GUARD)
            after = await asyncio.wait_for(asyncio.gather(
                *(fast.process_item(page_item(f"{URL}?p={i}", html=f"T{i}")) for i in range(3))), HANG_GUARD)
        finally:
            slow.close_spider()
            fast.close_spider()
        return warm, late, list(after)

    warm, late, after = asyncio.run(crawl())
    assert warm.record is not None and warm.record["title"] == "W"
    assert late.record is None and "exceeded its budget of 0.3 s" in (late.error or "")
    assert stats["cchc/extract/over_budget"] == 1
    assert _SharedPool.restarts == restarts   # the timer inside the worker ended it: no kill needed
    # the crawl goes on: the same worker extracts the next pages
    assert [i.record["title"] for i in after] == ["T0", "T1", "T2"]
    assert all(i.error is None for i in after)
    assert stats["cchc/extract/records"] == 4


def test_a_worker_that_ignores_the_timer_is_killed_and_pages_in_flight_are_redone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extraction, "HARD_GRACE", 0.5)
    stats = Stats()
    restarts = _SharedPool.restarts

    async def both() -> tuple[PageItem, PageItem]:
        stuck_pipe = ExtractPipeline(1, None, stats, budget=0.2, work=stubborn)
        fine_pipe = ExtractPipeline(1, None, stats, budget=30.0, work=quick)
        stuck_pipe.open_spider()
        fine_pipe.open_spider()   # one shared pool, one worker: the quick page queues behind the stuck one
        try:
            await asyncio.wait_for(fine_pipe.process_item(page_item(f"{URL}?warm", html="W")), HANG_GUARD)
            stuck_task = asyncio.ensure_future(stuck_pipe.process_item(page_item()))
            await asyncio.sleep(0.05)
            fine = await asyncio.wait_for(fine_pipe.process_item(page_item(f"{URL}?ok", html="OK")), HANG_GUARD)
            stuck = await asyncio.wait_for(stuck_task, HANG_GUARD)
        finally:
            stuck_pipe.close_spider()
            fine_pipe.close_spider()
        return stuck, fine

    stuck, fine = asyncio.run(both())
    assert stuck.record is None and "exceeded its budget of 0.2 s" in (stuck.error or "")
    assert _SharedPool.restarts == restarts + 1
    # the quick page was queued on the killed pool: it was submitted again and extracted
    assert fine.error is None and fine.record == {"url": f"{URL}?ok", "title": "OK", "is_cchc": False}


def _documents(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(Document.__table__)).mappings()]


def test_a_page_over_budget_keeps_the_stored_document_through_the_storage_pipeline(tmp_path: Path) -> None:
    html = (PAGES / "seed001_tandan_sp.html").read_text(encoding="utf-8")
    expected = json.loads((PAGES / "seed001_tandan_sp.json").read_text(encoding="utf-8"))
    store = Store.open(f"sqlite:///{tmp_path}/cchc.sqlite")
    try:
        crawler = SimpleNamespace(stats=Stats(), settings=Settings({"CCHC_BATCH": 50}))
        storage = StoragePipeline(crawler)
        storage.store = store

        def crawl_once(pipe: ExtractPipeline, page_html: str) -> tuple[int, PageItem]:
            run = store.start_run(trigger="manual", observed_on=observed_on(), args={})
            storage.run_id = run
            [item] = asyncio.run(run_pages(pipe, [page_item(html=page_html)]))
            storage._write([as_storage_dict(item)])
            store.finish_run(run, status="complete", stats={})
            return run, item

        run1, first = crawl_once(ExtractPipeline(0, None, Stats(), budget=30.0, work=build_record), html)
        assert first.record is not None and first.record["title"] == expected["title"]
        before = _documents(store)
        assert [(d["version"], d["last_seen_run_id"]) for d in before] == [(1, run1)]

        # Run 2: the page changed (it would be version 2), but its extraction is over budget.
        changed = html.replace("</body>", "<p>Nội dung bổ sung làm thay đổi văn bản.</p></body>")
        run2, timed_out = crawl_once(ExtractPipeline(0, None, Stats(), budget=0.2, work=sleepy), changed)
        assert timed_out.record is None
        after = _documents(store)
        assert after == before   # same version, same hash, nothing wiped, not even last_seen moved
        with store.engine.connect() as conn:
            versions = conn.execute(select(DocumentVersion.version, DocumentVersion.title)).all()
            fetch2 = conn.execute(select(Fetch.status, Fetch.error).where(Fetch.run_id == run2)).one()
        assert [tuple(v) for v in versions] == [(1, expected["title"])]
        assert fetch2.status == 200
        assert "extraction exceeded its budget of 0.2 s" in fetch2.error
    finally:
        store.close()
