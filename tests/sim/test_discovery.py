"""Ground truth agrees with what the portals serve: a small crawler per discovery method, written
against the markup only, finds exactly `world.expected_urls(portal, method)`."""
from __future__ import annotations

import urllib.robotparser
from urllib.parse import urljoin

import feedparser
import pytest
from parsel import Selector
from sim_client import Client

from sim.network import SimNetwork

PORTALS = ["p-laichau", "p-dienbien", "p-haiphong", "p-hanoi", "p-khanhhoa", "d-sldtbxh-dienbien",
           "x-linhtruong-giolinh-quangtri", "p-laocai", "d-sxd-quangninh", "p-tuyenquang"]
LIST_ITEM = {
    "tandan_sp": ".channel-news-title a::attr(href)",
    "sharepoint_vn": ".item a.title::attr(href)",
    "liferay62": "h3.asset-title a::attr(href)",
    "vnportal": ".ArticleInMenu .Title a::attr(href)",
    "nukeviet": ".news_column h3 a::attr(href)",
}
PAGER_MARKERS = ("PageIndex=", "Page=", "_101_cur=", "pageindex=", "/page-")


def row_of(net: SimNetwork, pid: str) -> dict[str, str]:
    return next(r for r in net.world.registry_rows() if r["id"] == pid)


def robots_for(client: Client, base: str) -> urllib.robotparser.RobotFileParser:
    rp = urllib.robotparser.RobotFileParser()
    got = client.get(urljoin(base, "/robots.txt"))
    rp.parse(got.text.splitlines() if got.status == 200 else [])
    return rp


def crawl_pages(client: Client, start: str, max_pages: int = 5) -> list[Selector]:
    """The first page and the pages its pager links reach, at most `max_pages`."""
    seen, queue, pages = {start}, [start], []
    while queue and len(pages) < max_pages:
        url = queue.pop(0)
        got = client.get(url)
        if got.status != 200:
            continue
        sel = Selector(text=got.text)
        pages.append(sel)
        for href in sel.css("a::attr(href)").getall():
            full = urljoin(url, href)
            if any(m in href for m in PAGER_MARKERS) and full not in seen:
                seen.add(full)
                queue.append(full)
    return pages


@pytest.mark.parametrize("pid", PORTALS)
def test_listings(net: SimNetwork, client: Client, pid: str) -> None:
    row = row_of(net, pid)
    fam = net.world.portals[pid].family
    found: set[str] = set()
    for sel in crawl_pages(client, row["listings"]):
        found |= set(sel.css(LIST_ITEM[fam]).getall())
    assert found == net.world.expected_urls(pid, "listings")
    assert len(found) >= 1


@pytest.mark.parametrize("pid", PORTALS)
def test_feeds(net: SimNetwork, client: Client, pid: str) -> None:
    row = row_of(net, pid)
    found: set[str] = set()
    home = client.get(net.world.portals[pid].base_url)
    advertised = Selector(text=home.text).css('link[rel="alternate"][type="application/rss+xml"]::attr(href)').getall()
    if not row["feeds"]:
        assert advertised == [] and net.world.expected_urls(pid, "feeds") == set()
        return
    assert advertised and advertised[0] in row["feeds"].split("|")
    rp = robots_for(client, net.world.portals[pid].base_url)
    for feed in row["feeds"].split("|"):
        parsed = feedparser.parse(client.get(feed).body)
        found |= {e.link for e in parsed.entries if rp.can_fetch("*", e.link)}
    assert found == net.world.expected_urls(pid, "feeds")


@pytest.mark.parametrize("pid", PORTALS)
def test_sitemaps(net: SimNetwork, client: Client, pid: str) -> None:
    portal = net.world.portals[pid]
    rp = robots_for(client, portal.base_url)
    sitemaps = rp.site_maps() or []
    if portal.base_path:
        sitemaps = []  # a sub-site has no robots.txt of its own
    locs: set[str] = set()
    queue = list(sitemaps)
    while queue:
        sel = Selector(text=client.get(queue.pop()).text, type="xml")
        sel.remove_namespaces()
        queue += sel.xpath("//sitemap/loc/text()").getall()
        locs |= set(sel.xpath("//url/loc/text()").getall())
    articles = {u for u in locs if rp.can_fetch("*", u)} - {portal.base_url} - {
        u for u in locs if any(m in u for m in ("Cai-cach-hanh-chinh.aspx", "Tin-tuc-su-kien.aspx"))
        or u.rstrip("/").endswith(("/cai-cach-hanh-chinh", "/tin-tuc-su-kien"))}
    assert articles == net.world.expected_urls(pid, "sitemaps")


@pytest.mark.parametrize("pid", ["p-laichau", "p-dienbien", "d-sldtbxh-dienbien", "p-khanhhoa", "p-cantho"])
def test_registers(net: SimNetwork, client: Client, pid: str) -> None:
    row = row_of(net, pid)
    assert row["registers"], pid
    found: set[str] = set()
    for sel in crawl_pages(client, row["registers"]):
        headers = sel.css("table.table-vanban thead th::text").getall()
        assert headers[1:4] == ["Số ký hiệu", "Ngày ban hành", "Trích yếu"]
        found |= set(sel.css("table.table-vanban tbody tr td:nth-child(4) a::attr(href)").getall())
    assert found == net.world.expected_urls(pid, "registers")
    only = [a for a in net.world.articles(pid) if a.register_only]
    assert only and all(a.url in found and a.files for a in only)


def test_robots_disallowed_section_is_excluded(net: SimNetwork, client: Client) -> None:
    robots = client.get("https://laocai.gov.vn/robots.txt").text
    assert "Disallow: /tin-tuc-su-kien" in robots
    news = [a for a in net.world.articles("p-laocai") if a.section == "news"]
    assert news
    assert not any(a.url in net.world.expected_urls("p-laocai", "sitemaps") for a in news)
    assert not any(a.url in net.world.expected_urls("p-laocai", "feeds") for a in news)


def test_home_links_cchc_category_and_feed(client: Client) -> None:
    sel = Selector(text=client.get("https://phutho.gov.vn/").text)
    assert sel.css('a[href="/vi/news/cai-cach-hanh-chinh/"]::text').get() == "Cải cách hành chính"
    assert sel.css('link[rel="alternate"]::attr(href)').get() == "https://phutho.gov.vn/vi/news/rss/"


def test_liferay_listing_counter_and_pagination(net: SimNetwork, client: Client) -> None:
    items = net.world.view("p-hanoi").section_items("cchc")
    got = client.get("https://hanoi.gov.vn/cai-cach-hanh-chinh").text
    shown = min(5, len(items))
    assert f"Hiển thị 1 - {shown} of {len(items)} kết quả." in got
    if len(items) > 5:
        assert "_101_cur=2" in got


@pytest.mark.parametrize(("base", "cchc_path"), [
    ("https://xuanhoa.hochiminhcity.gov.vn/", "/vi/news/cai-cach-hanh-chinh/"),
    ("https://tanthanh.lamdong.gov.vn/", "/cai-cach-hanh-chinh"),
])
def test_unlisted_hosts_for_crawl_url(net: SimNetwork, client: Client, base: str, cchc_path: str) -> None:
    portal = net.world.portal_for_host(base.split("/")[2])
    assert portal is not None and not portal.in_registry
    assert portal.id not in {r["id"] for r in net.world.registry_rows()}
    sel = Selector(text=client.get(base).text)
    assert sel.css(f'a[href="{cchc_path}"]::text').get() == "Cải cách hành chính"
    feed = sel.css('link[rel="alternate"][type="application/rss+xml"]::attr(href)').get()
    assert feed and feedparser.parse(client.get(feed).body).entries
    rp = robots_for(client, base)
    assert rp.site_maps() == [base + "sitemap.xml"]
    listing = client.get(urljoin(base, cchc_path))
    assert listing.status == 200
    first_page = set(Selector(text=listing.text).css(LIST_ITEM[portal.family]).getall())
    assert first_page and first_page <= net.world.expected_urls(portal.id, "listings")
