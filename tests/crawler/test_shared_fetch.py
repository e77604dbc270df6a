"""The run's shared home pages and robots.txt (crawler/shared.py), step by step: one download however
many spiders ask, a spider asking during the download waits for it, a later one gets a replay, and a
server fault or a download error is never replayed (each spider then downloads for itself)."""
from __future__ import annotations

from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request
from twisted.internet.defer import Deferred, ensureDeferred

from crawler.shared import OWNER, SharedFetchMiddleware, _Table

HOME = "http://portal.example/"


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count


@pytest.fixture(autouse=True)
def _no_reactor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a crawl, waits go through Scrapy's `maybe_deferred_to_future` (asyncio reactor); here the
    coroutines run under `ensureDeferred` with no reactor, where a Deferred is awaited as it is."""
    monkeypatch.setattr("crawler.shared.maybe_deferred_to_future", lambda d: d)


def _mw(table: _Table) -> SharedFetchMiddleware:
    return SharedFetchMiddleware(table, _Stats())


def _outcome(coro: Any) -> list[Any]:
    """Run the middleware's coroutine; the list holds its result once it finished."""
    out: list[Any] = []
    d: Deferred[Any] = ensureDeferred(coro)
    d.addCallback(out.append)
    return out


def _home(**meta: Any) -> Request:
    return Request(HOME, meta={"is_home": True, **meta})


def _answer(request: Request, status: int = 200, body: bytes = b"<html><body>trang chu</body></html>") -> HtmlResponse:
    return HtmlResponse(HOME, status=status, body=body, request=request, headers={"Content-Type": "text/html"})


def test_one_download_a_waiter_and_a_replay() -> None:
    table = _Table()
    widget, listings, feeds = _mw(table), _mw(table), _mw(table)
    first = _home(portal_id="p")
    assert _outcome(widget.process_request(first)) == [None]  # goes to the network
    assert first.meta[OWNER] == HOME
    waiting = _outcome(listings.process_request(_home(portal_id="p")))
    assert waiting == []  # in flight: waits instead of a second download
    widget.process_response(first, _answer(first))
    assert len(waiting) == 1 and isinstance(waiting[0], HtmlResponse)
    assert waiting[0].status == 200 and b"trang chu" in waiting[0].body and "shared" in waiting[0].flags
    later = _outcome(feeds.process_request(_home()))
    assert later[0].body == waiting[0].body
    # documents and other pages are each spider's own
    assert SharedFetchMiddleware.shared_key(Request("http://portal.example/tin-tuc/a.html")) is None
    assert SharedFetchMiddleware.shared_key(Request("http://portal.example/robots.txt")) == \
        "http://portal.example/robots.txt"


def test_a_fault_or_an_error_is_not_replayed() -> None:
    table = _Table()
    a, b = _mw(table), _mw(table)
    first = _home()
    _outcome(a.process_request(first))
    waiting = _outcome(b.process_request(_home()))
    a.process_response(first, _answer(first, status=503))
    assert waiting == [None]  # woken, and downloads for itself
    assert HOME not in table.done
    # the owner's retry is a real download again, not a wait on itself
    retry = first.replace(dont_filter=True)
    assert _outcome(a.process_request(retry)) == [None]
    a.process_exception(retry, TimeoutError())
    assert HOME not in table.inflight and HOME not in table.done
