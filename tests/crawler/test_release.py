"""A page's parsed tree is freed once its callback has produced its output (crawler/release.py), while
Scrapy still holds the response for the items in the pipelines: the crawl's memory no longer carries
one lxml tree per page waiting for extraction."""
from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import AsyncIterator
from typing import Any

from scrapy.http import HtmlResponse, Response
from scrapy.utils.misc import load_object

import settings as project
from crawler.release import ReleaseParsedPageMiddleware, release_parsed

PAGE = ("<html><head><meta charset='utf-8'><title>Kế hoạch CCHC</title></head><body>"
        + "".join(f"<p><a href='/van-ban/{i}'>Văn bản {i}</a></p>" for i in range(200)) + "</body></html>")


def _page() -> HtmlResponse:
    return HtmlResponse("https://xa.example.gov.vn/tin-tuc", body=PAGE.encode("utf-8"), encoding="utf-8")


async def _callback(response: Response) -> AsyncIterator[Any]:
    """A callback as the spiders write them: reads the page through its selector, yields items."""
    for href in response.css("a::attr(href)").getall()[:3]:
        yield {"url": response.urljoin(href)}
    yield {"title": response.css("title::text").get(), "html": response.text}


def _consume(response: Response) -> list[Any]:
    async def run() -> list[Any]:
        return [o async for o in ReleaseParsedPageMiddleware().process_spider_output(response, _callback(response))]

    return asyncio.run(run())


def test_the_tree_is_freed_while_the_response_is_still_held() -> None:
    response = _page()
    response.css("title")  # parsed, as the callback will
    tree = weakref.ref(response.selector.root)
    out = _consume(response)
    gc.collect()
    assert tree() is None  # the response is alive (this test holds it): only its tree went
    assert out[:3] == [{"url": f"https://xa.example.gov.vn/van-ban/{i}"} for i in range(3)]
    assert out[3]["title"] == "Kế hoạch CCHC" and out[3]["html"] == PAGE  # output unchanged


def test_without_the_middleware_the_tree_lives_as_long_as_the_response() -> None:
    """The leak the middleware removes: a held response keeps its tree (so the test above can fail)."""
    response = _page()

    async def run() -> list[Any]:
        return [o async for o in _callback(response)]

    asyncio.run(run())
    tree = weakref.ref(response.selector.root)
    gc.collect()
    assert tree() is not None


def test_a_released_page_is_parsed_again_on_demand() -> None:
    response = _page()
    before = (response.text, response.css("a::attr(href)").getall())
    release_parsed(response)
    assert (response.text, response.css("a::attr(href)").getall()) == before
    release_parsed(None)  # an errback's output has no response: nothing to do


def test_the_crawl_settings_use_it() -> None:
    """Every crawl gets the middleware, closest to the spider (its end is the callback's end)."""
    mws = project.SPIDER_MIDDLEWARES
    path = "crawler.release.ReleaseParsedPageMiddleware"
    assert load_object(path) is ReleaseParsedPageMiddleware
    assert mws[path] == max(mws.values()) and mws[path] > 900  # DepthMiddleware, the innermost built-in
