"""Downloader middlewares: the one place that decides which hosts a crawl may reach.

* `HostGuardMiddleware` refuses any request that is not http(s), outside its portal's hosts
  (registry row), or to a forbidden address in any form the C resolver reads (`crawler.guard`:
  loopback, private, link-local, reserved, metadata…), before anything leaves the process. After the
  download, a response whose connection reached a forbidden address without a proxy is dropped, and
  a name the guarded resolver refused is reported as such rather than as a plain DNS failure.
* `GuardedRedirectMiddleware` replaces Scrapy's RedirectMiddleware: a redirect to an allowed host is
  followed (http→https, old domain→new domain listed in the registry); one elsewhere is recorded in
  stats and on the response (`meta["redirect_refused"]`), never followed.

Spiders mark every request with `meta["portal_id"]`; requests Scrapy makes on its own behalf
(robots.txt) are attributed by host.

Scrapy 2.19 no longer passes the spider to a middleware method whose `spider` argument is optional,
so both middlewares read the running spider from their crawler (`crawling_spider`); without that the
host allow-list would silently allow every host.
"""
from __future__ import annotations

import logging
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.guard import connected_problem, host_problem, is_forbidden_host
from crawler.hosts import allows, host_allowed, host_of
from crawler.resolver import refused_resolution

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = {301, 302, 303, 307, 308}

__all__ = ["GuardedRedirectMiddleware", "HostGuardMiddleware", "host_allowed", "host_of", "is_forbidden_address"]


def is_forbidden_address(host: str) -> bool:
    """Loopback, private, link-local, reserved, multicast or metadata, in any `inet_aton` form, and
    the name localhost (`crawler.guard.is_forbidden_host`; kept under this name for callers)."""
    return is_forbidden_host(host)


@runtime_checkable
class HostPolicy(Protocol):
    """What the guards ask a spider: which hosts a portal may use, and which portal owns a host.
    A spider without it (a plain Scrapy spider) is not host-restricted."""

    def allowed_hosts_for(self, key: str | None) -> set[str]: ...

    def portal_for_host(self, host: str) -> str | None: ...


def crawling_spider(crawler: Any, spider: Spider | None) -> Any:
    """The spider whose host policy applies: the one passed (unit tests, older Scrapy) or the
    crawler's own."""
    return spider if spider is not None else getattr(crawler, "spider", None)


class HostGuardMiddleware:
    """Refuses requests outside the portal's registered hosts or to internal addresses."""

    def __init__(self, stats: Any, crawler: Any = None) -> None:
        self.stats = stats
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> HostGuardMiddleware:
        return cls(crawler.stats, crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        scheme = urlsplit(request.url).scheme
        if scheme not in ("http", "https"):
            self.stats.inc_value("cchc/refused/scheme")
            raise IgnoreRequest(f"refused: {request.url} is not an http(s) URL")
        host = host_of(request.url)
        problem = host_problem(host)
        if problem:
            self.stats.inc_value("cchc/refused/internal_address")
            logger.info("refused request to an internal address: %s (%s)", request.url, problem)
            raise IgnoreRequest(f"refused: {request.url} points to an internal address ({problem})")
        policy = crawling_spider(self.crawler, spider)
        if not isinstance(policy, HostPolicy):
            return None
        portal_id = request.meta.get("portal_id") or policy.portal_for_host(host)
        if portal_id is None or not allows(policy.allowed_hosts_for(portal_id), request.url):
            self.stats.inc_value("cchc/refused/off_registry_host")
            logger.info("refused off-registry request %s (portal %s)", request.url, portal_id)
            raise IgnoreRequest(f"refused: host {host} is not one of portal {portal_id}'s hosts")
        return None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        """Without a proxy the peer is the server itself: it must not be an internal address (a name
        may resolve anywhere; the guarded resolver refuses it first, this catches any other path)."""
        problem = connected_problem(response.ip_address, via_proxy=bool(request.meta.get("proxy")))
        if problem:
            self.stats.inc_value("cchc/refused/connected_address")
            raise IgnoreRequest(f"refused: {request.url} {problem}")
        return response

    def process_exception(self, request: Request, exception: Exception, spider: Spider | None = None) -> None:
        """A name the guarded resolver refused reaches here as Twisted's bare "no results" DNS
        error; say instead what it resolved to, so the fetch row names the refusal."""
        why = refused_resolution(host_of(request.url))
        if why is not None:
            self.stats.inc_value("cchc/refused/resolved_address")
            raise IgnoreRequest(f"refused: {request.url}: {why}") from exception
        return None


class GuardedRedirectMiddleware:
    """Follows redirects only to allowed hosts; records the others."""

    def __init__(self, stats: Any, max_times: int, crawler: Any = None) -> None:
        self.stats = stats
        self.max_times = max_times
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> GuardedRedirectMiddleware:
        return cls(crawler.stats, crawler.settings.getint("REDIRECT_MAX_TIMES", 5), crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Request | Response:
        if response.status not in REDIRECT_STATUSES or b"Location" not in response.headers:
            return response
        if request.meta.get("dont_redirect"):
            return response
        location = (response.headers.get(b"Location") or b"").decode("latin-1")
        target = urljoin(request.url, location)
        host = host_of(target)
        portal_id = request.meta.get("portal_id")
        allowed_for = getattr(crawling_spider(self.crawler, spider), "allowed_hosts_for", None)
        allowed = allowed_for(portal_id) if (allowed_for and portal_id) else {host_of(request.url)}
        hops = request.meta.get("redirect_times", 0) + 1
        if is_forbidden_host(host) or not allows(allowed, target) or hops > self.max_times:
            self.stats.inc_value("cchc/redirect/refused")
            request.meta["redirect_refused"] = target  # the spider reads it from response.meta
            logger.info("redirect of %s to %s recorded, not followed", request.url, target)
            return response
        self.stats.inc_value("cchc/redirect/followed")
        redirected = request.replace(url=target, method="GET" if response.status in {301, 302, 303} else request.method)
        redirected.meta["redirect_times"] = hops
        redirected.meta.setdefault("redirect_urls", []).append(request.url)
        redirected.meta["redirected_from"] = request.meta.get("redirected_from", request.url)
        redirected.dont_filter = True
        return redirected
