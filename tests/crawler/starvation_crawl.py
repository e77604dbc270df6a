"""One crawl of one busy host and many idle ones, run in its own process by test_host_starvation.py.

    python tests/crawler/starvation_crawl.py QUEUE_CLASS

A local HTTP server answers every path; each request names its host through Scrapy's ``download_slot``
meta (the key the run's limiter and the scheduler's queue use), so one server stands for many hosts.
The spider yields BUSY requests to one host first, then one request to each of OTHERS hosts, with
CONCURRENT_REQUESTS far below the busy host's queue. Prints one JSON object: for every request, its
host and when its response arrived (seconds from the crawl's start)."""
from __future__ import annotations

import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import scrapy  # noqa: E402
from scrapy.crawler import CrawlerProcess  # noqa: E402

BUSY, OTHERS, DELAY = 30, 20, 0.3


class Starve(scrapy.Spider):
    name = "starve"

    def __init__(self, port: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.port = int(port)
        self.t0 = time.monotonic()
        self.done: list[tuple[str, float]] = []

    async def start(self) -> AsyncIterator[scrapy.Request]:
        base = f"http://127.0.0.1:{self.port}"
        for i in range(BUSY):
            yield scrapy.Request(f"{base}/busy/{i}", meta={"download_slot": "busy.gov.vn"}, callback=self.parse)
        for i in range(OTHERS):
            yield scrapy.Request(f"{base}/h{i}", meta={"download_slot": f"h{i}.gov.vn"}, callback=self.parse)

    def parse(self, response: scrapy.http.Response) -> None:
        self.done.append((response.meta["download_slot"], time.monotonic() - self.t0))


def main() -> None:
    queue = sys.argv[1]
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    process = CrawlerProcess({
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "DOWNLOADER": "crawler.hostlimit.SharedLimitDownloader",
        "SCHEDULER_PRIORITY_QUEUE": queue,
        "CONCURRENT_REQUESTS": 4, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_DELAY": DELAY, "DOWNLOAD_DELAY_JITTER": 0, "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
    })
    from twisted.internet import reactor as installed
    from twisted.web import resource, server

    class Ok(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            return b"ok"

    reactor: Any = installed
    listening: Any = reactor.listenTCP(0, server.Site(Ok()), interface="127.0.0.1")
    crawler = process.create_crawler(Starve)
    process.crawl(crawler, port=listening.getHost().port)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, Starve)
    print(json.dumps(spider.done))


if __name__ == "__main__":
    main()
