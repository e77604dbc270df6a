"""The per-host limit shared by workers through Redis (`crawler.hostlimit_redis`), on the real Redis
server: two limiters stand for two worker processes; the limiter's timers are collected and run by
hand, so each step of the policy is checked without a reactor."""
from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import crawler.hostlimit_redis as hr

REDIS = os.environ.get("CCHC_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


class Timers:
    """Stands for the reactor's call_later: remembers (delay, function, args) to run on demand."""

    def __init__(self) -> None:
        self.pending: list[tuple[float, Any, tuple[Any, ...]]] = []

    def __call__(self, delay: float, func: Any, *args: Any) -> Any:
        entry = (delay, func, args)
        self.pending.append(entry)
        timers = self

        class Handle:
            def cancel(self) -> None:
                if entry in timers.pending:
                    timers.pending.remove(entry)

        return Handle()

    def run(self) -> None:
        due, self.pending = self.pending, []
        for _, func, args in due:
            func(*args)


@pytest.fixture()
def limiters(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Any, Timers]]:
    import redis

    timers = Timers()
    monkeypatch.setattr(hr, "call_later", timers)
    server = redis.Redis.from_url(REDIS)
    prefix = f"workers:hl-{uuid.uuid4().hex[:8]}:"
    yield hr.RedisHostLimiter(server, prefix, 5.0), hr.RedisHostLimiter(server, prefix, 5.0), timers
    keys = list(server.scan_iter(match=prefix + "*"))
    if keys:
        server.delete(*keys)


def _fired(d: Any) -> bool:
    return bool(d.called)


def test_concurrency_holds_across_two_workers(limiters) -> None:
    a, b, timers = limiters
    first, second = a.acquire("h", 2, 0.0, 0.0), a.acquire("h", 2, 0.0, 0.0)
    third = b.acquire("h", 2, 0.0, 0.0)
    assert _fired(first) and _fired(second) and not _fired(third)
    assert [delay for delay, _, _ in timers.pending] == [hr.POLL]  # the host is full: ask again soon
    timers.run()
    assert not _fired(third)
    a.release("h")
    timers.run()
    assert _fired(third)
    other = b.acquire("another-host", 2, 0.0, 0.0)  # hosts are independent
    assert _fired(other)


def test_starts_on_a_host_are_spaced_by_the_delay_across_workers(limiters) -> None:
    a, b, timers = limiters
    assert _fired(a.acquire("h", 4, 0.3, 0.0))
    waiting = b.acquire("h", 4, 0.3, 0.0)
    assert not _fired(waiting)
    ((delay, _, _),) = timers.pending
    assert 0.2 < delay <= 0.3  # the spacing left, on Redis' clock
    timers.run()
    assert not _fired(waiting)  # asked again before the spacing was over
    time.sleep(0.31)
    timers.run()
    assert _fired(waiting)


def test_a_killed_workers_requests_stop_counting_when_their_leases_expire(limiters) -> None:
    a, b, timers = limiters
    a.lease_seconds = 0.3  # then worker a is killed: it never releases
    assert _fired(a.acquire("h", 1, 0.0, 0.0))
    waiting = b.acquire("h", 1, 0.0, 0.0)
    timers.run()
    assert not _fired(waiting)
    time.sleep(0.35)
    timers.run()
    assert _fired(waiting)


def test_a_cancelled_wait_asks_no_more(limiters) -> None:
    a, b, timers = limiters
    assert _fired(a.acquire("h", 1, 0.0, 0.0))
    waiting = b.acquire("h", 1, 0.0, 0.0)
    waiting.addErrback(lambda _f: None)
    waiting.cancel()
    assert timers.pending == []
