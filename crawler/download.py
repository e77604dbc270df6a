"""One HTTP(S) connection pool and one TLS context for every spider of a crawl process (issue 12).

Why: `cchc crawl` runs one Scrapy crawler per discovery method (widget, feeds, sitemaps, listings,
registers, then the re-check) in one process, and Scrapy gives every crawler — and within it each of
``http`` and ``https`` — its own `HTTP11DownloadHandler`, hence its own connection pool and its own
TLS context factory. So the spiders visiting a portal each opened their own connections to it (and,
on https, each its own CONNECT tunnel and TLS handshake), kept them idle for four minutes per spider,
and Scrapy's context factory built a new OpenSSL context for every connection. Measured with
bench/crawl_bench.py, that made https cost about twice the main-process time of http and three
times the memory.

`SharedPoolDownloadHandler` is Scrapy's handler with the pool and the context factory taken from
one process-wide `_Shared` (reference-counted: the last handler to close closes the connections):

* connections are reused across spiders: a portal's host sees one set of keep-alive connections,
  at most the per-host concurrency the run's limiter (crawler/hostlimit.py) allows;
* idle connections kept per pool key is `CONCURRENT_REQUESTS` (through a proxy, every http request
  shares the proxy's key, so Scrapy's default of `CONCURRENT_REQUESTS_PER_DOMAIN` closed most
  connections after one request and opened a new one for the next), and idle ones are dropped after
  ``CCHC_IDLE_CONNECTION_SECONDS`` (default 60) instead of 240;
* one `CertificateOptions` (hence one OpenSSL context) serves every TLS connection of the process;
  the full handshake (and the server's certificate) happens once per kept connection, not once per
  request. Certificate checking itself stays Scrapy's (``DOWNLOAD_VERIFY_CERTIFICATES``): when it is
  on, Scrapy's own per-connection path is used unchanged.

This relies on the pinned Scrapy's `HTTP11DownloadHandler` attributes (``_pool``, ``_contextFactory``)
and `_ScrapyClientContextFactory._get_cert_options`; tests/crawler/test_download.py checks the sharing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.core.downloader.contextfactory import _load_context_factory_from_settings
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from twisted.web.client import HTTPConnectionPool

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.ssl import CertificateOptions

#: seconds an idle keep-alive connection is kept (Twisted's default is 240)
DEFAULT_IDLE_SECONDS = 60


class _OneContext:
    """Wraps Scrapy's context factory so that every connection it creates shares one
    `CertificateOptions` — and so one OpenSSL context — instead of a new one per connection."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._options: CertificateOptions | None = None
        verify = getattr(factory, "_verify_certificates", False)
        # With verification on, Scrapy builds Twisted's verifying creator per host: keep it as it is.
        self._shareable = not verify and hasattr(factory, "_get_cert_options")
        if self._shareable:
            factory._get_cert_options = self._cert_options

    def _cert_options(self) -> CertificateOptions:
        if self._options is None:
            self._options = type(self._factory)._get_cert_options(self._factory)
        return self._options

    @property
    def factory(self) -> Any:
        return self._factory


class _Shared:
    """The process's pool and context factory, and how many open handlers use them."""

    pool: ClassVar[HTTPConnectionPool | None] = None
    context: ClassVar[_OneContext | None] = None
    users: ClassVar[int] = 0

    @classmethod
    def acquire(cls, crawler: Crawler) -> tuple[HTTPConnectionPool, Any]:
        if cls.pool is None or cls.context is None:
            from twisted.internet import reactor

            from scrapy.core.downloader.handlers.http11 import _LenientHTTP11ClientFactory

            settings = crawler.settings
            pool = HTTPConnectionPool(reactor, persistent=True)
            pool.maxPersistentPerHost = max(settings.getint("CONCURRENT_REQUESTS"),
                                            settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"), 1)
            pool.cachedConnectionTimeout = settings.getint("CCHC_IDLE_CONNECTION_SECONDS", DEFAULT_IDLE_SECONDS)
            pool._factory = _LenientHTTP11ClientFactory  # type: ignore[attr-defined]  # as Scrapy's handler does
            cls.pool = pool
            cls.context = _OneContext(_load_context_factory_from_settings(crawler))
        cls.users += 1
        return cls.pool, cls.context.factory

    @classmethod
    def release(cls) -> bool:
        """One user fewer; True when it was the last (its caller closes the connections)."""
        cls.users -= 1
        if cls.users > 0:
            return False
        cls.pool, cls.context, cls.users = None, None, 0
        return True


class SharedPoolDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler (``DOWNLOAD_HANDLERS`` for http and https), sharing one connection
    pool and one TLS context with every other handler of the process."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pool, self._contextFactory = _Shared.acquire(crawler)
        self._released = False

    async def close(self) -> None:
        if self._released:
            return
        self._released = True
        if _Shared.release():
            await super().close()  # closes the shared pool's cached connections (with Scrapy's timeout)
