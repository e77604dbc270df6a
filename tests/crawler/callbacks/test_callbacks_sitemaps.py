"""SitemapsSpider callbacks on saved pages: robots.txt, a sitemap index, then its urlset."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from callback_pages import PAGES, file_response
from scrapy import Request

from crawler.items import FetchItem
from crawler.spiders.sitemaps import SitemapsSpider

META = {"portal_id": "p-phutho"}
URLSET = "https://phutho.gov.vn/vi/news/sitemap.xml"


@pytest.fixture
def spider(make_spider: Callable[..., Any]) -> SitemapsSpider:
    spider: SitemapsSpider = make_spider(SitemapsSpider, sources="p-phutho")
    return spider


def requests(out: list[Any]) -> list[Request]:
    return [r for r in out if isinstance(r, Request)]


def test_parse_robots_follows_the_sitemap_line(spider: SitemapsSpider) -> None:
    fetch, request = spider.parse_robots(file_response("news_robots", meta=META))
    assert isinstance(fetch, FetchItem) and (fetch.url, fetch.status, fetch.error) == (
        "https://phutho.gov.vn/robots.txt", 200, None)
    assert isinstance(request, Request)
    assert (request.url, request.callback, request.meta["sitemap_depth"]) == (
        "https://phutho.gov.vn/sitemap.xml", spider.parse_sitemap, 0)


def test_parse_robots_without_robots_falls_back_to_the_family_sitemap(spider: SitemapsSpider) -> None:
    out = list(spider.parse_robots(file_response("news_gone", "https://phutho.gov.vn/robots.txt", meta=META)))
    assert isinstance(out[0], FetchItem) and out[0].error == "HTTP 404"
    assert [r.url for r in requests(out)] == ["https://phutho.gov.vn/sitemap.xml"]  # nukeviet's /sitemap.xml


def test_parse_sitemap_on_an_index_requests_each_sitemap_one_level_deeper(spider: SitemapsSpider) -> None:
    out = list(spider.parse_sitemap(file_response("news_sitemap_index", meta={**META, "sitemap_depth": 0})))
    assert isinstance(out[0], FetchItem) and out[0].error is None and out[0].discovered_by == "sitemaps"
    (request,) = requests(out)
    assert (request.url, request.callback, request.meta["sitemap_depth"]) == (URLSET, spider.parse_sitemap, 1)


def test_parse_sitemap_on_a_urlset_requests_the_articles_cchc_slugs_first(spider: SitemapsSpider) -> None:
    out = list(spider.parse_sitemap(file_response("news_sitemap_urlset", meta={**META, "sitemap_depth": 1})))
    assert isinstance(out[0], FetchItem) and out[0].url == URLSET and out[0].error is None
    reqs = requests(out)
    assert len(reqs) == 11  # the home and the two listings of the urlset are not articles
    assert all(r.callback == spider.parse_article for r in reqs)
    cchc = [r for r in reqs if "/cai-cach-hanh-chinh/" in r.url]
    assert reqs[:4] == cchc  # a slug that may be CCHC first, newest first within each group
    assert reqs[0].url.endswith("-6-thang-dau-nam-2024-16551.html")
    assert reqs[0].meta["hints"] == {"lastmod": "2024-06-21"}
    assert [r.meta["hints"]["lastmod"] for r in cchc] == sorted((r.meta["hints"]["lastmod"] for r in cchc), reverse=True)


def test_parse_sitemap_drops_entries_older_than_the_cutoff(make_spider: Callable[..., Any]) -> None:
    recent: SitemapsSpider = make_spider(SitemapsSpider, sources="p-phutho", since_years=2)  # from 2024-01-01
    out = recent.parse_sitemap(file_response("news_sitemap_urlset", meta={**META, "sitemap_depth": 1}))
    assert sorted(r.meta["hints"]["lastmod"] for r in requests(list(out))) == [
        "2024-03-30", "2024-06-21", "2024-08-04", "2024-10-02"]


def test_parse_sitemap_caps_the_articles_per_portal(make_spider: Callable[..., Any]) -> None:
    capped: SitemapsSpider = make_spider(SitemapsSpider, sources="p-phutho", max_urls=3)
    out = capped.parse_sitemap(file_response("news_sitemap_urlset", meta={**META, "sitemap_depth": 1}))
    assert len(requests(list(out))) == 3
    assert capped.crawler.stats.get_value("cchc/sitemaps/capped") == 1


def test_parse_sitemap_on_a_broken_gzip_records_why(spider: SitemapsSpider, tmp_path: Path) -> None:
    broken = tmp_path / "sitemap.xml.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00" + b"not deflate data" * 4)
    (fetch,) = spider.parse_sitemap(file_response(broken, f"{URLSET}.gz", meta={**META, "sitemap_depth": 1}))
    assert isinstance(fetch, FetchItem) and fetch.error is not None and fetch.error.startswith("broken gzip sitemap")


def test_parse_sitemap_on_an_html_page_records_why(spider: SitemapsSpider) -> None:
    """A portal's "sitemap" that is its home page: lxml reads it leniently into no entries, so without
    the check the run showed a sitemap that listed nothing and no error."""
    (fetch,) = spider.parse_sitemap(file_response("news_home", URLSET, meta={**META, "sitemap_depth": 1}))
    assert isinstance(fetch, FetchItem) and (fetch.status, fetch.error) == (200, "not a sitemap: text/html page")


def test_parse_sitemap_on_a_soft_404_records_why(spider: SitemapsSpider, tmp_path: Path) -> None:
    """A missing sitemap answered with status 200 and a "page not found" page (a soft 404)."""
    soft = tmp_path / "sitemap.html"
    soft.write_text("<!DOCTYPE html><html><head><meta charset=\"utf-8\" /><title>404 - Không tìm thấy trang</title>"
                    "</head><body><h1>Không tìm thấy trang yêu cầu</h1></body></html>", encoding="utf-8")
    (fetch,) = spider.parse_sitemap(file_response(soft, URLSET, meta={**META, "sitemap_depth": 1}))
    assert isinstance(fetch, FetchItem) and (fetch.status, fetch.error) == (200, "not a sitemap: text/html page")


def test_parse_sitemap_on_a_waf_block_page_says_so(spider: SitemapsSpider) -> None:
    (fetch,) = spider.parse_sitemap(file_response(PAGES.parent / "pages" / "hard_waf_block.html", URLSET,
                                                  meta={**META, "sitemap_depth": 1}))
    assert isinstance(fetch, FetchItem) and fetch.error == "WAF block page (status 200)"


def test_parse_sitemap_served_as_text_html_is_still_read(spider: SitemapsSpider, tmp_path: Path) -> None:
    """The root decides, not the content type: a real urlset some servers label text/html is read."""
    mislabelled = tmp_path / "sitemap.html"
    mislabelled.write_bytes((PAGES / "news_sitemap_urlset.body").read_bytes())
    out = list(spider.parse_sitemap(file_response(mislabelled, URLSET, meta={**META, "sitemap_depth": 1})))
    assert isinstance(out[0], FetchItem) and out[0].error is None
    assert len(requests(out)) == 11


def test_parse_sitemap_on_a_feed_names_its_root(spider: SitemapsSpider, tmp_path: Path) -> None:
    feed = tmp_path / "sitemap.xml"
    feed.write_text('<?xml version="1.0"?><rss version="2.0"><channel><title>Tin</title></channel></rss>')
    (fetch,) = spider.parse_sitemap(file_response(feed, URLSET, meta={**META, "sitemap_depth": 1}))
    assert isinstance(fetch, FetchItem) and fetch.error == "not a sitemap: <rss> document"


def test_parse_sitemap_on_http_404_records_the_status(spider: SitemapsSpider) -> None:
    (fetch,) = spider.parse_sitemap(file_response("news_gone", URLSET, meta={**META, "sitemap_depth": 1}))
    assert isinstance(fetch, FetchItem) and (fetch.status, fetch.error) == (404, "HTTP 404")


def test_sitemaps_of_a_known_portal_are_read_on_its_walk_day_only(make_spider: Callable[..., Any], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Incremental crawl: a portal whose documents are known gets no sitemap request on the other six
    days of its week (the daily feeds and first listing pages find what is new), only the shared home
    page (`parse_home` reads them when it links nothing); `--full`, a period of 1 and a portal with no
    known document read them every day."""
    import datetime as dt

    from crawler.incremental import KnownPages, full_walk_day

    known = tmp_path / "pages.sqlite"
    KnownPages.write(known, [("https://phutho.gov.vn/vi/news/a-1.html", "p-phutho", None, None, None, None)])
    week = [dt.date(2026, 3, 2) + dt.timedelta(days=k) for k in range(7)]
    (walk,) = [d for d in week if full_walk_day("p-phutho", d)]
    robots = "https://phutho.gov.vn/robots.txt"

    def starts(day: dt.date, sources: str = "p-phutho", **settings: Any) -> list[str]:
        monkeypatch.setenv("CCHC_OBSERVED_ON", day.isoformat())
        s: SitemapsSpider = make_spider(SitemapsSpider, sources=sources,
                                        settings={"CCHC_KNOWN_PAGES": str(known), "CCHC_SITEMAP_WALK_DAYS": 7,
                                                  **settings})
        return [r.url for p in s.portals.values() for r in s.start_portal(p)]

    home = "https://phutho.gov.vn/"
    assert [d for d in week if starts(d) != [home]] == [walk]
    assert starts(walk) == [robots]
    other = walk + dt.timedelta(days=1)
    assert starts(other, CCHC_FULL_CRAWL=True) == [robots]
    assert starts(other, CCHC_SITEMAP_WALK_DAYS=1) == [robots]
    assert starts(other, "p-cantho") == ["https://cantho.gov.vn/robots.txt"]  # nothing known of it yet


def test_parse_home_on_a_non_walk_day_reads_the_sitemaps_only_when_the_home_page_links_nothing(
        spider: SitemapsSpider) -> None:
    """The daily sources are all found from the home page: one that answers 200 but links none of the
    portal's pages (the client-rendered shell of a redesign, sim/redesign.py) leaves the sitemaps as
    the only way to the portal's documents that day, so they are read; an ordinary home page, a
    failed one or a WAF page reads nothing more."""
    from sim.network import SimNetwork
    from sim.redesign import shell_page

    home = {**META, "is_home": True}
    assert list(spider.parse_home(file_response("news_home", "https://phutho.gov.vn/", meta=home))) == []
    assert list(spider.parse_home(file_response("news_gone", "https://phutho.gov.vn/", meta=home))) == []
    shell = file_response("news_home", "https://phutho.gov.vn/", meta=home)
    shell = shell.replace(body=shell_page(SimNetwork(day=1).world.portals["p-tayninh"], "/"))
    assert [r.url for r in requests(list(spider.parse_home(shell)))] == ["https://phutho.gov.vn/robots.txt"]
    waf = shell.replace(body=b"<html><body>Request Rejected. The requested URL was rejected.</body></html>")
    assert spider.problem(waf) is not None and list(spider.parse_home(waf)) == []
