"""RSS 2.0 and Atom feeds, parsed with feedparser.

Feed URLs come from the registry row, else from the home page's <link rel="alternate"> (what the
portal advertises), else from the CMS family's usual feed path. Dates in feeds are hints only:
NukeViet writes the month into the minutes of pubDate, so the article page's own date wins.

A feed is a shared request (`crawler.shared`): the listings spider reads the same answer to decide
whether a listing the feed covers needs fetching today (`crawler.incremental.Policy.listing_proof`),
without a second download.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Response, TextResponse

from crawler.feedlinks import feed_entries
from crawler.hosts import allows
from crawler.items import HealthItem
from crawler.registry import Portal
from crawler.shared import SHARED
from crawler.spiders.base import PortalSpider

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")


class FeedsSpider(PortalSpider):
    name = "feeds"
    discovery = "feeds"

    def start_portal(self, portal: Portal):
        return self.registry_or_discover(portal, portal.feeds, self.parse_feed, cchc_shared=True)  # SHARED

    def parse_home(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        if self.problem(response):
            yield self.fetch_item(response, self.problem(response))
            return
        assert isinstance(response, TextResponse)
        feeds = advertised_feeds(response) or self.family_urls(portal, "feeds")
        if not feeds:
            yield HealthItem(portal_id=portal.id, url=portal.base_url, has_feed=False)
        for url in dict.fromkeys(feeds):
            yield self.req(url, portal, self.parse_feed, **{SHARED: True})

    def parse_feed(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        entries, problem = read_feed(self, response)
        yield self.fetch_item(response, problem)
        if problem:
            return
        self.crawler.stats.inc_value("cchc/feeds/parsed")
        yield HealthItem(portal_id=portal.id, url=portal.base_url, has_feed=True)
        allowed = self.allowed_hosts_for(portal.id)
        for entry in entries:
            link = entry.get("link")
            if not link:
                continue
            link = urljoin(response.url, link)
            if not allows(allowed, link):
                self.crawler.stats.inc_value("cchc/feeds/offsite_entries")
                continue
            hints = {"title": entry.get("title"), "feed_published": entry.get("published")}
            req = self.article_request(link, portal, hints)
            if req is not None:
                yield req


def advertised_feeds(response: TextResponse) -> list[str]:
    """The feeds a home page advertises (``<link rel="alternate">`` of a feed type), absolute."""
    return [
        urljoin(response.url, href)
        for link in response.css("link[rel~=alternate]")
        if (link.attrib.get("type") or "").lower() in FEED_TYPES
        and (href := link.attrib.get("href"))
    ]


def read_feed(spider: PortalSpider, response: Response) -> tuple[list[Any], str | None]:
    """The feed's entries and why it is unusable (None when it is usable), for every spider that
    reads a feed (the feeds spider; the listings spider for a listing the feed covers)."""
    problem = spider.problem(response) if response.status >= 300 or response.meta.get("redirect_refused") else None
    entries: list[Any] = []
    if problem is None:
        # lxml for the well-formed RSS/Atom feeds (nearly all); feedparser's forgiving parse and
        # diagnosis for the rest (crawler/feedlinks.py)
        fast = feed_entries(response.body)
        if fast is not None:
            entries = list(fast)
            spider.crawler.stats.inc_value("cchc/feeds/read_fast")
        else:
            import feedparser  # the rare feed lxml cannot read: its import is not paid by every crawl

            parsed = feedparser.parse(response.body)
            entries = list(parsed.entries)
            if not parsed.entries and (parsed.bozo or not parsed.version):
                problem = f"not a feed ({type(parsed.get('bozo_exception')).__name__ if parsed.bozo else 'no entries'})"
    return entries, problem


def entry_links(response: Response, entries: list[Any], allowed: set[str]) -> list[str]:
    """The absolute links of the feed's entries on the portal's own hosts, in the feed's order."""
    links = []
    for entry in entries:
        link = entry.get("link")
        if link and allows(allowed, link := urljoin(response.url, link)):
            links.append(link)
    return links
