"""The page's main text: the block trafilatura should score (the headline's smallest ancestor that
holds the body, else the densest paragraph block), trafilatura's options, and the cleaning of what it
returns (headline, furniture, related lists, counters and footers cut); the fallback when it finds none.
"""
from __future__ import annotations

import re
from typing import Any

from .markers import (
    BREADCRUMB_RE,
    DATE_LINE_RE,
    FOOTER_RE,
    FURNITURE_RE,
    LIST_CAPTION_RE,
    TEXT_END_RE,
    TOOLBAR_RE,
)
from .numbers import DOC_TYPES
from .page import Page, element_lines, key_of

# The same options serve the benchmark's "trafilatura alone" column.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "with_metadata": False,
    "deduplicate": False,
    "favor_precision": True,
}


# a row of a page-layout table as trafilatura writes it, its other cells empty: "| SỞ NỘI VỤ |  |  |"
_LAYOUT_ROW_RE = re.compile(r"^\|[^|]*(?:\|\s+){2,}\|?\s*$")


def clean_text(raw: str | None, title: str | None = None) -> str | None:
    """trafilatura's text without the headline and the date/print/font-size furniture at its top,
    cut before related-article lists, widgets, counters and footers.

    Lines are matched on the folded key of their first 80 characters, inside a layout table's
    "| cell |" borders; a line is compared with the headline only when its length allows it."""
    if not raw:
        return None
    tkey = key_of(title) if title else None
    tlen = len(title or "")

    def is_title(line: str) -> bool:
        inner = line.strip("| ")
        return bool(tkey) and abs(len(inner) - tlen) <= 8 and key_of(inner) == tkey

    lines = raw.split("\n")
    # a headline that is only a document type ("Báo cáo") is also the document's own heading line
    # ("BÁO CÁO" under its header): what stands above that line is the header, not the banner
    if tkey and tkey not in DOC_TYPES:
        # trafilatura kept the headline: what it put above it is the page's banner, menu and trail
        # (only short lines: trafilatura sometimes puts the body first and the headline after it)
        for i, line in enumerate(lines[:15]):
            if is_title(line):
                if all(len(prev.strip("| ")) <= 100 for prev in lines[:i]):
                    lines = lines[i + 1:]
                break
    out: list[str] = []
    held: list[str] = []     # short lines put aside at a counter widget, restored when no prose follows
    skipping = False
    for line in lines:
        line = line.strip()   # trafilatura already collapsed whitespace; the page was NFC'd at load
        if not line:
            continue
        if _LAYOUT_ROW_RE.search(line) or line.count("\\|") >= 3:
            continue   # a layout table's spacer row ("| BANNER |  |  |") or an inline menu ("Trang chủ \\| Giới thiệu …")
        long = len(line) > 120
        if long and out:
            out.append(line)         # a paragraph: never a list heading, counter or footer line
            continue
        # a layout table's row comes out of trafilatura as "| cell |": its markers are read inside
        key = key_of(line.strip("| ")[:80])
        fm = FOOTER_RE.match(key)
        if long:
            if not fm and not is_title(line):   # a long copyright line or headline trafilatura put first
                out.append(line)
            continue
        if len(line) <= 80 and TOOLBAR_RE.match(key):
            continue   # a print/share toolbar is never text, wherever trafilatura leaves it
        if fm:
            if not out:
                continue   # a footer block trafilatura put first (a page with almost no text): never text
            if fm.group("strong"):
                break      # the owner, the editor in charge, the copyright: the page's footer begins
        if skipping:
            if len(line) <= 40 and COUNTER_LINE_RE.match(key):
                continue   # the counter's own lines: figures, "Hôm nay", "Your IP", its clock
            skipping = False
        if out and COUNTER_START_RE.match(key) and not any(len(x) > 80 for x in out):
            # a sidebar's visitor counter before any prose: what came before it is sidebar too, and
            # the article follows it; kept back in case no prose follows (then nothing changes)
            held, out, skipping = held or out, [], True
            continue
        if (TEXT_END_RE.match(key) and out) or LIST_CAPTION_RE.match(key):
            break      # a related list begins (first of all: trafilatura found no article above it)
        if not out and len(line) <= 80 and (FURNITURE_RE.match(key) or DATE_LINE_RE.match(key) or BREADCRUMB_RE.match(key)):
            continue
        if not out and is_title(line):
            continue
        out.append(line)
    if held and not any(len(x) > 120 for x in out):
        out = held
    return "\n".join(out) or None


# a visitor counter's caption, and the lines of its table (figures, periods, the visitor's IP, a clock)
COUNTER_START_RE = re.compile(r"^(?:thong ke truy cap|so luong truy cap|luot truy cap|dang truy cap|so nguoi online)\b")
COUNTER_LINE_RE = re.compile(
    r"^(?:[\d\s.,:/|-]+|today|yesterday|this week|last week|this month|last month|all days|total|online|"
    r"hom nay|hom qua|tuan nay|tuan truoc|thang nay|thang truoc|tat ca|tong(?: so)?|dang online|truy cap|"
    r"(?:your ip|ip cua ban)\b.*)$")


def _article_root(page: Page, title: str | None) -> Any:
    """The smallest ancestor of the headline that also holds the body (600 characters beyond the
    headline and at least half of the text pruning left): trafilatura then scores one article
    block instead of the whole page. The whole (pruned) tree when there is no headline element."""
    el = page.title_el
    if page.tree is None:
        return page.tree
    if el is None:
        return _densest_block(page.tree)
    body = page.tree.find("body")
    total = len((body if body is not None else page.tree).text_content())
    # it must hold the body: enough text beyond the headline, and most of what pruning left
    need = max(len(title or "") + 600, total // 2)
    while el is not None and el.getparent() is not None and el.tag not in ("body", "html"):
        if len(el.text_content()) >= need:
            return el
        el = el.getparent()
    return page.tree


_PARA_TAGS = ("p", "br", "li", "h5", "h6", "blockquote")


def _densest_block(tree: Any) -> Any:
    """Without a headline element, the element that directly holds the most paragraph text (a
    table-layout portal's content cell, a theme's entry-content), if it holds most of the page's
    paragraph text; else the whole (pruned) tree. One pass over the paragraphs (linear)."""
    held: dict[Any, int] = {}
    total = 0
    for p in tree.iter(*_PARA_TAGS):
        txt = p.text_content() + (p.tail or "")   # a <br>'s line is its tail
        n = len(txt)
        parent = p.getparent()
        if parent is None or n == 0:
            continue
        if n < 30 or (n < 200 and FOOTER_RE.match(key_of(txt.strip()[:60]))):
            continue   # menu entries are short; a footer's lines are paragraphs too; neither is prose
        held[parent] = held.get(parent, 0) + n
        total += n
    if not held:
        return tree
    best = max(held, key=lambda e: held[e])
    # the block must hold most of the paragraph text, and enough of it to be an article
    if held[best] * 2 < total or held[best] < 80:
        return tree
    return best


def _lines_after_title(page: Page, title: str | None) -> str | None:
    """Fallback body: the (pruned) page's visible lines after the headline, to the first end marker."""
    if page.tree is None or not title:
        return None
    lines = element_lines(page.tree)
    try:
        start = lines.index(title) + 1
    except ValueError:
        return None
    return clean_text("\n".join(lines[start:]), title)
