"""Responses built from saved pages, the city-scrapers way: ``file_response(path, url)``.

A callback test feeds a spider callback a Scrapy response made from a page saved under
tests/fixtures/callbacks/ (written by scripts/save_callback_pages.py from the simulator), so the
callback runs as in a crawl, without a network, a proxy or a reactor.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

PAGES = Path(__file__).resolve().parents[2] / "fixtures" / "callbacks"
_BY_SUFFIX = {".json": "application/json; charset=utf-8", ".xml": "application/xml", ".html": "text/html; charset=utf-8",
              ".gz": "application/octet-stream"}


def page_meta(name: str) -> dict[str, Any]:
    """The saved page's URL, status and headers (NAME.json)."""
    meta: dict[str, Any] = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    return meta


def file_response(path: str | Path, url: str | None = None, *, meta: dict[str, Any] | None = None,
                  request: Request | None = None, status: int | None = None) -> Response:
    """A response for the saved page `path` (a name under tests/fixtures/callbacks/ or a file path),
    as if `url` had answered it: HTML as `HtmlResponse`, XML as `XmlResponse`, other text as
    `TextResponse`, anything else as a plain `Response`. The response's request carries `meta` (what
    the spider put on its request: `portal_id` and the callback's own keys), or is `request` itself."""
    file = Path(path)
    if not file.suffix:
        file = PAGES / f"{path}.body"
    # a saved page (NAME.body) has its URL, status and headers beside it; any other file (an API answer
    # kept as .json, a page kept as .html) gets the content type its suffix names
    saved = json.loads(file.with_suffix(".json").read_text(encoding="utf-8")) if file.suffix == ".body" else {}
    url = url or (request.url if request is not None else saved["url"])
    headers = {k: v for k, v in saved.get("headers", [])} or {"Content-Type": _BY_SUFFIX.get(file.suffix, "text/html")}
    ctype = headers["Content-Type"].lower()
    if request is None:
        request = Request(url, meta=dict(meta or {}))
    kind: type[Response]
    if "html" in ctype:
        kind = HtmlResponse
    elif "xml" in ctype:
        kind = XmlResponse
    elif ctype.startswith("text/") or "json" in ctype:
        kind = TextResponse
    else:
        kind = Response
    return kind(url=url, body=file.read_bytes(), status=status if status is not None else saved.get("status", 200),
                headers=headers, request=request)
