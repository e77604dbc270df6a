"""A tiny Scrapy crawl run in a subprocess by test_scrapy_proxy.py (Twisted's reactor cannot restart).

Fetches the URLs given on the command line through the proxies in the environment (http_proxy /
https_proxy, read by Scrapy's HttpProxyMiddleware) and prints one JSON line per URL: status, final
URL, body size and a few markers, or the error.
"""
from __future__ import annotations

import json
import os
import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class ProbeSpider(scrapy.Spider):
    """Requests each start URL once; records responses and failures."""

    name = "sim_probe"
    results: list[dict[str, object]] = []

    def __init__(self, urls: list[str], **kw: object) -> None:
        super().__init__(**kw)
        self.urls = urls

    async def start(self):  # type: ignore[override]
        for u in self.urls:
            yield scrapy.Request(u, callback=self.parse, errback=self.failed, dont_filter=True,
                                 meta={"orig": u, "handle_httpstatus_all": True})

    def parse(self, response: scrapy.http.Response) -> None:
        self.results.append({
            "url": response.meta["orig"], "final": response.url, "status": response.status,
            "size": len(response.body), "proxy": response.meta.get("proxy") or response.request.meta.get("proxy"),
            "retries": response.meta.get("retry_times", 0),
            "title": (response.css("title::text").get() or "") if b"<title" in response.body[:2000] else "",
        })

    def failed(self, failure) -> None:  # type: ignore[no-untyped-def]
        self.results.append({"url": failure.request.meta["orig"], "error": failure.type.__name__})


def main(urls: list[str]) -> None:
    process = CrawlerProcess(settings={
        "LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "RETRY_TIMES": 2,
        "DOWNLOAD_TIMEOUT": float(os.environ.get("PROBE_TIMEOUT", "3")),
        "TELNETCONSOLE_ENABLED": False, "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    })
    process.crawl(ProbeSpider, urls=urls)
    process.start()
    for r in ProbeSpider.results:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
