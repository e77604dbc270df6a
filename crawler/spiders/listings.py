"""Category listings with pagination, bounded by page count and by date so calendars and faceted
traps end."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from core.clock import observed_on
from crawler.families import is_article_url, profile
from crawler.registry import Portal
from crawler.spiders.base import PortalSpider
from crawler.spiders.paging import dates_in, item_links, next_page_links


class ListingsSpider(PortalSpider):
    name = "listings"
    discovery = "listings"

    def __init__(self, *args: Any, since_years: str | int = 7, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cutoff = dt.date(observed_on().year - int(since_years), 1, 1)
        self._pages_per_portal: dict[str, int] = {}

    def start_portal(self, portal: Portal):
        return self.registry_or_discover(portal, portal.listings, self.parse_listing, listing_depth=1)

    def parse_home(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        yield self.health_item(response)
        if self.problem(response):
            return
        assert isinstance(response, TextResponse)
        targets = self.cchc_menu_links(response, portal) or [
            u for u in self.family_urls(portal, "listings")
        ]
        for url in targets:
            yield self.req(url, portal, self.parse_listing, listing_depth=1)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        problem = self.problem(response)
        yield self.fetch_item(response, problem)
        if problem:
            return
        assert isinstance(response, TextResponse)
        count = self._pages_per_portal.get(portal.id, 0) + 1
        self._pages_per_portal[portal.id] = count
        self.crawler.stats.inc_value("cchc/listings/pages")
        items = item_links(response.selector, response.url, lambda u: is_article_url(u, portal.cms) and u.startswith(("http://", "https://")))
        fresh = 0
        for url, text, context in items:
            dates = dates_in(context)
            if dates and max(dates) < self.cutoff:
                continue
            fresh += 1
            req = self.article_request(url, portal, {"title": text, "listing": response.url})
            if req is not None:
                yield req
        depth = int(response.meta.get("listing_depth", 1))
        if not items or fresh == 0:
            return  # an empty or out-of-window page ends the listing (calendar traps end here)
        if depth >= self.max_pages or count >= self.max_pages * 4:
            self.crawler.stats.inc_value("cchc/listings/bounded")
            return
        for url in next_page_links(response.selector, response.url, profile(portal.cms).page_params)[:1]:
            yield self.req(url, portal, self.parse_listing, listing_depth=depth + 1)
