"""PortalSpider.parse_article (shared by every discovery method) on saved pages."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from callback_pages import PAGES, file_response, page_meta

from crawler.conditional import UNCHANGED
from crawler.items import FetchItem, PageItem, RemovedItem, SeenItem, ValidatorItem
from crawler.spiders.feeds import FeedsSpider

ARTICLE = page_meta("news_article")["url"]
HINTS = {"title": "Kế hoạch cải cách hành chính nhà nước năm 2022 của UBND tỉnh Phú Thọ", "feed_published": None}


@pytest.fixture
def spider(make_spider: Callable[..., Any]) -> FeedsSpider:
    spider: FeedsSpider = make_spider(FeedsSpider, sources="p-phutho")
    return spider


def test_an_article_yields_its_fetch_then_the_page_for_extraction(spider: FeedsSpider) -> None:
    fetch, page = spider.parse_article(file_response("news_article", meta={"portal_id": "p-phutho", "hints": HINTS}))
    assert isinstance(fetch, FetchItem)
    assert (fetch.url, fetch.status, fetch.error, fetch.discovered_by) == (ARTICLE, 200, None, "feeds")
    assert isinstance(page, PageItem)
    assert (page.portal_id, page.url, page.requested_url, page.status) == ("p-phutho", ARTICLE, ARTICLE, 200)
    assert page.hints == HINTS and page.discovered_by == "feeds"
    assert page.fetched_at == "2026-03-02T05:00:00+00:00"


def test_the_page_carries_its_html_its_attachment_and_its_raw_copy(spider: FeedsSpider) -> None:
    response = file_response("news_article", meta={"portal_id": "p-phutho"})
    _, page = spider.parse_article(response)
    assert isinstance(page, PageItem)
    assert "Kế hoạch cải cách hành chính nhà nước năm 2022" in page.html
    assert page.file_urls == ["https://phutho.gov.vn/uploads/news/2022_01/742-kh-ubnd.pdf"]
    assert page.raw is not None and page.raw["kind"] == "page" and page.raw["url"] == ARTICLE
    saved = dict(page_meta("news_article")["headers"])  # what the next run's conditional request sends
    assert page.validator == ValidatorItem(portal_id="p-phutho", url=ARTICLE, etag=saved.get("ETag"),
                                           last_modified=saved["Last-Modified"],
                                           body_sha256=hashlib.sha256(response.body).hexdigest())


def test_the_page_url_is_canonical_and_the_requested_url_is_kept(spider: FeedsSpider) -> None:
    requested = f"{ARTICLE}?utm_source=zalo"
    _, page = spider.parse_article(file_response("news_article", ARTICLE, meta={"portal_id": "p-phutho",
                                                                                 "redirected_from": requested}))
    assert isinstance(page, PageItem) and (page.url, page.requested_url) == (ARTICLE, requested)


def test_a_gone_article_is_a_fetch_error_and_a_removal(spider: FeedsSpider) -> None:
    gone = page_meta("news_gone")["url"]
    fetch, removed = spider.parse_article(file_response("news_gone", meta={"portal_id": "p-phutho"}))
    assert isinstance(fetch, FetchItem) and (fetch.status, fetch.error) == (404, "HTTP 404")
    assert isinstance(removed, RemovedItem) and (removed.portal_id, removed.url, removed.status) == (
        "p-phutho", gone, 404)
    assert spider.crawler.stats.get_value("cchc/articles/unusable") == 1


def test_a_waf_block_page_is_a_fetch_error_and_no_page(spider: FeedsSpider) -> None:
    (fetch,) = spider.parse_article(file_response(PAGES.parent / "pages" / "hard_waf_block.html", ARTICLE,
                                                  meta={"portal_id": "p-phutho"}))
    assert isinstance(fetch, FetchItem) and fetch.error == "WAF block page (status 200)"


def test_an_answer_found_unchanged_is_a_sighting_without_a_fetch(spider: FeedsSpider) -> None:
    out = list(spider.parse_article(file_response("news_article", meta={"portal_id": "p-phutho", UNCHANGED: "304"})))
    (seen,) = out
    assert isinstance(seen, SeenItem)
    assert (seen.portal_id, seen.url, seen.how, seen.discovered_by) == ("p-phutho", ARTICLE, "304", "feeds")
