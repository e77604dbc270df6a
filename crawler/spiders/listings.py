"""Category listings with pagination, bounded by page count and by date so calendars and faceted
traps end.

Nothing here needs the portal's CMS: CCHC listings are found on the home page by their visible
text (a menu entry, a box title, a box's "Xem thêm"), their items are the headlines of the page's
main block whatever the URLs look like, and the pager is read by its words and numbers
(`crawler.spiders.paging`). The home page's own CCHC headlines ("Tin nổi bật") are followed too: some
portals link an article from nowhere else. A family profile only narrows what is already found.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from core.clock import observed_on
from crawler.families import is_article_url, profile
from crawler.headlines import PageLinks
from crawler.registry import Portal
from crawler.spiders.base import PortalSpider
from crawler.spiders.paging import dates_in, item_links, next_page_links


class ListingsSpider(PortalSpider):
    name = "listings"
    discovery = "listings"

    def __init__(self, *args: Any, since_years: str | int = 7, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cutoff = dt.date(observed_on().year - int(since_years), 1, 1)

    def start_portal(self, portal: Portal):
        """The registry's listings when it names some; the home page always (its menus lead to the
        listings when the registry names none, and its featured CCHC headlines are read either way)."""
        for url in portal.listings:
            yield self.req(url, portal, self.parse_listing, listing_depth=1)
        yield self.req(portal.base_url, portal, self.parse_home, is_home=True, featured_only=bool(portal.listings))

    def parse_home(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        yield self.health_item(response)
        if self.problem(response):
            return
        assert isinstance(response, TextResponse)
        page = PageLinks(response.selector, response.url)
        targets: list[str] = []
        if not response.meta.get("featured_only"):
            targets = self.cchc_listing_links(page, portal) or self.family_urls(portal, "listings")
        for url in targets:
            yield self.req(url, portal, self.parse_listing, listing_depth=1)
        for link in self.featured_cchc_links(page, portal, exclude=[*targets, *portal.listings]):
            self.crawler.stats.inc_value("cchc/listings/featured")
            req = self.article_request(link.url, portal, {"title": link.text, "listing": response.url})
            if req is not None:
                yield req

    def parse_listing(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        problem = self.problem(response)
        yield self.fetch_item(response, problem)
        if problem:
            return
        assert isinstance(response, TextResponse)
        count = self.count_up("listing_pages", portal.id)
        self.crawler.stats.inc_value("cchc/listings/pages")
        items = item_links(response.selector, response.url, self.same_site(portal), self.own_article_test(portal),
                           lambda u: is_article_url(u, portal.cms))
        fresh = 0
        for link in items:
            dates = dates_in(link.context)
            if dates and max(dates) < self.cutoff:
                continue
            fresh += 1
            req = self.article_request(link.url, portal, {"title": link.text, "listing": response.url})
            if req is not None:
                yield req
        depth = int(response.meta.get("listing_depth", 1))
        if not items or fresh == 0:
            return  # an empty or out-of-window page ends the listing (calendar traps end here)
        if self.policy.stop_paging(portal.id, [link.url for link in items]):
            self.crawler.stats.inc_value("cchc/incremental/listing_stopped")
            return  # only known items: what follows is older (a full walk comes every CCHC_FULL_WALK_DAYS)
        if depth >= self.max_pages or count >= self.max_pages * 4:
            self.crawler.stats.inc_value("cchc/listings/bounded")
            return
        for url in next_page_links(response.selector, response.url, profile(portal.cms).page_params, current=depth)[:1]:
            yield self.req(url, portal, self.parse_listing, listing_depth=depth + 1)
