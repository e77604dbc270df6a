"""One host policy (`crawler.hosts`): a `www.` link is treated the same by the host guard middleware
and by the spiders' own link filters (feeds, sitemaps, same-site discovery)."""
import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler

from crawler.hosts import allows, host_allowed, host_of, owner_of
from crawler.middlewares import HostGuardMiddleware
from crawler.spiders.feeds import FeedsSpider
from crawler.spiders.sitemaps import SitemapsSpider

BASE = "https://sotuphap.example.gov.vn/"


def spider_of(cls, url=BASE):
    crawler = get_crawler(cls)
    return cls.from_crawler(crawler, url=url)


def guard_passes(spider, url, portal_id):
    try:
        HostGuardMiddleware(spider.crawler.stats).process_request(Request(url, meta={"portal_id": portal_id}), spider)
    except IgnoreRequest:
        return False
    return True


@pytest.mark.parametrize("url,expected", [
    ("https://sotuphap.example.gov.vn/a", True),
    ("https://www.sotuphap.example.gov.vn/a", True),
    ("https://WWW.Sotuphap.Example.gov.vn./a", True),
    ("https://evil.example.com/a", False),
    ("https://wwwsotuphap.example.gov.vn/a", False),
    ("https://www.www.sotuphap.example.gov.vn/a", False),
    ("mailto:x@sotuphap.example.gov.vn", False),
])
def test_guard_and_spider_agree(url, expected):
    spider = spider_of(FeedsSpider)
    (portal,) = spider.portals.values()
    assert spider.same_site(portal)(url) is expected
    if url.startswith("http"):
        assert guard_passes(spider, url, portal.id) is expected


def test_policy_is_symmetric_on_www():
    assert host_allowed("example.gov.vn", {"www.example.gov.vn"})
    assert host_allowed("www.example.gov.vn", {"example.gov.vn"})
    assert not host_allowed("", {""})
    assert not allows({"example.gov.vn"}, "/relative/path")
    assert host_of("HTTPS://WWW.A.VN.:8443/x") == "www.a.vn"
    assert owner_of("www.a.vn", {"a.vn": "p"}) == "p"
    assert owner_of("a.vn", {"www.a.vn": "p"}) == "p"
    assert owner_of("b.vn", {"a.vn": "p"}) is None


def test_feed_entry_on_www_host_is_followed_and_guard_lets_it_through():
    spider = spider_of(FeedsSpider)
    (portal,) = spider.portals.values()
    link = "https://www.sotuphap.example.gov.vn/tin-tuc/ke-hoach-cai-cach-hanh-chinh-2026-hp1.html"
    body = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>Kế hoạch CCHC</title><link>{link}</link></item>
    <item><title>x</title><link>https://evil.example.com/x.html</link></item>
    </channel></rss>""".encode()
    url = BASE + "rss"
    response = XmlResponse(url, body=body, request=Request(url, meta={"portal_id": portal.id}))
    requests = [r for r in spider.parse_feed(response) if isinstance(r, Request)]
    assert [r.url for r in requests] == [link]
    assert guard_passes(spider, link, portal.id)
    assert spider.crawler.stats.get_value("cchc/feeds/offsite_entries") == 1


def test_sitemap_index_entry_on_www_host_is_followed_and_guard_lets_it_through():
    spider = spider_of(SitemapsSpider)
    (portal,) = spider.portals.values()
    child = "https://www.sotuphap.example.gov.vn/sitemap-posts.xml"
    body = f"""<?xml version="1.0" encoding="UTF-8"?>
    <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>{child}</loc></sitemap>
    <sitemap><loc>https://evil.example.com/sitemap.xml</loc></sitemap>
    </sitemapindex>""".encode()
    url = BASE + "sitemap.xml"
    response = XmlResponse(url, body=body, request=Request(url, meta={"portal_id": portal.id}))
    requests = [r for r in spider.parse_sitemap(response) if isinstance(r, Request)]
    assert [r.url for r in requests] == [child]
    assert guard_passes(spider, child, portal.id)
