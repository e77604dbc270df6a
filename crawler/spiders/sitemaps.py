"""Sitemaps: robots.txt `Sitemap:` lines, /sitemap.xml, sitemap indexes and urlsets, read with
Scrapy's sitemap support (`scrapy.utils.sitemap`).

A province sitemap lists every page the portal ever published, so entries are kept when they look
like articles of the portal's family and are not older than the date window (by `lastmod`). When
more remain than the per-portal cap (`max_urls`), those whose slug may be about CCHC (a URL with words
in it must contain a CCHC or plan word; an opaque URL such as `?nid=123` may be anything) come first,
newest first within each group.

Sitemap documents are bounded per portal, as listings are: an index is followed at most
`CCHC_SITEMAP_MAX_DEPTH` levels below the sitemaps the registry or robots.txt name, and at most
`CCHC_SITEMAP_MAX_FILES` sitemap documents are requested per portal (settings.py). A portal whose
index points to a further index forever (`?n=k` -> `?n=k+1`) or lists thousands of files is read up
to the bound; the first URL left unread is recorded as a fetch with the reason, so the run says so.
A gzip sitemap that unpacks beyond the size cap (`DOWNLOAD_MAXSIZE`) is recorded as a failed fetch
like any other fault, and the crawl goes on; so is a sitemap URL that answers something else (an HTML
page, a soft 404 with status 200, a feed): "not a sitemap: text/html page".

Incremental crawl (issue 12): a portal's sitemaps are read on its sitemap-walk day only, one day in
every `CCHC_SITEMAP_WALK_DAYS` (`crawler.incremental.Policy.read_sitemaps`); every day with `--full`;
and on any day when the portal's home page (read daily, shared) links none of its own pages.
"""
from __future__ import annotations

import datetime as dt
import re
import struct
import zlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from core.clock import observed_on
from core.vntext import fold
from crawler.families import is_article_url, may_be_page
from crawler.hosts import allows
from crawler.items import FetchItem
from crawler.registry import Portal
from crawler.spiders.base import PortalSpider, is_waf_page

SLUG_WORDS = (
    "cai-cach-hanh-chinh", "cchc", "tthc", "thu-tuc-hanh-chinh", "tuyen-truyen", "ke-hoach", "mot-cua",
    "dich-vu-cong", "chinh-quyen-dien-tu", "chinh-quyen-so", "bao-cao", "van-ban",
)
_WORDY = re.compile(r"[a-z]{2,}-[a-z]{2,}-[a-z]{2,}")


def slug_may_be_cchc(url: str) -> bool:
    parts = urlsplit(url)
    slug = fold(unquote(parts.path + " " + parts.query)).replace(" ", "-").replace("_", "-")
    if not _WORDY.search(slug):
        return True
    return any(w in slug for w in SLUG_WORDS)


def not_a_sitemap(response: Response, root: str) -> str | None:
    """Why a document that parsed is no sitemap (None when it is one: its root is <urlset> or
    <sitemapindex>). lxml reads an HTML page leniently into a tree of no entries, so a portal's
    "sitemap" that is really an HTML page, or a soft 404 answered with status 200, would otherwise be
    a sitemap that lists nothing, with no error to say why. A real sitemap served as text/html is kept:
    the root decides, the content type only names what came instead."""
    if root in ("urlset", "sitemapindex"):
        return None
    ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").split(";")[0].strip().lower()
    if root == "html" or ctype in ("text/html", "application/xhtml+xml"):
        if isinstance(response, TextResponse) and is_waf_page(response.text):
            return "WAF block page (status 200)"  # as the other spiders name it
        return "not a sitemap: text/html page"
    return f"not a sitemap: <{root}> document"


class SitemapsSpider(PortalSpider):
    name = "sitemaps"
    discovery = "sitemaps"

    def __init__(self, *args: Any, since_years: str | int = 7, max_urls: str | int = 500, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cutoff = dt.date(observed_on().year - int(since_years), 1, 1)
        self.max_urls = int(max_urls)
        self._bound_noted: set[tuple[str, str]] = set()

    @property
    def max_depth(self) -> int:
        return self.crawler.settings.getint("CCHC_SITEMAP_MAX_DEPTH", 3)

    @property
    def max_files(self) -> int:
        return self.crawler.settings.getint("CCHC_SITEMAP_MAX_FILES", 50)

    def start_portal(self, portal: Portal):
        if not self.policy.read_sitemaps(portal.id):
            # not its sitemap-walk day (crawler.incremental): the daily sources find what is new, unless
            # the home page they all start from links nothing (parse_home); the home page is a shared
            # request (crawler.shared), so asking for it costs no download of its own
            home = self.req(portal.base_url, portal, self.parse_home, is_home=True)
            return iter((home.replace(errback=self.home_failed),))
        return self.walk(portal)

    def walk(self, portal: Portal) -> Iterator[Any]:
        return self.registry_or_discover(portal, portal.sitemaps, self.parse_sitemap,
                                         self.req(urljoin(portal.base_url, "/robots.txt"), portal, self.parse_robots))

    def home_failed(self, failure: Failure) -> None:
        """The home page asked for on a non-walk day did not answer: the spiders that read it daily
        record the failure (fetch row, health row); this one only does not read the sitemaps."""
        self.crawler.stats.inc_value("cchc/incremental/sitemaps_not_due")

    def parse_home(self, response: Response) -> Iterator[Any]:
        """On a day that is not the portal's sitemap-walk day: read its sitemaps anyway when its home
        page answered 200 but links none of the portal's own pages (a client-rendered shell after a
        redesign, a maintenance page). Feeds, listings and registers are found from the home page, so
        the daily sources found nothing that day; the sitemaps are then the only way to the portal's
        new documents, and reading them (a redesign regenerates them) is what lets the drift canary
        see the portal's pages fall on the day it changed, as on a walk day
        (tests/crawler/test_template_change.py). The home page itself is recorded by the other spiders."""
        portal = self.portal_of(response)
        if self.problem(response) or not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("cchc/incremental/sitemaps_not_due")
            return
        own = self.same_site(portal)
        if any(own(response.urljoin(href)) for href in response.css("a::attr(href)").getall()):
            self.crawler.stats.inc_value("cchc/incremental/sitemaps_not_due")
            return
        self.crawler.stats.inc_value("cchc/incremental/sitemaps_home_without_links")
        self.logger.info("portal %s: home page links none of its pages; sitemaps read today", portal.id)
        yield from self.walk(portal)

    def sitemap_request(self, url: str, portal: Portal, depth: int) -> Iterator[Any]:
        """A request for one more sitemap document of `portal`, unless a bound is reached: then the
        first URL left unread (per portal and bound) is recorded as a fetch with the reason."""
        if depth > self.max_depth:
            yield from self._bound_reached(portal, url, "depth", f"sitemap index nested deeper than "
                                           f"{self.max_depth} levels (CCHC_SITEMAP_MAX_DEPTH)")
            return
        # the registry's own sitemaps count towards the per-portal bound
        if len(portal.sitemaps) + self.count_up("sitemap_files", portal.id) > self.max_files:
            yield from self._bound_reached(portal, url, "files", f"more than {self.max_files} sitemap "
                                           "files for this portal (CCHC_SITEMAP_MAX_FILES)")
            return
        yield self.req(url, portal, self.parse_sitemap, sitemap_depth=depth)

    def _bound_reached(self, portal: Portal, url: str, kind: str, why: str) -> Iterator[Any]:
        self.crawler.stats.inc_value(f"cchc/sitemaps/bound_{kind}")
        if (portal.id, kind) in self._bound_noted:
            return
        self._bound_noted.add((portal.id, kind))
        self.logger.info("portal %s: sitemap %s not fetched: %s", portal.id, url, why)
        yield FetchItem(portal_id=portal.id, url=url, status=None, discovered_by=self.discovery,
                        error=f"not fetched: {why}")

    def parse_robots(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        yield self.fetch_item(response, None if response.status < 400 else f"HTTP {response.status}")
        found: list[str] = []
        if response.status == 200:
            found = [urljoin(response.url, u) for u in sitemap_urls_from_robots(response.body, base_url=response.url)]
        if not found:
            found = self.family_urls(portal, "sitemaps") or self.probes(portal, [urljoin(portal.base_url, "/sitemap.xml")])
        for url in dict.fromkeys(found):
            yield from self.sitemap_request(url, portal, 0)

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        problem = None if response.status == 200 and not response.meta.get("redirect_refused") else (
            response.meta.get("redirect_refused") and "redirect refused" or f"HTTP {response.status}"
        )
        body = response.body
        if problem is None and (body[:2] == b"\x1f\x8b"):
            max_size = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
            try:
                body = gunzip(body, max_size=max_size)
            except ValueError:  # scrapy's _DecompressionMaxSizeExceeded: a gzip bomb, or just too big
                problem = f"gzip sitemap unpacks to more than {max_size} bytes (DOWNLOAD_MAXSIZE)"
            except (OSError, EOFError, struct.error, zlib.error) as exc:  # zlib.error: a corrupt deflate block
                problem = f"broken gzip sitemap ({type(exc).__name__})"
        sitemap = None
        if problem is None:
            try:
                sitemap = Sitemap(body)
            except Exception as exc:  # lxml raises several kinds on broken XML
                problem = f"not a sitemap ({type(exc).__name__})"
            else:
                problem = not_a_sitemap(response, sitemap.type)
                sitemap = None if problem else sitemap
        yield self.fetch_item(response, problem)
        if sitemap is None:
            return
        allowed = self.allowed_hosts_for(portal.id)
        if sitemap.type == "sitemapindex":
            depth = int(response.meta.get("sitemap_depth", 0)) + 1
            for entry in sitemap:
                loc = urljoin(response.url, entry["loc"].strip())
                if allows(allowed, loc):
                    yield from self.sitemap_request(loc, portal, depth)
            return
        # A profile only narrows: on a portal of unknown family, or when the family's article pattern
        # matches none of the urlset's pages, every page-like entry is a candidate (bounded below).
        listed = list(sitemap)  # scrapy's Sitemap iterates once
        locs = [urljoin(response.url, entry["loc"].strip()) for entry in listed]
        shaped = {loc for loc in locs if is_article_url(loc, portal.cms)}
        generic = portal.cms == "unknown" or not shaped
        # A listed URL whose path heads other listed URLs is a section (a category listing), not an
        # article: sorted paths put a section right before its first child, so one pass finds them.
        keys = [urlsplit(loc).path.rstrip("/") + "/" for loc in locs]
        paths = sorted(set(keys))
        sections = {a for a, b in zip(paths, paths[1:]) if b.startswith(a)}
        entries = []
        for entry, loc, key in zip(listed, locs, keys):
            page_like = generic and key not in sections and may_be_page(loc)
            if not allows(allowed, loc) or not (loc in shaped or page_like):
                continue
            lastmod = (entry.get("lastmod") or "")[:10]
            if lastmod:
                try:
                    if dt.date.fromisoformat(lastmod) < self.cutoff:
                        continue
                except ValueError:
                    pass
            entries.append((lastmod, loc))
        entries.sort(key=lambda e: (slug_may_be_cchc(e[1]), e[0]), reverse=True)
        for lastmod, loc in entries:
            if self.count_up("sitemap_urls", portal.id) > self.max_urls:
                self.crawler.stats.inc_value("cchc/sitemaps/capped")
                break
            req = self.article_request(loc, portal, {"lastmod": lastmod or None})
            if req is not None:
                yield req
