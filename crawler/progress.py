"""A terminal progress line for `cchc crawl` (enabled with the CCHC_PROGRESS setting)."""
from __future__ import annotations

import sys
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class Progress:
    def __init__(self, crawler: Any, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> Progress:
        if not crawler.settings.getbool("CCHC_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("CCHC_PROGRESS_INTERVAL", 5.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.show, spider)
        self.loop.start(self.interval, now=False)

    def show(self, spider: Any) -> None:
        s = self.crawler.stats
        print(
            f"[{spider.name}] responses {s.get_value('response_received_count', 0)}"
            f" · pages {s.get_value('cchc/stored/page', 0)}"
            f" · widgets {s.get_value('cchc/stored/widget', 0)}"
            f" · errors {sum(v for k, v in s.get_stats().items() if k.startswith('cchc/errors/'))}",
            file=sys.stderr,
            flush=True,
        )

    def closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
