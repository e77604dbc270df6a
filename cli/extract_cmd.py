"""`cchc extract PATH_OR_URL [--url URL]`: the extraction record of one page, as JSON.

For a file, `--url` gives the address the page was fetched from (it resolves relative links and
identifies the portal). For a URL argument the page is fetched with the standard library, which
honours the http_proxy/https_proxy environment variables (so it works behind the simulator's proxy);
this is a one-page inspection tool: a crawl fetches through Scrapy with the project's settings
(settings.py: user agent, politeness, retries, host allow-list) and stores the same record.
The portal's unit (to complete "UBND tỉnh" -> "UBND tỉnh Tuyên Quang") comes from the registry row
whose host serves the URL, or from --unit/--level/--province.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import click

from pipelines.extract import PortalContext, extract

FETCH_TIMEOUT_S = 30
USER_AGENT = "CCHC-Watch/0.1 (+extract; one-page inspection)"


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def _is_url(arg: str) -> bool:
    return urlparse(arg).scheme in ("http", "https")


def fetch(url: str) -> bytes:
    """GET one page with urllib (proxies from the environment); raises click-friendly errors."""
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Language": "vi,en;q=0.5"})
    with urllib.request.urlopen(req, timeout=FETCH_TIMEOUT_S) as resp:  # noqa: S310 - http(s) only, checked above
        return resp.read()


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
@click.option("--level", type=click.Choice(["province", "department", "district", "commune"]), help="The unit's level.")
@click.option("--province", help="The unit's province.")
@click.option("--fetched-at", help="ISO date/time the page was fetched (for widget checks; default: now).")
def extract_cmd(path_or_url: str, page_url: str | None, unit: str | None, level: str | None,
                province: str | None, fetched_at: str | None) -> None:
    """Print the extraction record (issue 3's JSON contract) of an HTML file or a URL.

    A URL is fetched once with Python's urllib, which honours http_proxy/https_proxy; crawls
    download through Scrapy with the project's settings instead. Exit code 2 on unreadable input.
    """
    when = None
    if fetched_at:
        try:
            when = dt.datetime.fromisoformat(fetched_at)
        except ValueError:
            _fail(f"--fetched-at {fetched_at!r} is not an ISO date/time")
    if _is_url(path_or_url):
        url = page_url or path_or_url
        try:
            data = fetch(path_or_url)
        except urllib.error.HTTPError as exc:
            _fail(f"{path_or_url}: HTTP {exc.code} {exc.reason}")
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            _fail(f"{path_or_url}: cannot fetch ({getattr(exc, 'reason', exc)})")
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
