"""Probe candidate rows against the web (`cchc sources probe`): is the guessed host the unit's portal?

Every home page is fetched through the crawl's guarded downloads (`crawler.fetch.fetch_pages`, the
same path as `cchc sources detect`): a host resolving to a private or loopback address is refused as in
any crawl, redirects are followed only within the row's own hosts (a redirect elsewhere is stopped and
recorded as the new host), and Scrapy's per-host delay and concurrency caps keep the probe polite.
Outcomes: `found` (the page names the unit; its CMS family recorded), `moved` (the home page redirects to
another host), `not_found` (no answer, DNS failure, 4xx/5xx), `not_portal` (a page that does not name the
unit, or a WAF block page), `refused` (the guard refused the address).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from core.charset import decode_html
from core.vntext import fold
from crawler.registry import Portal

RESULT_COLUMNS: tuple[str, ...] = ("id", "unit_code", "level", "province", "base_url", "outcome", "status",
                                   "final_url", "new_host", "cms", "why", "probed_at")
OUTCOMES: tuple[str, ...] = ("found", "moved", "not_found", "not_portal", "refused")
_NAME_PREFIX = re.compile(r"^(?:ubnd|uy ban nhan dan)\s+")


@dataclass
class ProbeResult:
    """One candidate's outcome (a row of the probe results file)."""

    id: str
    unit_code: str
    level: str
    province: str
    base_url: str
    outcome: str
    status: str
    final_url: str
    new_host: str
    cms: str
    why: str
    probed_at: str


def unit_phrase(portal: Portal) -> str:
    """What the home page must name, folded: the row's name without "UBND" ("xa ngoc lien")."""
    return _NAME_PREFIX.sub("", fold(portal.name)).strip()


def names_unit(text: str, portal: Portal) -> bool:
    """The page names the unit (NFC, diacritics-, case- and spacing-insensitive)."""
    return unit_phrase(portal) in re.sub(r"\s+", " ", fold(text))


def _page_text(body: bytes, headers: dict[str, str]) -> str:
    """The page as text, decoded exactly as the crawl's spiders decode it (`core.charset`)."""
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    return decode_html(body, ctype)


def classify(portal: Portal, page, text: str, family: str | None) -> tuple[str, str, str]:
    """(outcome, new_host, why) of one fetched page."""
    from pipelines.extract import is_waf_block

    host = portal.host
    # refused by the address guard before any request ("refused: …"), or when the name resolved to a
    # forbidden address ("IgnoreRequest: refused: … resolves to loopback address 127.0.0.1")
    if page.error and (page.error.startswith("refused") or "refused: " in page.error):
        return "refused", "", page.error
    if page.error and "redirect to" in page.error:
        target = page.error.split("redirect to ", 1)[1].split(" ", 1)[0]
        return "moved", (urlsplit(target).hostname or "").lower(), page.error
    if page.status is None:
        return "not_found", "", page.error or "no answer"
    final_host = (urlsplit(page.final_url).hostname or "").lower()
    if final_host and final_host != host and final_host.removeprefix("www.") != host.removeprefix("www."):
        return "moved", final_host, f"home page redirects to {final_host}"
    if page.status >= 400:
        return "not_found", "", f"HTTP {page.status}"
    if is_waf_block(text):
        return "not_portal", "", "WAF block page (status 200)"
    if not names_unit(text, portal):
        return "not_portal", "", f"the page does not name '{portal.name}'"
    return "found", "", f"names the unit; family {family}"


def probe(portals: Sequence[Portal], *, concurrency: int = 8, delay: float = 1.0,
          batch: int = 200, settings: Mapping[str, Any] | None = None) -> Iterator[list[ProbeResult]]:
    """Fetch and classify each portal's home page, `batch` URLs per guarded fetch process; at most
    `concurrency` requests at once and one at a time per host, `delay` seconds apart per host.
    Yields each batch's results as it completes, so a long probe's results are saved as it goes.
    `settings` override Scrapy settings of the fetch (JSON values), as for `fetch_pages`: the guard
    stays on whatever they say, since it is the downloader stack itself."""
    from crawler.families import detect
    from crawler.fetch import fetch_pages

    settings = {"CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
                "DOWNLOAD_DELAY": delay, "RETRY_TIMES": 1, **(settings or {})}
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    # rows naming the same other hosts share a fetch, so a redirect may reach only its own row's hosts
    groups: dict[tuple[str, ...], list[Portal]] = {}
    for p in portals:
        groups.setdefault(tuple(sorted(p.hosts)), []).append(p)
    chunks = [(hosts, rows[i:i + batch]) for hosts, rows in groups.items() for i in range(0, len(rows), batch)]
    for extra, chunk in chunks:
        pages = fetch_pages([p.base_url for p in chunk], extra_hosts=extra, settings=settings)
        results: list[ProbeResult] = []
        for p, page in zip(chunk, pages):
            ok = page.status is not None and page.status < 400 and not page.error
            text = _page_text(page.body, page.headers) if ok else ""
            family = detect(text, page.final_url).family if ok else None
            outcome, new_host, why = classify(p, page, text, family)
            results.append(ProbeResult(
                id=p.id, unit_code=p.unit_code or "", level=p.level or "", province=p.province,
                base_url=p.base_url, outcome=outcome, status="" if page.status is None else str(page.status),
                final_url=page.final_url, new_host=new_host, cms=family or "" if outcome == "found" else "",
                why=why, probed_at=now))
        yield results


def results_path(registry_path: Path) -> Path:
    """Where a candidate folder's (or file's) probe results live: `probe/results.csv` beside its rows
    (a sub-folder, so a folder registry never reads it as registry rows)."""
    base = registry_path if registry_path.is_dir() else registry_path.parent
    return base / "probe" / "results.csv"


def read_results(path: Path) -> dict[str, ProbeResult]:
    """Earlier results by id (empty when the file does not exist)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["id"]: ProbeResult(**{c: r.get(c, "") for c in RESULT_COLUMNS}) for r in csv.DictReader(fh)}


def results_csv(results: dict[str, ProbeResult]) -> str:
    """The results file: one row per probed candidate, latest probe wins."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(RESULT_COLUMNS), lineterminator="\n")
    w.writeheader()
    for r in results.values():
        w.writerow(asdict(r))
    return out.getvalue()
