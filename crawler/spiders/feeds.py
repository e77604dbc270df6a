"""RSS 2.0 and Atom feeds, parsed with feedparser.

Feed URLs come from the registry row, else from the home page's <link rel="alternate"> (what the
portal advertises), else from the CMS family's usual feed path. Dates in feeds are hints only:
NukeViet writes the month into the minutes of pubDate, so the article page's own date wins.

A feed is a shared request (`crawler.shared`): the listings spider reads the same answer to decide
whether a listing the feed covers needs fetching today (`crawler.incremental.Policy.listing_proof`),
without a second download.

Incremental crawl (issue 12): a feed whose every entry the portal's home page linked when the feed
was last read is *covered* by the home page (`CoverageItem` with the digest of the home page's own
links, `home_links`). On the days after, until the portal's next full walk, the feed is not fetched
while the home page, read daily anyway (the widget is on it), links exactly what it linked at that
proof (`Policy.listing_proof`, `Policy.home_vouches`): the entries it had are all still linked from the
home page, so they are seen through it (the known documents it links are handed to
`PortalSpider.article_request`, as the feed's entries would be: a sighting, or a conditional re-read
on the document's re-read day), and a new entry would be a new link on it. Anything new on the home
page (any box, any menu) has the feed fetched. A document that the feed lists and the home page does
not show is found on the next day the feed is fetched: at most ``CCHC_FULL_WALK_DAYS`` − 1 days late.
So every feed's portal goes through its home page (a shared request: no download of its own), also
when the registry names the feeds; when the home page fails, the registry's feeds are fetched.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from crawler.feedlinks import feed_entries
from crawler.hosts import allows
from crawler.incremental import covers, same_url
from crawler.items import CoverageItem, HealthItem
from crawler.registry import Portal
from crawler.shared import SHARED
from crawler.spiders.base import PortalSpider, home_links

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")


class FeedsSpider(PortalSpider):
    name = "feeds"
    discovery = "feeds"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: per portal, its home page's own links (`hash`es) and their digest (`home_links`), once read
        self._home: dict[str, tuple[frozenset[int], str]] = {}
        #: per portal: today's feeds in its order, its feed requests not answered yet, and the entry
        #: links of each feed read today (for the proofs, made once all have answered: `prove`)
        self._order: dict[str, list[str]] = {}
        self._unanswered: dict[str, int] = {}
        self._read: dict[str, dict[str, list[str]]] = {}

    def start_portal(self, portal: Portal):
        """The home page (a shared request): it names the feeds when the registry does not, and it
        stands in for a feed it covered (module doc)."""
        yield self.req(portal.base_url, portal, self.parse_home, is_home=True).replace(errback=self.home_failed)

    def home_failed(self, failure: Failure) -> Iterator[Any]:
        """The home page did not answer: the registry's feeds are fetched all the same; without them
        the failure is recorded (the feeds are unknown today)."""
        portal = self.portals[failure.request.meta["portal_id"]]  # type: ignore[attr-defined]
        if portal.feeds:
            yield from self.feed_requests(portal, portal.feeds)
        else:
            yield from self.on_error(failure)

    def parse_home(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        problem = self.problem(response)
        if problem or not isinstance(response, TextResponse):
            if portal.feeds:
                yield from self.feed_requests(portal, portal.feeds)
            else:
                yield self.fetch_item(response, problem)
            return
        feeds = list(portal.feeds) or advertised_feeds(response) or self.family_urls(portal, "feeds")
        if not feeds:
            yield HealthItem(portal_id=portal.id, url=portal.base_url, has_feed=False)
            return
        # kept until the portal's feeds have answered (`prove`), for the portals with a feed only
        self._home[portal.id] = home_links(response, self.same_site(portal))
        yield from self.feed_requests(portal, feeds, response)

    def feed_requests(self, portal: Portal, feeds: Iterable[str], home: TextResponse | None = None) -> Iterator[Any]:
        """A request for each feed, except one that another source stands in for today (module doc):
        the home page (`home`, read today), whose known links are then seen as the feed's entries
        would be; or an earlier feed of the portal, which decides once it answered (`feed_done`: the
        feeds waiting for it travel in its request, so the worker that reads its answer decides,
        whichever worker read the home page)."""
        order = list(dict.fromkeys(feeds))
        self._order[portal.id] = order
        digest = self._home[portal.id][1] if home is not None and portal.id in self._home else None
        skipped: set[str] = set()  # read through the home page today (directly, or through a feed that is)
        waiting: dict[str, dict[str, Any]] = {}  # a feed -> the feeds waiting for it (each with its own)
        fetched: list[str] = []
        for i, url in enumerate(order):
            proof = self.policy.listing_proof(portal.id, url)
            if proof is not None and proof.digest is not None and home is not None:
                if self.policy.home_vouches(proof, digest):
                    self.crawler.stats.inc_value("cchc/incremental/feed_covered")
                    skipped.add(same_url(url))
                    continue
            elif proof is not None and proof.digest is None:
                cover = next((f for f in order[:i] if same_url(f) == same_url(proof.feed_url)), None)
                if cover is not None and same_url(cover) in skipped:  # read through the home page: so is this one
                    self.crawler.stats.inc_value("cchc/incremental/feed_covered")
                    skipped.add(same_url(url))
                    continue
                if cover is not None:
                    waiting[cover][url] = waiting[url] = {}
                    continue
            waiting[url] = {}
            fetched.append(url)
        if not fetched:  # nothing to prove today: what was kept for the proofs goes
            self._home.pop(portal.id, None)
            self._order.pop(portal.id, None)
        # yielded once every wait is known: a request may be serialised as soon as it is yielded
        for url in fetched:
            yield self.feed_request(portal, url, waiting[url])
        if skipped and home is not None:
            # a feed read through the home page is still the portal's feed (its health says so), and
            # its entries are seen through the home page's links
            yield HealthItem(portal_id=portal.id, url=portal.base_url, has_feed=True)
            yield from self.home_sightings(portal, home)

    def feed_request(self, portal: Portal, url: str, waiting: dict[str, Any] | None = None) -> Request:
        """The feed at `url`, with the feeds `waiting` for its answer (`feed_done`)."""
        self._unanswered[portal.id] = self._unanswered.get(portal.id, 0) + 1
        # not filtered as a duplicate: a feed others wait for must answer (two portals may share one
        # feed URL: one download all the same, `crawler.shared`)
        return self.req(url, portal, self.parse_feed, dont_filter=True, feed=url, waiting=waiting or {},
                        **{SHARED: True}).replace(errback=self.feed_failed)

    def feed_failed(self, failure: Failure) -> Iterator[Any]:
        """The feed did not answer: recorded as any failure; the feeds waiting for it are fetched."""
        yield from self.on_error(failure)
        request = failure.request  # type: ignore[attr-defined]
        yield from self.feed_done(self.portals[request.meta["portal_id"]], request.meta.get("feed"), None,
                                  request.meta.get("waiting") or {})

    def feed_done(self, portal: Portal, feed: str | None, links: list[str] | None, waiting: dict[str, Any],
                  answered: bool = True) -> Iterator[Any]:
        """After the feed at `feed` answered (`links`: its entry links; None: it failed or was no
        feed), or was skipped (`answered` False): each feed `waiting` for it is skipped when it stands
        in for that feed (`Policy.feed_vouches`; what waits for that one is decided the same way),
        and fetched otherwise; once the portal's last feed request answered, the proofs (`prove`)."""
        for behind, its_waiting in waiting.items():
            proof = self.policy.listing_proof(portal.id, behind)
            if links is not None and proof is not None and self.policy.feed_vouches(proof, links):
                self.crawler.stats.inc_value("cchc/incremental/feed_covered")
                yield from self.feed_done(portal, behind, links, its_waiting, answered=False)
            else:
                yield self.feed_request(portal, behind, its_waiting)
        if not answered or feed is None:
            return
        if links is not None:
            self._read.setdefault(portal.id, {})[feed] = links
        left = self._unanswered.get(portal.id, 0) - 1
        if left > 0:
            self._unanswered[portal.id] = left
            return
        self._unanswered.pop(portal.id, None)
        yield from self.prove(portal)

    def prove(self, portal: Portal) -> Iterator[Any]:
        """The proofs of the portal's feeds read today, for the next runs: the home page read today
        links every entry of a feed; else an earlier feed of the portal read today lists every entry
        (`covers`; only an earlier one, so two feeds listing the same entries do not stand in for
        each other); else an older proof is withdrawn."""
        read = self._read.pop(portal.id, {})
        order = self._order.pop(portal.id, [])
        home = self._home.pop(portal.id, None)
        for i, url in enumerate(order):
            links = read.get(url)
            if links is None:
                continue
            if home is not None and links and all(hash(same_url(u)) in home[0] for u in links):
                self.crawler.stats.inc_value("cchc/incremental/feed_proved")
                yield CoverageItem(portal_id=portal.id, url=url, feed_url=portal.base_url, anchor_url=links[0],
                                   digest=home[1])
            elif cover := next((f for f in order[:i] if read.get(f) and covers(links, read[f])), None):
                self.crawler.stats.inc_value("cchc/incremental/feed_proved")
                yield CoverageItem(portal_id=portal.id, url=url, feed_url=cover, anchor_url=links[0])
            elif self.policy.known.coverage(portal.id, url) is not None:
                yield CoverageItem(portal_id=portal.id, url=url, feed_url=None, anchor_url=None)

    def home_sightings(self, portal: Portal, home: TextResponse) -> Iterator[Any]:
        """The known documents the home page links, handed to `article_request` (a sighting, or a
        re-read on the document's re-read day); unknown links are not followed here."""
        own = self.same_site(portal)
        for href in dict.fromkeys(home.css("a::attr(href)").getall()):
            url = home.urljoin(href.strip())
            if own(url) and url in self.policy.known:
                req = self.article_request(url, portal, {"listing": home.url})
                if req is not None:
                    yield req

    def parse_feed(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        entries, problem = read_feed(self, response)
        yield self.fetch_item(response, problem)
        if problem:
            yield from self.feed_done(portal, response.meta.get("feed"), None, response.meta.get("waiting") or {})
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
        yield from self.feed_done(portal, response.meta.get("feed"), entry_links(response, entries, allowed),
                                  response.meta.get("waiting") or {})


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
