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
* idle connections kept in all are at most ``CCHC_IDLE_CONNECTIONS`` (default ``CONCURRENT_REQUESTS``),
  the least recently used closed first (`BoundedConnectionPool`): a run visits thousands of hosts
  once or twice a minute each, so per-host caps alone kept one to eight idle connections for every
  host visited in the last minute: 1,478 open sockets in the crawl process at 300 portals on https
  with politeness off (bench/crawl_bench.py), each with its TLS state; bounded, at most ~130 stayed
  open and the process's peak fell from 452 to 386 MB (http requests share the proxy's few
  connections: nothing changes there);
* one `CertificateOptions` (hence one OpenSSL context) serves every TLS connection of the process;
  the full handshake happens once per kept connection, not once per request or per spider;
* the certificate is matched against the host name (Scrapy does it on every handshake, to log a
  warning on a mismatch) once per host and certificate. Certificate verification itself stays
  Scrapy's (``DOWNLOAD_VERIFY_CERTIFICATES``): when it is on, Scrapy's own creator is used unchanged.

This relies on the pinned Scrapy's `HTTP11DownloadHandler` attributes (``_pool``, ``_contextFactory``),
`_ScrapyClientContextFactory._get_cert_options` and `_ScrapyClientTLSOptions26._verifyCB`;
tests/crawler/test_download.py checks the sharing and the single check.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.core.downloader.contextfactory import _load_context_factory_from_settings
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.core.downloader.tls import _ScrapyClientTLSOptions26
from scrapy.utils._deps_compat import TWISTED_TLS_NEW_IMPL
from twisted.web.client import HTTPConnectionPool
from twisted.web.iweb import IPolicyForHTTPS
from zope.interface import implementer

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.ssl import CertificateOptions

#: seconds an idle keep-alive connection is kept (Twisted's default is 240)
DEFAULT_IDLE_SECONDS = 60


class _CheckedOncePerHostTLSOptions(_ScrapyClientTLSOptions26):
    """Scrapy's non-verifying TLS options, checking a host's certificate against its name once.

    Scrapy does not reject a certificate that does not match (``DOWNLOAD_VERIFY_CERTIFICATES`` off),
    but on every handshake it still extracts the certificate's names and matches the host against
    them, only to log a warning on a mismatch. That took 22 % of the crawl process's GIL time on
    https (bench/crawl_bench.py --profile; the simulator's one certificate names every portal, and a
    shared-hosting certificate can name hundreds). The outcome depends only on the host and the
    certificate, so it is computed once per (host, certificate digest) and the warning, if any, is
    logged once.
    """

    _checked: ClassVar[set[tuple[str, bytes]]] = set()
    #: bound on remembered (host, certificate) pairs; past it the set starts afresh
    LIMIT: ClassVar[int] = 100_000

    @staticmethod
    def _verifyCB(hostIsDNS: bool, hostnameASCII: str) -> Callable[[Any, Any, int, int, int], bool]:
        check = _ScrapyClientTLSOptions26._verifyCB(hostIsDNS, hostnameASCII)
        checked = _CheckedOncePerHostTLSOptions._checked

        def verify_once(conn: Any, cert: Any, err: int, depth: int, ok: int) -> bool:
            if depth != 0:
                return True  # only the leaf certificate is matched, as in Scrapy's callback
            key = (hostnameASCII, cert.digest("sha256"))
            if key in checked:
                return True
            if len(checked) >= _CheckedOncePerHostTLSOptions.LIMIT:
                checked.clear()
            checked.add(key)
            return check(conn, cert, err, depth, ok)

        return verify_once


class BoundedConnectionPool(HTTPConnectionPool):
    """Twisted's keep-alive pool with a bound on idle connections over all hosts, not only per host:
    past `max_idle`, the connection idle longest is closed (why: module docstring).

    Idle connections are the ones Twisted holds a timeout for (``_timeouts``); `_idle` remembers the
    order they went idle in, and forgets a connection when Twisted takes it out of the cache (reused,
    timed out, dropped by the per-host cap, or all closed)."""

    def __init__(self, reactor: Any, persistent: bool = True, max_idle: int = 64) -> None:
        super().__init__(reactor, persistent)
        self.max_idle = max(0, max_idle)
        self._idle: dict[Any, Any] = {}  # connection -> key, oldest first

    def getConnection(self, key: Any, endpoint: Any) -> Any:
        cached = list(self._connections.get(key, ()))
        result = super().getConnection(key, endpoint)
        for connection in cached:  # the ones Twisted took out of the cache (reused or found dead)
            if connection not in self._timeouts:
                self._idle.pop(connection, None)
        return result

    def _putConnection(self, key: Any, connection: Any) -> None:
        cached = list(self._connections.get(key, ()))
        super()._putConnection(key, connection)
        for other in cached:  # the one the per-host cap dropped, if any
            if other not in self._timeouts:
                self._idle.pop(other, None)
        if connection not in self._timeouts:
            return  # not kept (not quiescent)
        self._idle.pop(connection, None)
        self._idle[connection] = key
        while len(self._idle) > self.max_idle:
            oldest, oldest_key = next(iter(self._idle.items()))
            self._timeouts[oldest].cancel()
            self._removeConnection(oldest_key, oldest)

    def _removeConnection(self, key: Any, connection: Any) -> None:
        self._idle.pop(connection, None)
        super()._removeConnection(key, connection)

    def closeCachedConnections(self) -> Any:
        self._idle.clear()
        return super().closeCachedConnections()


@implementer(IPolicyForHTTPS)
class SharedTLSPolicy:
    """Scrapy's context factory with one `CertificateOptions` — so one OpenSSL context — for every
    connection, instead of a new one per connection, and the host check done once per host and
    certificate. With certificate verification on (``DOWNLOAD_VERIFY_CERTIFICATES``) or an older
    Twisted, Scrapy's own creator is used unchanged."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory
        self._options: CertificateOptions | None = None
        self.shared = (TWISTED_TLS_NEW_IMPL and not getattr(factory, "_verify_certificates", False)
                       and hasattr(factory, "_get_cert_options"))

    def creatorForNetloc(self, hostname: bytes, port: int) -> Any:
        if not self.shared:
            return self._factory.creatorForNetloc(hostname, port)
        if self._options is None:
            self._options = self._factory._get_cert_options()
        return _CheckedOncePerHostTLSOptions(self._options._makeTLSConnection, hostname.decode("ascii"))


class _Shared:
    """The process's pool and context factory, and how many open handlers use them."""

    pool: ClassVar[HTTPConnectionPool | None] = None
    context: ClassVar[SharedTLSPolicy | None] = None
    users: ClassVar[int] = 0

    @classmethod
    def acquire(cls, crawler: Crawler) -> tuple[HTTPConnectionPool, Any]:
        if cls.pool is None or cls.context is None:
            from scrapy.core.downloader.handlers.http11 import _LenientHTTP11ClientFactory
            from twisted.internet import reactor

            settings = crawler.settings
            concurrent = max(settings.getint("CONCURRENT_REQUESTS"), 1)
            pool = BoundedConnectionPool(reactor, persistent=True,
                                         max_idle=settings.getint("CCHC_IDLE_CONNECTIONS", concurrent))
            pool.maxPersistentPerHost = max(concurrent, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
            pool.cachedConnectionTimeout = settings.getint("CCHC_IDLE_CONNECTION_SECONDS", DEFAULT_IDLE_SECONDS)
            pool._factory = _LenientHTTP11ClientFactory  # as Scrapy's handler does
            cls.pool = pool
            cls.context = SharedTLSPolicy(_load_context_factory_from_settings(crawler))
        cls.users += 1
        return cls.pool, cls.context

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
