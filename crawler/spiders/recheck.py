"""Re-fetches documents the database already knows and this run's discovery did not reach, so a
document is marked removed only when its own URL answers 404/410, never merely because a bounded
listing no longer shows it.

The crawl command runs this spider after the discovery spiders; the known URLs come from the run's
known-pages file (`CCHC_KNOWN_PAGES`, `crawler.incremental.KnownPages`, streamed per portal) that
`crawler.run` writes for the whole crawl; spiders know no database.

Incremental crawl (issue 12): only the documents due today are re-checked (`crawler.incremental.due`:
each one day in every CCHC_RECHECK_DAYS, spread by a hash of its URL; all of them with
CCHC_FULL_CRAWL), with conditional requests. A 304, an unchanged body or another 2xx at the same URL
is a sighting without a fetch row (the page is still there; this spider does not extract, so a body
that changed is not looked into here: the discovery spiders fetch a linked document in full on its
re-check day); a redirect or a failure is a fetch row; 404/410 marks it removed.
A removal is therefore found within CCHC_RECHECK_DAYS days.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawler.incremental import due
from crawler.items import RemovedItem, SeenItem
from crawler.registry import Portal
from crawler.spiders.base import PortalSpider, canonical

GONE = {404, 410}


class RecheckSpider(PortalSpider):
    name = "recheck"
    discovery = "recheck"

    def start_portal(self, portal: Portal):
        urls = self.policy.known.urls_of(portal.id)
        for url in urls:
            if self.article_requested(canonical(url)):
                continue  # discovery fetched it in this run already
            if not self.policy.full and not due(url, self.policy.day, self.policy.recheck_days):
                self.crawler.stats.inc_value("cchc/recheck/not_due")
                continue
            self.crawler.stats.inc_value("cchc/recheck/requests")
            yield self.req(url, portal, self.parse_known, priority=-10)

    def parse_known(self, response: Response) -> Iterator[Any]:
        seen = self.unchanged_item(response)
        if seen is not None:
            yield seen
            return
        if 200 <= response.status < 300 and not response.meta.get("redirected_from"):
            # still there, at its own URL: a sighting, and no fetch row (a page that did not go adds
            # none; the run's figures count the sighting, storage.fetchlog.unchanged_by_portal)
            self.count_retries(response.meta, ok=True)
            self.crawler.stats.inc_value("cchc/recheck/still_there")
            url = response.request.url if response.request else response.url
            yield SeenItem(portal_id=response.meta["portal_id"], url=canonical(url), how="fetched",
                           discovered_by=self.discovery)
            return
        problem = None if response.status < 300 else f"HTTP {response.status}"
        yield self.fetch_item(response, problem)
        if response.status in GONE:
            self.crawler.stats.inc_value("cchc/recheck/gone")
            yield RemovedItem(portal_id=response.meta["portal_id"], url=response.meta.get("redirected_from", response.url), status=response.status)
