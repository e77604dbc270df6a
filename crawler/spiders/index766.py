"""The national 766 index: one read per run, for the observed year, of every national source in the
registry (rows of kind `national_index`), stored per province.

The request is the real portal's: `POST /jsp/rest.jsp` (the row's `widget_url`, else that path on its
base_url), form field ``params`` holding the JSON the portal's own page sends, with ``p_nam`` = the
observed year, ``X-Requested-With: XMLHttpRequest`` and the summary page as Referer. Pages of
``pageSize`` rows are followed until one comes back short (bounded by ``max_pages``).

Host policy: this spider's allow-list is the national rows' own hosts and nothing else; the portal
spiders never get those hosts, and this one gets no portal's. Whatever goes wrong (HTTP error, WAF page,
not JSON, JSON of another shape) is stored as the read's fault, never raised.
"""
from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import FormRequest, Response, TextResponse
from twisted.python.failure import Failure

from core.clock import observed_on
from crawler.failures import failure_kind, failure_reason
from crawler.items import NationalIndexItem
from crawler.registry import NationalSource, load_registry
from crawler.spiders.base import PortalSpider, is_waf_page
from pipelines.extract.index766 import parse_index766

API_PATH = "jsp/rest.jsp"
PAGE_PATH = "p/home/dvc-index-tinhthanhpho-tonghop.html"
SERVICE = "report_tinh_766_service"
PAGE_SIZE = 100


def request_params(year: int, page: int = 1, page_size: int = PAGE_SIZE) -> dict[str, Any]:
    """The body the portal's own page posts (evidence: onedoor_and_dvcqg_api_shapes.md), for one year."""
    return {"type": "ref", "p_nam": str(year), "p_6thang": 0, "p_tinh_id": 0, "pageIndex": page,
            "pageSize": page_size, "p_loaidonvi": 1, "loaichitieu": 0, "service": SERVICE, "p_quy": 0, "p_thang": 0}


class Index766Spider(PortalSpider):
    name = "index766"
    discovery = "index766"

    def __init__(self, sources: str | None = None, province: str | None = None, level: str | None = None,
                 url: str | None = None, registry: str | None = None, max_pages: str | int | None = None,
                 year: str | int | None = None, *args: Any, **kwargs: Any) -> None:
        # Not PortalSpider.__init__: that selects unit portals; this spider reads national sources only.
        scrapy.Spider.__init__(self, *args, **kwargs)
        self.max_pages = int(max_pages or 5)
        self.adhoc = bool(url)
        self.portals = {}
        chosen: list[NationalSource] = []
        if not url:  # an ad-hoc crawl of one site reads no national source
            ids = [s for s in (sources or "").split(",") if s] or None
            chosen = load_registry(registry).national_sources(ids)
        self.sources: dict[str, NationalSource] = {s.id: s for s in chosen}
        self._allowed = {s.id: set(s.allowed_hosts) for s in chosen}
        self._host_index = {}
        for sid, hosts in self._allowed.items():
            for h in hosts:
                self._host_index.setdefault(h, sid)
        self.year = int(year) if year else observed_on().year

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources.values():
            yield self.index_request(source, page=1, readings=[], issues=[])

    def endpoint(self, source: NationalSource) -> str:
        return source.widget_url or urljoin(source.base_url, API_PATH)

    def index_request(self, source: NationalSource, *, page: int, readings: list[dict[str, Any]],
                      issues: list[str]) -> FormRequest:
        params = json.dumps(request_params(self.year, page), ensure_ascii=False, separators=(",", ":"))
        return FormRequest(
            self.endpoint(source), formdata={"params": params}, callback=self.parse_index, errback=self.on_index_error,
            headers={"X-Requested-With": "XMLHttpRequest", "Referer": urljoin(source.base_url, PAGE_PATH),
                     "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
            meta={"portal_id": source.id, "handle_httpstatus_all": True, "page": page, "readings": readings,
                  "issues": issues},
            dont_filter=True,
        )

    def parse_index(self, response: Response) -> Iterator[Any]:
        source = self.sources[response.meta["portal_id"]]
        readings: list[dict[str, Any]] = response.meta["readings"]
        issues: list[str] = response.meta["issues"]
        page: int = response.meta["page"]
        error = self.index_problem(response)
        rows = 0
        if error is None:
            parsed = parse_index766(response.body)
            error = parsed.error
            rows = len(parsed.readings) + sum(1 for i in parsed.issues if "skipped" in i)
            known = {r["province_key"] for r in readings}
            readings.extend(asdict(r) for r in parsed.readings if r.province_key not in known)
            issues.extend(f"page {page}: {i}" for i in parsed.issues)
        if error is None and rows >= PAGE_SIZE and page < self.max_pages:
            yield self.index_request(source, page=page + 1, readings=readings, issues=issues)
            return
        if error is not None and readings:  # a later page failed: keep what earlier pages gave, say so
            issues.append(f"page {page}: {error}")
            error = None
        self.crawler.stats.inc_value("cchc/index766/provinces", len(readings))
        if error:
            self.crawler.stats.inc_value("cchc/index766/faults")
        yield NationalIndexItem(source_id=source.id, url=response.url, year=self.year, status=response.status,
                                error=error, readings=readings, issues=issues)

    def index_problem(self, response: Response) -> str | None:
        """Why the answer cannot be read as the index, or None."""
        if response.meta.get("redirect_refused"):
            return f"redirect to {response.meta['redirect_refused']} refused (not one of the source's hosts)"
        if response.status >= 300:
            return f"HTTP {response.status}"
        if isinstance(response, TextResponse) and is_waf_page(response.text):
            return "WAF block page (status 200)"
        return None

    def on_index_error(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        sid = request.meta.get("portal_id")
        self.crawler.stats.inc_value(f"cchc/errors/{failure_kind(failure)}")
        if sid not in self.sources:
            return
        self.crawler.stats.inc_value("cchc/index766/faults")
        reason = failure_reason(failure)
        yield NationalIndexItem(source_id=sid, url=request.url, year=self.year, status=None, error=reason,
                                readings=request.meta.get("readings") or [], issues=request.meta.get("issues") or [])
