"""Re-fetches documents the database already knows and this run's discovery did not reach, so a
document is marked removed only when its own URL answers 404/410, never merely because a bounded
listing no longer shows it.

The crawl command runs this spider after the discovery spiders; the known URLs come from the run's
known-pages file (`CCHC_KNOWN_PAGES`, `crawler.incremental.KnownPages`, streamed per portal) that
`crawler.run` writes for the whole crawl; spiders know no database.

Incremental crawl (issue 12): a document some discovery source of the run linked is seen through
that link (or fetched by that spider on its re-read day), never here. Of the others, only those no
run saw for CCHC_RECHECK_DAYS days are re-checked (`crawler.incremental.Policy.recheck`; all of them
with CCHC_FULL_CRAWL), with conditional requests: a document that went is no longer linked, so its
re-check comes at most CCHC_RECHECK_DAYS - 1 days after it went, while one that stays linked costs no
request here at all (before, 1/7 of all known documents were fetched every day). A 304 or an unchanged body (the conditional middleware's
verdict) is a sighting without a fetch row. A 2xx page at its own URL whose body changed is read the
way discovery reads an article (`PortalSpider.parse_article`: fetch row, extraction, new validator),
so an edit to a document that no discovery source links any more, or that only a sitemap links on a
day its sitemap is not walked (CCHC_SITEMAP_WALK_DAYS), is found when it is re-checked.
A 2xx stays a sighting, as before, for a register-row document (its latest version came from the
registers spider, `KnownPage.source`) and for an answer that is not a text page (a file): a register
row's stored URL is its detail page or its PDF/DOCX, but the document is the row's markup (its stored
hash is the row's), which only the registers spider reads when it walks the register again; and
discovery never reads a file as an article (files are attachments of a page or of a register row).
Extracting the detail page here would replace the row's record with the page's, and the next
register walk would put the row's back: a new version on every re-check day.
A redirect or a failure is a fetch row; 404/410 marks it removed.
A removal is therefore found within CCHC_RECHECK_DAYS days.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from crawler.items import RemovedItem, SeenItem
from crawler.registry import Portal
from crawler.spiders.base import PortalSpider, canonical

GONE = {404, 410}


class RecheckSpider(PortalSpider):
    name = "recheck"
    discovery = "recheck"

    def start_portal(self, portal: Portal):
        for page in self.policy.known.pages_of(portal.id):
            if self.article_requested(canonical(page.url)):
                continue  # a discovery source of this run linked it (seen) or fetched it
            if not self.policy.recheck(page):
                self.crawler.stats.inc_value("cchc/recheck/not_due")
                continue
            self.crawler.stats.inc_value("cchc/recheck/requests")
            yield self.req(page.url, portal, self.parse_known, priority=-10)

    def parse_known(self, response: Response) -> Iterator[Any]:
        seen = self.unchanged_item(response)
        if seen is not None:
            yield seen
            return
        if 200 <= response.status < 300 and not response.meta.get("redirected_from"):
            if isinstance(response, TextResponse) and not self.register_row(response):
                # changed at its own URL: read as discovery reads an article (a new version if the
                # extracted record changed; a WAF page or other unusable answer is a failed fetch)
                self.crawler.stats.inc_value("cchc/recheck/changed")
                yield from self.parse_article(response)
                return
            # a file or a register row still there: a sighting, and no fetch row (see the module docstring)
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

    def register_row(self, response: Response) -> bool:
        """Whether the known document at the response's URL is a register row (see the module docstring)."""
        url = response.request.url if response.request else response.url
        page = self.policy.known.get(url)
        return page is not None and page.source == "registers"
