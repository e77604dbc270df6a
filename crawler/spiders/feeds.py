"""RSS 2.0 and Atom feeds, parsed with feedparser.

Feed URLs come from the registry row, else from the home page's <link rel="alternate"> (what the
portal advertises), else from the CMS family's usual feed path. Dates in feeds are hints only:
NukeViet writes the month into the minutes of pubDate, so the article page's own date wins.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import feedparser
from scrapy.http import Response, TextResponse

from crawler.hosts import allows
from crawler.items import HealthItem
from crawler.registry import Portal
from crawler.spiders.base import PortalSpider

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")


class FeedsSpider(PortalSpider):
    name = "feeds"
    discovery = "feeds"

    def start_portal(self, portal: Portal):
        return self.registry_or_discover(portal, portal.feeds, self.parse_feed)

    def parse_home(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        if self.problem(response):
            yield self.fetch_item(response, self.problem(response))
            return
        assert isinstance(response, TextResponse)
        feeds = [
            urljoin(response.url, href)
            for link in response.css("link[rel~=alternate]")
            if (link.attrib.get("type") or "").lower() in FEED_TYPES
            and (href := link.attrib.get("href"))
        ]
        if not feeds:
            feeds = self.family_urls(portal, "feeds")
        if not feeds:
            yield HealthItem(portal_id=portal.id, url=portal.base_url, has_feed=False)
        for url in dict.fromkeys(feeds):
            yield self.req(url, portal, self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        problem = self.problem(response) if response.status >= 300 or response.meta.get("redirect_refused") else None
        if problem is None:
            parsed = feedparser.parse(response.body)
            if not parsed.entries and (parsed.bozo or not parsed.version):
                problem = f"not a feed ({type(parsed.get('bozo_exception')).__name__ if parsed.bozo else 'no entries'})"
        yield self.fetch_item(response, problem)
        if problem:
            return
        self.crawler.stats.inc_value("cchc/feeds/parsed")
        yield HealthItem(portal_id=portal.id, url=portal.base_url, has_feed=True)
        allowed = self.allowed_hosts_for(portal.id)
        for entry in parsed.entries:
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
