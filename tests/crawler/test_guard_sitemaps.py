"""Sitemap bounds and the gzip-sitemap fault, on the sitemaps spider with hand-built responses (no
network): an endless index chain stops at CCHC_SITEMAP_MAX_DEPTH, a huge index at
CCHC_SITEMAP_MAX_FILES, a gzip bomb is a recorded fault; each bound leaves one fetch row saying why."""
from __future__ import annotations

import gzip
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.items import FetchItem
from crawler.spiders.sitemaps import SitemapsSpider

BASE = "https://portal.gov.vn/"


def make_spider(**settings: Any) -> SitemapsSpider:
    crawler = get_crawler(SitemapsSpider, {"CCHC_SITEMAP_MAX_DEPTH": 3, "CCHC_SITEMAP_MAX_FILES": 50,
                                           "DOWNLOAD_MAXSIZE": 1024 * 1024, **settings})
    crawler.stats.open_spider()
    spider = SitemapsSpider.from_crawler(crawler, url=BASE)
    return spider


def index(*locs: str) -> bytes:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()


def respond(req: Request, body: bytes) -> Response:
    cls = Response if body[:2] == b"\x1f\x8b" else TextResponse
    return cls(req.url, status=200, body=body, request=req, headers={"Content-Type": "application/xml"})


def test_an_endless_index_chain_stops_at_the_depth_bound() -> None:
    spider = make_spider()
    portal = next(iter(spider.portals.values()))
    pending = list(spider.sitemap_request(f"{BASE}sitemap.xml?n=0", portal, 0))
    fetched: list[str] = []
    notes: list[FetchItem] = []
    while pending and len(fetched) < 1000:   # hang guard only; the bound must stop it far earlier
        req = pending.pop()
        fetched.append(req.url)
        n = int(req.url.rsplit("=", 1)[1])
        for out in spider.parse_sitemap(respond(req, index(f"{BASE}sitemap.xml?n={n + 1}"))):
            if isinstance(out, Request):
                pending.append(out)
            elif isinstance(out, FetchItem) and out.status is None:
                notes.append(out)
    assert fetched == [f"{BASE}sitemap.xml?n={k}" for k in range(4)]   # the root and 3 levels below it
    assert [(n.url, n.error) for n in notes] == [(f"{BASE}sitemap.xml?n=4", "not fetched: sitemap index nested "
                                                  "deeper than 3 levels (CCHC_SITEMAP_MAX_DEPTH)")]
    assert spider.crawler.stats.get_value("cchc/sitemaps/bound_depth") == 1


def test_a_huge_index_stops_at_the_files_bound() -> None:
    spider = make_spider(CCHC_SITEMAP_MAX_FILES=5)
    portal = next(iter(spider.portals.values()))
    [root] = spider.sitemap_request(f"{BASE}sitemap.xml", portal, 0)
    out = list(spider.parse_sitemap(respond(root, index(*(f"{BASE}sitemap-{i}.xml" for i in range(300))))))
    requests = [o for o in out if isinstance(o, Request)]
    notes = [o for o in out if isinstance(o, FetchItem) and o.status is None]
    assert [r.url for r in requests] == [f"{BASE}sitemap-{i}.xml" for i in range(4)]   # 5 files with the root
    assert [(n.url, n.error) for n in notes] == [
        (f"{BASE}sitemap-4.xml", "not fetched: more than 5 sitemap files for this portal (CCHC_SITEMAP_MAX_FILES)")]
    assert spider.crawler.stats.get_value("cchc/sitemaps/bound_files") == 296


def test_robots_sitemap_lines_count_towards_the_files_bound() -> None:
    spider = make_spider(CCHC_SITEMAP_MAX_FILES=3)
    portal = next(iter(spider.portals.values()))
    robots = "\n".join(f"Sitemap: {BASE}s{i}.xml" for i in range(100)).encode()
    req = Request(f"{BASE}robots.txt", meta={"portal_id": portal.id})
    out = list(spider.parse_robots(TextResponse(req.url, status=200, body=robots, request=req)))
    assert [o.url for o in out if isinstance(o, Request)] == [f"{BASE}s{i}.xml" for i in range(3)]


@pytest.mark.parametrize(("body", "error"), [
    (gzip.compress(b"\0" * (8 * 1024 * 1024)), "gzip sitemap unpacks to more than 1048576 bytes (DOWNLOAD_MAXSIZE)"),
    (b"\x1f\x8b\x08\x00garbage", "broken gzip sitemap (EOFError)"),
])
def test_a_gzip_sitemap_fault_is_a_fetch_row_not_a_crash(body: bytes, error: str) -> None:
    spider = make_spider()
    portal = next(iter(spider.portals.values()))
    [req] = spider.sitemap_request(f"{BASE}sitemap.xml.gz", portal, 0)
    out = list(spider.parse_sitemap(respond(req, body)))
    assert len(out) == 1 and isinstance(out[0], FetchItem)
    assert (out[0].url, out[0].status, out[0].error) == (f"{BASE}sitemap.xml.gz", 200, error)


def test_a_gzip_sitemap_under_the_cap_is_read() -> None:
    spider = make_spider()
    portal = next(iter(spider.portals.values()))
    [req] = spider.sitemap_request(f"{BASE}sitemap.xml.gz", portal, 0)
    out = list(spider.parse_sitemap(respond(req, gzip.compress(index(f"{BASE}tin-tuc.xml")))))
    assert out[0].error is None and [o.url for o in out if isinstance(o, Request)] == [f"{BASE}tin-tuc.xml"]


def urlset(*locs: str) -> bytes:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'.encode()


def test_an_unknown_family_keeps_slug_only_pages_of_its_urlset() -> None:
    """A portal of no known family (an ad-hoc --url crawl is `unknown`) publishes `/Pages/<slug>.aspx`
    and `/<slug>.html` with no number: the urlset says they are pages, so they are requested; files,
    feeds, the home page and sections (a path heading other listed pages) are not."""
    spider = make_spider()
    portal = next(iter(spider.portals.values()))
    assert portal.cms == "unknown"
    [root] = spider.sitemap_request(f"{BASE}sitemap.xml", portal, 0)
    pages = [f"{BASE}Pages/ke-hoach-tuyen-truyen-cai-cach-hanh-chinh-nam-2026.aspx", f"{BASE}tin-tuc/hoi-nghi-so-ket.html"]
    # the home page, a file, a feed, and a section whose path heads another listed page
    not_pages = [BASE, f"{BASE}uploads/kh-12.pdf", f"{BASE}rss/tin-tuc", f"{BASE}tin-tuc/"]
    out = list(spider.parse_sitemap(respond(root, urlset(*pages, *not_pages))))
    assert sorted(r.url for r in out if isinstance(r, Request)) == sorted(pages)
