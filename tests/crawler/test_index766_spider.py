"""The index766 spider without a network: the request it sends, and every kind of bad answer becomes a
stored fault (never a crash, never a made-up figure)."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from scrapy import Request
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import text
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure

from crawler.items import NationalIndexItem
from crawler.spiders.index766 import PAGE_SIZE, Index766Spider
from storage import Store

API = "https://dichvucong.gov.vn/jsp/rest.jsp"
REGISTRY = """# test
id,name,level,province,parent,base_url,cms,feeds,sitemaps,listings,registers,hosts,widget_url,unit_code,unverified,notes,kind
p-dienbien,UBND tỉnh Điện Biên,province,Điện Biên,,https://dienbien.gov.vn/,tandan_sp,,,,,,,,,,
vn-dvcqg-766,Cổng Dịch vụ công quốc gia,,,,https://dichvucong.gov.vn/,,,,,,,,,,,national_index
"""


@pytest.fixture
def spider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Index766Spider:
    monkeypatch.setenv("CCHC_OBSERVED_ON", "2026-03-02")
    path = tmp_path / "portals.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    return Index766Spider.from_crawler(get_crawler(Index766Spider), registry=str(path))


def first_request(spider: Index766Spider) -> Request:
    async def take() -> Request:
        async for req in spider.start():
            return req
        raise AssertionError("no request")
    return asyncio.run(take())


def answer(request: Request, body: bytes, status: int = 200, ctype: bytes = b"application/json") -> TextResponse:
    return TextResponse(url=request.url, body=body, status=status, headers={"Content-Type": ctype},
                        request=request, encoding="utf-8")


def test_the_request_is_the_real_portal_shape_for_the_observed_year(spider: Index766Spider) -> None:
    req = first_request(spider)
    assert (req.method, req.url) == ("POST", API)  # widget_url empty: the default path on base_url
    params = json.loads(parse_qs(req.body.decode())["params"][0])
    assert params["service"] == "report_tinh_766_service" and params["p_nam"] == "2026"
    assert (params["pageIndex"], params["pageSize"], params["p_tinh_id"]) == (1, PAGE_SIZE, 0)
    assert req.headers[b"X-Requested-With"] == b"XMLHttpRequest"
    assert req.headers[b"Referer"] == b"https://dichvucong.gov.vn/p/home/dvc-index-tinhthanhpho-tonghop.html"
    assert req.meta["portal_id"] == "vn-dvcqg-766"


@pytest.mark.parametrize("body, status, words", [
    ("<html><body>Lỗi hệ thống</body></html>".encode(), 200, "did not answer JSON"),
    (b"Bad gateway", 502, "HTTP 502"),
    (b"<html>The requested URL was rejected. Please consult with your administrator. Your support ID is: 1</html>",
     200, "WAF block page"),
    (b'{"message": "error"}', 200, "another shape"),
])
def test_bad_answers_become_a_stored_fault(spider: Index766Spider, tmp_path: Path, body: bytes, status: int,
                                           words: str) -> None:
    req = first_request(spider)
    (item,) = list(spider.parse_index(answer(req, body, status, b"text/html")))
    assert isinstance(item, NationalIndexItem) and words in (item.error or "") and item.readings == []
    store = Store.open(str(tmp_path / "f.sqlite"))
    run = store.start_run(trigger="manual", observed_on=dt.date(2026, 3, 2))
    store.save_items(run, [item])
    with store.engine.connect() as conn:
        fetch = conn.execute(text("select status, error, provinces from index766_fetches")).one()
        readings = conn.execute(text("select count(*) from index766_readings")).scalar()
    store.close()
    assert store.failed_items == [] and fetch[0] == status and words in fetch[1] and fetch[2] == 0 and readings == 0


def test_a_connection_failure_is_a_fault_too(spider: Index766Spider) -> None:
    req = first_request(spider)
    failure = Failure(twisted_error.ConnectionRefusedError("refused"))
    failure.request = req  # type: ignore[attr-defined]
    (item,) = list(spider.on_index_error(failure))
    assert item.error.startswith("ConnectionRefusedError") and item.status is None


def test_full_pages_are_followed_and_joined(spider: Index766Spider) -> None:
    req = first_request(spider)
    page1 = [{"TEN": f"Tỉnh P{n}", "TDGQ": "15,5"} for n in range(PAGE_SIZE)]
    (nxt,) = list(spider.parse_index(answer(req, json.dumps(page1).encode())))
    assert json.loads(parse_qs(nxt.body.decode())["params"][0])["pageIndex"] == 2
    (item,) = list(spider.parse_index(answer(nxt, json.dumps([{"TEN": "Tỉnh Q", "TDGQ": 12}]).encode())))
    assert item.error is None and len(item.readings) == PAGE_SIZE + 1
    assert item.readings[0]["scores"]["TDGQ"] == 15.5 and item.readings[-1]["province"] == "Tỉnh Q"
