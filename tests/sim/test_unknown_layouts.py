"""The simulator's themes that no family profile matches (sim/layouts, table sim/data/layouts.csv):
ground truth agrees with what the portals serve, read with each theme's own markup (the way a scraper
written for that CMS would read it, not the way our spiders do), and the layout table decides."""
from __future__ import annotations

from urllib.parse import urljoin

import feedparser
import pytest
from parsel import Selector
from sim_client import Client

from sim.layouts import THEMES, layout_table
from sim.network import SimNetwork

# the listing items as each CMS marks them up
LIST_ITEM = {
    "wordpress": "main article h2.entry-title a::attr(href)",
    "wordpress-plain": "main article h2.entry-title a::attr(href)",
    "joomla": "main div.blog h2[itemprop=name] a::attr(href)",
    "dnn": "#dnn_ContentPane a.news-title::attr(href)",
    "drupal": "#content .view-content .views-field-title a::attr(href)",
    "tablephp": "td.main a.link_tieude::attr(href)",
    "aspnetmvc": ".col-md-8 h4.media-heading a::attr(href)",
    "sharepoint-pages": "td.ms-bodyareaframe li.dfwp-item a::attr(href)",
}
# how each pager links its pages
PAGER_MARKERS = ("/page/", "paged=", "start=", "PageIndex=", "page=", "Page=")


def layout_ids(net: SimNetwork) -> list[str]:
    return sorted(pid for pid, p in net.world.portals.items() if p.layout)


def row_of(net: SimNetwork, pid: str) -> dict[str, str]:
    return next(r for r in net.world.registry_rows() if r["id"] == pid)


def pages_of(client: Client, start: str, limit: int = 5) -> list[Selector]:
    seen, queue, pages = {start}, [start], []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        got = client.get(url)
        if got.status != 200:
            continue
        sel = Selector(text=got.text)
        pages.append(sel)
        for href in sel.css("a::attr(href)").getall():
            full = urljoin(url, href)
            same = full.startswith(start.split("?")[0].rstrip("/"))  # this listing's pages, not another's
            if any(m in href for m in PAGER_MARKERS) and same and full not in seen:
                seen.add(full)
                queue.append(full)
    return pages


def test_the_table_assigns_every_theme_to_registry_rows_with_cms_unknown(net: SimNetwork) -> None:
    table = layout_table()
    assert len(table) >= 10 and {lay.theme for lay in table.values()} == set(THEMES)
    rows = {r["id"]: r for r in net.world.registry_rows()}
    for pid, lay in table.items():
        assert rows[pid]["cms"] == "unknown"
        assert net.world.portals[pid].family == lay.theme == net.world.portals[pid].layout


def test_listings_read_with_each_themes_markup_match_the_truth(net: SimNetwork, client: Client) -> None:
    for pid in layout_ids(net):
        portal = net.world.portals[pid]
        found: set[str] = set()
        for sel in pages_of(client, row_of(net, pid)["listings"]):
            found |= {urljoin(portal.base_url, h) for h in sel.css(LIST_ITEM[portal.layout]).getall()}
        assert found == net.world.expected_urls(pid, "listings"), pid
        if "mixed" in portal.options:
            assert any(not a.is_cchc for a in net.world.articles(pid) if a.url in found), pid


def test_home_only_articles_are_on_the_home_page_and_nowhere_else(net: SimNetwork, client: Client) -> None:
    only = [(pid, a) for pid in layout_ids(net) for a in net.world.articles(pid) if not a.in_listing and a.section != "register"]
    assert len(only) >= 3
    for pid, art in only:
        portal = net.world.portals[pid]
        assert art.is_cchc and not art.in_feed and not art.in_sitemap
        assert art.url in {urljoin(portal.base_url, h) for h in Selector(text=client.get(portal.base_url).text).css("a::attr(href)").getall()}
        assert art.url not in net.world.expected_urls(pid, "listings")
        assert client.get(art.url).status == 200


def test_registers_and_feeds_of_the_themes(net: SimNetwork, client: Client) -> None:
    with_register = [pid for pid in layout_ids(net) if net.world.portals[pid].has_register]
    assert with_register
    for pid in with_register:
        found: set[str] = set()
        for sel in pages_of(client, row_of(net, pid)["registers"]):
            headers = [h.strip() for h in sel.css("table.table-vanban thead th::text").getall()]
            assert headers[1:4] == ["Số ký hiệu", "Ngày ban hành", "Trích yếu"]
            found |= set(sel.css("table.table-vanban tbody tr td:nth-child(4) a::attr(href)").getall())
        assert found == net.world.expected_urls(pid, "registers")
        assert any(a.register_only and a.url in found for a in net.world.articles(pid))
    wp = next(pid for pid in layout_ids(net) if net.world.portals[pid].layout == "wordpress")
    feed = feedparser.parse(client.get(net.world.portals[wp].base_url + "feed/").body)
    assert {e.link for e in feed.entries} == net.world.expected_urls(wp, "feeds")


@pytest.mark.parametrize("day", [1, 3])
def test_theme_pages_are_deterministic_and_days_leave_them_unchanged(day: int) -> None:
    def fetch() -> list[bytes]:
        with SimNetwork(day=day, seed=0) as net:
            c = Client(net)
            pid = "x-kyanh-hatinh"
            urls = [net.world.portals[pid].base_url] + [a.url for a in net.world.articles(pid)[:4]]
            return [c.get(u).body for u in urls]
    first = fetch()
    assert first == fetch()
    with SimNetwork(day=day, seed=0) as net:
        assert not [ch for ch in net.world.changes if net.world.portals[ch.portal_id].layout]
