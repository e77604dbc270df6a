"""Document registers ("Văn bản", "Văn bản chỉ đạo điều hành"): paged tables of Số ký hiệu, Ngày ban
hành, Trích yếu and a file link. Many units publish their plan only here, as a PDF or DOCX.

Columns are found by their header labels, never by position or CSS class.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy.http import Response, TextResponse

from core.vntext import clean_space, fold
from crawler.capture import raw_of
from crawler.families import profile
from crawler.hosts import allows
from crawler.items import PageItem, SeenItem, ValidatorItem
from crawler.registry import Portal
from crawler.spiders.base import PortalSpider, canonical, is_cchc_text
from crawler.spiders.paging import next_page_links

# folded header label -> our column name; the first label that matches wins
HEADER_LABELS: tuple[tuple[str, str], ...] = (
    ("so ky hieu", "number"), ("so hieu", "number"), ("ky hieu", "number"), ("so van ban", "number"),
    ("ngay ban hanh", "date"), ("ngay ky", "date"), ("ngay", "date"),
    ("trich yeu", "summary"), ("noi dung", "summary"), ("tieu de", "summary"), ("ten van ban", "summary"),
    ("co quan ban hanh", "issuer"), ("noi ban hanh", "issuer"), ("don vi ban hanh", "issuer"),
    ("tep", "file"), ("file", "file"), ("tai ve", "file"), ("dinh kem", "file"),
)
REGISTER_MENU_WORDS = ("van ban chi dao dieu hanh", "van ban phap quy", "van ban", "he thong van ban")
FILE_EXT = (".pdf", ".doc", ".docx")


def column_map(header_cells: list[str]) -> dict[int, str]:
    out: dict[int, str] = {}
    for i, cell in enumerate(header_cells):
        f = fold(cell)
        for label, col in HEADER_LABELS:
            if label in f and col not in out.values():
                out[i] = col
                break
    return out


def register_rows(sel: Selector, url: str) -> list[dict[str, Any]]:
    """Rows of every table whose header names a number and a summary column."""
    rows: list[dict[str, Any]] = []
    for table in sel.css("table"):
        trs = table.xpath(".//tr")
        if not trs:
            continue
        header = [clean_space(" ".join(c.xpath(".//text()").getall())) for c in trs[0].xpath("./th|./td")]
        cols = column_map(header)
        if "number" not in cols.values() or "summary" not in cols.values():
            continue
        for tr in trs[1:]:
            cells = tr.xpath("./td|./th")
            if len(cells) < len(cols):
                continue
            row: dict[str, Any] = {"html": tr.get()}
            for i, col in cols.items():
                if i < len(cells):
                    row[col] = clean_space(" ".join(cells[i].xpath(".//text()").getall()))
            file_url = detail_url = None
            for a in tr.css("a[href]"):
                href = urljoin(url, a.attrib["href"].strip())
                text = fold(" ".join(a.css("::text").getall()))
                if urlsplit(href).path.lower().endswith(FILE_EXT) or any(w in text for w in ("tai", "download", "xem file")):
                    file_url = file_url or href
                else:
                    detail_url = detail_url or href
            row["file_url"] = file_url
            row["detail_url"] = detail_url
            rows.append(row)
    return rows


class RegistersSpider(PortalSpider):
    name = "registers"
    discovery = "registers"

    def start_portal(self, portal: Portal):
        return self.registry_or_discover(portal, portal.registers, self.parse_register, listing_depth=1)

    def parse_home(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        if self.problem(response):
            yield self.fetch_item(response, self.problem(response))
            return
        assert isinstance(response, TextResponse)
        allowed = self.allowed_hosts_for(portal.id)
        found: list[str] = []
        for a in response.css("a[href]"):
            text = fold(" ".join(a.css("::text").getall()))
            if text and len(text) < 60 and any(text == w or text.startswith(w) for w in REGISTER_MENU_WORDS):
                u = canonical(urljoin(response.url, a.attrib["href"].strip()))
                if allows(allowed, u) and u not in found:
                    found.append(u)
        for url in found[:3] or self.family_urls(portal, "registers"):
            yield self.req(url, portal, self.parse_register, listing_depth=1)

    def known_row(self, portal: Portal, key: str, row_hash: str) -> SeenItem | None:
        """A sighting for a known register row whose markup is unchanged (no extraction, no file):
        the row is the document here, so its markup's hash is what a body hash is to an article."""
        if self.policy.full:
            return None
        page = self.policy.known.get(key)
        if page is None or page.body_sha256 != row_hash:
            return None
        self.crawler.stats.inc_value("cchc/incremental/unchanged/registers")
        return SeenItem(portal_id=portal.id, url=canonical(key), how="same_body", discovered_by=self.discovery)

    def parse_register(self, response: Response) -> Iterator[Any]:
        portal = self.portal_of(response)
        problem = self.problem(response)
        rows = register_rows(response.selector, response.url) if isinstance(response, TextResponse) and not problem else []
        if not problem and not rows:
            problem = "no document-register table on this page"
        yield self.fetch_item(response, problem)
        if problem or not isinstance(response, TextResponse):  # problem() names every non-text page
            return
        self.crawler.stats.inc_value("cchc/registers/pages")
        keys: list[str] = []
        for row in rows:
            self.crawler.stats.inc_value("cchc/registers/rows")
            if not is_cchc_text(row.get("summary", "")):
                continue
            key = row.get("detail_url") or row.get("file_url")
            if not key:
                continue
            for u in (row.get("file_url"), row.get("detail_url")):
                if u:
                    self.admit_host(portal.id, u, "register file")
            self.crawler.stats.inc_value("cchc/registers/cchc_rows")
            keys.append(key)
            html = row.pop("html")
            row_hash = hashlib.sha256(html.encode("utf-8")).hexdigest()
            seen = self.known_row(portal, key, row_hash)
            if seen is not None:
                yield seen
                continue
            yield PageItem(
                portal_id=portal.id,
                url=canonical(key),
                requested_url=response.url,
                status=response.status,
                html=html,
                discovered_by=self.discovery,
                hints={"register_row": row, "register_page": response.url},
                file_urls=[row["file_url"]] if row.get("file_url") else [],
                raw=raw_of(response, "page"),
                validator=ValidatorItem(portal_id=portal.id, url=canonical(key), etag=None, last_modified=None,
                                        body_sha256=row_hash),
            )
        depth = int(response.meta.get("listing_depth", 1))
        if self.policy.stop_paging(portal.id, keys):
            self.crawler.stats.inc_value("cchc/incremental/register_stopped")
            return  # only known documents on this page (a full walk comes every CCHC_FULL_WALK_DAYS)
        if depth < self.max_pages:
            for url in next_page_links(response.selector, response.url, profile(portal.cms).page_params, current=depth)[:1]:
                yield self.req(url, portal, self.parse_register, listing_depth=depth + 1)
