"""Conditional requests for pages fetched before (issue 12), as a downloader middleware.

The ideas are those of Scrapy's ``RFC2616Policy`` (``scrapy.extensions.httpcache``): revalidate a
stored answer with ``If-None-Match`` (its ETag) and ``If-Modified-Since`` (its Last-Modified), take a
304 as "unchanged". That policy needs the cache storage to hold every response body to replay it;
here the database already holds what was extracted from the page, so only the validators and the
body's hash are kept (``page_validators``), read from the run's known-pages file.

- request: a known document (``crawler.incremental.KnownPages``) gets the two headers from what its
  server last sent; nothing is added in a full crawl (``CCHC_FULL_CRAWL``) or for other pages.
- response: a 304 to a conditional request, or a 200 whose body hashes to the stored hash, is marked
  in ``request.meta["cchc_unchanged"]`` (``not_modified`` / ``same_body``) for the spider, which then
  stores a sighting instead of a fetch row and skips extraction. Counted in the stats under
  ``cchc/incremental/…``.
"""
from __future__ import annotations

import hashlib
from typing import Any

from scrapy.http import Request, Response

from crawler.incremental import KnownPages

UNCHANGED = "cchc_unchanged"


class ConditionalRequestMiddleware:
    """Adds validators to requests for known pages and recognises unchanged answers."""

    def __init__(self, known: KnownPages, stats: Any, enabled: bool) -> None:
        self.known = known
        self.stats = stats
        self.enabled = enabled

    @classmethod
    def from_crawler(cls, crawler: Any) -> ConditionalRequestMiddleware:
        settings = crawler.settings
        return cls(KnownPages.load(settings.get("CCHC_KNOWN_PAGES")), crawler.stats,
                   not settings.getbool("CCHC_FULL_CRAWL", False))

    def process_request(self, request: Request, spider: Any = None) -> None:
        if not self.enabled or request.method != "GET":
            return None
        page = self.known.get(request.url)
        if page is None:
            return None
        if page.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = page.etag.encode("latin-1", "replace")
        if page.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = page.last_modified.encode("latin-1", "replace")
        if page.etag or page.last_modified:
            request.meta["cchc_conditional"] = True
            self.stats.inc_value("cchc/incremental/conditional_requests")
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if not self.enabled:
            return response
        if response.status == 304 and request.meta.get("cchc_conditional"):
            request.meta[UNCHANGED] = "not_modified"
            self.stats.inc_value("cchc/incremental/not_modified")
        elif response.status == 200:
            page = self.known.get(request.url)
            if page is not None and page.body_sha256 and hashlib.sha256(response.body).hexdigest() == page.body_sha256:
                request.meta[UNCHANGED] = "same_body"
                self.stats.inc_value("cchc/incremental/same_body")
        return response
