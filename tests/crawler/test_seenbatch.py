"""A callback's sightings travel as one item per portal and kind (crawler/seenbatch.py, issue 12), and
storage records them exactly as it records the single sightings."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.utils.misc import load_object

import settings as project
from crawler.items import FetchItem, SeenBatchItem, SeenItem
from crawler.seenbatch import SeenBatchMiddleware

A, B = "https://a.gov.vn/x/1", "https://a.gov.vn/x/2"


def _through(outputs: list[Any]) -> list[Any]:
    async def callback() -> AsyncIterator[Any]:
        for out in outputs:
            yield out

    async def run() -> list[Any]:
        return [o async for o in SeenBatchMiddleware().process_spider_output(None, callback())]

    return asyncio.run(run())


def test_a_callbacks_sightings_become_one_item_per_portal_and_kind_after_the_rest() -> None:
    request = Request("https://a.gov.vn/x/new")
    fetch = FetchItem(portal_id="p-a", url="https://a.gov.vn/rss", status=200, discovered_by="feeds")
    out = _through([fetch, SeenItem("p-a", A, "linked", "feeds"), request, SeenItem("p-a", B, "linked", "feeds"),
                    SeenItem("p-b", "https://b.gov.vn/y", "linked", "feeds")])
    assert out == [fetch, request, SeenBatchItem(portal_id="p-a", urls=[A, B], how="linked", discovered_by="feeds"),
                   SeenItem("p-b", "https://b.gov.vn/y", "linked", "feeds")]  # a lone sighting is handed on as it is
    assert _through([request]) == [request]


def test_the_crawl_settings_enable_it_after_the_release_of_the_parsed_page() -> None:
    mws = project.SPIDER_MIDDLEWARES
    assert load_object("crawler.seenbatch.SeenBatchMiddleware") is SeenBatchMiddleware
    assert mws["crawler.seenbatch.SeenBatchMiddleware"] < mws["crawler.release.ReleaseParsedPageMiddleware"]
