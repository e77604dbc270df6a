"""RegistersSpider callbacks on saved pages: the home page's register link, then a register's rows."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from callback_pages import file_response

from crawler.items import FetchItem, PageItem
from crawler.spiders.registers import RegistersSpider

REGISTER = "https://dienbien.gov.vn/portal/Pages/Van-ban-chi-dao-dieu-hanh.aspx"
META = {"portal_id": "p-dienbien", "listing_depth": 1}


@pytest.fixture
def spider(make_spider: Callable[..., Any]) -> RegistersSpider:
    spider: RegistersSpider = make_spider(RegistersSpider, sources="p-dienbien")
    return spider


def test_parse_home_requests_the_register_page(spider: RegistersSpider) -> None:
    (request,) = spider.parse_home(file_response("register_home", meta={"portal_id": "p-dienbien", "is_home": True}))
    assert (request.url, request.callback, request.meta["listing_depth"]) == (REGISTER, spider.parse_register, 1)


def test_parse_register_yields_one_page_item_per_cchc_row(spider: RegistersSpider) -> None:
    fetch, *pages = spider.parse_register(file_response("register_p1", meta=META))
    assert isinstance(fetch, FetchItem) and (fetch.url, fetch.error, fetch.discovered_by) == (REGISTER, None, "registers")
    assert len(pages) == 5 and all(isinstance(p, PageItem) for p in pages)
    assert spider.crawler.stats.get_value("cchc/registers/rows") >= 5
    assert spider.crawler.stats.get_value("cchc/registers/cchc_rows") == 5


def test_a_register_row_becomes_a_page_with_its_columns_as_hints(spider: RegistersSpider) -> None:
    _, first, *_ = spider.parse_register(file_response("register_p1", meta=META))
    assert isinstance(first, PageItem)
    assert (first.portal_id, first.url, first.requested_url) == (
        "p-dienbien", f"{REGISTER}?ItemID=2236", REGISTER)
    row = first.hints["register_row"]
    assert (row["number"], row["date"], row["issuer"]) == ("1637/KH-UBND", "28/12/2023", "UBND tỉnh Điện Biên")
    assert row["summary"] == "Kế hoạch cải cách hành chính nhà nước năm 2024 của UBND tỉnh Điện Biên"
    assert first.hints["register_page"] == REGISTER
    assert first.file_urls == ["https://dienbien.gov.vn/portal/VanBan/2023-12/1637-kh-ubnd.pdf"]
    assert "1637/KH-UBND" in first.html  # the row's own markup is the page the extractor reads
    assert first.validator is not None and first.validator.body_sha256 is not None


def test_a_register_url_that_is_no_register_is_a_fetch_error(spider: RegistersSpider) -> None:
    (fetch,) = spider.parse_register(file_response("news_article", REGISTER, meta=META))
    assert isinstance(fetch, FetchItem) and fetch.error == "no document-register table on this page"


def test_a_register_that_answers_an_error_stops_there(spider: RegistersSpider) -> None:
    (fetch,) = spider.parse_register(file_response("news_gone", REGISTER, meta=META))
    assert isinstance(fetch, FetchItem) and (fetch.status, fetch.error) == (404, "HTTP 404")
