"""Several worker processes crawling one run through scrapy-redis (issue 13, "beyond one machine").

Why only scrapy-redis' scheduler and dupefilter, not its spiders: its `RedisSpider`/`RedisMixin` read
start URLs from a Redis list through the old `start_requests()` and keep the spider open in
`spider_idle` for URLs pushed later. Our spiders build their start requests from registry rows in
Scrapy 2.13+'s `async start()` (a portal is data, several requests per portal, per discovery method),
and their end is the end of the run's discovery, not "no URL pushed for a while". So every worker
runs the ordinary spiders; only where requests wait (the queue) and what was requested (the
dupefilter) move to Redis.

What Redis holds for a run, under a key prefix (``CCHC_REDIS_PREFIX``, ``cchc:`` by default):

* ``run``: the run's record (`Board`): run id, database URL, spiders, their arguments, files store.
  A worker joins only the run it was told to (or the one there); another run's queue is refused.
* ``<spider>:requests`` (scrapy-redis' priority queue) and ``<spider>:dupefilter``.
* ``<spider>:leases:<worker>``: requests a worker popped and has not finished. A request leaves the
  queue into its worker's leases atomically (one Lua script), and leaves the leases only when its
  response was processed *and* the storage pipeline wrote everything buffered since (`LeaseKeeper`).
  A worker that stops renewing ``alive:<worker>`` (SIGKILL, power cut) has its leases pushed back
  to the queue by any other worker, or by itself when restarted: nothing it held is lost, and items
  are upserts, so what it had stored is stored again unchanged.
* ``articles``: which discovery spider requested an article first, across workers (the in-process
  set of `crawler.spiders.base` does this within one process); ``count:*``: the per-portal bounds
  of listings and sitemaps, counted for the run rather than per worker.
* ``host:*``: the shared per-host limit (`crawler.hostlimit_redis`).

A spider of a worker closes only when its queue is empty and no worker holds a lease of it (the run's
discovery is over everywhere); then each worker runs the re-check spider, whose start requests are
deduplicated in Redis, so every known document is re-checked once, after discovery. The worker that
sees the re-check over everywhere, and every worker done, closes the run in the database.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

log = logging.getLogger("cchc.workers")

DEFAULT_PREFIX = "cchc:"
#: A worker renews its ``alive`` key every HEARTBEAT seconds; one silent for ALIVE_TTL is dead.
HEARTBEAT = 2.0
ALIVE_TTL = 15
#: How often a worker acknowledges finished requests and re-reads the shared queue (seconds).
TICK = 1.0


class WorkerError(Exception):
    """A worker cannot join a run (the message says why); nothing was written to the database."""


def connect(url: str | None) -> Redis:
    """A client of the Redis at `url`, checked with a PING: an unreachable server is a WorkerError."""
    import redis

    if not url:
        raise WorkerError("no Redis URL given (--redis redis://HOST:PORT/DB)")
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        server.ping()
    except (redis.RedisError, ValueError) as exc:
        raise WorkerError(f"Redis at {url} cannot be reached: {exc}") from None
    return server


def text_of(value: bytes | str) -> str:
    """A Redis reply as text (the client returns bytes unless told to decode)."""
    return value.decode() if isinstance(value, bytes) else value


def worker_id() -> str:
    """This worker's name in Redis: host and process, unique per start (a restart is a new worker)."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass
class Board:
    """A run's record in Redis: what every worker needs to crawl it the same way."""

    run_id: int
    db: str
    spiders: list[str]
    kwargs: dict[str, Any]
    files_store: str
    full: bool = False
    portal_ids: list[str] = field(default_factory=list)

    @staticmethod
    def key(prefix: str) -> str:
        return prefix + "run"

    def save(self, server: Redis, prefix: str) -> None:
        server.set(self.key(prefix), json.dumps(asdict(self)))

    @classmethod
    def load(cls, server: Redis, prefix: str) -> Board | None:
        raw = server.get(cls.key(prefix))
        return cls(**json.loads(raw)) if raw else None


def same_database(a: str, b: str) -> bool:
    """Whether two database URLs name the same database (password and driver spelling aside)."""
    from sqlalchemy.engine import make_url

    ua, ub = make_url(a), make_url(b)
    return (ua.get_backend_name(), ua.host, ua.port, ua.database) == (ub.get_backend_name(), ub.host, ub.port, ub.database)


def check_board(server: Redis, prefix: str, *, url: str, db: str | None, run_id: int | None) -> Board:
    """The run a worker joins: the one in Redis, refused when it is not the database's or run's asked for."""
    board = Board.load(server, prefix)
    if board is None:
        raise WorkerError(f"Redis at {url} holds no run's queue under prefix {prefix!r} "
                          f"(start one with `cchc crawl --workers N`)")
    if db is not None and not same_database(board.db, db):
        raise WorkerError(f"Redis at {url} holds the queue of run {board.run_id} of another database "
                          f"({_safe_url(board.db)}), not of {_safe_url(db)}")
    if run_id is not None and board.run_id != run_id:
        raise WorkerError(f"Redis at {url} holds the queue of run {board.run_id}, not of run {run_id}")
    return board


def _safe_url(raw: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(raw).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a path, not a URL: shown as given
        return raw


def clear_run(server: Redis, prefix: str) -> None:
    """Delete every key of the run under `prefix` (after it finished), streamed with SCAN."""
    batch: list[bytes] = []
    for key in server.scan_iter(match=prefix + "*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            server.delete(*batch)
            batch.clear()
    if batch:
        server.delete(*batch)


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


class LeasedScheduler(Scheduler):
    """scrapy-redis' scheduler with leases, the run's keys, and start requests deduplicated across
    workers even when marked ``dont_filter`` (every worker yields the same start requests; a retry's
    ``dont_filter`` still passes, it is a new attempt, not a second discovery)."""

    queue: LeasedQueue

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        settings = crawler.settings
        if not settings.get("CCHC_REDIS_URL"):
            raise NotConfigured("CCHC_REDIS_URL is not set")
        prefix = settings.get("CCHC_REDIS_PREFIX", DEFAULT_PREFIX)
        instance = cls(server=connect(settings.get("CCHC_REDIS_URL")), persist=True,
                       queue_key=prefix + "%(spider)s:requests", queue_cls="crawler.workers.LeasedQueue",
                       dupefilter_key=prefix + "%(spider)s:dupefilter",
                       dupefilter_cls="scrapy_redis.dupefilter.RFPDupeFilter")
        instance.stats = crawler.stats
        return instance

    def open(self, spider: Spider) -> None:
        from scrapy_redis.dupefilter import RFPDupeFilter

        self.df = RFPDupeFilter(self.server, self.dupefilter_key % {"spider": spider.name})
        super().open(spider)

    def enqueue_request(self, request: Request) -> bool:
        if request.dont_filter and request.meta.get("is_start_request") and self.df.request_seen(request):
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


class RedisArticles:
    """Which spider requested an article first, across the run's workers (`crawler.spiders.base`).

    A second spider's discovery of the same article is a duplicate, as in one process. The same
    spider claiming again is let through: after a killed worker's page is re-parsed elsewhere, its
    article requests must be made again (scrapy-redis' dupefilter drops those already queued).
    """

    def __init__(self, server: Redis, key: str) -> None:
        self.server = server
        self.key = key

    def claim(self, url: str, spider: str) -> bool:
        if self.server.hsetnx(self.key, url, spider):
            return True
        owner = self.server.hget(self.key, url)
        return owner is not None and text_of(owner) == spider

    def __contains__(self, url: object) -> bool:
        return bool(self.server.hexists(self.key, str(url)))


class RedisCounters:
    """Per-portal counters that bound a spider's work (listing pages, sitemap files and URLs), shared
    by the run's workers so the bounds hold for the run, as they do in one process."""

    def __init__(self, server: Redis, prefix: str) -> None:
        self.server = server
        self.prefix = prefix

    def add(self, spider: str, name: str, portal_id: str, by: int = 1) -> int:
        return int(self.server.hincrby(f"{self.prefix}count:{spider}:{name}", portal_id, by))


def counters_of(settings: BaseSettings) -> RedisCounters | None:
    """The run's shared counters when this process is a worker, else None (counted in the spider)."""
    url = settings.get("CCHC_REDIS_URL")
    if not url:
        return None
    return RedisCounters(connect(url), settings.get("CCHC_REDIS_PREFIX", DEFAULT_PREFIX))


def articles_of(settings: BaseSettings) -> RedisArticles | None:
    """The run's shared article claims when this process is a worker, else None (in-process set)."""
    url = settings.get("CCHC_REDIS_URL")
    if not url:
        return None
    return RedisArticles(connect(url), settings.get("CCHC_REDIS_PREFIX", DEFAULT_PREFIX) + "articles")


def worker_settings(settings: BaseSettings, *, redis_url: str, prefix: str, worker: str) -> None:
    """Turn a crawl's Scrapy settings into a worker's: Redis scheduler, leases, shared host limit."""
    settings.set("CCHC_REDIS_URL", redis_url, priority="cmdline")
    settings.set("CCHC_REDIS_PREFIX", prefix, priority="cmdline")
    settings.set("CCHC_WORKER_ID", worker, priority="cmdline")
    settings.set("SCHEDULER", "crawler.workers.LeasedScheduler", priority="cmdline")
    settings.set("SCHEDULER_PERSIST", True, priority="cmdline")
    settings.set("CCHC_HOST_LIMITER", "crawler.hostlimit_redis.RedisHostLimiter", priority="cmdline")
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["crawler.workers.LeaseKeeper"] = 520
    settings.set("EXTENSIONS", extensions, priority="cmdline")
