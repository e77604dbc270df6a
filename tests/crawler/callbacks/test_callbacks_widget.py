"""WidgetSpider callbacks on saved pages: the home page (visitor counter, widget iframe), then the
widget's own page or JSON answer."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from callback_pages import PAGES, file_response, page_meta

from crawler.items import FetchItem, HealthItem, WidgetItem
from crawler.spiders.widget import WidgetSpider

IFRAME = page_meta("widget_iframe")["url"]
HOME = "https://dienbien.gov.vn/"
VISITORS = {"online": 381, "today": 2054, "week": None, "month": None, "total": 4339422}
SOURCE_META = {"portal_id": "p-dienbien", "visitors": VISITORS, "rest": [], "home": HOME}


@pytest.fixture
def spider(make_spider: Callable[..., Any]) -> WidgetSpider:
    spider: WidgetSpider = make_spider(WidgetSpider, sources="p-dienbien")
    return spider


def test_parse_home_records_health_and_requests_the_widget_iframe_with_the_visitor_counter(spider: WidgetSpider) -> None:
    fetch, health, request = spider.parse_home(file_response("register_home", meta={"portal_id": "p-dienbien",
                                                                                     "is_home": True}))
    assert isinstance(fetch, FetchItem) and (fetch.url, fetch.error, fetch.discovered_by) == (HOME, None, "widget")
    assert isinstance(health, HealthItem) and (health.status, health.error, health.waf_blocked) == (200, None, False)
    assert (request.url, request.callback) == (IFRAME, spider.parse_source)
    assert request.meta["visitors"] == VISITORS
    assert (request.meta["rest"], request.meta["home"]) == ([], HOME)


def test_parse_home_reads_an_inline_widget_without_another_request(make_spider: Callable[..., Any]) -> None:
    spider: WidgetSpider = make_spider(WidgetSpider, sources="p-phutho")
    out = list(spider.parse_home(file_response("news_home", meta={"portal_id": "p-phutho", "is_home": True})))
    assert [type(o) for o in out] == [FetchItem, HealthItem, HealthItem, WidgetItem]
    reading = out[3]
    assert isinstance(reading, WidgetItem) and (reading.source, reading.url) == ("inline", "https://phutho.gov.vn/")
    assert reading.widget is not None
    assert (reading.widget["total"], reading.widget["on_time"], reading.widget["late"]) == (104256, 100086, 4170)
    assert reading.widget_issues == []  # updated 10:47 on the day, read at noon
    assert reading.visitors is not None and reading.visitors["total"] == 1977766


def test_parse_home_without_a_widget_says_the_portal_has_none(spider: WidgetSpider, tmp_path: Path) -> None:
    home = tmp_path / "home.html"
    home.write_text("<html><body><h1>UBND tỉnh Điện Biên</h1><p>Tin tức</p></body></html>", encoding="utf-8")
    out = list(spider.parse_home(file_response(home, HOME, meta={"portal_id": "p-dienbien", "is_home": True})))
    # the registry row names no widget URL for p-dienbien here: nothing to request
    assert [type(o) for o in out] == [FetchItem, HealthItem, HealthItem]
    assert isinstance(out[2], HealthItem) and out[2].has_widget is False


def test_parse_source_reads_the_iframe_widget(spider: WidgetSpider) -> None:
    fetch, health, reading = spider.parse_source(file_response("widget_iframe", meta=SOURCE_META))
    assert isinstance(fetch, FetchItem) and (fetch.url, fetch.error) == (IFRAME, None)
    assert isinstance(health, HealthItem) and health.has_widget is True and health.url == HOME
    assert isinstance(reading, WidgetItem)
    assert (reading.portal_id, reading.url, reading.source, reading.visitors) == ("p-dienbien", IFRAME, "iframe", VISITORS)
    assert reading.widget is not None
    assert (reading.widget["on_time_rate"], reading.widget["period"], reading.widget["updated_at"]) == (
        99.5, "2026-03", "2026-03-02T00:00:00+07:00")
    assert any("floor" in issue for issue in reading.widget_issues)
    assert spider.crawler.stats.get_value("cchc/widgets/iframe") == 1


def test_parse_source_reads_a_json_widget_answer(spider: WidgetSpider) -> None:
    api = "https://dichvucong.dienbien.gov.vn/api/v1/thongkehosotructuyens/hoso"
    *_, reading = spider.parse_source(file_response(PAGES.parent / "api" / "tandan_hoso.json", api, meta=SOURCE_META))
    assert isinstance(reading, WidgetItem) and reading.source == "json"
    assert reading.widget is not None and (reading.widget["on_time"], reading.widget["late"]) == (1870, 12)


def test_a_source_without_a_widget_tries_the_next_then_gives_up(spider: WidgetSpider, tmp_path: Path) -> None:
    blank = tmp_path / "blank.html"
    blank.write_text("<html><body><p>Trang đang bảo trì</p></body></html>", encoding="utf-8")
    nxt = "https://dichvucong.dienbien.gov.vn/widget-2"
    _, request = spider.parse_source(file_response(blank, IFRAME, meta={**SOURCE_META, "rest": [nxt]}))
    assert (request.url, request.callback, request.meta["rest"]) == (nxt, spider.parse_source, [])
    out = list(spider.parse_source(file_response(blank, nxt, meta=SOURCE_META)))
    assert isinstance(out[1], HealthItem) and out[1].has_widget is False
    assert isinstance(out[2], WidgetItem) and (out[2].source, out[2].widget, out[2].url) == ("none", None, HOME)


def test_a_json_source_that_is_not_json_is_a_fetch_without_a_reading(spider: WidgetSpider, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"data": {"daTiepNhan": 12', encoding="utf-8")
    out = list(spider.parse_source(file_response(broken, IFRAME, meta=SOURCE_META)))
    assert not any(isinstance(o, WidgetItem) and o.widget for o in out)
    assert isinstance(out[0], FetchItem)
