"""The address guard (crawler/guard.py), the guarded resolver (crawler/resolver.py) and the host-guard
middleware's use of them. Private ranges are exercised through an injected resolver; the only traffic
is to 127.0.0.0/8."""
from __future__ import annotations

import ipaddress
import json
import socket

import pytest
from guardnet import ANSWERS_ENV, Canary, FixedResolver
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from twisted.internet.error import DNSLookupError

from crawler.fetch import fetch_pages
from crawler.guard import host_problem, inet_aton, parse_address, url_problem
from crawler.middlewares import GuardedRedirectMiddleware, HostGuardMiddleware

# Every form the C library's inet_aton accepts or refuses, checked against the C library itself.
INET_ATON_CASES = [
    ("2130706433", "127.0.0.1"),          # one 32-bit decimal number
    ("0x7f000001", "127.0.0.1"),          # hex
    ("0X7F000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"),        # octal
    ("0177.0.0.1", "127.0.0.1"),          # octal first byte
    ("0x7f.0.0.1", "127.0.0.1"),
    ("0x7f.0x0.0x0.0x1", "127.0.0.1"),
    ("127.1", "127.0.0.1"),               # a.b: b fills 24 bits
    ("127.0.1", "127.0.0.1"),             # a.b.c: c fills 16 bits
    ("10.1.1", "10.1.0.1"),
    ("10.65535", "10.0.255.255"),
    ("192.168.257", "192.168.1.1"),
    ("0", "0.0.0.0"),
    ("00", "0.0.0.0"),
    ("0x0", "0.0.0.0"),
    ("0177.1", "127.0.0.1"),              # mixed: octal and short
    ("0x7f.1", "127.0.0.1"),
    ("169.254.43518", "169.254.169.254"),  # the metadata address, short form
    ("0xa9fea9fe", "169.254.169.254"),
    ("2852039166", "169.254.169.254"),
    ("4294967295", "255.255.255.255"),
    ("127.0.0.1 trailing", "127.0.0.1"),  # the C function stops at whitespace
    ("4294967296", None),                 # too large
    ("256.0.0.1", None),
    ("127.0.0.256", None),
    ("1.2.3.4.5", None),
    ("08.0.0.1", None),                   # 8 is not an octal digit
    ("0x", None),
    ("0x1g", None),
    ("", None),
    ("127..1", None),
    (".127.0.0.1", None),
    ("-1", None),
    ("+1", None),
    ("tuyenquang.gov.vn", None),
]


@pytest.mark.parametrize(("text", "expected"), INET_ATON_CASES)
def test_inet_aton_reads_what_the_c_library_reads(text: str, expected: str | None) -> None:
    got = inet_aton(text)
    assert (str(got) if got else None) == expected
    try:
        c_library = socket.inet_ntoa(socket.inet_aton(text))
    except OSError:
        c_library = None
    assert c_library == expected


@pytest.mark.parametrize(("host", "words", "address"), [
    ("127.0.0.1", "loopback", "127.0.0.1"),
    ("2130706433", "loopback", "127.0.0.1"),
    ("0x7f000001", "loopback", "127.0.0.1"),
    ("0177.0.0.1", "loopback", "127.0.0.1"),
    ("127.1", "loopback", "127.0.0.1"),
    ("127.0.0.1.", "loopback", "127.0.0.1"),          # trailing dot
    ("0x7f.1.", "loopback", "127.0.0.1"),
    ("１２７.０.０.１", "loopback", "127.0.0.1"),           # fullwidth digits, read as IDNA maps them
    ("0", "unspecified", "0.0.0.0"),
    ("10.1.1", "private", "10.1.0.1"),
    ("172.16.5.5", "private", "172.16.5.5"),
    ("192.168.0.1", "private", "192.168.0.1"),
    ("3232235521", "private", "192.168.0.1"),
    ("100.64.0.1", "shared", "100.64.0.1"),
    ("169.254.1.1", "link-local", "169.254.1.1"),
    ("169.254.169.254", "metadata", "169.254.169.254"),
    ("0xa9fea9fe", "metadata", "169.254.169.254"),
    ("224.0.0.1", "multicast", "224.0.0.1"),
    ("240.0.0.1", "reserved", "240.0.0.1"),
    ("[::1]", "loopback", "::1"),
    ("::1", "loopback", "::1"),
    ("[::]", "unspecified", "::"),
    ("[::ffff:127.0.0.1]", "loopback", "127.0.0.1"),    # IPv4-mapped IPv6
    ("[::ffff:7f00:1]", "loopback", "127.0.0.1"),
    ("[::ffff:169.254.169.254]", "metadata", "169.254.169.254"),
    ("[::127.0.0.1]", "loopback", "127.0.0.1"),         # IPv4-compatible
    ("[64:ff9b::a00:1]", "private", "10.0.0.1"),        # NAT64
    ("[2002:a00:1::]", "private", "10.0.0.1"),          # 6to4
    ("[fe80::1%25eth0]", "link-local", "fe80::1"),
    ("[fd00:ec2::254]", "metadata", "fd00:ec2::254"),
    ("[fc00::1]", "private", "fc00::1"),
    ("[ff02::1]", "multicast", "ff02::1"),
    ("localhost", "loopback", "localhost"),
    ("LOCALHOST.", "loopback", "localhost"),
    ("admin.localhost", "loopback", "admin.localhost"),
])
def test_forbidden_hosts_are_named_with_the_address_they_reach(host: str, words: str, address: str) -> None:
    problem = host_problem(host)
    assert problem is not None and words in problem and address in problem


@pytest.mark.parametrize("host", ["tuyenquang.gov.vn", "www.hanoi.gov.vn", "203.162.1.1", "0xcba20101",
                                  "8.8.8.8", "[2001:4860:4860::8888]", "localhost-portal.gov.vn", "127.gov.vn"])
def test_public_hosts_pass(host: str) -> None:
    assert host_problem(host) is None


def test_parse_address_reads_names_as_names() -> None:
    assert parse_address("0x7f000001") == ipaddress.ip_address("127.0.0.1")
    assert parse_address("[::ffff:127.0.0.1]") == ipaddress.ip_address("::ffff:127.0.0.1")
    assert parse_address("cchc.gov.vn") is None


@pytest.mark.parametrize(("url", "words"), [
    ("file:///etc/passwd", "not an http(s) URL"),
    ("gopher://127.0.0.1/", "not an http(s) URL"),
    ("http:///x", "no host"),
    ("http://0x7f000001:8080/admin", "loopback address 127.0.0.1, written '0x7f000001'"),
    ("http://user@2130706433/", "loopback address 127.0.0.1"),
    ("https://[::ffff:10.0.0.1]/", "private address 10.0.0.1"),
    ("http://127.0.0.1\\@portal.gov.vn/", "loopback address 127.0.0.1"),      # Scrapy reads \\ as /
    ("http://%31%32%37.0.0.1/", "loopback address 127.0.0.1, written '%31%32%37.0.0.1'"),  # a proxy may decode it
])
def test_url_problem(url: str, words: str) -> None:
    assert words in (url_problem(url) or "")


def test_url_problem_passes_a_portal_url() -> None:
    assert url_problem("https://tuyenquang.gov.vn/cai-cach-hanh-chinh?x=1") is None


# ---- the middlewares --------------------------------------------------------------------------------
class OnePortal:
    """A spider's host policy: portal p1 owns portal.gov.vn (and, wrongly, every numeric loopback form)."""

    def __init__(self, extra: set[str] | None = None) -> None:
        self.hosts = {"portal.gov.vn", *(extra or set())}

    def allowed_hosts_for(self, pid: str | None) -> set[str]:
        return self.hosts if pid == "p1" else set()

    def portal_for_host(self, host: str) -> str | None:
        return "p1" if host in self.hosts else None


@pytest.fixture
def stats() -> MemoryStatsCollector:
    return MemoryStatsCollector(get_crawler())


NUMERIC_LOOPBACK = ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0", "127.0.0.1.", "[::ffff:127.0.0.1]"]


@pytest.mark.parametrize("host", NUMERIC_LOOPBACK)
def test_host_guard_refuses_every_loopback_form_even_when_listed(host: str, stats: MemoryStatsCollector) -> None:
    spider = OnePortal({host.strip("[]").rstrip(".")})
    with pytest.raises(IgnoreRequest, match="internal address"):
        HostGuardMiddleware(stats).process_request(Request(f"http://{host}:8080/x", meta={"portal_id": "p1"}), spider)
    assert stats.get_value("cchc/refused/internal_address") == 1


@pytest.mark.parametrize("host", NUMERIC_LOOPBACK)
def test_redirect_to_a_numeric_loopback_form_is_recorded_not_followed(host: str, stats: MemoryStatsCollector) -> None:
    spider = OnePortal({host.strip("[]").rstrip(".")})
    req = Request("https://portal.gov.vn/a", meta={"portal_id": "p1"})
    resp = HtmlResponse(req.url, status=302, headers={"Location": f"http://{host}/admin"}, request=req)
    assert GuardedRedirectMiddleware(stats, 5).process_response(req, resp, spider) is resp
    assert req.meta["redirect_refused"] == f"http://{host}/admin"


def test_the_allow_list_applies_when_scrapy_does_not_pass_the_spider() -> None:
    """Scrapy 2.19 calls middleware methods without the spider: the policy comes from the crawler."""
    crawler = get_crawler()
    crawler.spider = OnePortal()  # type: ignore[assignment]
    stats = MemoryStatsCollector(crawler)
    guard = HostGuardMiddleware.from_crawler(crawler)
    guard.stats = stats
    with pytest.raises(IgnoreRequest, match="not one of portal p1's hosts"):
        guard.process_request(Request("https://tracker.example.com/", meta={"portal_id": "p1"}))
    assert guard.process_request(Request("https://portal.gov.vn/x", meta={"portal_id": "p1"})) is None
    crawler.spider.hosts.add("new.portal.gov.vn")  # type: ignore[attr-defined]
    redirect = GuardedRedirectMiddleware.from_crawler(crawler)
    req = Request("https://portal.gov.vn/a", meta={"portal_id": "p1"})
    moved = redirect.process_response(req, HtmlResponse(req.url, status=301, headers={"Location": "https://new.portal.gov.vn/a"}, request=req))
    assert isinstance(moved, Request) and moved.url == "https://new.portal.gov.vn/a"


def test_host_guard_refuses_other_schemes(stats: MemoryStatsCollector) -> None:
    with pytest.raises(IgnoreRequest, match="not an http"):
        HostGuardMiddleware(stats).process_request(Request("file:///etc/passwd", meta={"portal_id": "p1"}), OnePortal())


def test_a_direct_connection_to_an_internal_address_is_dropped(stats: MemoryStatsCollector) -> None:
    req = Request("https://portal.gov.vn/x", meta={"portal_id": "p1"})
    resp = HtmlResponse(req.url, status=200, body=b"<html></html>", request=req, ip_address=ipaddress.ip_address("10.0.0.5"))
    with pytest.raises(IgnoreRequest, match="connected to private address 10.0.0.5"):
        HostGuardMiddleware(stats).process_response(req, resp, OnePortal())
    public = HtmlResponse(req.url, status=200, body=b"", request=req, ip_address=ipaddress.ip_address("203.162.1.1"))
    assert HostGuardMiddleware(stats).process_response(req, public, OnePortal()) is public


def test_through_a_proxy_the_connected_address_is_the_proxy(stats: MemoryStatsCollector) -> None:
    req = Request("https://portal.gov.vn/x", meta={"portal_id": "p1", "proxy": "http://127.0.0.1:8899"})
    resp = HtmlResponse(req.url, status=200, body=b"", request=req, ip_address=ipaddress.ip_address("127.0.0.1"))
    assert HostGuardMiddleware(stats).process_response(req, resp, OnePortal()) is resp


# ---- the resolver -------------------------------------------------------------------------------------
def _resolve(resolver: FixedResolver, name: str) -> str | BaseException:
    out: list[str | BaseException] = []
    resolver.getHostByName(name).addCallbacks(out.append, lambda f: out.append(f.value))
    return out[0]


def test_resolver_refuses_names_resolving_to_internal_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ANSWERS_ENV, json.dumps({
        "intranet.portal.gov.vn": "10.0.0.5", "meta.portal.gov.vn": "169.254.169.254",
        "rebind.portal.gov.vn": "127.0.0.1", "portal.gov.vn": "203.162.1.1", "proxy.corp": "10.9.9.9",
    }))
    monkeypatch.setenv("http_proxy", "http://proxy.corp:3128")
    resolver = FixedResolver(reactor=None, cache_size=0, timeout=5)
    for name, words in [("intranet.portal.gov.vn", "private address 10.0.0.5"),
                        ("meta.portal.gov.vn", "cloud metadata address 169.254.169.254"),
                        ("rebind.portal.gov.vn", "loopback address 127.0.0.1")]:
        got = _resolve(resolver, name)
        assert isinstance(got, DNSLookupError) and words in str(got)
    assert _resolve(resolver, "portal.gov.vn") == "203.162.1.1"
    assert _resolve(resolver, "proxy.corp") == "10.9.9.9"   # the operator's proxy, on the local network


def test_host_guard_names_a_refused_resolution(monkeypatch: pytest.MonkeyPatch, stats: MemoryStatsCollector) -> None:
    monkeypatch.setenv(ANSWERS_ENV, json.dumps({"intranet.portal.gov.vn": "192.168.1.10"}))
    _resolve(FixedResolver(reactor=None, cache_size=0, timeout=5), "intranet.portal.gov.vn")
    req = Request("http://intranet.portal.gov.vn/", meta={"portal_id": "p1"})
    with pytest.raises(IgnoreRequest, match="resolves to private address 192.168.1.10"):
        HostGuardMiddleware(stats).process_exception(req, DNSLookupError("no results"), OnePortal())
    other = Request("http://unknown.portal.gov.vn/", meta={"portal_id": "p1"})
    assert HostGuardMiddleware(stats).process_exception(other, DNSLookupError("no results"), OnePortal()) is None


# ---- fetch_pages: the whole downloader stack, one child process -----------------------------------------
def test_fetch_pages_without_proxy_never_connects_to_internal_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a proxy names are resolved here: a name answering loopback (the canary) or a private
    address is refused, and so is every numeric form; the canary counts zero requests."""
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
    with Canary() as canary:
        monkeypatch.setenv(ANSWERS_ENV, json.dumps({"rebind.portal.gov.vn": "127.0.0.1",
                                                    "intranet.portal.gov.vn": "10.0.0.5"}))
        urls = [f"http://rebind.portal.gov.vn:{canary.port}/", f"http://intranet.portal.gov.vn:{canary.port}/",
                f"http://2130706433:{canary.port}/", f"http://0x7f.1:{canary.port}/", f"http://0:{canary.port}/"]
        pages = fetch_pages(urls, settings={"TWISTED_DNS_RESOLVER": "guardnet.FixedResolver", "RETRY_TIMES": 0,
                                            "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False})
        assert canary.count == 0
    assert [p.status for p in pages] == [None] * 5
    assert "rebind.portal.gov.vn resolves to loopback address 127.0.0.1" in (pages[0].error or "")
    assert "intranet.portal.gov.vn resolves to private address 10.0.0.5" in (pages[1].error or "")
    assert all("refused: loopback address 127.0.0.1" in (p.error or "") for p in pages[2:4])
    assert "unspecified address" in (pages[4].error or "")


def test_fetch_pages_through_a_proxy_lets_the_proxy_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a proxy, the proxy (here a loopback server) is reached and resolves names itself; the
    guard still refuses literals. Redirects stay on the URL's own host."""
    with Canary() as proxy:
        for var in ("http_proxy", "HTTP_PROXY"):
            monkeypatch.setenv(var, f"http://127.0.0.1:{proxy.port}")
        monkeypatch.setenv("no_proxy", "")
        pages = fetch_pages(["http://portal.gov.vn/trang", "http://0x7f000001/"],
                            settings={"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0})
        assert proxy.paths == ["http://portal.gov.vn/trang"]
    assert (pages[0].status, pages[0].error, pages[0].ip_address, pages[0].body) == (
        200, None, "127.0.0.1", b"<html><body>canary</body></html>")
    assert pages[1].status is None and "loopback address 127.0.0.1" in (pages[1].error or "")


# ---- `cchc crawl --url`: refused up front -------------------------------------------------------------
@pytest.mark.parametrize("url", ["http://2130706433/", "http://0x7f000001:8080/", "http://0177.0.0.1/", "http://127.1/",
                                 "http://0/", "http://[::ffff:169.254.169.254]/"])
def test_crawl_url_at_an_internal_address_is_refused_before_anything(url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from cli.crawl import crawl_cmd

    db = tmp_path / "c.sqlite"
    result = CliRunner().invoke(crawl_cmd, ["--url", url, "--db", str(db)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: field 'url': bad URL '{url}' (internal address, never crawled: ")
    assert not db.exists()   # no database created, no run recorded


def test_fetch_pages_redirects_stay_within_the_urls_hosts(network, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """thuathienhue.gov.vn moved to hue.gov.vn (301): reported, not followed, unless hue.gov.vn is
    one of the extra hosts."""
    for key, value in network.env().items():
        monkeypatch.setenv(key, value)
    fast = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}
    [moved] = fetch_pages(["https://thuathienhue.gov.vn/"], settings=fast)
    assert (moved.status, moved.final_url, moved.headers.get("Location")) == (301, "https://thuathienhue.gov.vn/", "https://hue.gov.vn/")
    assert moved.error == "redirect to https://hue.gov.vn/ refused (not one of the allowed hosts)"
    [followed] = fetch_pages(["https://thuathienhue.gov.vn/"], extra_hosts=["hue.gov.vn"], settings=fast)
    assert (followed.status, followed.final_url, followed.error, followed.ip_address) == (200, "https://hue.gov.vn/", None, "127.0.0.1")
    assert b"<html" in followed.body.lower() and followed.headers["Content-Type"].startswith("text/html")
