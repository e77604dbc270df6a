"""End to end: `cchc crawl --url` of a hostile ad-hoc portal (hostilenet.py) through its proxy, as a
user would run it. Nothing reaches the loopback canary, the sitemap and listing bounds stop the
endless chains (counted in requests; the subprocess timeout is only a hang guard), and every fault
is in the database with its error."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from guardnet import Canary
from hostilenet import ATTACHMENT_ARTICLE, BASE, HUGE, OFFSITE, REDIRECTS, SLOW, HostileNetwork

ROOT = Path(__file__).resolve().parents[2]
MAX_PAGES = 3
ENV = {
    "CCHC_DOWNLOAD_DELAY": "0", "CCHC_AUTOTHROTTLE": "0", "CCHC_PER_HOST": "4", "CCHC_EXTRACT_WORKERS": "1",
    "CCHC_DOWNLOAD_TIMEOUT": "3", "CCHC_RETRY_TIMES": "0", "CCHC_MAX_BYTES": str(1024 * 1024),
    "CCHC_SITEMAP_MAX_DEPTH": "3", "CCHC_SITEMAP_MAX_FILES": "50",
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("hostile")
    db = tmp / "hostile.sqlite"
    with Canary() as canary, HostileNetwork(canary.port) as net:
        env = {**os.environ, **net.env(), **ENV, "CCHC_FILES_STORE": str(tmp / "files"), "CCHC_LOG_DIR": str(tmp / "logs")}
        env.pop("CCHC_DB", None)
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "cli", "crawl", "--url", BASE, "--db", str(db),
                               "--max-pages", str(MAX_PAGES)],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)  # hang guard only
        elapsed = time.monotonic() - started
        yield {"proc": proc, "db": db, "canary": list(canary.paths), "net": net, "elapsed": elapsed}


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def fetch_errors(db: Path) -> dict[str, str | None]:
    return dict(rows(db, "select url, error from fetches"))


def test_the_crawl_ran_and_nothing_reached_the_canary(hostile: dict[str, Any]) -> None:
    proc = hostile["proc"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert hostile["canary"] == []                 # zero requests got in
    assert dict(hostile["net"].other_hosts) == {}  # and none went to another host through the proxy


def test_numeric_loopback_links_from_page_content_are_refused_and_recorded(hostile: dict[str, Any]) -> None:
    errors = fetch_errors(hostile["db"])
    port = hostile["net"].canary_port
    feed = errors[f"http://0x7f000001:{port}/rss.xml"]            # the home page's <link rel=alternate>
    robots_sitemap = errors[f"http://2130706433:{port}/sitemap.xml"]  # a robots.txt Sitemap: line
    for error in (feed, robots_sitemap):
        assert error is not None and "refused" in error and "loopback address 127.0.0.1" in error
    stats = rows(hostile["db"], "select stats from crawl_runs")[0][0]
    assert '"cchc/refused/internal_address"' in stats


def test_links_to_other_hosts_are_refused_and_recorded(hostile: dict[str, Any]) -> None:
    errors = fetch_errors(hostile["db"])
    for url in (f"{OFFSITE}/rss.xml", f"{OFFSITE}/sitemap.xml"):
        assert errors[url] == "IgnoreRequest: refused: host tracker.example.com is not one of portal adhoc-hostile-gov-vn's hosts"


def test_attachments_at_internal_addresses_are_not_downloaded(hostile: dict[str, Any]) -> None:
    port = hostile["net"].canary_port
    got = dict(rows(hostile["db"], "select a.url, a.path from attachments a"))
    assert got == {f"http://0177.0.0.1:{port}/files/ke-hoach.pdf": None, f"http://127.1:{port}/files/phu-luc.docx": None}
    assert fetch_errors(hostile["db"])[f"{BASE.rstrip('/')}{ATTACHMENT_ARTICLE}"] is None   # the page itself was fine


def test_redirects_to_internal_addresses_are_recorded_not_followed(hostile: dict[str, Any]) -> None:
    errors = fetch_errors(hostile["db"])
    port = hostile["net"].canary_port
    for path, target in REDIRECTS.items():
        error = errors[f"{BASE.rstrip('/')}{path}"]
        assert error == f"redirect to {target.format(canary=port)} refused (not one of the portal's hosts)"


def test_the_endless_sitemap_chain_stops_at_the_depth_bound(hostile: dict[str, Any]) -> None:
    assert hostile["net"].chain_hits() == {0: 1, 1: 1, 2: 1, 3: 1}
    errors = fetch_errors(hostile["db"])
    assert errors[f"{BASE}sitemap.xml?n=4"] == ("not fetched: sitemap index nested deeper than 3 levels "
                                                "(CCHC_SITEMAP_MAX_DEPTH)")


def test_the_endless_listing_stops_at_max_pages(hostile: dict[str, Any]) -> None:
    assert hostile["net"].listing_hits() == {k: 1 for k in range(1, MAX_PAGES + 1)}


def test_gzip_bombs_are_recorded_faults(hostile: dict[str, Any]) -> None:
    errors = fetch_errors(hostile["db"])
    assert errors[f"{BASE}bomb.xml.gz"] == "gzip sitemap unpacks to more than 1048576 bytes (DOWNLOAD_MAXSIZE)"
    encoded = errors[f"{BASE}bomb-encoded.xml"]   # Content-Encoding: gzip, refused by Scrapy's decompression cap
    assert encoded is not None and "1048576" in encoded


def test_oversized_and_slow_pages_are_recorded_faults(hostile: dict[str, Any]) -> None:
    errors = fetch_errors(hostile["db"])
    huge = errors[f"{BASE.rstrip('/')}{HUGE}"]
    slow = errors[f"{BASE.rstrip('/')}{SLOW}"]
    assert huge is not None and "1048576" in huge
    assert slow is not None and "TimeoutError" in slow
    health = rows(hostile["db"], "select url, status, error from portal_health where url = '" + BASE + "'")
    assert health and all(status == 200 and error is None for _, status, error in health)   # the portal itself answered
