"""The sightings a callback yields, handed on as one item per portal and kind (issue 12).

Why: on an unchanged day most of a crawl's items are sightings (`SeenItem`: a known document still
linked from a feed, sitemap, listing or register, or confirmed unchanged), about eleven per portal on
the simulator, each a few hundred bytes. Every item goes through Scrapy's scraper and the five item
pipelines (coroutines, Deferreds, stats) before the storage pipeline buffers it: per item, that
machinery costs more than writing the sighting. A feed or a listing page yields its sightings
together, so they travel together.

How: a spider middleware passes the callback's output through unchanged, except its `SeenItem`s,
which it holds until the callback has produced everything and then yields as one `SeenBatchItem` per
(portal, how, discovered_by), the URLs in the order they came. Storage writes each URL as it wrote
each `SeenItem` (`storage.incremental.save_seen_batch`). A callback that yields a single sighting
(a 304 answer) hands it on as it is.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response

from crawler.items import SeenBatchItem, SeenItem


class SeenBatchMiddleware:
    """Spider middleware: a callback's sightings as one item per portal and kind (module doc)."""

    async def process_spider_output(self, response: Response | None, result: AsyncIterator[Any],
                                    spider: Any = None) -> AsyncIterator[Any]:
        held: dict[tuple[str, str, str], list[SeenItem]] = {}
        async for out in result:
            if isinstance(out, SeenItem):
                held.setdefault((out.portal_id, out.how, out.discovered_by), []).append(out)
            else:
                yield out
        for (portal_id, how, discovered_by), seen in held.items():
            if len(seen) == 1:
                yield seen[0]
            else:
                yield SeenBatchItem(portal_id=portal_id, urls=[s.url for s in seen], how=how, discovered_by=discovered_by)
