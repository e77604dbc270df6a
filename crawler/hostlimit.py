"""One per-host limit for the whole run, whichever discovery spider asks (issue 12, politeness).

Why: `cchc crawl` runs one spider per discovery method (widget, feeds, sitemaps, listings, registers,
then the re-check) in one process, and each Scrapy crawler has its own downloader, so Scrapy's per-host
slot (CONCURRENT_REQUESTS_PER_DOMAIN, DOWNLOAD_DELAY) held per spider: five spiders meant up to five
times the configured concurrency on one host, and requests far closer together than the delay.
Government portals sit behind WAFs that block exactly that.

How: every crawler of the run uses `SharedLimitDownloader` (the ``DOWNLOADER`` setting). Before a
request enters its spider's own slot it waits for the run's `HostLimiter` — one object shared by every
crawler of the process and run — which lets at most the slot's concurrency be in flight per host and
spaces consecutive starts on a host by the slot's delay with its jitter (``delay × (1 ± jitter)``, so
never closer than ``(1 − jitter) × delay``). The spider's own slot then adds no delay of its own (the
limiter already spaced the request; a second, per-spider wait would bunch starts together again). The
delay the limiter applies is the slot's: DOWNLOAD_DELAY, or AutoThrottle's current delay for the host
(never below DOWNLOAD_DELAY), or a DOWNLOAD_SLOTS entry's. robots.txt requests count too.

`HostLimiter` is the interface (``acquire``/``release``); `LocalHostLimiter` fills it in process. A
limiter shared by several crawl processes (Redis: a per-host counter and a next-start time updated by
one script) would implement the same two methods and be named in ``CCHC_HOST_LIMITER``.

`RequestLog` (enabled by ``CCHC_REQUEST_LOG=FILE``) writes one JSON line per request from Scrapy's own
signals — spider, host, when it reached the downloader and when it left it — so a test or an operator
can check the limit from the outside.

Using the run's time (issue 13): the limit alone let one busy host starve the others. Requests waiting
for a host's turn sat in their spider's downloader and counted against its CONCURRENT_REQUESTS, so a
shared province host (haiphong.gov.vn carries 113 sub-sites) or a few timing-out hosts held every slot
while thousands of hosts idled, and the country crawl ran at half a core. Now (1) the scheduler's queue
(`HostAwarePriorityQueue`, ``SCHEDULER_PRIORITY_QUEUE``) hands out a request only for a host with room
in the limiter, hosts taking turns; (2) `SharedLimitDownloader.needs_backout` leaves waiting requests
out of the count (at most CONCURRENT_REQUESTS of them wait); (3) a host freed by one crawler wakes the
others' engines (`HostLimiter.add_listener`). The policy per host is unchanged.

This relies on the pinned Scrapy's (2.19) internals: Downloader (`_enqueue_request`, `_process_queue`,
`needs_backout`, `active`, `total_concurrency`, `Slot.active`/`queue`/`transferring`), the engine's
`_slot.nextcall` (woken by `_wake`), and `scrapy.pqueues.DownloaderAwarePriorityQueue` (`pqueues`,
`pqfactory`, `_downloader_interface`, `_path_safe`, its disk-state format for JOBDIR).
tests/crawler/test_politeness.py checks the limit end to end on the simulator;
tests/crawler/test_host_starvation.py checks that a busy host no longer starves the others.
"""
from __future__ import annotations

import json
import random
import time
import weakref
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy import Request, signals
from scrapy.core.downloader import Downloader, Slot
from scrapy.exceptions import NotConfigured
from scrapy.pqueues import DownloaderAwarePriorityQueue, QueueProtocol, _path_safe
from scrapy.utils.asyncio import CallLaterResult, call_later
from scrapy.utils.defer import _schedule_coro, maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class HostLimiter(ABC):
    """The run's per-host policy: how many requests may be in flight on a host, and how far apart
    their starts must be. One instance serves every crawler of a run (`shared`)."""

    _shared: ClassVar[weakref.WeakValueDictionary[tuple[type, str], HostLimiter]] = weakref.WeakValueDictionary()

    @classmethod
    def shared(cls, crawler: Crawler) -> HostLimiter:
        """The limiter of `crawler`'s run: the same object for every crawler of the process that
        crawls the same run (``CCHC_RUN_ID``)."""
        key = (cls, str(crawler.settings.get("CCHC_RUN_ID") or ""))
        limiter = cls._shared.get(key)
        if limiter is None:
            limiter = cls.from_crawler(crawler)
            cls._shared[key] = limiter
        return limiter

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostLimiter:
        return cls()

    @abstractmethod
    def acquire(self, key: str, concurrency: int, delay: float, jitter: float) -> Deferred[float]:
        """A Deferred that fires (with the start time) once a request to host `key` may start: fewer
        than `concurrency` in flight there, and ``delay × (1 ± jitter)`` since the previous start."""

    @abstractmethod
    def release(self, key: str) -> None:
        """A request that `acquire` let start on host `key` has ended (answered or failed)."""

    def has_room(self, key: str) -> bool:
        """Whether a request to host `key` handed to a downloader now would start without waiting
        behind the run's other requests to that host (fewer than its concurrency in flight or
        waiting). The scheduler (`HostAwarePriorityQueue`) asks before it hands a request out; a
        limiter that cannot tell cheaply says True, which is Scrapy's own behaviour."""
        return True

    def add_listener(self, wake: Callable[[], None]) -> None:
        """Call `wake` when a host gets room again (a request ended), so a crawler whose scheduler
        held requests back for lack of room asks again at once, whichever crawler freed the host."""

    def remove_listener(self, wake: Callable[[], None]) -> None:
        """Stop calling `wake` (its crawler closed)."""


class _Host:
    """One host's state: requests in flight, the last start, who waits, the pending wake-up."""

    __slots__ = ("in_flight", "last_start", "waiters", "timer", "gap", "concurrency")

    def __init__(self) -> None:
        self.in_flight = 0
        self.concurrency = 1  # the last concurrency asked for (has_room compares with it)
        self.last_start: float | None = None
        self.waiters: deque[tuple[Deferred[float], int, float, float]] = deque()
        self.timer: CallLaterResult | Any = None
        self.gap: float | None = None  # the spacing drawn for the next start (jitter drawn once)


class LocalHostLimiter(HostLimiter):
    """`HostLimiter` for the crawlers of one process: first come, first served per host."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 uniform: Callable[[float, float], float] = random.uniform,
                 later: Callable[..., Any] = call_later) -> None:
        """`clock`, `uniform` and `later` (run a function after a delay) are the reactor's and the
        random module's; tests give their own to check the policy step by step."""
        self._clock = clock
        self._uniform = uniform
        self._later = later
        self._hosts: dict[str, _Host] = {}
        self._listeners: list[Callable[[], None]] = []

    def has_room(self, key: str) -> bool:
        host = self._hosts.get(key)
        return host is None or host.in_flight + len(host.waiters) < host.concurrency

    def add_listener(self, wake: Callable[[], None]) -> None:
        self._listeners.append(wake)

    def remove_listener(self, wake: Callable[[], None]) -> None:
        if wake in self._listeners:
            self._listeners.remove(wake)

    def acquire(self, key: str, concurrency: int, delay: float, jitter: float) -> Deferred[float]:
        host = self._hosts.setdefault(key, _Host())
        entry: tuple[Deferred[float], int, float, float]

        def cancel(d: Deferred[float]) -> None:  # the request was dropped while it waited
            if entry in host.waiters:
                host.waiters.remove(entry)

        d: Deferred[float] = Deferred(cancel)
        entry = (d, max(1, concurrency), max(0.0, delay), max(0.0, jitter))
        host.concurrency = entry[1]
        host.waiters.append(entry)
        self._pump(host)
        return d

    def release(self, key: str) -> None:
        host = self._hosts[key]
        host.in_flight -= 1
        self._pump(host)
        if self._listeners and self.has_room(key):
            for wake in list(self._listeners):
                wake()

    def in_flight(self, key: str) -> int:
        """Requests in flight on host `key` now (for tests and progress)."""
        host = self._hosts.get(key)
        return host.in_flight if host else 0

    def _pump(self, host: _Host) -> None:
        """Start as many waiting requests as the host's limits allow now; else wake up when the
        spacing will allow the next one (a release wakes it up for the concurrency)."""
        if host.timer is not None:
            return
        while host.waiters:
            d, concurrency, delay, jitter = host.waiters[0]
            if host.in_flight >= concurrency:
                return
            if host.gap is None:
                host.gap = max(0.0, delay * (1 + self._uniform(-jitter, jitter))) if jitter else delay
            now = self._clock()
            if host.last_start is not None and host.last_start + host.gap > now:
                host.timer = self._later(host.last_start + host.gap - now, self._wake, host)
                return
            host.waiters.popleft()
            host.in_flight += 1
            host.last_start, host.gap = now, None
            d.callback(now)

    def _wake(self, host: _Host) -> None:
        host.timer = None
        self._pump(host)


class SharedLimitDownloader(Downloader):
    """Scrapy's downloader, with the run's `HostLimiter` deciding when a request may start.

    Each crawler keeps its own slots (AutoThrottle adjusts their delay, stats and the slot garbage
    collector read them); the limiter applies their concurrency and delay across every crawler.

    A request waiting for the limiter is not downloading: it does not count against the crawler's
    CONCURRENT_REQUESTS (`needs_backout`), else requests queued behind one busy shared host (113
    sub-sites of haiphong.gov.vn on one host) held every one of the spider's slots while thousands of
    other hosts sat idle. Waiting requests are bounded too (at most CONCURRENT_REQUESTS of them), so
    memory stays bounded; `HostAwarePriorityQueue` keeps them few in the first place.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        limiter_cls = load_object(crawler.settings.get("CCHC_HOST_LIMITER", "crawler.hostlimit.LocalHostLimiter"))
        self.limiter: HostLimiter = limiter_cls.shared(crawler)
        self.waiting = 0  # requests of this crawler waiting for the limiter
        self.limiter.add_listener(self._wake)

    def needs_backout(self) -> bool:
        if self.total_concurrency <= 0:  # 0: no limit, as Scrapy's
            return False
        return (len(self.active) - self.waiting >= self.total_concurrency
                or self.waiting >= self.total_concurrency)

    def _wake(self) -> None:
        """A host got room: let this crawler's engine ask its scheduler again (its own responses
        do that already; this covers a host freed by another crawler of the run)."""
        engine = getattr(self.crawler, "engine", None)
        slot = getattr(engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def close(self) -> None:
        self.limiter.remove_listener(self._wake)
        super().close()

    async def _enqueue_request(self, request: Request) -> Response:
        """Scrapy's `_enqueue_request`, entered from the limiter's grant itself (a Deferred callback,
        synchronous), not from a coroutine resumed on a later turn of the event loop: on a busy loop
        that resumption lagged by a variable fraction of a second, so two starts the limiter had
        spaced by the delay reached the slot closer together than the delay."""
        key, slot = self._get_slot(request)
        request.meta[self.DOWNLOAD_SLOT] = key
        done: Deferred[Response] = Deferred()
        started = False

        def start(_: float) -> None:
            nonlocal started
            started = True
            self._unwait()
            slot.active.add(request)
            self.signals.send_catch_log(signal=signals.request_reached_downloader, request=request,
                                        spider=self.crawler.spider)
            slot.queue.append((request, done))
            self._process_queue(slot)

        self.waiting += 1
        granted = self.limiter.acquire(key, slot.concurrency, slot.delay, slot.jitter)
        granted.addCallback(start)
        try:
            await maybe_deferred_to_future(granted)
        except BaseException:
            if not started:  # dropped while it waited (the crawl closing): the limiter forgot it
                self._unwait()
            else:  # granted, but entering the slot failed: give the host's place back
                slot.active.discard(request)
                self.limiter.release(key)
            raise
        try:
            return await maybe_deferred_to_future(done)  # fired in _wait_for_download()
        finally:
            slot.active.discard(request)
            self.limiter.release(key)

    def _unwait(self) -> None:
        self.waiting -= 1
        if self.waiting == self.total_concurrency - 1:
            self._wake()  # the bound on waiting requests held the engine back: it may send again

    def _process_queue(self, slot: Slot) -> None:
        """Start what the slot holds: the limiter already spaced and counted it across the run."""
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = time.monotonic()
            request, queue_dfd = slot.queue.popleft()
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))


class HostAwarePriorityQueue(DownloaderAwarePriorityQueue):
    """The scheduler's queue, one priority queue per host (Scrapy's `DownloaderAwarePriorityQueue`,
    disk persistence included), handing out the next request of the first host, round robin, that
    has room in the run's `HostLimiter` (``SCHEDULER_PRIORITY_QUEUE``).

    Why: with Scrapy's default queue the order is the spiders' (a listing's pages, then the next
    portal's), so one busy host — a province host carrying a hundred sub-sites — got request after
    request handed to the downloader, where they waited for that host's turn while other hosts had
    none. Here a host gets a request only when it can start one soon (fewer than its concurrency in
    flight or waiting, across every crawler of the run), and the hosts take turns, so the busy shared
    hosts flow steadily from the start and the rest fill the remaining capacity. Scrapy's own
    `DownloaderAwarePriorityQueue` asks only its crawler's slots, and scans every host per request
    (thousands at country scale); the ring here moves past a full host in O(1).

    When no host has room, `pop` returns None while requests remain: the engine keeps the spider open
    (the scheduler has pending requests) and asks again when a response arrives or the limiter says
    a host got room (`SharedLimitDownloader._wake`).
    """

    def __init__(self, crawler: Crawler, downstream_queue_cls: type[QueueProtocol], key: str,
                 slot_startprios: dict[str, Iterable[int]] | None = None, *,
                 start_queue_cls: type[QueueProtocol] | None = None) -> None:
        super().__init__(crawler, downstream_queue_cls, key, slot_startprios, start_queue_cls=start_queue_cls)
        self._ring: deque[str] = deque(self.pqueues)  # hosts with requests, in turn order

    def _room(self) -> Callable[[str], bool]:
        engine = getattr(self.crawler, "engine", None)
        limiter = getattr(getattr(engine, "downloader", None), "limiter", None)
        return limiter.has_room if isinstance(limiter, HostLimiter) else (lambda _key: True)

    def push(self, request: Request) -> None:
        slot = self._downloader_interface.get_slot_key(request)
        if slot not in self.pqueues:
            self.pqueues[slot] = self.pqfactory(slot)
            self._ring.append(slot)
        self.pqueues[slot].push(request)

    def _ready(self, *, take: bool) -> str | None:
        """The next host in turn that has requests and room (moved to the back of the ring when
        `take`); None when every host with requests is full."""
        room, ring = self._room(), self._ring
        for i in range(len(ring)):
            slot = ring[i] if not take else ring[0]
            if take:
                ring.rotate(-1)
            if slot in self.pqueues and room(slot):
                return slot
        return None

    def pop(self) -> Request | None:
        while self._ring and self._ring[0] not in self.pqueues:  # dropped hosts (closed queues)
            self._ring.popleft()
        slot = self._ready(take=True)
        if slot is None:
            return None
        queue = self.pqueues[slot]
        request = queue.pop()
        if len(queue) == 0:
            del self.pqueues[slot]
            self._ring.pop()  # the host just moved to the back
            queue.close()
            if self.key:
                with suppress(OSError):  # as Scrapy's: the host's folder, once its queues removed their files
                    Path(self.key, _path_safe(slot)).rmdir()
        return request

    def peek(self) -> Request | None:
        slot = self._ready(take=False)
        return self.pqueues[slot].peek() if slot is not None else None

    def close(self) -> dict[str, list[int]]:
        self._ring.clear()
        return super().close()


class RequestLog:
    """With ``CCHC_REQUEST_LOG=FILE``: one JSON line per request (spider, host, reached, left; seconds
    on this process's monotonic clock), from Scrapy's downloader signals."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.path = path
        self.started: dict[int, float] = {}
        crawler.signals.connect(self.reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(self.left, signal=signals.request_left_downloader)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RequestLog:
        path = crawler.settings.get("CCHC_REQUEST_LOG")
        if not path:
            raise NotConfigured
        return cls(crawler, Path(path))

    def reached(self, request: Request, spider: Any = None) -> None:
        self.started[id(request)] = time.monotonic()

    def left(self, request: Request, spider: Any = None) -> None:
        start = self.started.pop(id(request), None)
        if start is None:
            return
        line = {"spider": self.crawler.spidercls.name, "host": urlparse_cached(request).hostname,
                "url": request.url, "reached": start, "left": time.monotonic()}
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
