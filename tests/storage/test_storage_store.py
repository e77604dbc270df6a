"""Store behaviour on SQLite and PostgreSQL: idempotence, versions, removals, readings, runs."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zlib

import pytest
from sqlalchemy import func, select, update
from storage_factories import NL, REGISTRY_ROWS, REPO, TQ, child_env, fetch, health, page, removed, widget

from storage import Store, UnknownRunError
from storage.models import (
    Attachment,
    Citation,
    CrawlRun,
    Document,
    DocumentVersion,
    Fetch,
    Portal,
    PortalHealth,
    VisitorReading,
    WidgetReading,
)
from storage.sightings import SightingInterval
from storage.values import document_content_hash

A = "https://tuyenquang.gov.vn/portal/Pages/2022-4-27/ke-hoach-tuyen-truyen-cchc-123.aspx"
B = "https://tuyenquang.gov.vn/portal/Pages/2022-5-02/ke-hoach-cchc-2022-456.aspx"
C = "https://tuyenquang.gov.vn/portal/Pages/2022-6-01/tin-tuc-789.aspx"
DAY1, DAY2, DAY3 = dt.date(2022, 8, 12), dt.date(2022, 8, 13), dt.date(2022, 8, 14)


SNAPSHOT_MODELS = (Portal, CrawlRun, PortalHealth, Fetch, Document, DocumentVersion, Citation, Attachment,
                   SightingInterval, WidgetReading, VisitorReading)


def counts(store: Store) -> dict[str, int]:
    """Row count of every snapshot table (the units area's tables are not written by save_items)."""
    with store.engine.connect() as conn:
        return {m.__tablename__: conn.execute(select(func.count()).select_from(m)).scalar_one()
                for m in SNAPSHOT_MODELS}


def one_run(store: Store, items: list[dict], day: dt.date = DAY1) -> int:
    run = store.start_run(trigger="manual", observed_on=day, args={"spider": "all"})
    store.save_items(run, items)
    store.finish_run(run, status="complete", stats={"feeds": {"item_scraped_count": len(items)}})
    return run


def document_row(store: Store, url: str) -> dict:
    with store.engine.connect() as conn:
        return dict(conn.execute(select(Document.__table__).where(Document.url == url)).mappings().one())


def test_sync_portals_upserts_and_keeps_portals_with_data(store: Store) -> None:
    assert store.sync_portals(REGISTRY_ROWS) == {"inserted": 2, "updated": 0, "retired": 0, "deleted": 0}
    assert store.sync_portals(REGISTRY_ROWS) == {"inserted": 0, "updated": 0, "retired": 0, "deleted": 0}
    with store.engine.connect() as conn:
        tq = conn.execute(select(Portal.__table__).where(Portal.id == TQ)).mappings().one()
    assert tq["feeds"] == ["https://tuyenquang.gov.vn/rss", "/rss/cchc"]
    assert tq["listings"] == ["/cchc"]
    assert tq["hosts"] == ["dichvucong.tuyenquang.gov.vn", "tuyenquang.gov.vn"]
    assert tq["parent"] is None and tq["unverified"] is False and tq["unit_code"] == "08"
    assert tq["name"] == "UBND tỉnh Tuyên Quang" and tq["unit_id"] is None

    one_run(store, [widget(NL)])
    renamed = [dict(REGISTRY_ROWS[0], name="UBND tỉnh Tuyên Quang (mới)")]
    # Without prune, portals absent from the rows are untouched (a filtered crawl syncs a subset).
    assert store.sync_portals(renamed) == {"inserted": 0, "updated": 1, "retired": 0, "deleted": 0}
    # With prune: NL has data (a widget reading), so it is kept and marked out of the registry.
    assert store.sync_portals(renamed, prune=True) == {"inserted": 0, "updated": 0, "retired": 1, "deleted": 0}
    # A portal without data that leaves the registry is deleted.
    store.sync_portals([*renamed, dict(REGISTRY_ROWS[1], id="x-empty")])
    assert store.sync_portals(renamed, prune=True) == {"inserted": 0, "updated": 0, "retired": 0, "deleted": 1}
    with store.engine.connect() as conn:
        rows = conn.execute(select(Portal.id, Portal.in_registry, Portal.name).order_by(Portal.id)).all()
    assert [tuple(r) for r in rows] == [(TQ, True, "UBND tỉnh Tuyên Quang (mới)"), (NL, False, "UBND xã Ngọc Liên")]


def test_save_items_twice_gives_the_same_rows(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    batch = [
        fetch("https://tuyenquang.gov.vn/rss"),
        page(A, "Kế hoạch số 41-KH/ĐU tuyên truyền CCHC", checksums=("c1", "c2")),
        page(B, "Kế hoạch CCHC năm 2022"),
        widget(NL, visitors={"online": 38, "today": 79, "total": "24,103"}),
        health(TQ, url="https://tuyenquang.gov.vn/", status=200, latency_ms=350, has_feed=True),
    ]
    run = store.start_run(trigger="manual", observed_on=DAY1, args={})
    store.save_items(run, batch)
    first = counts(store)
    store.save_items(run, batch)
    assert counts(store) == first
    assert first == {
        "crawl_runs": 1, "portals": 2, "documents": 2, "fetches": 3, "portal_health": 1, "visitor_readings": 1,
        "widget_readings": 1, "sighting_intervals": 2, "document_versions": 2, "attachments": 2, "citations": 2,
    }
    assert store.failed_items == []
    with store.engine.connect() as conn:
        visitors = conn.execute(select(VisitorReading.online, VisitorReading.today, VisitorReading.total)).one()
        att = conn.execute(select(Attachment.url, Attachment.checksum, Attachment.text, Attachment.kind)
                           .order_by(Attachment.position)).all()
        cit = conn.execute(select(Citation.number, Citation.date, Citation.issuer)).all()
        fetch_row = conn.execute(select(Fetch.status, Fetch.content_hash, Fetch.discovered_by)
                                 .where(Fetch.url == "https://tuyenquang.gov.vn/rss")).one()
    assert tuple(visitors) == (38, 79, 24103)
    assert [tuple(a) for a in att] == [(f"{A}/file0.pdf", "c1", "Nội dung tệp 0", "pdf"),
                                        (f"{A}/file1.pdf", "c2", "Nội dung tệp 1", "pdf")]
    assert [tuple(c) for c in cit] == [("766/QĐ-TTg", dt.date(2022, 6, 23), "Thủ tướng Chính phủ")] * 2
    assert tuple(fetch_row) == (200, "h1", "feeds")


def test_one_bad_item_does_not_lose_the_batch(store: Store) -> None:
    run = store.start_run(trigger="manual", observed_on=DAY1, args={})
    bad_time = dict(page(B, "x"), fetched_at="yesterday-ish")
    store.save_items(run, [page(A, "một"), bad_time, {"type": "nonsense", "portal_id": TQ}, widget(NL)])
    assert [(f.type, f.url, f.error.split(":")[0]) for f in store.failed_items] == [
        ("page", B, "ValueError"), ("nonsense", None, "ValueError")]
    assert store.failed_count == 2
    c = counts(store)
    assert (c["documents"], c["widget_readings"], c["fetches"]) == (1, 1, 1)
    # Unknown portals (ad-hoc crawl --url) get a minimal row instead of failing the item.
    with store.engine.connect() as conn:
        adhoc = conn.execute(select(Portal.id, Portal.base_url, Portal.in_registry).order_by(Portal.id)).all()
    assert [tuple(r) for r in adhoc] == [(TQ, "https://tuyenquang.gov.vn/", False),
                                          (NL, "https://ngoclien.camgiang.haiduong.gov.vn/", False)]
    with pytest.raises(UnknownRunError):
        store.save_items(run + 99, [widget(NL)])


def test_new_version_only_when_text_or_attachments_change(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    text = "Kế hoạch tuyên truyền cải cách hành chính năm 2022"
    r1 = one_run(store, [page(A, text, visitors_today=79, checksums=("c1",))], DAY1)
    # Day 2: the sidebar counter moved (raw HTML differs) and the text came in NFD: same content.
    import unicodedata
    nfd = unicodedata.normalize("NFD", text)
    r2 = one_run(store, [page(A, nfd, visitors_today=80, checksums=("c1",))], DAY2)
    d = document_row(store, A)
    assert (d["version"], d["first_seen_run_id"], d["last_seen_run_id"]) == (1, r1, r2)
    assert d["content_hash"] == document_content_hash(text, ["c1"])
    # Day 3: the attachment was replaced: a new version.
    r3 = one_run(store, [page(A, text, visitors_today=81, checksums=("c9",))], DAY3)
    d = document_row(store, A)
    assert (d["version"], d["first_seen_run_id"], d["last_seen_run_id"]) == (2, r1, r3)
    with store.engine.connect() as conn:
        versions = conn.execute(select(DocumentVersion.version, DocumentVersion.first_seen_run_id,
                                       DocumentVersion.last_seen_run_id, DocumentVersion.html_z)
                                .order_by(DocumentVersion.version)).all()
        sightings = conn.execute(select(SightingInterval.first_run_id, SightingInterval.last_run_id,
                                        SightingInterval.version).order_by(SightingInterval.first_run_id)).all()
    assert [(v, f, last) for v, f, last, _ in versions] == [(1, r1, r2), (2, r3, r3)]
    # The raw page is kept compressed per version: version 1 keeps the page it was first seen with.
    assert "Hôm nay: 79" in zlib.decompress(versions[0][3]).decode("utf-8")
    assert "Hôm nay: 81" in zlib.decompress(versions[1][3]).decode("utf-8")
    # one interval per version and unbroken stretch of runs (storage/sightings.py)
    assert [tuple(s) for s in sightings] == [(r1, r2, 1), (r3, r3, 2)]
    # Text edit: version 3.
    one_run(store, [page(A, text + " (sửa đổi)", checksums=("c9",))], DAY3)
    assert document_row(store, A)["version"] == 3


def test_unchanged_attachment_fetched_again_rewrites_nothing(store: Store) -> None:
    """Scrapy reports a file it already holds as "uptodate" (first day: "downloaded"): the same bytes,
    so the version, its attachments and their search entries stay the rows they were (issue 12)."""
    from storage import search_index

    store.sync_portals(REGISTRY_ROWS)
    text = "Kế hoạch tuyên truyền cải cách hành chính năm 2022"
    first = page(A, text, checksums=("c1",))
    first["files"][0]["status"] = "downloaded"
    one_run(store, [first], DAY1)

    def rows() -> tuple:
        with store.engine.connect() as conn:
            return (conn.execute(select(DocumentVersion.id, DocumentVersion.record_hash)).all(),
                    conn.execute(select(Attachment.id)).all(),
                    conn.execute(select(search_index.entries.c.id).order_by(search_index.entries.c.id)).all())

    before = rows()
    again = page(A, text, checksums=("c1",))
    again["files"][0]["status"] = "uptodate"
    one_run(store, [again], DAY2)
    assert rows() == before and len(before[2]) == 2  # the version's entry and the attachment's
    failed = page(A, text, checksums=("c1",))
    failed["files"][0].update(status="failed", path=None, checksum=None, error="timeout")
    one_run(store, [failed], DAY3)  # a file that could not be got is a change of the extraction output
    assert rows()[0] != before[0]


def test_first_and_last_seen_across_three_runs(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    r1 = one_run(store, [page(A, "a"), page(B, "b")], DAY1)
    r2 = one_run(store, [page(A, "a"), page(C, "c", is_cchc=False)], DAY2)
    r3 = one_run(store, [page(B, "b"), page(C, "c", is_cchc=False)], DAY3)
    got = {u: (d["first_seen_run_id"], d["last_seen_run_id"], d["version"], d["removed_run_id"])
           for u in (A, B, C) for d in [document_row(store, u)]}
    assert got == {A: (r1, r2, 1, None), B: (r1, r3, 1, None), C: (r2, r3, 1, None)}
    summary = store.run_summary(r2)
    tq = summary["portals"][0]
    assert (tq["portal"], tq["pages"], tq["documents"], tq["cchc_documents"], tq["new_documents"]) == (TQ, 2, 2, 1, 1)
    assert summary["totals"]["documents"] == 2 and summary["run"]["observed_on"] == "2022-08-13"


def test_removed_marking_and_reappearance(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    r1 = one_run(store, [page(A, "a"), page(B, "b")], DAY1)
    assert store.known_document_urls(TQ) == sorted([A, B])
    # A 503 on re-fetch is a portal problem, not a removal; a 404 is.
    r2 = one_run(store, [removed(A, status=503), removed(B, status=404), removed(C, status=404)], DAY2)
    assert document_row(store, A)["removed_run_id"] is None
    b = document_row(store, B)
    assert (b["removed_run_id"], b["removed_status"], b["last_seen_run_id"]) == (r2, 404, r1)
    assert store.known_document_urls(TQ) == [A]
    assert store.run_summary(r2)["totals"]["removed_documents"] == 1
    # Still gone on day 3: the removal stays at the first run that found it gone.
    one_run(store, [removed(B, status=410)], DAY3)
    assert document_row(store, B)["removed_run_id"] == r2
    # "The page no longer holds the document" (the pipeline's decision, status 200) is a removal too.
    r3b = one_run(store, [removed(A, status=200)], DAY3)
    assert document_row(store, A)["removed_run_id"] == r3b
    # It comes back on day 4: no longer removed, last seen updated.
    r4 = one_run(store, [page(B, "b")], dt.date(2022, 8, 15))
    b = document_row(store, B)
    assert (b["removed_run_id"], b["last_seen_run_id"], b["version"]) == (None, r4, 1)


def test_one_widget_reading_per_portal_per_run(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    r1 = store.start_run(trigger="schedule", observed_on=DAY1, args={})
    store.save_items(r1, [widget(NL, total=2000, on_time=1990, late=10)])
    store.save_items(r1, [widget(NL, total=2142, on_time=2140, late=2, visitors={"online": 5, "today": "1.234"})])
    r2 = one_run(store, [widget(NL, total=2200, on_time=2200, late=0, updated_at="2022-08-13T13:15:32+07:00")], DAY2)
    with store.engine.connect() as conn:
        rows = conn.execute(select(WidgetReading.run_id, WidgetReading.total, WidgetReading.on_time,
                                   WidgetReading.late, WidgetReading.late_rate, WidgetReading.updated_at,
                                   WidgetReading.fetched_at).order_by(WidgetReading.run_id)).all()
        visitors = conn.execute(select(VisitorReading.run_id, VisitorReading.today)).all()
    assert [tuple(r[:6]) for r in rows] == [
        (r1, 2142, 2140, 2, 0.0009, "2022-08-12T13:15:32+07:00"),
        (r2, 2200, 2200, 0, 0.0, "2022-08-13T13:15:32+07:00"),
    ]
    # Our own read time is kept apart, normalised to UTC (06:30 +07:00 -> 23:30 UTC the day before).
    assert rows[0][6] == dt.datetime(2022, 8, 11, 23, 30, tzinfo=dt.UTC)
    assert [tuple(v) for v in visitors] == [(r1, 1234)]


def test_visitor_counter_as_read_is_kept_only_when_the_columns_do_not_say_it(store: Store) -> None:
    """Integers under the column names are the columns: no copy (issue 12); a text like "24,103" or a
    key the columns lack keeps the counter as read beside them."""
    store.sync_portals(REGISTRY_ROWS)
    plain = {"online": 38, "today": 79, "week": None, "month": None, "total": 24103}
    one_run(store, [widget(NL, visitors=plain)], DAY1)
    one_run(store, [widget(NL, visitors={"online": 38, "today": 79, "total": "24,103"})], DAY2)
    one_run(store, [widget(NL, visitors={"online": 38, "guests": 7})], DAY3)
    with store.engine.connect() as conn:
        rows = conn.execute(select(VisitorReading.online, VisitorReading.total, VisitorReading.values)
                            .order_by(VisitorReading.run_id)).all()
    assert [tuple(r) for r in rows] == [(38, 24103, None), (38, 24103, {"online": 38, "today": 79, "total": "24,103"}),
                                        (38, None, {"online": 38, "guests": 7})]


def test_widget_item_without_widget_keeps_the_reading_and_stores_visitors(store: Store) -> None:
    run = store.start_run(trigger="manual", observed_on=DAY1, args={})
    store.save_items(run, [widget(NL, total=2142)])
    none = dict(widget(NL), widget=None, visitors={"online": 3, "today": 40, "total": "1.000.200"})
    store.save_items(run, [none])
    assert store.failed_items == []
    with store.engine.connect() as conn:
        assert conn.execute(select(WidgetReading.run_id, WidgetReading.total)).all() == [(run, 2142)]
        assert conn.execute(select(VisitorReading.online, VisitorReading.total)).all() == [(3, 1000200)]
    other = one_run(store, [dict(none, portal_id=TQ)], DAY2)
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(WidgetReading)
                            .where(WidgetReading.run_id == other)).scalar_one() == 0
    assert store.run_summary(other)["portals"][0]["widget"] is False


def test_widget_with_unreadable_figure_is_kept_with_an_issue(store: Store) -> None:
    item = widget(NL)
    item["widget"]["total"] = "n/a"
    run = one_run(store, [item])
    with store.engine.connect() as conn:
        total, issues = conn.execute(select(WidgetReading.total, WidgetReading.issues)
                                     .where(WidgetReading.run_id == run)).one()
    assert total is None and issues == ["storage: total='n/a' is not a number"]


def test_health_items_merge_and_summary_names_the_fault(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=DAY1, args={})
    store.save_items(run, [
        health(TQ, url="https://tuyenquang.gov.vn/", latency_ms=120.5, has_feed=True),
        health(TQ, status=200, waf_blocked=True, error="WAF block page (status 200)"),
        health(NL, url="https://ngoclien.camgiang.haiduong.gov.vn/", status=None, error="TimeoutError"),
        widget(NL),
    ])
    store.save_items(run, [health(TQ, has_widget=False)])
    with store.engine.connect() as conn:
        rows = conn.execute(select(PortalHealth.portal_id, PortalHealth.status, PortalHealth.latency_ms,
                                   PortalHealth.waf_blocked, PortalHealth.has_feed, PortalHealth.has_widget,
                                   PortalHealth.reachable, PortalHealth.error).order_by(PortalHealth.portal_id)).all()
    assert [tuple(r) for r in rows] == [
        (TQ, 200, 120.5, True, True, False, False, "WAF block page (status 200)"),
        (NL, None, None, None, None, None, False, "TimeoutError"),
    ]
    store.finish_run(run, status="incomplete", stats={})
    summary = store.run_summary(run)
    assert [(p["portal"], p["name"], p["status"], p["error"], p["waf_blocked"], p["widget"]) for p in summary["portals"]] == [
        (TQ, "UBND tỉnh Tuyên Quang", 200, "WAF block page (status 200)", True, False),
        (NL, "UBND xã Ngọc Liên", None, "TimeoutError", False, True),
    ]
    assert summary["totals"] == {"portals": 2, "pages": 0, "documents": 0, "cchc_documents": 0, "new_documents": 0,
                                 "changed_documents": 0, "removed_documents": 0, "widgets": 1, "waf_blocked": 1,
                                 "failing": 2}
    assert summary["run"]["status"] == "incomplete"


def test_one_usable_home_page_makes_the_portal_reachable_that_day(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=DAY1, args={})
    store.save_items(run, [
        # TQ: one spider timed out, a later one got the page
        health(TQ, url="https://tuyenquang.gov.vn/", error="DownloadTimeoutError: took longer than 30.0 seconds"),
        health(TQ, url="https://tuyenquang.gov.vn/", status=200, latency_ms=80.0),
        # NL: the page first, then a rate-limiting WAF on another spider's request, then a flag
        health(NL, url="https://ngoclien.camgiang.haiduong.gov.vn/", status=200, latency_ms=95.0),
        health(NL, url="https://ngoclien.camgiang.haiduong.gov.vn/", status=200, waf_blocked=True,
               error="WAF block page (status 200)"),
        health(NL, has_widget=True),
    ])
    with store.engine.connect() as conn:
        rows = conn.execute(select(PortalHealth.portal_id, PortalHealth.status, PortalHealth.latency_ms,
                                   PortalHealth.waf_blocked, PortalHealth.has_widget, PortalHealth.reachable,
                                   PortalHealth.error).order_by(PortalHealth.portal_id)).all()
    assert [tuple(r) for r in rows] == [
        (TQ, 200, 80.0, None, None, True, None),
        (NL, 200, 95.0, None, True, True, None),
    ]


def test_runs_lifecycle_and_stale_runs(store: Store, db_url: str) -> None:
    run = store.start_run(trigger="demo", observed_on=DAY1, args={"days": 3})
    with pytest.raises(ValueError):
        store.start_run(trigger="cron", observed_on=DAY1, args={})
    with pytest.raises(ValueError):
        store.finish_run(run, status="done", stats={})
    # A run this Store started is live: not stale.
    assert store.mark_stale_runs_incomplete() == []
    # A crawl process that died without finishing (it really ran, then was killed).
    code = (
        "import datetime, os, sys; from storage import Store; "
        f"s = Store.open({db_url!r}); "
        "r = s.start_run(trigger='manual', observed_on=datetime.date(2022, 8, 12), args={}); "
        "print(r, flush=True); os._exit(9)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, env=child_env(), timeout=120)
    killed_run = int(done.stdout.strip())
    other = Store.open(db_url)
    try:
        assert other.mark_stale_runs_incomplete() == [killed_run]
        # `run` belongs to a live process (this one, through another Store): it is left running.
        assert other.mark_stale_runs_incomplete() == []
    finally:
        other.close()
    store.finish_run(run, status="complete", stats={"started": dt.datetime(2022, 8, 12, 1, 2, 3)})
    with store.engine.connect() as conn:
        rows = conn.execute(select(CrawlRun.id, CrawlRun.status, CrawlRun.trigger, CrawlRun.stats)
                            .order_by(CrawlRun.id)).all()
    assert [tuple(r) for r in rows] == [
        (run, "complete", "demo", {"started": "2022-08-12T01:02:03"}),
        (killed_run, "incomplete", "manual", {"marked_incomplete": "process ended without finishing"}),
    ]


def test_removal_from_an_older_run_does_not_hide_a_later_sighting(store: Store) -> None:
    r1 = store.start_run(trigger="manual", observed_on=DAY1, args={})
    r2 = one_run(store, [page(A, "a")], DAY2)
    # A late batch of the older run 1 saying A was gone must not mark it removed: run 2 saw it.
    store.save_items(r1, [removed(A)])
    assert document_row(store, A)["removed_run_id"] is None
    with store.engine.begin() as conn:
        conn.execute(update(CrawlRun).where(CrawlRun.id == r1).values(status="failed"))
    assert document_row(store, A)["last_seen_run_id"] == r2


def test_portal_down_on_day_two_and_back_on_day_three(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    ok = {"url": "https://tuyenquang.gov.vn/", "status": 200, "latency_ms": 210.0, "has_feed": True, "has_widget": True}
    r1 = one_run(store, [health(TQ, **ok), page(A, "a")], DAY1)
    r2 = one_run(store, [health(TQ, url="https://tuyenquang.gov.vn/", status=503, error="HTTP 503 after 2 retries")], DAY2)
    r3 = one_run(store, [health(TQ, **ok), page(A, "a")], DAY3)
    timeline = [(store.run_summary(r)["run"]["observed_on"], p["status"], p["reachable"], p["error"], p["documents"])
                for r in (r1, r2, r3) for p in store.run_summary(r)["portals"]]
    assert timeline == [("2022-08-12", 200, True, None, 1), ("2022-08-13", 503, False, "HTTP 503 after 2 retries", 0),
                        ("2022-08-14", 200, True, None, 1)]
    # A down portal is not a removal: the document is still there, seen on days 1 and 3.
    assert (lambda d: (d["first_seen_run_id"], d["last_seen_run_id"], d["removed_run_id"]))(document_row(store, A)) == (r1, r3, None)


def test_improved_extraction_updates_the_version_in_place(store: Store) -> None:
    """Same text, better extraction (a category found, one more citation): no new version, fields updated."""
    r1 = one_run(store, [page(A, "Kế hoạch", category=None, citations=[])], DAY1)
    better = page(A, "Kế hoạch", category="reform_plan",
                  citations=[{"type": "KH", "number": "38/KH-UBND", "date": "2022-01-05", "issuer": "UBND"}])
    r2 = one_run(store, [better], DAY2)
    with store.engine.connect() as conn:
        versions = conn.execute(select(DocumentVersion.version, DocumentVersion.category, DocumentVersion.first_seen_run_id,
                                       DocumentVersion.last_seen_run_id)).all()
        citations = conn.execute(select(Citation.number, Citation.date)).all()
    assert [tuple(v) for v in versions] == [(1, "reform_plan", r1, r2)]
    assert [tuple(c) for c in citations] == [("38/KH-UBND", dt.date(2022, 1, 5))]
    assert document_row(store, A)["version"] == 1
