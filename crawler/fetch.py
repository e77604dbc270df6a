"""Fetch a few URLs exactly as a crawl would, for commands that are not crawls (`cchc extract URL`,
`cchc sources detect`, any later probe).

A one-page tool that fetched with urllib would be a second, unguarded way out of the machine: no host
allow-list, no address guard, no size cap, another proxy logic. So every fetch goes through the
crawl's own Scrapy downloader stack, built from the project's settings module: `HostGuardMiddleware`
and `GuardedRedirectMiddleware` (crawler/middlewares.py), the guarded DNS resolver, the proxy from
http_proxy/https_proxy, robots.txt, the size caps, retries and timeout. Each URL may reach only its
own host (and its `www.` variant) plus `extra_hosts`; a redirect anywhere else is reported, not
followed.

Twisted's reactor cannot be restarted, so the fetch runs as a one-shot `CrawlerProcess` in a child
Python process (`python -m crawler.fetch JOB`): `fetch_pages` may be called any number of times, from
any process, including one that has already run a crawl or a test reactor.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from crawler.guard import normalise_host, url_problem

SPIDER_NAME = "cchc-fetch"


@dataclass
class FetchedPage:
    """One URL's outcome. `status` is None when nothing was received (refused, DNS, timeout…), and
    `error` then says why; a received page has `error` None unless its redirect was refused."""

    url: str
    final_url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None
    ip_address: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["body"] = base64.b64encode(self.body).decode("ascii")
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FetchedPage:
        values = dict(data)
        values["body"] = base64.b64decode(values.get("body") or "")
        return cls(**values)


class FetchError(RuntimeError):
    """The fetch process itself failed (not one URL: those are reported in their FetchedPage)."""


def fetch_pages(urls: Sequence[str], *, extra_hosts: Iterable[str] = (),
                settings: Mapping[str, Any] | None = None) -> list[FetchedPage]:
    """Fetch `urls` through the crawl's downloader stack; one FetchedPage per URL, in order.

    `extra_hosts` are hosts every URL may also reach (a widget or file host). `settings` override the
    project's Scrapy settings (JSON values only, as they cross to the child process), e.g.
    `{"DOWNLOAD_TIMEOUT": 5}`. A URL the guard refuses outright is answered without any request.
    """
    urls = list(urls)
    pages: list[FetchedPage | None] = [None] * len(urls)
    todo: list[int] = []
    for i, url in enumerate(urls):
        problem = url_problem(url)
        if problem:
            pages[i] = FetchedPage(url=url, final_url=url, status=None, error=f"refused: {problem}")
        else:
            todo.append(i)
    if todo:
        fetched = _run_child([urls[i] for i in todo], [normalise_host(h) for h in extra_hosts], dict(settings or {}))
        for i, page in zip(todo, fetched):
            pages[i] = page
    return [p for p in pages if p is not None]


def _run_child(urls: list[str], extra_hosts: list[str], settings: dict[str, Any]) -> list[FetchedPage]:
    """Run the one-shot crawl in a fresh interpreter that sees the same modules as this one."""
    with tempfile.TemporaryDirectory(prefix="cchc-fetch-") as tmp:
        job = Path(tmp) / "job.json"
        out = Path(tmp) / "pages.json"
        job.write_text(json.dumps({"urls": urls, "extra_hosts": extra_hosts, "settings": settings,
                                   "out": str(out)}), encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        proc = subprocess.run([sys.executable, "-m", "crawler.fetch", str(job)], env=env,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not out.exists():
            tail = [line for line in proc.stderr.splitlines() if line.strip()][-1:] or ["no output"]
            raise FetchError(f"the fetch process failed (exit {proc.returncode}): {tail[0][:300]}")
        data = json.loads(out.read_text(encoding="utf-8"))
    return [FetchedPage.from_json(d) for d in data]


# ---- the child process ---------------------------------------------------------------------------
def project_settings(overrides: Mapping[str, Any] | None = None) -> Any:
    """The crawl's Scrapy settings (the `settings` module) for a fetch: no item pipelines (nothing is
    stored), no progress display, Scrapy's log on stderr at WARNING unless overridden."""
    from scrapy.settings import Settings

    s = Settings()
    s.setmodule("settings", priority="project")
    s.set("ITEM_PIPELINES", {}, priority="cmdline")
    s.set("EXTENSIONS", {"crawler.progress.Progress": None}, priority="cmdline")
    s.set("JOBDIR", None, priority="cmdline")
    s.set("LOG_LEVEL", "WARNING", priority="cmdline")
    s.set("LOG_FILE", None, priority="cmdline")
    for key, value in (overrides or {}).items():
        s.set(key, value, priority="cmdline")
    return s


def _make_spider_class() -> type[Any]:
    """The fetch spider (built lazily: importing this module must not import Scrapy's engine)."""
    import scrapy
    from scrapy.http import Request, Response
    from twisted.python.failure import Failure

    from crawler.failures import failure_reason
    from crawler.hosts import host_allowed, host_of

    class FetchSpider(scrapy.Spider):
        """Requests each URL once; its allow-list is the URL's own host plus the extra hosts, in the
        shape the host guard asks every spider for (`allowed_hosts_for`, `portal_for_host`)."""

        name = SPIDER_NAME

        def __init__(self, urls: list[str], extra_hosts: list[str], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.urls = urls
            self.allowed = {f"url{i}": {host_of(u), *extra_hosts} for i, u in enumerate(urls)}
            self.results: list[FetchedPage | None] = [None] * len(urls)

        def allowed_hosts_for(self, key: str | None) -> set[str]:
            return self.allowed.get(key or "", set())

        def portal_for_host(self, host: str) -> str | None:
            for key, hosts in self.allowed.items():
                if host_allowed(host, hosts):
                    return key
            return None

        async def start(self) -> AsyncIterator[Any]:
            for i, url in enumerate(self.urls):
                yield Request(url, callback=self.parse, errback=self.failed, dont_filter=True,
                              meta={"portal_id": f"url{i}", "index": i, "handle_httpstatus_all": True})

        def parse(self, response: Response) -> None:
            refused = response.meta.get("redirect_refused")
            self.results[response.meta["index"]] = FetchedPage(
                url=self.urls[response.meta["index"]],
                final_url=response.url,
                status=response.status,
                headers={k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()},
                body=response.body,
                error=f"redirect to {refused} refused (not one of the allowed hosts)" if refused else None,
                ip_address=str(response.ip_address) if response.ip_address is not None else None,
            )

        def failed(self, failure: Failure) -> None:
            request = failure.request  # type: ignore[attr-defined]
            i = request.meta["index"]
            self.results[i] = FetchedPage(url=self.urls[i], final_url=request.url, status=None,
                                          error=failure_reason(failure))

    return FetchSpider


def _child(job_path: str) -> int:
    from scrapy.crawler import CrawlerProcess

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    process = CrawlerProcess(project_settings(job["settings"]))
    spider_class = _make_spider_class()
    crawler = process.create_crawler(spider_class)
    process.crawl(crawler, urls=job["urls"], extra_hosts=job["extra_hosts"])
    process.start()
    spider = crawler.spider
    if not isinstance(spider, spider_class):
        raise RuntimeError("the fetch crawl did not create its spider")
    pages = [
        page or FetchedPage(url=url, final_url=url, status=None, error="not fetched (the crawl stopped first)")
        for url, page in zip(job["urls"], spider.results)
    ]
    Path(job["out"]).write_text(json.dumps([p.to_json() for p in pages]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
