"""The shared base of every discovery spider: portal selection, host allow-lists, fetch records,
health, and the one article parse all discovery methods share.

A spider is a discovery *method*; the portals it visits are registry rows chosen by arguments
(`sources`, `province`, `level`, or `url` for an ad-hoc portal), so a new portal is data, not code.
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Request, Response, TextResponse
from twisted.python.failure import Failure

from core.charset import utf8_if_misdeclared
from core.clock import observed_on
from core.vntext import fold
from crawler.capture import raw_of
from crawler.conditional import UNCHANGED
from crawler.costs import request_kind
from crawler.failures import failure_kind, failure_reason
from crawler.families import FAMILIES, is_article_url, profile
from crawler.guard import is_forbidden_host
from crawler.headlines import Link, PageLinks, category_links, featured_links
from crawler.hosts import allows, host_of, owner_of
from crawler.incremental import Policy, same_url
from crawler.items import (
    FetchItem,
    HealthItem,
    PageItem,
    RemovedItem,
    SeenItem,
    ValidatorItem,
)
from crawler.registry import Portal
from crawler.run import select_portals
from crawler.workers import RedisArticles, RedisCounters, articles_of, counters_of
from pipelines.extract import is_waf_block

# Articles already requested in this process, shared by every spider of one crawl so an article found
# by a feed and by a listing is fetched and stored once. Each crawl runs in its own process.
_REQUESTED_ARTICLES: set[str] = set()

CCHC_WORDS = (
    "cai cach hanh chinh", "cchc", "thu tuc hanh chinh", "tthc", "mot cua", "dich vu cong",
    "chinh quyen dien tu", "chinh quyen so", "tuyen truyen cai cach",
)


#: Registries parsed in this process, by file and version: the seven spiders of a run read the same
#: file, and parsing and validating it is per portal (issue 12: a day's fixed costs grow with portals).
def is_cchc_text(text: str) -> bool:
    """Cheap relevance test on a title or link text (the extractor decides for real)."""
    f = fold(text)
    return any(w in f for w in CCHC_WORDS)


def _path_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (("?" + parts.query) if parts.query else "")


def canonical(url: str) -> str:
    """Drop the fragment; keep the query (SharePoint ids live there)."""
    return url.split("#", 1)[0]


class PortalSpider(scrapy.Spider):
    """Base class: subclasses implement `start_portal(portal)` for their discovery method."""

    name: str = None  # type: ignore[assignment]  # abstract: not listed by `scrapy list`
    discovery = "base"
    custom_settings: dict[str, Any] = {}

    def __init__(
        self,
        sources: str | None = None,
        province: str | None = None,
        level: str | None = None,
        url: str | None = None,
        registry: str | None = None,
        max_pages: str | int | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_pages = int(max_pages or 5)
        # the one selection of `crawler.run`, so the crawl command and its spiders cover the same portals
        self.adhoc = bool(url)
        portals = select_portals(sources=(sources or "").split(","), province=province, level=level, url=url,
                                 registry=registry).portals
        self.portals: dict[str, Portal] = {p.id: p for p in portals}
        self._allowed: dict[str, set[str]] = {p.id: set(p.allowed_hosts) for p in portals}
        self._host_index: dict[str, str] = {}
        for pid, hosts in self._allowed.items():
            for h in hosts:
                self._host_index.setdefault(h, pid)

    # ---- host policy (used by HostGuardMiddleware) -------------------------------------------
    def allowed_hosts_for(self, portal_id: str | None) -> set[str]:
        return self._allowed.get(portal_id or "", set())

    def portal_for_host(self, host: str) -> str | None:
        return owner_of(host, self._host_index)

    def admit_host(self, portal_id: str, url: str, why: str) -> None:
        """Ad-hoc crawls only: admit a widget or file host the portal's own pages point to."""
        host = host_of(url)
        if not self.adhoc or not host or allows(self._allowed[portal_id], url):
            return
        if is_forbidden_host(host):  # never widen the allow-list to an internal address
            self.crawler.stats.inc_value("cchc/adhoc/refused_hosts")
            self.logger.info("ad-hoc portal %s: host %s not admitted (internal address; %s)", portal_id, host, why)
            return
        self._allowed[portal_id].add(host)
        self._host_index.setdefault(host, portal_id)
        self.crawler.stats.inc_value("cchc/adhoc/admitted_hosts")
        self.logger.info("ad-hoc portal %s: admitted host %s (%s)", portal_id, host, why)

    # ---- requests ----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for portal in self.portals.values():
            for req in self.start_portal(portal):
                yield req

    def start_portal(self, portal: Portal) -> Iterable[Request]:
        raise NotImplementedError

    def registry_or_discover(self, portal: Portal, urls: Iterable[str], callback: Any,
                             discover: Request | None = None, **meta: Any) -> Iterator[Request]:
        """The registry row's URLs for this method when it lists some; otherwise one request that
        discovers them (by default the home page, to `parse_home`): a portal differs by data."""
        urls = list(urls)
        if urls:
            for url in urls:
                yield self.req(url, portal, callback, **meta)
        else:
            yield discover if discover is not None else self.req(
                portal.base_url, portal, self.parse_home, is_home=True)  # type: ignore[attr-defined]

    def req(self, url: str, portal: Portal, callback: Any, *, priority: int = 0, dont_filter: bool = False, **meta: Any) -> Request:
        meta.update(portal_id=portal.id, handle_httpstatus_all=True)
        return Request(url, callback=callback, errback=self.on_error, meta=meta, priority=priority, dont_filter=dont_filter)

    @functools.cached_property
    def policy(self) -> Policy:
        """The run's incremental policy (`crawler.incremental`): known pages, re-check days, --full."""
        return Policy.from_settings(self.crawler.settings, observed_on())

    def article_request(self, url: str, portal: Portal, hints: dict[str, Any] | None = None) -> Request | SeenItem | None:
        """A request for an article found by discovery; for a known one that is not due for its
        re-check today, a sighting instead (it is still linked: seen without a request)."""
        url = canonical(url)
        if not self.claim_article(url):
            self.crawler.stats.inc_value("cchc/articles/duplicate_discoveries")
            return None
        self.crawler.stats.inc_value(f"cchc/articles/discovered/{self.discovery}")
        if self.policy.skip_known(url, (hints or {}).get("lastmod")):
            self.crawler.stats.inc_value("cchc/incremental/linked_known")
            return SeenItem(portal_id=portal.id, url=url, how="linked", discovered_by=self.discovery)
        return self.req(url, portal, self.parse_article, priority=10, hints=hints or {})

    @functools.cached_property
    def shared_articles(self) -> RedisArticles | None:
        """The run's article claims shared by its workers (`crawler.workers`); None in one process."""
        return articles_of(self.crawler.settings)

    def claim_article(self, url: str) -> bool:
        """Whether this spider requests the article: no other spider of the run requested it."""
        if self.shared_articles is not None:
            return self.shared_articles.claim(url, self.name)
        if url in _REQUESTED_ARTICLES:
            return False
        _REQUESTED_ARTICLES.add(url)
        return True

    @functools.cached_property
    def _counters(self) -> tuple[RedisCounters | None, dict[tuple[str, str], int]]:
        return counters_of(self.crawler.settings), {}

    def count_up(self, name: str, portal_id: str) -> int:
        """Add one to this spider's counter `name` of a portal and return it: the per-portal bounds
        (listing pages, sitemap files and URLs) hold for the whole run, however many workers crawl it."""
        shared, local = self._counters
        if shared is not None:
            return shared.add(self.name, name, portal_id)
        local[(name, portal_id)] = local.get((name, portal_id), 0) + 1
        return local[(name, portal_id)]

    def article_requested(self, url: str) -> bool:
        """Whether a discovery spider of the run requested the article already."""
        return url in (self.shared_articles if self.shared_articles is not None else _REQUESTED_ARTICLES)

    def unchanged_item(self, response: Response) -> SeenItem | None:
        """A sighting when the conditional middleware found the answer unchanged (304 or same body)."""
        how = response.meta.get(UNCHANGED)
        if not how:
            return None
        self.count_retries(response.meta, ok=True)
        self.crawler.stats.inc_value(f"cchc/incremental/unchanged/{self.discovery}")
        url = response.meta.get("redirected_from", response.request.url if response.request else response.url)
        return SeenItem(portal_id=response.meta["portal_id"], url=canonical(url), how=how, discovered_by=self.discovery)

    def validator_item(self, response: Response, url: str) -> ValidatorItem:
        """What the next run's conditional request for this page needs."""
        def header(name: str) -> str | None:
            value = response.headers.get(name)
            return value.decode("latin-1") if value else None
        return ValidatorItem(portal_id=response.meta["portal_id"], url=url, etag=header("ETag"),
                             last_modified=header("Last-Modified"),
                             body_sha256=hashlib.sha256(response.body).hexdigest() if response.body else None)

    # ---- responses ---------------------------------------------------------------------------
    def portal_of(self, response: Response) -> Portal:
        return self.portals[response.meta["portal_id"]]

    def count_retries(self, meta: dict[str, Any], ok: bool) -> None:
        """Per-portal retry counts in the crawl's stats (``cchc/retried_ok/<portal>``: URLs that
        answered only after retrying, ``cchc/retries/<portal>``: retries spent), so a portal that
        answers 503 until the third try is recorded even though the crawl got its pages."""
        n = meta.get("retry_times") or 0
        pid = meta.get("portal_id")
        if not n or pid is None:
            return
        self.crawler.stats.inc_value(f"cchc/retries/{pid}", n)
        if ok:
            self.crawler.stats.inc_value(f"cchc/retried_ok/{pid}")

    def fetch_item(self, response: Response, error: str | None = None) -> FetchItem:
        self.count_retries(response.meta, ok=error is None and response.status < 400)
        body = response.body or b""
        return FetchItem(
            portal_id=response.meta["portal_id"],
            url=response.url,
            status=response.status,
            discovered_by=self.discovery,
            content_hash=hashlib.sha256(body).hexdigest() if body else None,
            error=error,
            kind=request_kind(response.request) if response.request is not None else None,
        )

    def problem(self, response: Response) -> str | None:
        """Why this response cannot be used as a page, or None when it can."""
        if response.meta.get("redirect_refused"):
            return f"redirect to {response.meta['redirect_refused']} refused (not one of the portal's hosts)"
        if response.status >= 400:
            return f"HTTP {response.status}"
        if response.status >= 300:
            return f"HTTP {response.status} without a usable Location"
        if not isinstance(response, TextResponse):
            return f"not a text page ({(response.headers.get('Content-Type') or b'').decode('latin-1')})"
        if is_waf_page(response.text):
            return "WAF block page (status 200)"
        return None

    def health_item(self, response: Response, **extra: Any) -> HealthItem:
        problem = self.problem(response)
        redirected = response.meta.get("redirect_refused") or (
            response.url if response.meta.get("redirected_from") else None
        )
        return HealthItem(
            portal_id=response.meta["portal_id"],
            url=response.meta.get("redirected_from", response.url),
            status=response.status,
            latency_ms=round(1000 * float(response.meta.get("download_latency", 0.0)), 1),
            error=problem,
            waf_blocked=bool(problem and problem.startswith("WAF")),
            redirected_to=redirected,
            **extra,
        )

    def on_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        pid = request.meta.get("portal_id")
        reason = failure_reason(failure)
        self.crawler.stats.inc_value(f"cchc/errors/{failure_kind(failure)}")
        self.count_retries(request.meta, ok=False)
        if pid is None:
            return
        yield FetchItem(portal_id=pid, url=request.url, status=None, discovered_by=self.discovery, error=reason)
        if request.meta.get("is_home"):
            yield HealthItem(portal_id=pid, url=request.url, status=None, error=reason, waf_blocked=False)

    def parse_article(self, response: Response) -> Iterator[Any]:
        """The one article parse every discovery method shares: checks, then hands the page on. An
        answer the conditional middleware found unchanged is a sighting, with no fetch row."""
        seen = self.unchanged_item(response)
        if seen is not None:
            yield seen
            return
        problem = self.problem(response)
        yield self.fetch_item(response, problem)
        if response.status in (404, 410):
            # a page that is gone: storage marks its document removed if it knew it
            yield RemovedItem(portal_id=response.meta["portal_id"], url=canonical(response.url), status=response.status)
        if problem:
            self.crawler.stats.inc_value("cchc/articles/unusable")
            return
        portal = self.portal_of(response)
        assert isinstance(response, TextResponse)
        yield PageItem(
            portal_id=portal.id,
            url=canonical(response.url),
            requested_url=response.meta.get("redirected_from", response.request.url if response.request else response.url),
            status=response.status,
            html=page_text(response),
            discovered_by=self.discovery,
            hints=response.meta.get("hints", {}),
            file_urls=self.attachment_urls(response, portal),
            raw=raw_of(response, "page"),
            validator=self.validator_item(response, canonical(response.url)),
        )

    def attachment_urls(self, response: TextResponse, portal: Portal) -> list[str]:
        """Links to PDF/DOC/DOCX files, and "Tải file"-style download links with no extension."""
        urls: list[str] = []
        for a in response.css("a[href]"):
            href = a.attrib.get("href", "").strip()
            if not href or href.startswith(("javascript:", "mailto:", "#")):
                continue
            absu = urljoin(response.url, href)
            path = urlsplit(absu).path.lower()
            text = fold(" ".join(a.css("::text").getall()))
            is_file = path.endswith((".pdf", ".doc", ".docx"))
            is_download = any(w in text for w in ("tai file", "tai ve", "tai ke hoach", "download", "dinh kem", "xem file"))
            if is_file or (is_download and not is_article_url(absu, portal.cms)):
                self.admit_host(portal.id, absu, "attachment")
                if absu not in urls:
                    urls.append(absu)
        return urls[:10]

    # ---- helpers for discovery ---------------------------------------------------------------
    def same_site(self, portal: Portal) -> Callable[[str], bool]:
        """Whether a URL is on one of the portal's allowed hosts (its own pages, not a link out)."""
        allowed = self.allowed_hosts_for(portal.id)
        return lambda url: allows(allowed, url)

    def cchc_listing_links(self, page: PageLinks, portal: Portal) -> list[str]:
        """CCHC category pages a reader would open from this page (`crawler.headlines.category_links`); the
        portal's family profile, when it has one, also rules out its own article URLs."""
        return category_links(page, self.same_site(portal), is_cchc_text, self.own_article_test(portal))[:5]

    def own_article_test(self, portal: Portal) -> Callable[[str], bool] | None:
        """The portal's own family article pattern, as a test on URLs (None for `unknown`). Only the
        portal's family: a registry row whose family is wrong (the site moved to WordPress) gets a
        test that matches none of its links, so `item_links` keeps every headline."""
        if portal.cms not in FAMILIES or portal.cms == "unknown":
            return None
        pattern = profile(portal.cms).article
        return lambda url: bool(pattern.search(_path_query(url)))

    def featured_cchc_links(self, page: PageLinks, portal: Portal, exclude: Iterable[str] = ()) -> list[Link]:
        """Headlines about CCHC anywhere in the page's content (`crawler.headlines.featured_links`)."""
        return featured_links(page, self.same_site(portal), is_cchc_text, exclude)

    def family_urls(self, portal: Portal, kind: str) -> list[str]:
        """Registry values first; the family's default paths when the registry has none, less those
        that answered 404 at their last try and are not due to be asked again (`Policy.probe`)."""
        own = list(getattr(portal, kind) or ())
        if own:
            return own
        return self.probes(portal, [urljoin(portal.base_url, p) for p in getattr(profile(portal.cms), kind)])

    def probes(self, portal: Portal, guesses: list[str]) -> list[str]:
        """The guessed discovery pages (`guesses`) asked for today (`Policy.probe`)."""
        asked = [u for u in guesses if self.policy.probe(portal.id, u)]
        if len(asked) < len(guesses):
            self.crawler.stats.inc_value("cchc/incremental/probe_not_due", len(guesses) - len(asked))
        return asked


def is_waf_page(text: str) -> bool:
    """WAF block pages answer 200 (see `pipelines.extract.is_waf_block`)."""
    return is_waf_block(text)


def page_text(response: TextResponse) -> str:
    """The page as text, correcting the commonest charset lie of Vietnamese portals: UTF-8 bytes
    declared as ISO-8859-1/windows-1252 (`core.charset`, shared with `cchc sources probe`); anything
    else keeps Scrapy's decision (header, then <meta charset>, then detection)."""
    fixed = utf8_if_misdeclared(response.encoding, response.body)
    return response.text if fixed is None else fixed


def home_links(response: TextResponse, own: Any) -> tuple[frozenset[int], str]:
    """The home page's links to the portal's own pages (`own`: `PortalSpider.same_site`), in the
    form two links to one page share (as their `hash`, for membership within this process), and the
    SHA-256 of them sorted: what a listing or a feed the home page covers is proved with, and what
    must stay the same for the home page to stand in for it (`crawler.incremental.Policy.home_vouches`)."""
    links = sorted({same_url(u) for href in response.css("a::attr(href)").getall()
                    if (u := response.urljoin(href.strip())) and own(u)})
    return frozenset(hash(u) for u in links), hashlib.sha256("\n".join(links).encode("utf-8")).hexdigest()
