"""Category listings with pagination, bounded by page count and by date so calendars and faceted
traps end.

Nothing here needs the portal's CMS: CCHC listings are found on the home page by their visible
text (a menu entry, a box title, a box's "Xem thêm"), their items are the headlines of the page's
main block whatever the URLs look like, and the pager is read by its words and numbers
(`crawler.spiders.paging`). The home page's own CCHC headlines ("Tin nổi bật") are followed too: some
portals link an article from nowhere else. A family profile only narrows what is already found.

Incremental crawl (issue 12): a listing whose first page a feed of the portal covered (every item on
it was an entry of the feed, read the same run) is read through that feed on the days after, until the
portal's next full walk (`crawler.incremental.Policy.listing_proof`): the spider asks for the feed (a
shared request, `crawler.shared`: the feeds spider's own download) and fetches the listing only when
the feed failed, looks stale or the proof has lapsed (`Policy.feed_vouches`). Each time the listing's
first page is fetched, the portal's feeds are read against it and the proof renewed, or withdrawn
(`CoverageItem`). A document the listing shows and the feed does not is found the next day the
listing is fetched: at most ``CCHC_FULL_WALK_DAYS`` − 1 days late.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from core.clock import observed_on
from crawler.families import is_article_url, profile
from crawler.headlines import PageLinks
from crawler.incremental import Coverage, covers, same_url
from crawler.items import CoverageItem
from crawler.registry import Portal
from crawler.shared import SHARED
from crawler.spiders.base import PortalSpider, canonical, home_links
from crawler.spiders.feeds import advertised_feeds, entry_links, read_feed
from crawler.spiders.paging import dates_in, item_links, next_page_links


class ListingsSpider(PortalSpider):
    name = "listings"
    discovery = "listings"

    def __init__(self, *args: Any, since_years: str | int = 7, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cutoff = dt.date(observed_on().year - int(since_years), 1, 1)
        #: per portal, the feeds its home page leads to (as the feeds spider finds them), once read
        self._feeds: dict[str, list[str]] = {}
        #: coverage checks waiting for the portal's home page to name its feeds
        self._pending: dict[str, list[tuple[str, list[str]]]] = {}
        #: per portal, its home page's links to its own pages (as `hash`es of `same_url`: a few bytes
        #: each) and their digest (`home_links`), computed only for the portals that need them today
        #: (a listing proved by the home page, or checked against it); the portals whose home page
        #: answered usably today, and those whose home page gave nothing usable
        self._home: dict[str, tuple[frozenset[int], str]] = {}
        self._home_read: set[str] = set()
        self._home_unread: set[str] = set()
        #: per portal, listings whose proof is its home page, and checks against it, waiting for it
        self._home_waiting: dict[str, list[str]] = {}
        self._home_checks: dict[str, list[tuple[str, list[str]]]] = {}

    def start_portal(self, portal: Portal):
        """The registry's listings when it names some; the home page always (its menus lead to the
        listings when the registry names none, and its featured CCHC headlines are read either way)."""
        for url in portal.listings:
            yield from self.listing_or_feed(url, portal)
        home = self.req(portal.base_url, portal, self.parse_home, is_home=True, featured_only=bool(portal.listings))
        yield home.replace(errback=self.home_failed)

    def parse_home(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        yield self.health_item(response)
        if self.problem(response):
            self._feeds[portal.id] = []
            self._pending.pop(portal.id, None)
            yield from self.home_unread(portal)
            return
        assert isinstance(response, TextResponse)
        if portal.id not in self._feeds:
            self._feeds[portal.id] = list(dict.fromkeys(
                portal.feeds or advertised_feeds(response) or self.family_urls(portal, "feeds")))
        self._home_read.add(portal.id)
        if portal.id in self._home_waiting or portal.id in self._home_checks:
            self.read_home_links(portal, response)
        for listing in self._home_waiting.pop(portal.id, []):
            yield from self.listing_or_feed(listing, portal)
        for listing, items in self._home_checks.pop(portal.id, []):
            yield from self.home_coverage(portal, listing, items)
        for listing, items in self._pending.pop(portal.id, []):
            yield from self.coverage_check(portal, listing, items, self._feeds[portal.id])
        page = PageLinks(response.selector, response.url)
        targets: list[str] = []
        if not response.meta.get("featured_only"):
            targets = self.cchc_listing_links(page, portal) or self.family_urls(portal, "listings")
        for url in targets:
            yield from self.listing_or_feed(url, portal, home=response)
        for link in self.featured_cchc_links(page, portal, exclude=[*targets, *portal.listings]):
            self.crawler.stats.inc_value("cchc/listings/featured")
            req = self.article_request(link.url, portal, {"title": link.text, "listing": response.url})
            if req is not None:
                yield req

    # ---- listings a feed covers (module doc) --------------------------------------------------
    def listing_request(self, url: str, portal: Portal) -> Any:
        return self.req(url, portal, self.parse_listing, listing_depth=1, listing=url)

    def read_home_links(self, portal: Portal, response: TextResponse) -> tuple[frozenset[int], str]:
        """The home page's own links and their digest (`home_links`), computed once per portal and run."""
        if portal.id not in self._home:
            self._home[portal.id] = home_links(response, self.same_site(portal))
        return self._home[portal.id]

    def home_again(self, portal: Portal, callback: Any, **meta: Any) -> Any:
        """The home page read today, asked for again: a replay of the shared answer (`crawler.shared`),
        no download, for a check that comes after the home page was parsed without its links."""
        return self.req(portal.base_url, portal, callback, is_home=True, dont_filter=True, **meta).replace(
            errback=self.home_again_failed)

    def home_again_failed(self, failure: Failure) -> Iterator[Any]:
        """Not even the replay answered: listings waiting for it are fetched; no proof is made."""
        meta = failure.request.meta  # type: ignore[attr-defined]
        if meta.get("decide"):
            yield self.listing_request(meta["listing"], self.portals[meta["portal_id"]])

    def parse_home_again(self, response: Response) -> Iterator[Any]:
        """The home page asked for again (`home_again`): decide a listing it proved, or check one."""
        portal = self.portal_of(response)
        meta = response.meta
        if self.problem(response) or not isinstance(response, TextResponse):
            if meta.get("decide"):
                yield self.listing_request(meta["listing"], portal)
            return
        self.read_home_links(portal, response)
        if meta.get("decide"):
            yield from self.listing_or_feed(meta["listing"], portal)
        else:
            yield from self.home_coverage(portal, meta["listing"], meta["items"])

    def listing_or_feed(self, url: str, portal: Portal, home: TextResponse | None = None) -> Iterator[Any]:
        """The listing's first page, or, when a feed covered it (`Policy.listing_proof`), that feed
        (or the feed standing for it today, `Policy.read_as`: the feeds spider reads that one), to
        decide once it answered (`parse_covering_feed`); when the home page covered it, or stands for
        that feed, the decision once the home page was read (`Policy.home_vouches`; `home`: the
        home page, when this is called while reading it)."""
        proof = self.policy.listing_proof(portal.id, url)
        via_feed = None
        if proof is not None and proof.digest is None:
            # what stands for that feed today: itself, a feed that covered it, or the home page
            read, by_home = self.policy.read_as(portal.id, proof.feed_url)
            proof = dataclasses.replace(proof, feed_url=read)
            if by_home is not None:
                via_feed, proof = proof, by_home
        if proof is None:
            yield self.listing_request(url, portal)
        elif proof.digest is not None:
            home_read = self.read_home_links(portal, home) if home is not None else self._home.get(portal.id)
            if home_read is None and portal.id in self._home_unread:
                yield self.listing_request(url, portal)
            elif home_read is None and portal.id in self._home_read:
                yield self.home_again(portal, self.parse_home_again, listing=url, decide=True)
            elif home_read is None:
                self._home_waiting.setdefault(portal.id, []).append(url)
            elif self.policy.home_vouches(proof, home_read[1]):
                self.crawler.stats.inc_value("cchc/incremental/listing_covered")
            else:
                self.crawler.stats.inc_value("cchc/incremental/listing_home_changed")
                # the home page changed: the feed is fetched today, and decides for a listing it covered
                yield self.covering_feed(via_feed, url, portal) if via_feed else self.listing_request(url, portal)
        else:
            yield self.covering_feed(proof, url, portal)

    def covering_feed(self, proof: Coverage, url: str, portal: Portal) -> Any:
        """The feed that covered the listing at `url`, asked for to decide on it (a shared request)."""
        return self.req(proof.feed_url, portal, self.parse_covering_feed, dont_filter=True, listing=url,
                        **{SHARED: True}).replace(errback=self.covering_feed_failed)

    def home_failed(self, failure: Failure) -> Iterator[Any]:
        """The home page did not answer: recorded as any failure, and the listings waiting for it fetched."""
        yield from self.on_error(failure)
        yield from self.home_unread(self.portals[failure.request.meta["portal_id"]])  # type: ignore[attr-defined]

    def home_unread(self, portal: Portal) -> Iterator[Any]:
        """The home page gave nothing usable today: listings it covered are fetched, and no check
        against it is made (an older proof stays until it lapses)."""
        self._home_unread.add(portal.id)
        self._home_checks.pop(portal.id, None)
        for listing in self._home_waiting.pop(portal.id, []):
            yield self.listing_request(listing, portal)

    def parse_covering_feed(self, response: Response) -> Iterator[Any]:
        """Today's answer of the feed that covered a listing: the listing is not fetched when the
        feed stands in for it (`Policy.feed_vouches`), and is fetched otherwise. The feed's own
        fetch row, entries and health are the feeds spider's."""
        portal = self.portal_of(response)
        listing = response.meta["listing"]
        proof = self.policy.listing_proof(portal.id, listing)
        entries, problem = read_feed(self, response)
        links = None if problem else entry_links(response, entries, self.allowed_hosts_for(portal.id))
        if proof is not None and self.policy.feed_vouches(proof, links):
            self.crawler.stats.inc_value("cchc/incremental/listing_covered")
            return
        self.crawler.stats.inc_value("cchc/incremental/listing_feed_refused")
        yield self.listing_request(listing, portal)

    def covering_feed_failed(self, failure: Failure) -> Iterator[Any]:
        """The covering feed did not answer: the listing is fetched (the feeds spider records the failure)."""
        request = failure.request  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("cchc/incremental/listing_feed_refused")
        yield self.listing_request(request.meta["listing"], self.portals[request.meta["portal_id"]])

    def coverage_check(self, portal: Portal, listing: str, items: list[str], feeds: list[str]) -> Iterator[Any]:
        """Read the portal's feeds one after the other against the listing's first page (`items`,
        newest first): the first that covers it is the listing's new proof; when none does, an older
        proof is withdrawn. Shared requests: the feeds spider's own answers. A feed another source
        stands for (`Policy.listing_proof`) is left out: the feeds spider may not fetch it today (the
        home page, which linked all its entries, or the feed that listed them, is checked instead)."""
        feeds = [f for f in feeds if self.policy.listing_proof(portal.id, f) is None]
        if not feeds:
            if items and portal.id in self._home:
                yield from self.home_coverage(portal, listing, items)
            elif items and portal.id in self._home_read:
                yield self.home_again(portal, self.parse_home_again, listing=listing, items=items)
            elif items and portal.id not in self._home_unread:
                self._home_checks.setdefault(portal.id, []).append((listing, items))
            elif items:
                return  # the home page gave nothing today: no proof, and an older one stays until it lapses
            elif self.policy.known.coverage(portal.id, listing) is not None:
                yield CoverageItem(portal_id=portal.id, url=listing, feed_url=None, anchor_url=None)
            return
        yield self.req(feeds[0], portal, self.parse_coverage, dont_filter=True, listing=listing, items=items,
                       feeds_left=feeds[1:], **{SHARED: True}).replace(errback=self.coverage_failed)

    def parse_coverage(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        meta = response.meta
        entries, problem = read_feed(self, response)
        if not problem and covers(meta["items"], entry_links(response, entries, self.allowed_hosts_for(portal.id))):
            self.crawler.stats.inc_value("cchc/incremental/listing_proved")
            feed = response.request.url if response.request is not None else response.url
            yield CoverageItem(portal_id=portal.id, url=meta["listing"], feed_url=feed, anchor_url=meta["items"][0])
            return
        yield from self.coverage_check(portal, meta["listing"], meta["items"], meta["feeds_left"])

    def coverage_failed(self, failure: Failure) -> Iterator[Any]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        yield from self.coverage_check(self.portals[meta["portal_id"]], meta["listing"], meta["items"], meta["feeds_left"])

    def home_coverage(self, portal: Portal, listing: str, items: list[str]) -> Iterator[Any]:
        """No feed covers the listing: the home page does when it links every item of its first page
        (the proof then holds the digest of the home page's own links, `home_links`); else an older
        proof is withdrawn."""
        links, digest = self._home[portal.id]
        if items and all(hash(same_url(u)) in links for u in items):
            self.crawler.stats.inc_value("cchc/incremental/listing_proved")
            yield CoverageItem(portal_id=portal.id, url=listing, feed_url=portal.base_url, anchor_url=items[0],
                               digest=digest)
        elif self.policy.known.coverage(portal.id, listing) is not None:
            yield CoverageItem(portal_id=portal.id, url=listing, feed_url=None, anchor_url=None)

    def prove_coverage(self, portal: Portal, listing: str, items: list[str]) -> Iterator[Any]:
        """After a listing's first page was fetched: check it against the portal's feeds, now or
        once its home page named them (registry feeds are known at once)."""
        if not items:  # an empty first page proves nothing: an older proof no longer holds
            yield from self.coverage_check(portal, listing, items, [])
        elif portal.feeds or portal.id in self._feeds:
            yield from self.coverage_check(portal, listing, items, self._feeds.get(portal.id) or list(portal.feeds))
        else:
            self._pending.setdefault(portal.id, []).append((listing, items))

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
        fresh: list[str] = []
        for link in items:
            dates = dates_in(link.context)
            if dates and max(dates) < self.cutoff:
                continue
            fresh.append(canonical(link.url))
            req = self.article_request(link.url, portal, {"title": link.text, "listing": response.url})
            if req is not None:
                yield req
        depth = int(response.meta.get("listing_depth", 1))
        if depth == 1 and response.meta.get("listing"):
            yield from self.prove_coverage(portal, response.meta["listing"], fresh)
        if not items or not fresh:
            return  # an empty or out-of-window page ends the listing (calendar traps end here)
        if self.policy.stop_paging(portal.id, [link.url for link in items]):
            self.crawler.stats.inc_value("cchc/incremental/listing_stopped")
            return  # only known items: what follows is older (a full walk comes every CCHC_FULL_WALK_DAYS)
        if depth >= self.max_pages or count >= self.max_pages * 4:
            self.crawler.stats.inc_value("cchc/listings/bounded")
            return
        for url in next_page_links(response.selector, response.url, profile(portal.cms).page_params, current=depth)[:1]:
            yield self.req(url, portal, self.parse_listing, listing_depth=depth + 1)

