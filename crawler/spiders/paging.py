"""Generic listing mechanics shared by the listing and register spiders: which links on a listing
page are its items, which lead to the next page, and when to stop.

Templates differ per family, but a listing is always a repeated block of links and a pager whose
links carry a page number (`?PageIndex=2`, `_101_cur=2`, `/page-2/`) or say "Tiếp"/"Sau"/"»".
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from core.vntext import fold

_NEXT_TEXTS = {"tiep", "tiep theo", "sau", "trang sau", "next", "»", "›", ">", ">>", "trang tiep"}
_PAGE_PARAM = re.compile(r"(?:^|_)(?:pageindex|page|cur|p|trang|pg|start)$", re.I)
_PATH_PAGE = re.compile(r"/(?:page|trang)[-/](\d+)/?$", re.I)
_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")


def page_number(url: str, page_params: tuple[str, ...] = ()) -> int | None:
    """The page number a listing URL carries, if any."""
    parts = urlsplit(url)
    for k, v in parse_qsl(parts.query, keep_blank_values=True):
        if (k in page_params or _PAGE_PARAM.search(k)) and v.isdigit():
            return int(v)
    m = _PATH_PAGE.search(parts.path)
    return int(m.group(1)) if m else None


def _listing_key(url: str, page_params: tuple[str, ...]) -> tuple[str, set[tuple[str, str]]]:
    """(scheme://host/path without the page part, the other query parameters)."""
    parts = urlsplit(url)
    q = {(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not (k in page_params or _PAGE_PARAM.search(k))}
    return f"{parts.scheme}://{parts.netloc}{_PATH_PAGE.sub('/', parts.path).rstrip('/')}", q


def same_listing(current: str, target: str, page_params: tuple[str, ...] = ()) -> bool:
    """Same path, and the target keeps every parameter of the current page (it may add portlet
    parameters, as Liferay's pager does on the way from page 1 to page 2)."""
    cur_path, cur_q = _listing_key(current, page_params)
    tgt_path, tgt_q = _listing_key(target, page_params)
    return cur_path == tgt_path and cur_q <= tgt_q


def next_page_links(sel: Selector, url: str, page_params: tuple[str, ...] = ()) -> list[str]:
    """Links to the next page of this listing (rel=next, pager words, or page number + 1)."""
    current = page_number(url, page_params) or 1
    found: list[str] = []
    for a in sel.css("a[href]"):
        href = a.attrib.get("href", "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        target = urljoin(url, href).split("#", 1)[0]
        text = fold(" ".join(a.css("::text").getall()))
        rel = (a.attrib.get("rel") or "").lower()
        n = page_number(target, page_params)
        same = same_listing(url, target, page_params)
        if "next" in rel or (same and (text in _NEXT_TEXTS or n == current + 1)):
            if target != url and target not in found:
                found.append(target)
    for link in sel.css("link[rel=next]::attr(href)").getall():
        target = urljoin(url, link)
        if target not in found:
            found.append(target)
    return found


def item_links(sel: Selector, url: str, is_item: "callable") -> list[tuple[str, str, str]]:
    """(url, text, context) of the links in the page's main repeated block.

    Article links are grouped by the shape of their ancestors; the largest group is the listing
    itself, so "Tin mới nhất" sidebars and footers do not leak into it.
    """
    groups: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    seen: set[str] = set()
    for a in sel.xpath("//a[@href]"):
        href = a.attrib.get("href", "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        target = urljoin(url, href).split("#", 1)[0]
        if target in seen or not is_item(target):
            continue
        seen.add(target)
        anc = a.xpath("ancestor::*[position()<=4]")
        key = "/".join(f"{e.root.tag}.{e.attrib.get('class', '')}" for e in anc)
        text = " ".join(t.strip() for t in a.xpath(".//text()").getall() if t.strip())
        block = a.xpath("ancestor::*[position()<=3][1]")
        context = " ".join(block.xpath(".//text()").getall()) if block else text
        groups[key].append((target, text, context))
    if not groups:
        return []
    return max(groups.values(), key=len)


def dates_in(text: str) -> list[dt.date]:
    out = []
    for d, m, y in _DATE.findall(text):
        try:
            out.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return out
