"""A run-wide per-host breaker: a host that stopped answering is retired for the rest of the run
(issue 13, the country crawl's tail).

Why: a portal that never answers (the simulator's ``timeout`` fault; 37 of the country's 4,016
portals) cost DOWNLOAD_TIMEOUT × (1 + RETRY_TIMES) = 90 s for *every* one of its 10–20 requests
(robots.txt, home, feeds, sitemaps, listings, registers, re-check, across the six spiders), served
two at a time per host: minutes per dead host, which made the tail of each crawl day. Mature crawlers
retire such a host (Nutch's ``fetcher.max.exceptions.per.queue``, Heritrix's host retirement).

How: `HostBreakerMiddleware` (a downloader middleware) counts, per host and for the whole run (one
`HostBreaker` per ``CCHC_RUN_ID`` in the process, shared by every spider of the run as the run's
`HostLimiter` is), consecutive failures that mean "the host did not answer": download timeouts and
connection failures (refused, TCP timeout), a retry's own failure included, for at least two URLs (a
single page or file too slow for the timeout, retried, does not retire a host that answers otherwise).
Any answer from the host (any HTTP status) resets the count. After ``CCHC_HOST_FAILURES`` in a row (default 3, so one request
and its two retries, then one more URL; 0 turns the breaker off) the host's remaining requests of the run fail at once,
with no network: `HostSkippedError`, recorded by the spiders' errbacks as a fetch error like the
timeout itself. `crawler.failures.failure_reason` names it under the last real failure's kind
(``"DownloadTimeoutError: skipped: sonla.gov.vn did not answer 3 requests in a row (last: Getting …
took longer than 30.0 seconds.)"``), so health, reports and the drift canary read the portal as timed
out / down exactly as before. Once the breaker is open, failures of requests still in flight are not
retried (``dont_retry``).

Placed at 660, the last check before the network: its ``process_request`` runs after
SharedFetchMiddleware's (650), so the spiders that waited there for another spider's home page or
robots.txt of a host retired meanwhile do not then send it themselves; its ``process_exception`` runs
before RetryMiddleware's (550). DNS failures are not counted: they are quick, and the host
guard (crawler/middlewares.py) names refused resolutions itself.

Scope: one process. Workers sharing a run through Redis (crawler/workers.py) each keep their own
breaker; a dead host then costs K failures per worker that meets it, still bounded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadConnectionRefusedError, DownloadTimeoutError, NotConfigured
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import ConnectError

#: failures that mean the host did not answer (twisted's TimeoutError and ConnectionRefusedError are
#: ConnectError subclasses)
UNANSWERED: tuple[type[BaseException], ...] = (DownloadTimeoutError, DownloadConnectionRefusedError, ConnectError)


class HostSkippedError(Exception):
    """A request not sent: its host did not answer `failures` requests in a row this run."""

    def __init__(self, host: str, failures: int, last_kind: str, last_message: str) -> None:
        self.host = host
        self.failures = failures
        self.last_kind = last_kind  # the failure's class the request is recorded under
        self.last_message = last_message
        super().__init__(f"skipped: {host} did not answer {failures} requests in a row (last: {last_message})")


@dataclass
class _HostState:
    failures: int = 0
    urls: set[str] = field(default_factory=set)  # the URLs that failed in this streak (at most 2 kept)
    last_kind: str = ""
    last_message: str = ""


class HostBreaker:
    """One run's per-host count of consecutive unanswered requests (module doc)."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self._hosts: dict[str, _HostState] = {}

    def is_open(self, host: str) -> bool:
        """Whether `host` is retired: it did not answer `threshold` requests in a row, and not all
        of them for one URL (one page or file too slow for the timeout, retried, is that URL's
        problem, not the host's)."""
        state = self._hosts.get(host)
        return state is not None and state.failures >= self.threshold and len(state.urls) > 1

    def answered(self, host: str) -> None:
        self._hosts.pop(host, None)

    def failed(self, host: str, url: str, exception: BaseException) -> bool:
        """Count one unanswered request for `url`; True when the breaker is (now) open for `host`."""
        state = self._hosts.setdefault(host, _HostState())
        state.failures += 1
        if len(state.urls) < 2:
            state.urls.add(url)
        state.last_kind, state.last_message = type(exception).__name__, str(exception)
        return self.is_open(host)

    def skipped(self, host: str) -> HostSkippedError:
        state = self._hosts[host]
        return HostSkippedError(host, state.failures, state.last_kind, state.last_message)


class HostBreakerMiddleware:
    """Fail at once the requests of a host the run's `HostBreaker` retired (module doc)."""

    _breakers: ClassVar[dict[str, HostBreaker]] = {}

    def __init__(self, breaker: HostBreaker, stats: Any) -> None:
        self.breaker = breaker
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostBreakerMiddleware:
        threshold = crawler.settings.getint("CCHC_HOST_FAILURES", 3)
        if threshold <= 0:
            raise NotConfigured
        run = str(crawler.settings.get("CCHC_RUN_ID") or "")
        breaker = cls._breakers.get(run)
        if breaker is None or breaker.threshold != threshold:
            breaker = cls._breakers[run] = HostBreaker(threshold)
        return cls(breaker, crawler.stats)

    @staticmethod
    def _host(request: Request) -> str:
        return urlparse_cached(request).hostname or ""

    def process_request(self, request: Request, spider: Any = None) -> None:
        host = self._host(request)
        if self.breaker.is_open(host):
            self.stats.inc_value("cchc/breaker/skipped")
            raise self.breaker.skipped(host)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if "shared" not in response.flags:  # a replay of a stored answer says nothing new
            self.breaker.answered(self._host(request))
        return response

    def process_exception(self, request: Request, exception: BaseException, spider: Any = None) -> None:
        if not isinstance(exception, UNANSWERED):
            return None
        host = self._host(request)
        was_open = self.breaker.is_open(host)
        if self.breaker.failed(host, request.url, exception):
            if not was_open:
                self.stats.inc_value("cchc/breaker/opened")
            request.meta["dont_retry"] = True  # the host is retired: a retry would only wait again
        return None
