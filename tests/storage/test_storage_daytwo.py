"""Issue 12, storage of a daily crawl that costs what changed: sightings stored as intervals (one row
per document, version and unbroken stretch of runs) and no fetch row for a discovery page that
answered as it did before (counted in the run's figures instead)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from storage_factories import REGISTRY_ROWS, TQ, fetch, page

from storage import Store
from storage.health_models import PortalYield
from storage.models import Fetch
from storage.sightings import SightingInterval, in_run

A = "https://tuyenquang.gov.vn/portal/Pages/2022-4-27/ke-hoach-tuyen-truyen-cchc-123.aspx"
LISTING = "https://tuyenquang.gov.vn/portal/Pages/cai-cach-hanh-chinh.aspx"
SITEMAP = "https://tuyenquang.gov.vn/sitemap.xml"
TEXT = "Kế hoạch tuyên truyền cải cách hành chính năm 2022 của Đảng ủy xã Ngọc Liên. " * 5


def seen(url: str) -> dict:
    return {"type": "seen", "portal_id": TQ, "url": url, "how": "linked", "discovered_by": "listings"}


def run_with(store: Store, day: int, items: list[dict]) -> int:
    run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 11 + day), args={})
    store.save_items(run, items)
    store.finish_run(run, status="complete", stats={})
    return run


def intervals(store: Store) -> list[tuple[int, int, int]]:
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(
            SightingInterval.version, SightingInterval.first_run_id, SightingInterval.last_run_id)
            .order_by(SightingInterval.first_run_id, SightingInterval.version))]


def test_sightings_are_intervals_broken_by_a_missed_run_and_by_a_new_version(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    r1 = run_with(store, 1, [page(A, TEXT)])
    r2 = run_with(store, 2, [seen(A)])
    r3 = run_with(store, 3, [page(A, TEXT)])           # same content fetched again: still version 1
    assert intervals(store) == [(1, r1, r3)]           # one row for three runs
    r4 = run_with(store, 4, [])                         # not seen
    r5 = run_with(store, 5, [seen(A)])
    assert intervals(store) == [(1, r1, r3), (1, r5, r5)]
    # seen unchanged early in run 6, then fetched edited in the same run: run 6 holds version 2 only
    r6 = run_with(store, 6, [seen(A), page(A, TEXT + " Sửa đổi.")])
    assert intervals(store) == [(1, r1, r3), (1, r5, r5), (2, r6, r6)]
    with store.engine.connect() as conn:
        held = {r: conn.execute(select(SightingInterval.version).where(in_run(r))).scalars().all()
                for r in (r1, r2, r3, r4, r5, r6)}
    assert held == {r1: [1], r2: [1], r3: [1], r4: [], r5: [1], r6: [2]}
    assert [p["documents"] for p in (store.run_summary(r)["totals"] for r in (r2, r4, r6))] == [1, 0, 1]


def test_unchanged_discovery_page_adds_no_fetch_row_and_is_counted(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    listing = {**fetch(LISTING), "kind": "parse_listing"}
    r1 = run_with(store, 1, [listing])
    r2 = run_with(store, 2, [{**listing, "content_hash": "h2"}])   # answered again (bytes may differ)
    r3 = run_with(store, 3, [{**listing, "status": 503, "error": "HTTP 503"}])  # a failure is news
    r4 = run_with(store, 4, [{**fetch(A), "kind": "parse_article"}])  # not a discovery page: always a row
    with store.engine.connect() as conn:
        rows = {r: conn.execute(select(func.count()).select_from(Fetch).where(Fetch.run_id == r)).scalar_one()
                for r in (r1, r2, r3, r4)}
        yields = dict(conn.execute(select(PortalYield.run_id, PortalYield.pages_fetched)
                                   .where(PortalYield.portal_id == TQ)).all())
    assert rows == {r1: 1, r2: 0, r3: 1, r4: 1}
    # counted where a run's fetches are counted: usable answers, the summary's pages, the drift canary
    assert store.answered_fetches(r2)[:2] == (1, 1)
    assert store.answered_fetches(r3)[:2] == (1, 0)
    assert store.run_summary(r2)["totals"]["pages"] == 1
    assert yields[r1] == yields[r2] == 1


def test_discovery_page_gone_again_adds_no_fetch_row_and_is_counted(store: Store) -> None:
    """A 404 of a discovery page (a portal without /sitemap.xml) is news once, then counted while it
    stays 404; a 200 after it, and a 404 after that, are rows again (migration 0015)."""
    store.sync_portals(REGISTRY_ROWS)
    probe = {**fetch(SITEMAP, status=404, error="HTTP 404", content_hash="notfound"), "kind": "parse_sitemap"}
    back = {**fetch(SITEMAP, content_hash="s1"), "kind": "parse_sitemap"}
    other = {**fetch(SITEMAP, status=410, error="HTTP 410"), "kind": "parse_sitemap"}  # another failure: a row
    runs, answered, pages = [], [], []
    for day, item in enumerate((probe, probe, probe, back, back, probe, other, other), 1):
        runs.append(run_with(store, day, [item]))
        # read as each run closes: a run's count holds until a later run answers the page (module doc)
        answered.append(store.answered_fetches(runs[-1]))
        pages.append(store.run_summary(runs[-1])["totals"]["pages"])
    with store.engine.connect() as conn:
        rows = [conn.execute(select(func.count()).select_from(Fetch).where(Fetch.run_id == r)).scalar_one()
                for r in runs]
        yields = dict(conn.execute(select(PortalYield.run_id, PortalYield.pages_fetched)
                                   .where(PortalYield.portal_id == TQ)).all())
    assert rows == [1, 0, 0, 1, 0, 1, 1, 1]
    # counted where a run's fetches are counted, as the rows were: a fetch, not a usable one, its error
    assert answered == [(1, 0, "HTTP 404")] * 3 + [(1, 1, None)] * 2 + [(1, 0, "HTTP 404")] + [(1, 0, "HTTP 410")] * 2
    assert pages == [1] * 8
    assert [yields[r] for r in runs] == [1] * 8


def test_known_pages_file_says_which_portals_an_earlier_run_crawled(store: Store, tmp_path) -> None:
    """The sitemap rotation starts after a portal's first crawl: documents a run stored before it
    was interrupted are known to its resumed part, but the portal counts as crawled only for a later run."""
    from crawler.incremental import KnownPages
    from storage.incremental import write_known_pages

    store.sync_portals(REGISTRY_ROWS)
    r1 = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
    store.save_items(r1, [page(A, TEXT)])
    resumed = tmp_path / "resumed.sqlite"
    assert write_known_pages(store, [TQ], resumed, r1) == 1
    assert A in KnownPages(str(resumed)) and not KnownPages(str(resumed)).knows_portal(TQ)
    # known, but marked as the run's own: it does not end a listing's walk (`Policy.stop_paging`)
    assert KnownPages(str(resumed)).get(A).this_run  # type: ignore[union-attr]
    store.finish_run(r1, status="complete", stats={})
    r2 = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 13), args={})
    later = tmp_path / "later.sqlite"
    assert write_known_pages(store, [TQ], later, r2) == 1
    assert KnownPages(str(later)).knows_portal(TQ)
    assert not KnownPages(str(later)).get(A).this_run  # type: ignore[union-attr]


def test_known_pages_carry_the_documents_own_date_for_the_reread_period(store: Store, tmp_path) -> None:
    """The date of issue when the record has one, else the day it was published, else none."""
    from crawler.incremental import KnownPages
    from storage.incremental import write_known_pages

    store.sync_portals(REGISTRY_ROWS)
    issued, published, undated = A, A.replace("-123", "-124"), A.replace("-123", "-125")
    run_with(store, 1, [page(issued, TEXT), page(published, TEXT + " Hai.", doc_date=None),
                        page(undated, TEXT + " Ba.", doc_date=None, published_at="chưa rõ")])
    path = tmp_path / "known.sqlite"
    assert write_known_pages(store, [TQ], path) == 3
    known = KnownPages(str(path))
    assert [known.get(u).dated for u in (issued, published, undated)] == [  # type: ignore[union-attr]
        dt.date(2022, 4, 18), dt.date(2022, 4, 27), None]


def test_known_pages_name_the_discovery_pages_that_answered_404_at_their_last_try(store: Store, tmp_path) -> None:
    """What `Policy.probe` reads: a discovery page whose last answer was 404, not one that answered
    since, nor another portal's."""
    from crawler.incremental import KnownPages
    from storage.incremental import write_known_pages

    store.sync_portals(REGISTRY_ROWS)
    probe = {**fetch(SITEMAP, status=404, error="HTTP 404", content_hash="notfound"), "kind": "parse_sitemap"}
    listing = {**fetch(LISTING, status=404, error="HTTP 404", content_hash="notfound"), "kind": "parse_listing"}
    run_with(store, 1, [probe, listing])
    run_with(store, 2, [probe, {**fetch(LISTING), "kind": "parse_listing"}])  # the listing is back
    path = tmp_path / "known.sqlite"
    write_known_pages(store, [TQ], path)
    known = KnownPages(str(path))
    assert known.absent(TQ, SITEMAP) and not known.absent(TQ, LISTING) and not known.absent("p-other", SITEMAP)


def test_a_batch_of_sightings_is_stored_as_the_single_sightings_are(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    other = A.replace("-123.aspx", "-124.aspx")
    r1 = run_with(store, 1, [page(A, TEXT), page(other, TEXT + " Khác.")])
    batch = {"type": "seen_batch", "portal_id": TQ, "urls": [A, other, A.replace("-123", "-999")],
             "how": "linked", "discovered_by": "feeds"}  # the third is unknown: ignored, as a single sighting is
    r2 = run_with(store, 2, [batch])
    assert intervals(store) == [(1, r1, r2), (1, r1, r2)]
    assert store.failed_items == []
    assert store.run_summary(r2)["totals"]["documents"] == 2
