"""Re-fetches documents the database already knows and this run's discovery did not reach, so a
document is marked removed only when its own URL answers 404/410, never merely because a bounded
listing no longer shows it.

The crawl command runs this spider after the discovery spiders, with the known URLs in a JSON file
(`known`: {portal_id: [url, ...]}); spiders know no database.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scrapy.http import Response

from crawler.items import RemovedItem
from crawler.registry import Portal
from crawler.spiders.base import _REQUESTED_ARTICLES, PortalSpider, canonical

GONE = {404, 410}


class RecheckSpider(PortalSpider):
    name = "recheck"
    discovery = "recheck"

    def __init__(self, *args: Any, known: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known: dict[str, list[str]] = json.loads(Path(known).read_text(encoding="utf-8")) if known else {}

    def start_portal(self, portal: Portal):
        for url in self.known.get(portal.id, []):
            if canonical(url) in _REQUESTED_ARTICLES:
                continue  # discovery fetched it in this run already
            self.crawler.stats.inc_value("cchc/recheck/requests")
            yield self.req(url, portal, self.parse_known, priority=-10)

    def parse_known(self, response: Response) -> Iterator[Any]:
        problem = None if response.status < 300 else f"HTTP {response.status}"
        yield self.fetch_item(response, problem)
        if response.status in GONE:
            self.crawler.stats.inc_value("cchc/recheck/gone")
            yield RemovedItem(portal_id=response.meta["portal_id"], url=response.meta.get("redirected_from", response.url), status=response.status)
