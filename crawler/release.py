"""A page's parsed tree released as soon as its callback is done with it (issue 13, crawl memory).

Why: Scrapy keeps a response alive until every item its callback produced has gone through the item
pipelines (the scraper's slot holds it, up to ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` = 5 MB of bodies per
spider, six spiders per crawl). While items wait for the extraction workers and the storage writer, the
response still holds what the callback built from it: the lxml tree of `response.css`/`xpath` (libxml2
memory, about ten times the page's bytes, invisible to tracemalloc) and the decoded text. Measured on
the simulated country (150 portals, day 1): about 1,000 responses in that state at any time, each with
its tree, most of the crawl process's resident memory beyond the interpreter's own, which is how the
main process reached 588 MB at 400 portals.

How: a spider middleware that passes the callback's output through unchanged and, once the callback
has produced all of it, drops the response's cached selector (the tree) and decoded text. The items
carry what they need (`PageItem.html`, `raw`); anything reading `response.text` or `response.css`
later simply decodes or parses again (Scrapy rebuilds both on demand), so no behaviour changes.

This relies on the pinned Scrapy's `TextResponse` caches (``_cached_selector``, ``_cached_ubody``);
tests/crawler/test_release.py checks that the tree is freed while the response is still held.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import Response, TextResponse

#: the response caches Scrapy fills on demand and rebuilds when they are empty
_CACHES = ("_cached_selector", "_cached_ubody")


def release_parsed(response: Response | None) -> None:
    """Forget what parsing `response` cached (its selector's tree, its decoded text)."""
    if isinstance(response, TextResponse):
        for name in _CACHES:
            if getattr(response, name, None) is not None:
                setattr(response, name, None)


class ReleaseParsedPageMiddleware:
    """Spider middleware: the callback's output unchanged; the page's tree and text forgotten once the
    callback has produced all of it (module doc)."""

    async def process_spider_output(self, response: Response | None, result: AsyncIterator[Any],
                                    spider: Any = None) -> AsyncIterator[Any]:
        try:
            async for out in result:
                yield out
        finally:
            release_parsed(response)
