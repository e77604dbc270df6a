"""Errbacks and bounds: a request that failed below HTTP (timeout, refused connection) is still a
stored row, and a sitemap index deeper than the bound is recorded, not followed."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from callback_pages import file_response
from scrapy import Request
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure

from crawler.items import FetchItem, HealthItem, NationalIndexItem
from crawler.spiders.feeds import FeedsSpider
from crawler.spiders.index766 import Index766Spider
from crawler.spiders.sitemaps import SitemapsSpider


def failure_of(request: Request, exc: Exception) -> Failure:
    failure = Failure(exc)
    failure.request = request  # type: ignore[attr-defined]  # Scrapy attaches the request the same way
    return failure


def test_on_error_for_a_home_page_is_a_fetch_error_and_a_health_error(make_spider: Callable[..., Any]) -> None:
    spider: FeedsSpider = make_spider(FeedsSpider, sources="p-phutho")
    request = Request("https://phutho.gov.vn/", meta={"portal_id": "p-phutho", "is_home": True})
    fetch, health = spider.on_error(failure_of(request, twisted_error.TimeoutError("User timeout caused connection failure.")))
    assert isinstance(fetch, FetchItem) and (fetch.url, fetch.status, fetch.discovered_by) == (request.url, None, "feeds")
    assert fetch.error is not None and fetch.error.startswith("TimeoutError: ")
    assert isinstance(health, HealthItem) and (health.error, health.status) == (fetch.error, None)
    assert spider.crawler.stats.get_value("cchc/errors/TimeoutError") == 1


def test_on_error_for_another_page_is_a_fetch_error_only(make_spider: Callable[..., Any]) -> None:
    spider: FeedsSpider = make_spider(FeedsSpider, sources="p-phutho")
    request = Request("https://phutho.gov.vn/vi/news/rss/", meta={"portal_id": "p-phutho"})
    (fetch,) = spider.on_error(failure_of(request, twisted_error.ConnectionRefusedError()))
    assert isinstance(fetch, FetchItem) and fetch.error is not None and fetch.error.startswith("ConnectionRefusedError")


def test_on_index_error_keeps_the_readings_of_earlier_pages(make_spider: Callable[..., Any]) -> None:
    spider: Index766Spider = make_spider(Index766Spider, sources="vn-dvcqg-766")
    earlier = [{"province_key": "dien-bien"}]
    request = Request("https://dichvucong.gov.vn/jsp/rest.jsp", meta={"portal_id": "vn-dvcqg-766", "readings": earlier,
                                                                      "issues": []})
    (item,) = spider.on_index_error(failure_of(request, twisted_error.TimeoutError()))
    assert isinstance(item, NationalIndexItem)
    assert (item.source_id, item.status, item.readings) == ("vn-dvcqg-766", None, earlier)
    assert item.error is not None and item.error.startswith("TimeoutError")


def test_a_sitemap_index_deeper_than_the_bound_is_recorded_once_and_not_followed(make_spider: Callable[..., Any]) -> None:
    spider: SitemapsSpider = make_spider(SitemapsSpider, sources="p-phutho", settings={"CCHC_SITEMAP_MAX_DEPTH": 1})
    deep = {"portal_id": "p-phutho", "sitemap_depth": 1}
    fetch, bound = spider.parse_sitemap(file_response("news_sitemap_index", meta=deep))
    assert isinstance(fetch, FetchItem) and fetch.error is None
    assert isinstance(bound, FetchItem) and bound.status is None
    assert bound.url == "https://phutho.gov.vn/vi/news/sitemap.xml"
    assert bound.error is not None and bound.error.startswith("not fetched: sitemap index nested deeper than 1")
    again = list(spider.parse_sitemap(file_response("news_sitemap_index", meta=deep)))
    assert len(again) == 1  # the bound is recorded once per portal
    assert spider.crawler.stats.get_value("cchc/sitemaps/bound_depth") == 2
