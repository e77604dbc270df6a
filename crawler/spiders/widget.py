"""The home page of each portal: its health, its "Kết quả giải quyết TTHC" widget and its visitor
counter, one reading per portal per run.

When the widget is not inline, the home page points to where it loads from (an iframe page of the
one-door system, or a JSON endpoint); the spider follows that pointer, or the registry's
`widget_url`. Figures are read by their visible labels in `pipelines.extract`.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from core.clock import observed_on
from crawler.capture import raw_of
from crawler.items import HealthItem, WidgetItem
from crawler.registry import Portal
from crawler.spiders.base import PortalSpider, page_text
from pipelines.extract import (
    extract_widget,
    widget_from_api,
    widget_source_urls,
)
from pipelines.extract.page import load_page
from pipelines.extract.visitors import visitors_in_page
from pipelines.extract.widget import widget_in_page


class WidgetSpider(PortalSpider):
    name = "widget"
    discovery = "widget"

    def start_portal(self, portal: Portal):
        yield self.req(portal.base_url, portal, self.parse_home, is_home=True, priority=20)

    def parse_home(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        yield self.fetch_item(response, self.problem(response))
        yield self.health_item(response)
        if self.problem(response):
            return
        assert isinstance(response, TextResponse)
        # parsed once for the three readings (each parsed it again before: issue 12, a daily fixed cost)
        page = load_page(page_text(response), response.url)
        visitors = visitors_in_page(page)
        widget, issues = widget_in_page(page)
        if widget:
            yield from self._reading(portal, response.url, "inline", widget, issues, visitors, raw_of(response, "widget"))
            return
        sources = list(widget_source_urls(page, response.url))
        configured = portal.widget_url_on(observed_on())
        if configured and configured not in sources:
            sources.append(configured)
        for url in sources:
            self.admit_host(portal.id, url, "widget source")
        if not sources:
            yield HealthItem(portal_id=portal.id, url=portal.base_url, has_widget=False)
            if visitors:
                yield WidgetItem(portal_id=portal.id, url=response.url, source="none", widget=None, visitors=visitors)
            return
        yield self.req(sources[0], portal, self.parse_source, visitors=visitors, rest=sources[1:], home=response.url)

    def parse_source(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        problem = self.problem(response) if response.status >= 300 or response.meta.get("redirect_refused") else None
        yield self.fetch_item(response, problem)
        widget, source = None, "iframe"
        issues: list[str] = []
        if not problem:
            ctype = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
            body = response.body.lstrip()
            if "json" in ctype or body[:1] in (b"{", b"["):
                source = "json"
                try:
                    widget, issues = widget_from_api(json.loads(response.body), response.url)
                except ValueError:
                    problem = "widget endpoint did not answer JSON"
            elif isinstance(response, TextResponse):
                widget, issues = extract_widget(page_text(response), response.url)
        visitors = response.meta.get("visitors")
        if widget:
            yield from self._reading(portal, response.url, source, widget, issues, visitors, raw_of(response, "widget"))
            return
        rest = response.meta.get("rest") or []
        if rest:
            yield self.req(rest[0], portal, self.parse_source, visitors=visitors, rest=rest[1:], home=response.meta.get("home"))
            return
        yield HealthItem(portal_id=portal.id, url=portal.base_url, has_widget=False)
        if visitors:
            yield WidgetItem(portal_id=portal.id, url=response.meta.get("home", response.url), source="none", widget=None, visitors=visitors)

    def _reading(self, portal: Portal, url: str, source: str, widget: dict, issues: list[str], visitors: dict | None,
                 raw: dict[str, Any] | None = None) -> Iterator[Any]:
        self.crawler.stats.inc_value(f"cchc/widgets/{source}")
        yield HealthItem(portal_id=portal.id, url=portal.base_url, has_widget=True)
        yield WidgetItem(portal_id=portal.id, url=url, source=source, widget=widget, widget_issues=issues, visitors=visitors,
                         raw=raw)
