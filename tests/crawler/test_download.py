"""One connection pool and one TLS context for every spider of a crawl process (crawler/download.py,
issue 12): the spiders of a run reuse each other's keep-alive connections to a portal, and https
pays one tunnel and handshake per kept connection, not one per spider (or per request)."""
from __future__ import annotations

import asyncio
import collections
import threading
from typing import Any

import pytest
from scrapy.core.downloader import tls
from scrapy.utils.reactor import install_reactor, is_reactor_installed
from scrapy.utils.test import get_crawler

import settings as project_settings
from crawler.download import SharedPoolDownloadHandler, _CheckedOncePerHostTLSOptions, _Shared
from sim.server import ProxyHandler

PER_HOST = 2
PORTALS = ("p-tuyenquang", "p-haiphong", "p-cantho")


def _crawler(**extra: object):
    if not is_reactor_installed():
        install_reactor(project_settings.TWISTED_REACTOR)
    return get_crawler(settings_dict={"TWISTED_REACTOR": None, "CONCURRENT_REQUESTS": 48, "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
                                      "CCHC_IDLE_CONNECTION_SECONDS": 30, "TWISTED_REACTOR_ENABLED": True,
                                      **extra})


def test_handlers_of_every_crawler_share_one_pool_and_one_tls_context():
    first = SharedPoolDownloadHandler(_crawler())
    second = SharedPoolDownloadHandler(_crawler())
    try:
        assert first._pool is second._pool
        assert first._contextFactory is second._contextFactory
        # through a proxy every http request shares one pool key: keep as many idle as may be in flight
        assert first._pool.maxPersistentPerHost == 48
        assert first._pool.cachedConnectionTimeout == 30
        one = first._contextFactory.creatorForNetloc(b"a.gov.vn", 443)
        other = second._contextFactory.creatorForNetloc(b"b.gov.vn", 443)
        assert isinstance(one, _CheckedOncePerHostTLSOptions)
        assert one._createConnection.__self__.getContext() is other._createConnection.__self__.getContext()
        # the first to close leaves the pool to the other
        asyncio.run(first.close())
        assert _Shared.users == 1 and _Shared.pool is second._pool
    finally:
        _Shared.pool, _Shared.context, _Shared.users = None, None, 0


def test_certificate_verification_keeps_scrapys_own_per_host_creator():
    handler = SharedPoolDownloadHandler(_crawler(DOWNLOAD_VERIFY_CERTIFICATES=True))
    try:
        # Twisted's verifying creator, built per host by Scrapy, is not replaced
        assert not handler._contextFactory.shared
        assert not isinstance(handler._contextFactory.creatorForNetloc(b"a.gov.vn", 443),
                              _CheckedOncePerHostTLSOptions)
    finally:
        _Shared.pool, _Shared.context, _Shared.users = None, None, 0


class _Cert:
    def __init__(self, digest: bytes) -> None:
        self._digest = digest

    def digest(self, name: str) -> bytes:
        return self._digest


def test_a_hosts_certificate_is_matched_once_and_a_mismatch_warned_once(monkeypatch, caplog):
    calls: list[object] = []

    def patterns(cert: object) -> list[object]:
        calls.append(cert)
        return []  # no name in the certificate: a mismatch for every host

    monkeypatch.setattr(tls, "extract_patterns", patterns)
    monkeypatch.setattr(_CheckedOncePerHostTLSOptions, "_checked", set())
    a1 = _CheckedOncePerHostTLSOptions._verifyCB(True, "a.gov.vn")
    a2 = _CheckedOncePerHostTLSOptions._verifyCB(True, "a.gov.vn")
    b = _CheckedOncePerHostTLSOptions._verifyCB(True, "b.gov.vn")
    cert, renewed = _Cert(b"one"), _Cert(b"two")
    with caplog.at_level("WARNING"):
        assert all(cb(None, cert, 0, 0, 1) for cb in (a1, a2, a1, b))
        assert a1(None, renewed, 0, 0, 1)
        assert a1(None, _Cert(b"issuer"), 0, 1, 1)  # not the leaf: never matched
    # a.gov.vn with its certificate, b.gov.vn with the same one, a.gov.vn with a renewed one
    assert calls == [cert, cert, renewed]
    warned = [r.getMessage() for r in caplog.records if "not valid for hostname" in r.getMessage()]
    assert len(warned) == 3 and sum("a.gov.vn" in w for w in warned) == 2


def test_project_settings_name_the_shared_handler():
    assert project_settings.DOWNLOAD_HANDLERS == {"http": "crawler.download.SharedPoolDownloadHandler",
                                                  "https": "crawler.download.SharedPoolDownloadHandler"}


@pytest.mark.slow
def test_spiders_of_a_run_reuse_tunnels_to_an_https_portal(crawl, network, tmp_path, monkeypatch):
    """Five discovery spiders and the re-check ask the same https hosts; each host sees at most the
    per-host concurrency in tunnels for the discovery spiders together, and as many again for the
    re-check (its crawler starts after the discovery crawlers closed the pool)."""
    tunnels: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    original = ProxyHandler.do_CONNECT

    def counting(self: ProxyHandler) -> None:
        with lock:
            tunnels[self.path.rpartition(":")[0].lower()] += 1
        original(self)

    monkeypatch.setattr(ProxyHandler, "do_CONNECT", counting)
    network.record_access()
    try:
        crawl.run(tmp_path / "reuse.sqlite", *[a for pid in PORTALS for a in ("--source", pid)],
                  env={"CCHC_PER_HOST": str(PER_HOST), "CCHC_DOWNLOAD_DELAY": "0.2"})
    finally:
        served = network.record_access(False)
    requests = collections.Counter(host for host, _, _ in served)
    busy = [host for host in tunnels if requests[host] >= 10]
    assert len(busy) >= len(PORTALS), (dict(tunnels), dict(requests))
    for host in busy:
        assert tunnels[host] <= 2 * PER_HOST, (host, tunnels[host], requests[host])


class _Transport:
    def __init__(self) -> None:
        self.closed = False

    def loseConnection(self) -> None:
        self.closed = True


class _Connection:
    state = "QUIESCENT"

    def __init__(self, name: str) -> None:
        self.name = name
        self.transport = _Transport()

    def abort(self) -> Any:
        from twisted.internet import defer

        self.transport.closed = True
        return defer.succeed(None)

    def __repr__(self) -> str:
        return self.name


def test_idle_connections_over_every_host_are_bounded_the_least_recently_used_closed_first():
    from twisted.internet.task import Clock

    from crawler.download import BoundedConnectionPool

    clock = Clock()
    pool = BoundedConnectionPool(clock, max_idle=3)
    pool.maxPersistentPerHost = 2
    pool.retryAutomatically = False  # hand back the connection itself, not Twisted's retrying wrapper
    a1, a2, b1, c1, a3 = (_Connection(n) for n in ("a1", "a2", "b1", "c1", "a3"))
    for key, conn in (("a", a1), ("a", a2), ("b", b1)):
        pool._putConnection(key, conn)
    assert not any(c.transport.closed for c in (a1, a2, b1))
    pool._putConnection("c", c1)  # a fourth idle connection: a1, idle longest, is closed
    assert a1.transport.closed and not a2.transport.closed
    assert pool._connections["a"] == [a2] and len(pool._timeouts) == 3
    # a2 is reused: it is no longer idle, so the next to close is b1, not a2
    reused = []
    pool.getConnection("a", endpoint=None).addCallback(reused.append)
    assert reused == [a2] and len(pool._timeouts) == 2
    pool._putConnection("a", a3)
    pool._putConnection("a", a2)  # a2 back: four idle again, b1 (idle longest) closes
    assert b1.transport.closed and not c1.transport.closed and not a2.transport.closed
    assert set(pool._idle) == {c1, a3, a2} == set(pool._timeouts)
    # the idle timeout still closes what is left, and forgets it
    clock.advance(pool.cachedConnectionTimeout + 1)
    assert all(c.transport.closed for c in (c1, a3, a2))
    assert pool._idle == {} and pool._timeouts == {}


def test_the_per_host_cap_still_applies_and_the_dropped_connection_is_forgotten():
    from twisted.internet.task import Clock

    from crawler.download import BoundedConnectionPool

    pool = BoundedConnectionPool(Clock(), max_idle=10)
    pool.maxPersistentPerHost = 1
    first, second = _Connection("first"), _Connection("second")
    pool._putConnection("a", first)
    pool._putConnection("a", second)
    assert first.transport.closed and list(pool._idle) == [second]
    pool.closeCachedConnections()
    assert second.transport.closed and pool._idle == {}


def test_the_idle_bound_is_the_concurrency_unless_set():
    try:
        handler = SharedPoolDownloadHandler(_crawler())
        assert handler._pool.max_idle == 48
    finally:
        _Shared.pool, _Shared.context, _Shared.users = None, None, 0
    try:
        handler = SharedPoolDownloadHandler(_crawler(CCHC_IDLE_CONNECTIONS=5))
        assert handler._pool.max_idle == 5
    finally:
        _Shared.pool, _Shared.context, _Shared.users = None, None, 0
