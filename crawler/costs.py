"""Where a crawl's requests go (issue 12: a daily crawl that costs what changed): every response a
spider received, counted by what the request was for, in the spider's stats as
``cchc/responses/<kind>``.

The kind is the spider callback the request was made for (``parse_home``, ``parse_feed``,
``parse_listing``, ``parse_article``, ``parse_known``…), ``robots`` for robots.txt, and
``not_modified`` is counted apart for 304s, so `bench/day_after.py` can say which discovery method
pays for day 2 without instrumenting each spider.
"""
from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.http import Request, Response


def request_kind(request: Request) -> str:
    """What `request` was made for: its callback's name, or ``robots`` / ``other``."""
    callback = request.callback
    name = getattr(callback, "__name__", None)
    if name and name != "NO_CALLBACK":
        return str(name)
    if request.url.endswith("/robots.txt"):
        return "robots"
    return "other"


class ResponseKinds:
    """Counts responses per kind (module doc); always on: one dict increment per response."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ResponseKinds:
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.received, signal=signals.response_received)
        return ext

    def received(self, response: Response, request: Request, spider: Any = None) -> None:
        kind = request_kind(request)
        self.stats.inc_value(f"cchc/responses/{kind}")
        if response.status == 304:
            self.stats.inc_value(f"cchc/responses/{kind}/not_modified")
