"""FeedsSpider callbacks on saved pages: the home page's RSS links, then the feed's entries."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from callback_pages import file_response
from scrapy import Request

from crawler.items import FetchItem, HealthItem
from crawler.spiders.feeds import FeedsSpider

HOME = {"portal_id": "p-phutho", "is_home": True}
FEED = {"portal_id": "p-phutho"}


@pytest.fixture
def spider(make_spider: Callable[..., Any]) -> FeedsSpider:
    spider: FeedsSpider = make_spider(FeedsSpider, sources="p-phutho")
    return spider


def test_parse_home_requests_each_rss_link_the_page_declares(spider: FeedsSpider) -> None:
    out = list(spider.parse_home(file_response("news_home", meta=HOME)))
    assert all(isinstance(r, Request) for r in out)
    assert [r.url for r in out] == ["https://phutho.gov.vn/vi/news/rss/",
                                    "https://phutho.gov.vn/vi/news/rss/cai-cach-hanh-chinh/"]
    assert all(r.callback == spider.parse_feed and r.errback == spider.on_error for r in out)
    assert all(r.meta["portal_id"] == "p-phutho" and r.meta["handle_httpstatus_all"] for r in out)


def test_parse_home_on_an_error_page_records_the_fetch_and_requests_nothing(spider: FeedsSpider) -> None:
    (item,) = spider.parse_home(file_response("news_gone", "https://phutho.gov.vn/", meta=HOME))
    assert isinstance(item, FetchItem)
    assert (item.status, item.error, item.url) == (404, "HTTP 404", "https://phutho.gov.vn/")


def test_parse_feed_records_the_fetch_and_that_the_portal_has_a_feed(spider: FeedsSpider) -> None:
    out = list(spider.parse_feed(file_response("news_feed", meta=FEED)))
    fetch, health = out[0], out[1]
    assert isinstance(fetch, FetchItem)
    assert (fetch.portal_id, fetch.url, fetch.status, fetch.error, fetch.discovered_by) == (
        "p-phutho", "https://phutho.gov.vn/vi/news/rss/", 200, None, "feeds")
    assert fetch.fetched_at == "2026-03-02T05:00:00+00:00"  # the frozen clock, in UTC
    assert fetch.content_hash is not None and len(fetch.content_hash) == 64
    assert isinstance(health, HealthItem)
    assert (health.portal_id, health.url, health.has_feed) == ("p-phutho", "https://phutho.gov.vn/", True)


def test_parse_feed_requests_every_entry_as_an_article_with_its_feed_title_and_date(spider: FeedsSpider) -> None:
    requests = [r for r in spider.parse_feed(file_response("news_feed", meta=FEED)) if isinstance(r, Request)]
    assert len(requests) == 12
    assert all(r.callback == spider.parse_article and r.priority == 10 for r in requests)
    first = requests[0]
    assert first.url == ("https://phutho.gov.vn/vi/news/tin-tuc-su-kien/"
                         "phat-dong-phong-trao-thi-dua-xay-dung-nong-thon-moi-16604.html")
    assert first.meta["hints"] == {"title": "Phát động phong trào thi đua xây dựng nông thôn mới",
                                   "feed_published": "Wed, 2 Oct 2024 01:10:40 GMT"}
    cchc = [r.url for r in requests if "/cai-cach-hanh-chinh/" in r.url]
    assert len(cchc) == 5 and len(set(r.url for r in requests)) == 12


def test_an_article_already_requested_in_this_crawl_is_not_requested_again(spider: FeedsSpider) -> None:
    first = [r.url for r in spider.parse_feed(file_response("news_feed", meta=FEED)) if isinstance(r, Request)]
    again = [r for r in spider.parse_feed(file_response("news_feed", meta=FEED)) if isinstance(r, Request)]
    assert first and again == []
    assert spider.crawler.stats.get_value("cchc/articles/duplicate_discoveries") == len(first)


def test_parse_feed_on_a_page_that_is_no_feed_says_so_and_stops(spider: FeedsSpider) -> None:
    out = list(spider.parse_feed(file_response("news_home", "https://phutho.gov.vn/vi/news/rss/", meta=FEED)))
    (fetch,) = out
    assert isinstance(fetch, FetchItem) and fetch.error is not None and fetch.error.startswith("not a feed")


def test_parse_feed_on_http_404_records_the_status_as_the_error(spider: FeedsSpider) -> None:
    (fetch,) = spider.parse_feed(file_response("news_gone", "https://phutho.gov.vn/vi/news/rss/", meta=FEED))
    assert isinstance(fetch, FetchItem) and (fetch.status, fetch.error) == (404, "HTTP 404")
