"""robots.txt read once per host per crawl, not once per spider (issue 12: a daily crawl that costs
what changed; five discovery spiders used to fetch every host's robots.txt five times a run).

Scrapy's `RobotsTxtMiddleware` keeps its parsers per crawler. The spiders of one crawl run in one
process, side by side, so this subclass keeps them in one table for the process: the first spider
to need a host's robots.txt downloads it, the others await the same parser (a Deferred until it
arrives). Each crawl is its own process, so a run never reuses another run's robots.txt.
"""
from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """`RobotsTxtMiddleware` with one parser table per process (see module doc)."""

    _shared: dict[str, Any] = {}

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._parsers = SharedRobotsTxtMiddleware._shared
