"""Generic listing mechanics shared by the listing and register spiders: which links on a listing
page are its items, which lead to the next page, and when to stop.

Templates differ per family, but a listing is always a repeated block of links and a pager whose
links carry a page number (`?PageIndex=2`, `_101_cur=2`, `/page-2/`) or say "Tiếp"/"Sau"/"»".
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urljoin, urlsplit

from parsel import Selector

from core.vntext import fold
from crawler.headlines import Link, PageLinks

# Pager words, folded and without arrows: "Trang sau »", "Tiếp", "tiếp theo ›", "Sau", "Next".
_NEXT_WORDS = {"tiep", "tiep theo", "sau", "trang sau", "trang tiep", "next", "next page", "trang ke tiep", "xem tiep"}
# A bare arrow means "next" on most pagers but "last" on some (Drupal's "cuối cùng »"): ranked below
# a page number, so a pager with numbers is read by its numbers.
_ARROWS = {"»", "›", ">", ">>", "→", "»»", "››"}
_ARROW_CHARS = "»›>→<«‹←"
_PAGE_PARAM = re.compile(r"(?:^|_)(?:pageindex|page|paged|cur|p|trang|pg|start|limitstart|currentpage)$", re.I)
_PATH_PAGE = re.compile(r"/(?:page|trang|pageindex)[-/](\d+)/?$", re.I)
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


def next_page_links(sel: Selector, url: str, page_params: tuple[str, ...] = (), current: int | None = None) -> list[str]:
    """Links to the next page of this listing, best first.

    `current` is the visible number of this page (the spider's depth in the listing: page 1 is
    the listing as linked from the menu). In order of trust: `rel=next`; a pager word ("Trang sau",
    "Tiếp", "Sau", "Next"); the link showing the number `current + 1` (a Drupal pager says "2" and
    links `?page=1`); a bare arrow ("»", "›"); a URL whose page number is one more than this one's.
    Only links to the same listing count, except `rel=next`.
    """
    here = page_number(url, page_params)
    shown = current if current is not None else (here or 1)
    ranked: list[tuple[int, int, str]] = []
    for i, a in enumerate(sel.css("a[href]")):
        href = a.attrib.get("href", "").strip()
        if not href or href.startswith(("javascript:", "#", "mailto:")):
            continue
        target = urljoin(url, href).split("#", 1)[0]
        if target == url:
            continue
        if "next" in (a.attrib.get("rel") or "").lower().split():
            ranked.append((0, i, target))
            continue
        raw = " ".join(a.css("::text").getall()).strip()
        if len(raw) > 30:
            continue  # a headline, not a pager: pager links say a number, an arrow or a word or two
        text = fold(raw)
        bare = " ".join(text.strip(_ARROW_CHARS + " ").split())
        rank = None
        if not same_listing(url, target, page_params):
            continue
        elif bare in _NEXT_WORDS and not text.startswith(("<", "«", "‹", "←")):
            rank = 1
        elif bare.isdigit() and int(bare) == shown + 1:
            rank = 2
        elif text.replace(" ", "") in _ARROWS:
            rank = 3
        elif not bare.isdigit() and (n := page_number(target, page_params)) is not None and n == (here or 1) + 1:
            rank = 4
        if rank is not None:
            ranked.append((rank, i, target))
    for link in sel.css("link[rel=next]::attr(href)").getall():
        ranked.append((0, -1, urljoin(url, link)))
    out: list[str] = []
    for _, _, target in sorted(ranked):
        if target not in out:
            out.append(target)
    return out


def item_links(sel: Selector, url: str, same_site: Callable[[str], bool],
               family_article: Callable[[str], bool] | None = None,
               article_shape: Callable[[str], bool] | None = None) -> list[Link]:
    """The listing's items: headlines of the page's main block (`crawler.headlines.PageLinks.main_block`), whatever
    their URLs look like. A family profile is an optimisation: when it recognises some of those
    links as its article URLs, only those are kept (a pager or "Xem thêm" that slipped in goes); when
    it recognises none (a portal whose layout its profile does not match), every headline stays.

    A listing whose titles are too short to read as headlines ("Bài 3", "KH 12/KH-UBND") is read
    again with `article_shape`, a test of URL shapes (`crawler.families.is_article_url`): its links
    of two words or more whose URLs look like articles."""
    page = PageLinks(sel, url)
    links = page.main_block(same_site)
    if not links and article_shape is not None:
        links = page.main_block(same_site, article_url=article_shape)
    if family_article is not None:
        own = [link for link in links if family_article(link.url)]
        if own:
            return own
    return links


def dates_in(text: str) -> list[dt.date]:
    """Every d/m/yyyy date in `text` (a listing item's context), for the date bound."""
    out = []
    for d, m, y in _DATE.findall(text):
        try:
            out.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    return out
