"""The queue of a run shared by workers, with leases (`crawler.workers` says what Redis holds for a run).

Why leases: scrapy-redis' queue pops a request for good, so a worker killed between the pop and the
storage of its items would lose it. Here a pop moves the request into this worker's leases atomically
(one Lua script), `LeaseKeeper` acknowledges it only when its response was processed and the storage
pipeline wrote what was buffered, and any worker pushes a dead worker's leases back to the queue.
"""
from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.workers import ALIVE_TTL, DEFAULT_PREFIX, HEARTBEAT, TICK, connect, worker_id

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

log = logging.getLogger("cchc.workers")



# ---- the queue with leases ---------------------------------------------------------------------

_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return nil end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. '|' .. r[1])
return r[1]
"""

_REQUEUE = """
local n = 0
local all = redis.call('HGETALL', KEYS[2])
for i = 1, #all, 2 do
  local v = all[i + 1]
  local bar = string.find(v, '|', 1, true)
  redis.call('ZADD', KEYS[1], tonumber(string.sub(v, 1, bar - 1)), string.sub(v, bar + 1))
  n = n + 1
end
redis.call('DEL', KEYS[2])
return n
"""


class LeasedQueue(PriorityQueue):
    """scrapy-redis' priority queue whose `pop` leaves the request in this worker's leases until
    `ack`: a worker killed between pop and storage loses nothing (`requeue_dead`)."""

    def __init__(self, server: Redis, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.worker: str = spider.settings.get("CCHC_WORKER_ID") or worker_id()
        self.leases_key = f"{self.key}:leases:{self.worker}"
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE)
        self._ids = 0
        #: popped and not yet acknowledged: lease → (request, when popped)
        self.popped: dict[str, tuple[Request, float]] = {}

    def pop(self, timeout: int = 0) -> Request | None:
        self._ids += 1
        lease = str(self._ids)
        data = self._pop(keys=[self.key, self.leases_key], args=[lease])
        if not data:
            return None
        request = self._decode_request(data)
        request.meta["cchc_lease"] = lease
        self.popped[lease] = (request, time.monotonic())
        return request

    def ack(self, leases: Iterable[str]) -> None:
        leases = list(leases)
        for lease in leases:
            self.popped.pop(lease, None)
        if leases:
            self.server.hdel(self.leases_key, *leases)

    def give_back(self, leases: Iterable[str]) -> int:
        """Push this worker's own `leases` back to the queue (their items could not be stored)."""
        pushed = 0
        for lease in leases:
            self.popped.pop(lease, None)
            value = self.server.hget(self.leases_key, lease)
            if value is None:
                continue
            score, _, data = value.partition(b"|")
            pipe = self.server.pipeline()
            pipe.zadd(self.key, {data: float(score)})
            pipe.hdel(self.leases_key, lease)
            pipe.execute()
            pushed += 1
        return pushed

    def leases_pattern(self) -> str:
        return f"{self.key}:leases:*"

    def requeue(self, leases_key: str) -> int:
        """Push every request held under `leases_key` back into the queue; the number pushed."""
        return int(self._requeue(keys=[self.key, leases_key]))


def _reissued(request: Request) -> bool:
    """Whether `request` is a new attempt of one already downloaded: a retry (RetryMiddleware counts
    ``retry_times``) or a redirect's next hop (``redirect_times``). Both copy the request's meta, the
    start request's ``is_start_request`` mark included, and set ``dont_filter``: taking such a
    request for another worker's copy of the start request dropped it, and with it the spider's
    home page whenever the first answer was a 503 (issue 13: workers' snapshots differed on flaky
    portals)."""
    return bool(request.meta.get("retry_times") or request.meta.get("redirect_times"))


class LeasedScheduler(Scheduler):
    """scrapy-redis' scheduler with leases, the run's keys, and start requests deduplicated across
    workers even when marked ``dont_filter`` (every worker yields the same start requests; a retry or
    a redirect of one still passes, it is a new attempt, not a second discovery: `_reissued`)."""

    queue: LeasedQueue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        settings = crawler.settings
        if not settings.get("CCHC_REDIS_URL"):
            raise NotConfigured("CCHC_REDIS_URL is not set")
        prefix = settings.get("CCHC_REDIS_PREFIX", DEFAULT_PREFIX)
        instance = cls(server=connect(settings.get("CCHC_REDIS_URL")), persist=True,
                       queue_key=prefix + "%(spider)s:requests", queue_cls="crawler.leases.LeasedQueue",
                       dupefilter_key=prefix + "%(spider)s:dupefilter",
                       dupefilter_cls="scrapy_redis.dupefilter.RFPDupeFilter")
        instance.stats = crawler.stats
        return instance

    def open(self, spider: Spider) -> None:
        from scrapy_redis.dupefilter import RFPDupeFilter

        self.df = RFPDupeFilter(self.server, self.dupefilter_key % {"spider": spider.name})
        super().open(spider)

    def enqueue_request(self, request: Request) -> bool:
        if (request.dont_filter and request.meta.get("is_start_request") and not _reissued(request)
                and self.df.request_seen(request)):
            self.df.log(request, self.spider)
            return False
        return bool(super().enqueue_request(request))


# ---- keeping leases, idleness, the end of a phase ----------------------------------------------


class LeaseKeeper:
    """The worker's side of the run in Redis (an extension, enabled with ``CCHC_REDIS_URL``).

    * acknowledges a popped request once it left the downloader and the scraper and the storage
      pipeline has written what was buffered since (so its items are in the database);
    * renews this worker's ``alive`` key, and pushes dead workers' leases back to the queue;
    * keeps the spider open while the run's queue of this spider is not empty or any worker holds a
      lease of it, and wakes the engine every tick (requests other workers pushed are taken at once).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.prefix = settings.get("CCHC_REDIS_PREFIX", DEFAULT_PREFIX)
        self.server = connect(settings.get("CCHC_REDIS_URL"))
        self.worker = settings.get("CCHC_WORKER_ID")
        self.loop: Any = None
        self.beat_at = 0.0
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeaseKeeper:
        if not crawler.settings.get("CCHC_REDIS_URL"):
            raise NotConfigured
        if not crawler.settings.get("CCHC_WORKER_ID"):
            raise NotConfigured("CCHC_WORKER_ID is not set")
        return cls(crawler)

    @property
    def queue(self) -> LeasedQueue:
        return self.crawler.engine._slot.scheduler.queue  # type: ignore[union-attr]

    def opened(self, spider: Spider) -> None:
        from twisted.internet import task

        self.beat()
        self.requeue_dead()
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(TICK, now=False)

    def beat(self) -> None:
        self.server.set(f"{self.prefix}alive:{self.worker}", "1", ex=ALIVE_TTL)
        self.beat_at = time.monotonic()

    def busy(self) -> set[int]:
        """Ids of the requests the engine still works on (downloading, waiting for a host, parsing)."""
        engine = self.crawler.engine
        assert engine is not None
        slot = engine.scraper.slot
        ids = {id(r) for r in engine.downloader.active}
        if slot is not None:
            ids |= {id(r) for r in slot.active} | {id(r) for _, r, _ in slot.queue}
        return ids

    def tick(self) -> Any:
        """Renew, nudge the engine, and acknowledge what is done once the storage pipeline wrote it."""
        if time.monotonic() - self.beat_at >= HEARTBEAT:
            self.beat()
        engine = self.crawler.engine
        if engine is not None and engine._slot is not None:
            engine._slot.nextcall.schedule()
        busy = self.busy()
        # popped a moment ago: the engine may not have handed it to the downloader yet
        settled = time.monotonic() - TICK
        done = [lease for lease, (request, popped_at) in self.queue.popped.items()
                if id(request) not in busy and popped_at < settled]
        if not done:
            return None
        d = self.flush_storage()

        def ack(result: Any) -> Any:
            self.queue.ack(done)
            return result

        def give_back(failure: Any) -> None:
            # the storage pipeline could not write: the requests are done again, by any worker
            n = self.queue.give_back(done)
            log.warning("storage failed (%s); %d request(s) back to the queue", failure.getErrorMessage(), n)
            self.crawler.stats.inc_value("cchc/workers/given_back", n)

        return d.addCallbacks(ack, give_back)

    def flush_storage(self) -> Any:
        """A Deferred that fires once the storage pipeline wrote everything it buffered so far."""
        from twisted.internet.defer import succeed

        from pipelines.storage import StoragePipeline

        engine = self.crawler.engine
        assert engine is not None
        for pipe in getattr(engine.scraper.itemproc, "middlewares", ()):
            if isinstance(pipe, StoragePipeline):
                return pipe._flush()
        return succeed(None)

    def requeue_dead(self) -> int:
        """Push back the leases of workers whose ``alive`` key expired (killed); the number pushed."""
        pushed = 0
        for key in self.server.scan_iter(match=self.queue.leases_pattern(), count=500):
            name = key.decode().rsplit(":leases:", 1)[1]
            if name != self.worker and not self.server.exists(f"{self.prefix}alive:{name}"):
                n = self.queue.requeue(key.decode())
                if n:
                    log.warning("requeued %d request(s) of dead worker %s", n, name)
                    self.crawler.stats.inc_value("cchc/workers/requeued", n)
                pushed += n
        return pushed

    def run_idle(self) -> bool:
        """Whether this spider's work is over in the whole run: empty queue, no lease anywhere."""
        self.requeue_dead()
        if len(self.queue):
            return False
        return not any(self.server.hlen(key) for key in self.server.scan_iter(match=self.queue.leases_pattern()))

    def idle(self, spider: Spider) -> None:
        if self.queue.popped or not self.run_idle():
            raise DontCloseSpider

    def closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if reason == "finished":
            # the storage pipeline closed after writing everything: nothing this worker held is open
            with contextlib.suppress(Exception):
                self.queue.ack(list(self.queue.popped))
