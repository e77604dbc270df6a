"""`cchc extract PATH_OR_URL [--url URL]`: the extraction record of one page, as JSON.

For a file, `--url` gives the address the page was fetched from (it resolves relative links and
identifies the portal). A URL argument is fetched by `crawler.fetch`, through the crawl's own Scrapy
downloader stack (settings.py: user agent, robots.txt, retries, size cap, the address guard and host
allow-list, the proxy from http_proxy/https_proxy): a one-page inspection must not be a way around
the guard a crawl obeys. The page may redirect only within its own host (and its www. variant).
The portal's unit (to complete "UBND tỉnh" -> "UBND tỉnh Tuyên Quang") comes from the registry row
whose host serves the URL, or from --unit/--level/--province.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from http import HTTPStatus
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlparse

import click

from cli.params import LEVEL
from pipelines.extract import PortalContext, extract


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _is_url(arg: str) -> bool:
    return urlparse(arg).scheme in ("http", "https")


def fetch(url: str) -> tuple[bytes, str]:
    """The page's bytes and final URL, fetched as a crawl would fetch it; any failure (refused by
    the guard, DNS, timeout, HTTP error status, refused redirect) ends the command with one
    `error:` line."""
    from crawler.fetch import FetchError, fetch_pages

    try:
        [page] = fetch_pages([url])
    except FetchError as exc:
        _fail(f"{url}: cannot fetch ({exc})")
    if page.error:
        _fail(f"{url}: cannot fetch ({page.error})")
    if page.status is None or page.status >= 400:
        try:
            phrase = HTTPStatus(page.status or 0).phrase
        except ValueError:
            phrase = ""
        _fail(f"{url}: HTTP {page.status} {phrase}".rstrip())
    return page.body, page.final_url


def context_for(url: str, unit: str | None, level: str | None, province: str | None) -> PortalContext | None:
    """The registry portal serving `url` (by host), overridden by explicit options."""
    portal = None
    host = (urlparse(url).hostname or "").lower()
    if host:
        try:
            from crawler.registry import load_registry

            for p in load_registry():
                if host == p.host or host in p.allowed_hosts:
                    portal = p
                    break
        except Exception as exc:  # noqa: BLE001 - a broken registry must not stop a one-page inspection
            click.echo(f"warning: registry not used ({exc})", err=True)
    if portal is None and not (unit or level or province):
        return None
    return PortalContext(
        portal_id=portal.id if portal else None,
        unit_name=unit or (portal.name if portal else None),
        level=level or (portal.level if portal else None),
        province=province or (portal.province if portal else None),
    )


@click.command("extract")
@click.argument("path_or_url")
@click.option("--url", "page_url", help="Address the file was fetched from (default: file:// path).")
@click.option("--unit", help="The portal's unit, e.g. 'UBND tỉnh Tuyên Quang' (default: from the registry).")
@click.option("--level", type=LEVEL, help="The unit's level (tỉnh, sở, huyện, xã/phường; xa, phuong…).")
@click.option("--province", help="The unit's province.")
@click.option("--fetched-at", help="ISO date/time the page was fetched (for widget checks; default: now).")
def extract_cmd(path_or_url: str, page_url: str | None, unit: str | None, level: str | None,
                province: str | None, fetched_at: str | None) -> None:
    """Print the extraction record (issue 3's JSON contract) of an HTML file or a URL.

    A URL is fetched once through the crawl's own downloader (address guard, host allow-list,
    proxy from http_proxy/https_proxy, size cap). Exit code 2 on unreadable or refused input.
    """
    when = None
    if fetched_at:
        try:
            when = dt.datetime.fromisoformat(fetched_at)
        except ValueError:
            _fail(f"--fetched-at {fetched_at!r} is not an ISO date/time")
    if _is_url(path_or_url):
        data, final_url = fetch(path_or_url)
        url = page_url or final_url
    else:
        path = Path(path_or_url)
        if not path.exists():
            _fail(f"{path_or_url}: no such file")
        if not path.is_file():
            _fail(f"{path_or_url}: not a file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            _fail(f"{path_or_url}: cannot read ({exc.strerror or exc})")
        url = page_url or path.resolve().as_uri()
    if not data.strip():
        _fail(f"{path_or_url}: empty input")
    if b"\0" in data[:1024] and b"<" not in data[:1024]:
        _fail(f"{path_or_url}: not an HTML page (binary data)")
    record = extract(data, url, context_for(url, unit, level, province), fetched_at=when)
    click.echo(json.dumps(record.to_dict(), ensure_ascii=False, indent=2))


COMMANDS = [extract_cmd]
