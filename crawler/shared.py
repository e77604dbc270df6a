"""One fetch per run of the pages every discovery method reads (issue 12: a daily crawl that costs
what changed), as a downloader middleware.

Why: a crawl runs one spider per discovery method, side by side in one process, and four of them
start from the portal's home page (the widget reads it, listings and feeds and registers look for
their sources in it), and the sitemaps spider reads robots.txt for its ``Sitemap:`` lines after the
robots middleware already fetched it. Each spider has its own downloader, so each fetched the same
bytes again: about 2.5 extra requests per portal per day, on the WAF-guarded servers we must spare.

How: a request marked ``is_home`` (every spider's home request) or ``SHARED`` (a feed: the feeds
spider reads it, and the listings spider reads it too, to know whether it may skip a listing the feed
covers, `crawler.incremental.Policy.listing_proof`) or for ``/robots.txt`` is *shared*.
The first spider to ask downloads it; a spider asking while that download is in flight waits for it
(a Deferred, not a second request); a spider asking later gets the stored answer, replayed as a new
`Response` through the rest of the middleware chain (decompression, the guarded redirect, the
spider's own callback). A redirect is stored as the 3xx it is, so its target is a shared request too.

What is not shared: a 5xx or 429 answer, or a download error (those waiters download themselves, so a
retry is a real retry), and any page that is not a home page, a feed or robots.txt: documents,
listings and sitemaps are read by one spider each. Sharing is per process: the workers of a
distributed run (`crawler.workers`) each download what their own spiders ask for. Bodies are kept zlib-compressed (a home page is tens
of kilobytes, a few once compressed) for the process, one table per run: each crawl is its own
process (cli/crawl.py).

Placed after the redirect middleware on the response path (a higher number than 600), so it sees the
answer exactly as the server sent it, and after retry (550), which therefore never sees a replay of
a failure.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

OWNER = "cchc_shared_owner"
#: request meta key marking a page every spider that asks for it gets from one download (a feed)
SHARED = "cchc_shared"
#: statuses worth replaying to another spider: anything but a server fault or a rate limit
_UNSHARED = {429}


@dataclass(frozen=True)
class _Stored:
    """A shared answer: what a replay needs to rebuild it."""

    url: str
    status: int
    headers: dict[bytes, list[bytes]]
    body: bytes  # zlib-compressed
    latency: float | None


class _Table:
    """One run's shared answers and the downloads in flight."""

    def __init__(self) -> None:
        self.done: dict[str, _Stored] = {}
        self.inflight: dict[str, Deferred[None]] = {}


class SharedFetchMiddleware:
    """Fetch each home page and robots.txt once per run for every spider (module doc)."""

    _tables: dict[str, _Table] = {}

    def __init__(self, table: _Table, stats: Any) -> None:
        self.table = table
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedFetchMiddleware:
        run = str(crawler.settings.get("CCHC_RUN_ID") or "")
        return cls(cls._tables.setdefault(run, _Table()), crawler.stats)

    @staticmethod
    def shared_key(request: Request) -> str | None:
        """The key of a shared request (its URL), or None for a request each spider makes alone."""
        if request.method != "GET":
            return None
        if request.meta.get("is_home") or request.meta.get(SHARED) or urlparse_cached(request).path == "/robots.txt":
            return request.url
        return None

    async def process_request(self, request: Request, spider: Any = None) -> Response | None:
        key = self.shared_key(request)
        if key is None:
            return None
        table = self.table
        if key not in table.done and key in table.inflight and request.meta.get(OWNER) != key:
            self.stats.inc_value("cchc/shared/waited")
            await maybe_deferred_to_future(table.inflight[key])
        stored = table.done.get(key)
        if stored is not None:
            self.stats.inc_value("cchc/shared/replayed")
            return self._replay(stored, request)
        if key not in table.inflight:
            table.inflight[key] = Deferred()
        request.meta[OWNER] = key
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        key = request.meta.get(OWNER)
        if key is None or "shared" in response.flags:
            return response
        if response.status < 500 and response.status not in _UNSHARED:
            self.table.done[key] = _Stored(
                url=response.url, status=response.status,
                headers={k: list(v) for k, v in response.headers.items()},
                body=zlib.compress(response.body, 1), latency=request.meta.get("download_latency"))
        self._release(key)
        return response

    def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        key = request.meta.get(OWNER)
        if key is not None:
            self._release(key)
        return None

    def _release(self, key: str) -> None:
        waiting = self.table.inflight.pop(key, None)
        if waiting is not None:
            waiting.callback(None)

    @staticmethod
    def _replay(stored: _Stored, request: Request) -> Response:
        body = zlib.decompress(stored.body)
        headers = Headers(stored.headers)
        cls = responsetypes.from_args(headers=headers, url=stored.url, body=body)
        if stored.latency is not None:
            request.meta["download_latency"] = stored.latency
        return cls(url=stored.url, status=stored.status, headers=headers, body=body, request=request, flags=["shared"])
