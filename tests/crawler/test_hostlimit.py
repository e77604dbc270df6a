"""The run-wide per-host limiter's policy step by step, on a fake clock (the end-to-end check on the
simulator is test_politeness.py)."""
from __future__ import annotations

from twisted.internet.defer import CancelledError

from crawler.hostlimit import LocalHostLimiter


class FakeTime:
    """A clock and a timer queue: `advance` runs the timers that fall due, in order."""

    def __init__(self) -> None:
        self.now = 100.0
        self.timers: list[tuple[float, object, tuple]] = []

    def clock(self) -> float:
        return self.now

    def later(self, delay: float, func, *args):  # type: ignore[no-untyped-def]
        self.timers.append((self.now + delay, func, args))
        return object()

    def advance(self, seconds: float) -> None:
        end = self.now + seconds
        while True:
            due = sorted((t for t in self.timers if t[0] <= end), key=lambda t: t[0])
            if not due:
                break
            when, func, args = due[0]
            self.timers.remove(due[0])
            self.now = when
            func(*args)
        self.now = end


def _limiter(t: FakeTime, draw: float = 0.0) -> LocalHostLimiter:
    """`draw` is what uniform(-jitter, jitter) returns, as a fraction of the jitter."""
    return LocalHostLimiter(clock=t.clock, uniform=lambda lo, hi: hi * draw, later=t.later)


def _started(limiter: LocalHostLimiter, host: str, n: int, delay: float = 1.0, jitter: float = 0.5,
             concurrency: int = 2) -> list[list[float]]:
    box: list[list[float]] = [[] for _ in range(n)]
    for i in range(n):
        limiter.acquire(host, concurrency, delay, jitter).addCallback(box[i].append)
    return box


def test_starts_are_spaced_by_the_delay_with_its_jitter_and_capped_in_flight() -> None:
    t = FakeTime()
    limiter = _limiter(t, draw=-1.0)  # the shortest gap the jitter allows: (1 - 0.5) x 1 s
    box = _started(limiter, "a.gov.vn", 4)
    assert [b for b in box if b] == [[100.0]]  # the first at once, the others wait for the gap
    t.advance(0.49)
    assert sum(1 for b in box if b) == 1
    t.advance(0.01)
    assert box[1] == [100.5] and limiter.in_flight("a.gov.vn") == 2
    t.advance(5)  # two in flight: the third waits for a release, however long
    assert not box[2] and not box[3]
    limiter.release("a.gov.vn")
    assert box[2] == [105.5] and not box[3]  # the gap since the last start has long passed
    limiter.release("a.gov.vn")
    assert not box[3]  # in flight 1 now, but the gap since 105.5 has not
    t.advance(0.5)
    assert box[3] == [106.0]


def test_hosts_are_independent_and_the_longest_jitter_is_respected() -> None:
    t = FakeTime()
    limiter = _limiter(t, draw=1.0)  # the longest gap: 1.5 x 1 s
    a, b = _started(limiter, "a.gov.vn", 2), _started(limiter, "b.gov.vn", 2)
    assert a[0] == [100.0] and b[0] == [100.0] and not a[1] and not b[1]
    t.advance(1.49)
    assert not a[1]
    t.advance(0.01)
    assert a[1] == [101.5] and b[1] == [101.5]


def test_a_request_dropped_while_waiting_leaves_the_queue() -> None:
    t = FakeTime()
    limiter = _limiter(t)
    first = _started(limiter, "a.gov.vn", 1, concurrency=1)
    waiting = limiter.acquire("a.gov.vn", 1, 1.0, 0.0)
    errors: list[type] = []
    waiting.addErrback(lambda f: errors.append(f.type))
    waiting.cancel()
    assert errors == [CancelledError]
    after = _started(limiter, "a.gov.vn", 1, concurrency=1)
    limiter.release("a.gov.vn")
    t.advance(1.0)
    assert first == [[100.0]] and after == [[101.0]] and limiter.in_flight("a.gov.vn") == 1
