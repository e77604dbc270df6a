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

import json
import logging
import os
import socket
import uuid
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redis import Redis
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
    settings.set("SCHEDULER", "crawler.leases.LeasedScheduler", priority="cmdline")
    settings.set("SCHEDULER_PERSIST", True, priority="cmdline")
    settings.set("CCHC_HOST_LIMITER", "crawler.hostlimit_redis.RedisHostLimiter", priority="cmdline")
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions["crawler.leases.LeaseKeeper"] = 520
    settings.set("EXTENSIONS", extensions, priority="cmdline")
