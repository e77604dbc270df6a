"""National sources (rows of kind `national_index`, issue 14): their own row kind, validated, never
among the portals, and the one host policy allows their host only through their row."""
from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.middlewares import HostGuardMiddleware
from crawler.registry import load_registry, validate_file
from crawler.spiders.index766 import Index766Spider
from crawler.spiders.widget import WidgetSpider

HEADER = ("id,name,level,province,parent,base_url,cms,feeds,sitemaps,listings,registers,hosts,widget_url,unit_code,"
          "unverified,notes,kind")
PROVINCE = "p-dienbien,UBND tỉnh Điện Biên,province,Điện Biên,,https://dienbien.gov.vn/,tandan_sp,,,,,,,,,,"
NATIONAL = ("vn-dvcqg-766,Cổng Dịch vụ công quốc gia,,,,https://dichvucong.gov.vn/,,,,,,api.dichvucong.gov.vn,"
            "https://dichvucong.gov.vn/jsp/rest.jsp,,,,national_index")
API = "https://dichvucong.gov.vn/jsp/rest.jsp"


@pytest.fixture
def registry_file(tmp_path):
    def _write(*rows: str, header: str = HEADER):
        path = tmp_path / "portals.csv"
        path.write_text("# test\n" + "\n".join([header, *rows]) + "\n", encoding="utf-8")
        return path
    return _write


def test_the_bundled_national_source_is_no_portal() -> None:
    reg = load_registry()
    (src,) = reg.national
    assert (src.id, src.kind, src.allowed_hosts) == ("vn-dvcqg-766", "national_index", ("dichvucong.gov.vn",))
    assert src.id not in reg and all(p.id != src.id for p in reg.portals)
    assert all(p.host != "dichvucong.gov.vn" and "dichvucong.gov.vn" not in p.allowed_hosts for p in reg.portals)
    # a crawl's --source list names portals and national sources together: neither side refuses the other's ids
    assert reg.select(ids=["vn-dvcqg-766"]) == []
    assert [p.id for p in reg.select(ids=["p-hanoi", "vn-dvcqg-766"])] == ["p-hanoi"]
    assert reg.national_sources(["p-hanoi"]) == []


def test_a_file_without_the_kind_column_still_loads(registry_file) -> None:
    path = registry_file(PROVINCE[:-1], header=HEADER.removesuffix(",kind"))
    reg = load_registry(path)
    assert [p.id for p in reg] == ["p-dienbien"] and reg.national == ()


def test_national_row_parsed_with_its_hosts(registry_file) -> None:
    reg = load_registry(registry_file(PROVINCE, NATIONAL))
    (src,) = reg.national
    assert src.allowed_hosts == ("dichvucong.gov.vn", "api.dichvucong.gov.vn")
    assert src.widget_url == API and src.line == 4
    assert src.to_row()["kind"] == "national_index" and src.to_row()["level"] == ""


@pytest.mark.parametrize("row, expected", [
    (NATIONAL.replace(",,,,https://dichvucong", ",province,,,https://dichvucong"),
     "portals.csv:4: field 'level': a national_index row has no level"),
    (NATIONAL.replace(",,,,https://dichvucong", ",,Hà Nội,,https://dichvucong"),
     "portals.csv:4: field 'province': a national_index row has no province"),
    (NATIONAL.replace("https://dichvucong.gov.vn/,", ","), "portals.csv:4: field 'base_url': missing required field"),
    (NATIONAL.replace("national_index", "national"), "portals.csv:4: field 'kind': unknown row kind 'national'"),
    (NATIONAL.replace("api.dichvucong.gov.vn", "127.0.0.1"), "portals.csv:4: field 'hosts': '127.0.0.1' is an internal address"),
])
def test_bad_national_rows_name_line_and_field(registry_file, row: str, expected: str) -> None:
    errors = [str(e) for e in validate_file(registry_file(PROVINCE, row))]
    assert len(errors) == 1 and expected in errors[0], errors


def test_a_portal_cannot_hang_under_a_national_source(registry_file) -> None:
    child = "x-a-dienbien,UBND xã A,commune,Điện Biên,vn-dvcqg-766,https://a.dienbien.gov.vn/,tandan_sp,,,,,,,,,,"
    errors = [str(e) for e in validate_file(registry_file(PROVINCE, NATIONAL, child))]
    assert errors == [f"{errors[0].split(':')[0]}:5: field 'parent': 'vn-dvcqg-766' is a national source, not a portal; "
                      "a portal's parent is a portal"]


def _guard(spider) -> HostGuardMiddleware:
    crawler = get_crawler()
    crawler.spider = spider
    return HostGuardMiddleware(MemoryStatsCollector(crawler), crawler)


def test_the_host_policy_allows_the_national_host_only_through_its_row(registry_file) -> None:
    path = registry_file(PROVINCE, NATIONAL)
    index = Index766Spider(registry=str(path))
    assert index.allowed_hosts_for("vn-dvcqg-766") == {"dichvucong.gov.vn", "api.dichvucong.gov.vn"}
    _guard(index).process_request(Request(API, meta={"portal_id": "vn-dvcqg-766"}))  # allowed: no exception
    _guard(index).process_request(Request("https://dichvucong.gov.vn/robots.txt"))  # attributed by host
    with pytest.raises(IgnoreRequest, match="not one of portal vn-dvcqg-766's hosts"):
        _guard(index).process_request(Request("https://dienbien.gov.vn/", meta={"portal_id": "vn-dvcqg-766"}))
    # a portal spider of the same registry never reaches the national host, whatever the page links to
    widget = WidgetSpider(registry=str(path))
    assert "vn-dvcqg-766" not in widget.portals
    with pytest.raises(IgnoreRequest, match="not one of portal p-dienbien's hosts"):
        _guard(widget).process_request(Request(API, meta={"portal_id": "p-dienbien"}))
    with pytest.raises(IgnoreRequest):
        _guard(widget).process_request(Request("https://dichvucong.gov.vn/robots.txt"))


def test_without_the_row_the_national_host_is_refused(registry_file) -> None:
    index = Index766Spider(registry=str(registry_file(PROVINCE)))
    assert index.sources == {}
    with pytest.raises(IgnoreRequest):
        _guard(index).process_request(Request(API, meta={"portal_id": "vn-dvcqg-766"}))


def test_an_adhoc_crawl_reads_no_national_source() -> None:
    assert Index766Spider(url="https://xuanhoa.hochiminhcity.gov.vn/").sources == {}
