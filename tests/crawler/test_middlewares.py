"""Host guard and guarded redirects, with requests built by hand (no network)."""
import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.middlewares import GuardedRedirectMiddleware, HostGuardMiddleware, is_forbidden_address


class FakeSpider:
    def __init__(self):
        self.allowed = {"p1": {"old.example.gov.vn", "new.example.gov.vn"}}

    def allowed_hosts_for(self, pid):
        return self.allowed.get(pid, set())

    def portal_for_host(self, host):
        return "p1" if host in self.allowed["p1"] else None


@pytest.fixture
def stats():
    return MemoryStatsCollector(get_crawler())


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.1", "169.254.169.254", "[::1]", "172.16.5.5"])
def test_internal_addresses_are_forbidden(host):
    assert is_forbidden_address(host)


def test_public_names_are_not_forbidden():
    assert not is_forbidden_address("tuyenquang.gov.vn")
    assert not is_forbidden_address("203.162.1.1")


def test_guard_refuses_off_registry_host(stats):
    mw = HostGuardMiddleware(stats)
    with pytest.raises(IgnoreRequest, match="not one of portal p1"):
        mw.process_request(Request("https://evil.example.com/", meta={"portal_id": "p1"}), FakeSpider())
    assert stats.get_value("cchc/refused/off_registry_host") == 1


def test_guard_refuses_internal_address_even_if_listed(stats):
    spider = FakeSpider()
    spider.allowed["p1"].add("127.0.0.1")
    with pytest.raises(IgnoreRequest, match="internal address"):
        HostGuardMiddleware(stats).process_request(Request("http://127.0.0.1/admin", meta={"portal_id": "p1"}), spider)


def test_guard_lets_registered_hosts_through(stats):
    assert HostGuardMiddleware(stats).process_request(Request("https://new.example.gov.vn/x", meta={"portal_id": "p1"}), FakeSpider()) is None


def _redirect(url, location):
    req = Request(url, meta={"portal_id": "p1"})
    return req, HtmlResponse(url, status=301, headers={"Location": location}, request=req)


def test_redirect_to_new_domain_of_same_portal_is_followed(stats):
    req, resp = _redirect("http://old.example.gov.vn/a", "https://new.example.gov.vn/a")
    out = GuardedRedirectMiddleware(stats, 5).process_response(req, resp, FakeSpider())
    assert isinstance(out, Request)
    assert out.url == "https://new.example.gov.vn/a"
    assert out.meta["redirected_from"] == "http://old.example.gov.vn/a"


def test_redirect_elsewhere_is_recorded_not_followed(stats):
    req, resp = _redirect("http://old.example.gov.vn/a", "https://ads.example.com/")
    out = GuardedRedirectMiddleware(stats, 5).process_response(req, resp, FakeSpider())
    assert out is resp
    assert req.meta["redirect_refused"] == "https://ads.example.com/"
    assert stats.get_value("cchc/redirect/refused") == 1


def test_redirect_to_loopback_is_refused(stats):
    spider = FakeSpider()
    spider.allowed["p1"].add("127.0.0.1")
    req, resp = _redirect("http://old.example.gov.vn/a", "http://127.0.0.1:8080/")
    assert GuardedRedirectMiddleware(stats, 5).process_response(req, resp, spider) is resp
