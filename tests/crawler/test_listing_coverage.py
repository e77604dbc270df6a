"""A listing its feed covers is read through the feed between full walks (issue 12), on the simulator:
what that saves, and what it costs — a document that only the listing shows (not the feed, the
sitemap or a featured headline) is found on the portal's next full-walk day, at most
CCHC_FULL_WALK_DAYS − 1 days late, never lost.

The scenario is built on the simulator's own day-2 addition on Tuyên Quang (a VNPortal site whose
feeds list every item of its CCHC listing's first page): the test takes the new plan out of the feed
and the sitemap, and gives it a title a featured-headline reader would not follow, as a portal whose
feed misses one item would show it. Nothing in `sim/` changes.
"""
from __future__ import annotations

import contextlib
import dataclasses
import sqlite3

import pytest
from simcrawl import Crawl

from core.periods import FULL_WALK_DAYS
from crawler.incremental import full_walk_day
from crawler.registry import load_registry, registry_to_csv
from sim.calendar import date_of_day
from sim.network import SimNetwork

pytestmark = pytest.mark.slow

PORTAL = "p-tuyenquang"
LISTING_ONLY_TITLE = "Thông báo số 27/TB-UBND ngày làm việc của lãnh đạo tỉnh"


def _stat(run: dict, key: str) -> int:
    return sum(int(s.get(key, 0)) for s in run["stats"].values() if isinstance(s, dict))


def _listing_only(net: SimNetwork, url: str) -> None:
    """Today's world: the document at `url` is on the CCHC listing (and the home page's box) only."""
    world = net.world
    art = next(a for a in world.articles(PORTAL) if a.url == url)  # the world's own object
    art.in_feed = art.in_sitemap = False
    art.title = LISTING_ONLY_TITLE
    world._views.pop(PORTAL, None)  # a view built before the change would still list it


def test_a_document_only_a_covered_listing_shows_is_found_on_the_next_full_walk(tmp_path):
    added = next(c for c in SimNetwork(day=2).world.changes if c.day == 2 and c.kind == "added" and c.portal_id == PORTAL)
    walk = next(k for k in range(2, 2 + FULL_WALK_DAYS) if full_walk_day(PORTAL, date_of_day(k)))
    assert walk > 2  # the addition falls between two full walks of the portal
    reg = load_registry()
    registry = tmp_path / "portals.csv"
    registry.write_text(registry_to_csv([dataclasses.replace(reg[PORTAL], parent=None)]), encoding="utf-8")
    db = tmp_path / "days.sqlite"
    found_on: int | None = None
    with SimNetwork(day=1) as net:
        crawl = Crawl(net, tmp_path)
        crawl.run(db, "--registry", str(registry))
        with contextlib.closing(sqlite3.connect(db)) as con:
            proofs = con.execute("SELECT url, feed_url FROM source_coverage WHERE portal_id = ?", (PORTAL,)).fetchall()
        assert proofs, "day 1: the portal's feed covers its CCHC listing"
        for day in range(2, walk + 1):
            net.set_day(day)
            _listing_only(net, added.url)
            crawl.run(db, "--registry", str(registry))
            docs = {d["url"]: d for d in Crawl.export(db, "documents")}
            if added.url in docs:
                found_on = day
                break
        runs = Crawl.export(db, "runs")
    # the days between: the listing was read through its feed, which did not list the new document
    assert all(_stat(run, "cchc/incremental/listing_covered") >= 1 for run in runs[1:walk - 1])
    # found on the full-walk day, when the listing is fetched: within the documented lag
    assert found_on == walk and walk - 2 <= FULL_WALK_DAYS - 1
    assert docs[added.url]["first_seen_run"] == walk
    assert _stat(runs[-1], "cchc/incremental/listing_covered") == 0
