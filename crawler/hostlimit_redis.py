"""The run's per-host limit shared by every worker through Redis (`HostLimiter` of crawler/hostlimit.py).

Why a shared limit rather than hosts partitioned across workers: a worker may join or leave a run
at any time (`cchc worker --redis URL` from another machine, a killed worker restarted), and the
scrapy-redis queue hands any request to any worker; a partition would need re-balancing on every
join and leave and would tie a host's requests to one worker's queue. A limit kept in Redis needs
neither: whichever worker pops a request asks Redis whether the host may take it now.

How: one Lua script per attempt, atomic on the server and timed by the server's clock (workers on
several machines need no synchronised clocks). Per host, a sorted set of leases (one per request in
flight, scored by its expiry) bounds the concurrency, and a "next start" time spaces the starts by
the slot's delay with its jitter. A lease expires after the download timeout plus a margin, so a
SIGKILLed worker's in-flight requests stop counting without anyone cleaning up after it. A request
that may not start yet polls again after the time the script says (the spacing left) or a short
interval (the host is at its concurrency).
"""
from __future__ import annotations

import itertools
import os
import random
import socket
from typing import TYPE_CHECKING, Any

from scrapy.utils.asyncio import call_later
from twisted.internet.defer import Deferred

from crawler.hostlimit import HostLimiter

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler

#: How often a request waiting for a host at its concurrency asks again (seconds).
POLL = 0.1

_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return '-1' end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then return tostring(nxt - now) end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 60)
redis.call('SET', KEYS[2], tostring(now + tonumber(ARGV[2])), 'EX', math.ceil(tonumber(ARGV[2])) + 60)
return '0'
"""


class RedisHostLimiter(HostLimiter):
    """`HostLimiter` whose state lives in Redis, shared by every worker process of the run."""

    def __init__(self, server: Redis, prefix: str, lease_seconds: float) -> None:
        self.server = server
        self.prefix = prefix
        self.lease_seconds = lease_seconds
        self._script = server.register_script(_ACQUIRE)
        self._tokens = itertools.count()
        self._me = f"{socket.gethostname()}:{os.getpid()}"
        self._held: dict[str, list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisHostLimiter:
        from crawler.workers import connect

        settings = crawler.settings
        # a lease outlives any request: the download timeout, plus the limiter's own poll and a margin
        lease = settings.getfloat("DOWNLOAD_TIMEOUT", 180) + 30
        return cls(connect(settings.get("CCHC_REDIS_URL")), settings.get("CCHC_REDIS_PREFIX", "cchc:") + "host:", lease)

    def acquire(self, key: str, concurrency: int, delay: float, jitter: float) -> Deferred[float]:
        gap = max(0.0, delay * (1 + random.uniform(-jitter, jitter))) if jitter else max(0.0, delay)
        token = f"{self._me}:{next(self._tokens)}"
        timer: list[Any] = []

        def cancel(_: Deferred[float]) -> None:  # the request was dropped while it waited
            if timer:
                timer[0].cancel()

        d: Deferred[float] = Deferred(cancel)

        def attempt() -> None:
            timer.clear()
            if d.called:
                return
            wait = float(self._script(keys=[self.prefix + key + ":in", self.prefix + key + ":next"],
                                      args=[max(1, concurrency), gap, self.lease_seconds, token]))
            if wait == 0:
                self._held.setdefault(key, []).append(token)
                d.callback(0.0)
                return
            timer.append(call_later(POLL if wait < 0 else min(wait, 1.0), attempt))

        attempt()
        return d

    def release(self, key: str) -> None:
        tokens = self._held.get(key)
        if tokens:
            self.server.zrem(self.prefix + key + ":in", tokens.pop(0))
