"""RecheckSpider (known pages re-read) and Index766Spider (the national index) on saved answers."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from callback_pages import file_response, page_meta
from scrapy import Request
from scrapy.http import Response

from crawler.conditional import UNCHANGED
from crawler.incremental import KnownPages
from crawler.items import FetchItem, NationalIndexItem, PageItem, RemovedItem, SeenItem, ValidatorItem
from crawler.spiders import index766
from crawler.spiders.base import _REQUESTED_ARTICLES
from crawler.spiders.index766 import Index766Spider
from crawler.spiders.recheck import RecheckSpider

ARTICLE = page_meta("news_article")["url"]
GONE = page_meta("news_gone")["url"]
#: a register row's detail page, known as a register-row document (its stored hash is the row's markup)
ROW = "https://phutho.gov.vn/van-ban/chi-tiet?id=17"


def start_requests(spider: Any) -> list[Request]:
    async def take() -> list[Request]:
        return [r async for r in spider.start()]
    return asyncio.run(take())


@pytest.fixture
def recheck(make_spider: Callable[..., Any], tmp_path: Path) -> RecheckSpider:
    # the run's known-pages file, as crawler.run writes it from the database (url, portal, validators)
    known = tmp_path / "known.pages.sqlite"
    KnownPages.write(known, [(ARTICLE, "p-phutho", None, None, None, None), (GONE, "p-phutho", None, None, None, None),
                        (ROW, "p-phutho", None, None, "0" * 64, "2026-01-01", "registers")])
    # a full crawl: every known page is due today (the re-check calendar is tested in test_incremental_policy)
    spider: RecheckSpider = make_spider(RecheckSpider, sources="p-phutho",
                                        settings={"CCHC_FULL_CRAWL": True, "CCHC_KNOWN_PAGES": str(known)})
    return spider


def test_recheck_requests_each_known_page_not_already_fetched_by_discovery(recheck: RecheckSpider) -> None:
    _REQUESTED_ARTICLES.update({GONE, ROW})  # discovery spiders of this run fetched them already
    (request,) = start_requests(recheck)
    assert (request.url, request.callback, request.priority) == (ARTICLE, recheck.parse_known, -10)
    assert request.meta["portal_id"] == "p-phutho"


def test_parse_known_on_an_unchanged_page_is_a_sighting_without_a_fetch_row(recheck: RecheckSpider) -> None:
    # the conditional middleware found the body's hash equal to the stored one (a 304 is marked the same way)
    (seen,) = recheck.parse_known(file_response("news_article", meta={"portal_id": "p-phutho", UNCHANGED: "same_body"}))
    assert isinstance(seen, SeenItem) and (seen.url, seen.how, seen.discovered_by) == (ARTICLE, "same_body", "recheck")
    assert recheck.crawler.stats.get_value("cchc/incremental/unchanged/recheck") == 1
    assert recheck.crawler.stats.get_value("cchc/recheck/changed") is None


def test_parse_known_on_a_changed_page_extracts_it_as_discovery_does(recheck: RecheckSpider) -> None:
    out = list(recheck.parse_known(file_response("news_article", meta={"portal_id": "p-phutho"})))
    fetch, page = out
    assert isinstance(fetch, FetchItem) and (fetch.url, fetch.status, fetch.error) == (ARTICLE, 200, None)
    assert isinstance(page, PageItem) and (page.url, page.discovered_by) == (ARTICLE, "recheck")
    assert "<html" in page.html.lower() and page.raw is not None
    assert isinstance(page.validator, ValidatorItem) and page.validator.url == ARTICLE and page.validator.body_sha256
    # the same records the discovery spiders' shared article parse gives for the same answer
    assert out == list(recheck.parse_article(file_response("news_article", meta={"portal_id": "p-phutho"})))
    assert recheck.crawler.stats.get_value("cchc/recheck/changed") == 1


def test_parse_known_on_a_file_still_there_is_a_sighting_without_extraction(recheck: RecheckSpider) -> None:
    url = "https://phutho.gov.vn/uploads/ke-hoach-cchc-2026.pdf"
    pdf = Response(url=url, body=b"%PDF-1.4 changed bytes", status=200, headers={"Content-Type": "application/pdf"},
                   request=Request(url, meta={"portal_id": "p-phutho"}))
    (seen,) = recheck.parse_known(pdf)
    assert isinstance(seen, SeenItem) and (seen.url, seen.how, seen.discovered_by) == (url, "fetched", "recheck")
    assert recheck.crawler.stats.get_value("cchc/recheck/still_there") == 1


def test_parse_known_on_a_register_rows_detail_page_is_a_sighting_without_extraction(recheck: RecheckSpider) -> None:
    # the answer differs from the stored (row) hash, as it always does: only the registers spider reads the row
    (seen,) = recheck.parse_known(file_response("news_article", url=ROW, meta={"portal_id": "p-phutho"}))
    assert isinstance(seen, SeenItem) and (seen.url, seen.how, seen.discovered_by) == (ROW, "fetched", "recheck")
    assert recheck.crawler.stats.get_value("cchc/recheck/changed") is None


def test_parse_known_on_a_page_gone_is_a_removal(recheck: RecheckSpider) -> None:
    fetch, removed = recheck.parse_known(file_response("news_gone", meta={"portal_id": "p-phutho"}))
    assert isinstance(fetch, FetchItem) and fetch.error == "HTTP 404"
    assert isinstance(removed, RemovedItem) and (removed.url, removed.status) == (GONE, 404)
    assert recheck.crawler.stats.get_value("cchc/recheck/gone") == 1


def test_parse_known_after_a_redirect_records_no_sighting_of_the_old_url(recheck: RecheckSpider) -> None:
    out = list(recheck.parse_known(file_response("news_article", meta={"portal_id": "p-phutho",
                                                                       "redirected_from": f"{ARTICLE}?old=1"})))
    assert [type(o) for o in out] == [FetchItem]


@pytest.fixture
def national(make_spider: Callable[..., Any]) -> Index766Spider:
    spider: Index766Spider = make_spider(Index766Spider, sources="vn-dvcqg-766")
    return spider


def index_response(spider: Index766Spider) -> Any:
    (request,) = start_requests(spider)
    return file_response("index766_p1", request=request)


def test_parse_index_reads_every_province_of_the_saved_answer(national: Index766Spider) -> None:
    (item,) = national.parse_index(index_response(national))
    assert isinstance(item, NationalIndexItem)
    assert (item.source_id, item.year, item.status, item.error) == ("vn-dvcqg-766", 2026, 200, None)
    saved = json.loads(file_response("index766_p1").body)
    assert len(item.readings) == len(saved) == 34
    assert len({r["province_key"] for r in item.readings}) == 34
    assert national.crawler.stats.get_value("cchc/index766/provinces") == 34


def test_parse_index_asks_for_the_next_page_when_a_page_is_full(national: Index766Spider,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index766, "PAGE_SIZE", 20)
    (request,) = national.parse_index(index_response(national))
    assert isinstance(request, Request) and request.callback == national.parse_index
    assert request.meta["page"] == 2 and len(request.meta["readings"]) == 34


def test_parse_index_on_an_html_answer_is_a_stored_fault(national: Index766Spider) -> None:
    (request,) = start_requests(national)
    (item,) = national.parse_index(file_response("news_home", request=request))
    assert isinstance(item, NationalIndexItem) and item.readings == []
    assert item.error is not None and "did not answer JSON" in item.error
