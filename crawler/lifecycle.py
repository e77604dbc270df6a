"""A run's lifecycle inside a Scrapy process that something else started (Scrapyd's `scrapy crawl`).

Why an extension: `cchc crawl` opens a run before Scrapy starts and closes it after the reactor
stops (`crawler.run`), but a Scrapyd job is a plain ``scrapy crawl SPIDER`` run by Scrapyd's own
runner: nothing of ours runs before or after it. With ``CCHC_RUN_LIFECYCLE`` on (a Scrapyd job passes
``setting=CCHC_RUN_LIFECYCLE=1``), this extension does the same steps from inside the process:

* when Scrapy builds the crawler's extensions (the spider exists, its portals are chosen, and the
  settings are not frozen yet: the last moment the run id can still reach the storage pipeline),
  it records the portals, opens the run or resumes today's interrupted run of the same spider and
  portals (`crawler.run.open_run`), and writes the known-pages file incremental crawling reads;
* on ``engine_stopped`` it closes the run with the spider's stats (`crawler.run.close_run`: a run in
  which nothing answered is failed, one that did not finish is incomplete).

A crawl started by `cchc crawl` already has ``CCHC_RUN_ID``; then this extension stays out of the way.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.run import (
    close_run,
    known_pages_path,
    open_run,
    outcome_of,
    prepare_known_pages,
    run_args,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from storage import Store

log = logging.getLogger("cchc.lifecycle")

#: the trigger recorded for runs opened this way, unless the job's ``CCHC_TRIGGER`` setting names
#: another of the store's triggers (``schedule`` when the APScheduler clock started the job)
TRIGGER = "manual"


class RunLifecycle:
    """Opens (or resumes) the run as the crawler is built and closes it when the engine stops."""

    def __init__(self, crawler: Crawler, store: Store, run_id: int, known: Path) -> None:
        self.crawler = crawler
        self.store = store
        self.run_id = run_id
        self.known = known
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunLifecycle:
        settings = crawler.settings
        if not settings.getbool("CCHC_RUN_LIFECYCLE") or settings.get("CCHC_RUN_ID"):
            raise NotConfigured
        from storage import Store
        from storage.datadir import run_paths

        spider: Any = crawler.spider
        portals = list(getattr(spider, "portals", {}).values())
        store = Store.open(settings.get("CCHC_DB") or None)
        args = run_args(spiders=[spider.name], sources=[p.id for p in portals], province=None, level=None,
                        url=None, full=settings.getbool("CCHC_FULL_CRAWL"))
        opened = open_run(store, trigger=settings.get("CCHC_TRIGGER") or TRIGGER, args=args, portals=portals)
        paths = run_paths(store.engine.url, opened.run_id)
        paths.create()
        known = known_pages_path(paths)
        prepare_known_pages(store, [p.id for p in portals], known, settings,
                            full=settings.getbool("CCHC_FULL_CRAWL"), run_id=opened.run_id)
        settings.set("CCHC_RUN_ID", opened.run_id, priority="cmdline")
        settings.set("CCHC_DB", str(store.url), priority="cmdline")
        log.info("run %s %s for spider %s (%d portals)", opened.run_id,
                 "resumed" if opened.resumed else "opened", spider.name, len(portals))
        return cls(crawler, store, opened.run_id, known)

    def engine_stopped(self) -> None:
        assert self.crawler.spider is not None
        try:
            close_run(self.store, self.run_id, outcome_of([self.crawler.spider.name], [self.crawler]))
        finally:
            self.known.unlink(missing_ok=True)
            self.store.close()
