"""The leased queue of the workers (`crawler.leases.LeasedQueue`) on the real Redis server: a popped
request waits in its worker's leases until acknowledged, and goes back to the queue, with its
priority, when its worker died; `check_board` refuses another run's queue."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import scrapy
from scrapy.utils.test import get_crawler

from crawler.leases import LeasedQueue
from crawler.workers import Board, WorkerError, check_board, clear_run

REDIS = os.environ.get("CCHC_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


class _Spider(scrapy.Spider):
    name = "probe"

    def parse(self, response: Any) -> None:  # pragma: no cover - never called
        return None


@pytest.fixture()
def server() -> Iterator[tuple[Any, str]]:
    import redis

    server = redis.Redis.from_url(REDIS)
    prefix = f"workers:q-{uuid.uuid4().hex[:8]}:"
    yield server, prefix
    clear_run(server, prefix)


def _queue(server: Any, prefix: str, worker: str) -> LeasedQueue:
    crawler = get_crawler(_Spider, {"CCHC_WORKER_ID": worker})
    spider = _Spider.from_crawler(crawler)
    return LeasedQueue(server, spider, prefix + "%(spider)s:requests")


def test_a_popped_request_is_leased_until_acknowledged(server) -> None:
    server, prefix = server
    q = _queue(server, prefix, "w1")
    q.push(scrapy.Request("http://a.example/1", priority=5))
    q.push(scrapy.Request("http://a.example/2", priority=1))
    first = q.pop()
    assert first is not None and first.url == "http://a.example/1"  # the higher priority first
    assert len(q) == 1 and server.hlen(q.leases_key) == 1
    q.ack([first.meta["cchc_lease"]])
    assert server.hlen(q.leases_key) == 0 and q.popped == {}


def test_a_dead_workers_leases_go_back_with_their_priority(server) -> None:
    server, prefix = server
    dead, alive = _queue(server, prefix, "dead"), _queue(server, prefix, "alive")
    dead.push(scrapy.Request("http://a.example/low", priority=1))
    dead.push(scrapy.Request("http://a.example/high", priority=9))
    assert dead.pop().url.endswith("/high")  # type: ignore[union-attr]
    assert len(dead) == 1
    assert alive.requeue(dead.leases_key) == 1
    assert server.hlen(dead.leases_key) == 0
    again = alive.pop()
    assert again is not None and again.url.endswith("/high") and again.priority == 9
    assert alive.pop().url.endswith("/low")  # type: ignore[union-attr]
    assert alive.pop() is None


def test_check_board_refuses_another_run_and_an_empty_redis(server) -> None:
    server, prefix = server
    with pytest.raises(WorkerError, match="holds no run's queue"):
        check_board(server, prefix, url=REDIS, db=None, run_id=None)
    Board(run_id=4, db="postgresql+psycopg://u:secret@h/one", spiders=["widget"], kwargs={}, files_store="/f").save(
        server, prefix)
    assert check_board(server, prefix, url=REDIS, db="postgresql://u@h/one", run_id=4).run_id == 4
    with pytest.raises(WorkerError, match=r"run 4 of another database \(postgresql\+psycopg://u:\*\*\*@h/one\)"):
        check_board(server, prefix, url=REDIS, db="postgresql://h/two", run_id=None)
    with pytest.raises(WorkerError, match="holds the queue of run 4, not of run 5"):
        check_board(server, prefix, url=REDIS, db=None, run_id=5)


def _scheduler(server: Any, prefix: str, worker: str) -> Any:
    from crawler.leases import LeasedScheduler

    crawler = get_crawler(_Spider, {"CCHC_WORKER_ID": worker, "CCHC_REDIS_URL": REDIS, "CCHC_REDIS_PREFIX": prefix})
    crawler.spider = _Spider.from_crawler(crawler)
    scheduler = LeasedScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def _start(url: str, **kwargs: Any) -> scrapy.Request:
    return scrapy.Request(url, meta={"is_start_request": True}, **kwargs)


def test_a_start_request_yielded_by_every_worker_is_queued_once(server) -> None:
    server, prefix = server
    one, two = _scheduler(server, prefix, "w1"), _scheduler(server, prefix, "w2")
    assert one.enqueue_request(_start("http://a.example/", dont_filter=True)) is True
    assert two.enqueue_request(_start("http://a.example/", dont_filter=True)) is False
    assert two.enqueue_request(_start("http://a.example/")) is False
    assert len(one.queue) == 1


def test_a_retry_or_a_redirect_of_a_start_request_is_queued(server) -> None:
    """A retry copies the start request's meta (``is_start_request`` too) and sets ``dont_filter``:
    it is a new attempt, not another worker's copy. Dropping it lost the home page of every spider
    whose first answer was a 503 (a flaky portal), and the workers' snapshots differed."""
    from scrapy.downloadermiddlewares.retry import get_retry_request

    server, prefix = server
    scheduler = _scheduler(server, prefix, "w1")
    home = _start("http://a.example/")
    assert scheduler.enqueue_request(home) is True
    popped = scheduler.next_request()
    assert popped is not None and popped.url == "http://a.example/"
    retry = get_retry_request(popped, spider=scheduler.spider, reason="503 Service Unavailable")
    assert retry is not None and retry.dont_filter and retry.meta["is_start_request"]
    assert scheduler.enqueue_request(retry) is True
    assert scheduler.next_request().meta["retry_times"] == 1
    hop = popped.replace(url="http://a.example/", dont_filter=True)
    hop.meta["redirect_times"] = 1  # the guarded redirect back to the same page (a trailing-slash hop)
    assert scheduler.enqueue_request(hop) is True
