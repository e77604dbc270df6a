"""Pruning the parsed page before trafilatura reads it: site chrome (menus, footers, banners) and
titled boxes beside the article (related news, widgets, counters). Both keep the headline's ancestors,
so the article itself is never pruned.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from .page import Page, key_of

_BOX_TITLE_RE = re.compile(
    r"^(?:tin moi nhat|tin moi|tin khac|cac tin khac|tin lien quan|cac tin lien quan|tin cung chuyen muc|"
    r"bai viet khac|cac bai viet khac|xem them|tin da dua|tin bai khac|tien ich thong tin|"
    r"ket qua giai quyet (?:tthc|thu tuc hanh chinh|ho so)|tinh hinh giai quyet ho so|thong ke (?:truy cap|ho so)|"
    r"so luong truy cap|luot truy cap|qr code|chung toi tren mang xa hoi|lien ket website|van ban moi|van ban lien quan)$"
)
# a box title contains one of these (lowercase, accented or not): a cheap test before folding
_BOX_CUES = ("tin", "bài", "bai", "xem", "kết", "ket", "tình", "tinh", "thống", "thong", "lượt", "luot", "lượng",
             "luong", "tiện", "tien", "qr", "mạng", "mang", "liên", "lien", "văn", "van")


def _ancestors(el: Any) -> list[Any]:
    """The headline element and its ancestors: pruning never removes them."""
    out = []
    while el is not None:
        out.append(el)
        el = el.getparent()
    return out


_CHROME_TAGS = ("nav", "footer", "script", "style", "noscript", "form", "select", "iframe", "svg")
_CHROME_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:menu|nav|navbar|navigation|footer|footer-wrapper|banner|breadcrumbs?|sitemap|top-links?)(?:$|[\s_-])", re.I)


_CHROME_CANDIDATES = etree.XPath(
    "//*[self::div or self::ul or self::header or self::section or self::table]"
    "[contains(@class,'menu') or contains(@class,'nav') or contains(@class,'footer') or contains(@class,'banner')"
    " or contains(@class,'breadcrumb') or contains(@class,'sitemap') or contains(@class,'top-link')"
    " or contains(@id,'menu') or contains(@id,'nav') or contains(@id,'footer') or contains(@id,'banner')]")


def prune_chrome(page: Page, title: str | None) -> None:
    """Drop page chrome (navigation, footers, scripts, forms) before trafilatura sees the tree.

    trafilatura would discard it too; removing it here costs less than letting trafilatura score it,
    and the widget, counter, title and date have already been read from the full tree.
    """
    tree = page.tree
    if tree is None:
        return
    head = title[:40] if title else None
    keep = _ancestors(page.title_el)
    # ASP.NET WebForms pages (SharePoint, DNN, many portals) wrap the WHOLE page in one <form>: a
    # form that holds the headline or most of the page is the page, not a search box
    body_len = len(tree.text_content())
    doomed = [el for el in tree.iter(*_CHROME_TAGS)
              if el.tag != "form" or (el not in keep and len(el.text_content()) * 3 < body_len)]
    for el in _CHROME_CANDIDATES(tree):
        cls = el.get("class") or el.get("id")
        if cls and _CHROME_CLASS_RE.search(cls):
            # a "menu"/"nav"-classed wrapper that holds the article's headline stays
            if el in keep or (page.title_el is None and head and head in el.text_content()):
                continue
            doomed.append(el)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            el.drop_tree() if hasattr(el, "drop_tree") else parent.remove(el)


_XML_WS = " \t\r\n"


def _box_candidates(tree: Any) -> Iterator[Any]:
    """Parents of short text nodes, in document order, each once; only those with at most two
    children (a heading is a leaf or nearly one; prune_boxes skips the rest anyway).

    This was the XPath `//text()[string-length(.) < 90][string-length(normalize-space(.)) > 1]
    /parent::*`: libxml2 merges the parent node-set with a duplicate check per node, which is
    quadratic in the number of text nodes (30 s for a 20k-row table). One pass over the elements
    gives the same nodes in linear time: a text node's parent is the element whose `.text` it is,
    or the parent of the element whose `.tail` it is. The test on a text is the XPath's:
    normalize-space folds XML whitespace only (a no-break space counts as text), and a string that
    keeps two characters after trimming keeps two after folding its inner runs.
    """
    for el in tree.iter(etree.Element):
        n = len(el)
        if n > 2:
            continue
        t = el.text
        if t is not None and len(t) < 90 and len(t.strip(_XML_WS)) > 1:
            yield el
            continue
        for child in el if n else ():
            t = child.tail
            if t is not None and len(t) < 90 and len(t.strip(_XML_WS)) > 1:
                yield el
                break


def prune_boxes(page: Page, title: str | None) -> int:
    """Remove side boxes (related news, TTHC widget, visitor counter, QR code) from the page tree.

    They are found by their visible heading, not by template classes, and removed whole (the
    nearest ancestor that holds more than the heading) so trafilatura never sees their lists and
    figures. Runs after the widget, counter, title and date have been read from the same tree.
    """
    tree = page.tree
    if tree is None:
        return 0
    tkey = key_of(title) if title else None
    keep = _ancestors(page.title_el)
    doomed = []
    for el in _box_candidates(tree):
        direct = el.text
        if direct is None or not direct.strip():
            if not len(el):
                continue
            txt = el.text_content()           # heading text inside a child span/a
        else:
            txt = direct if not len(el) else el.text_content()
        if not txt or len(txt) > 60:
            continue
        low = txt.lower()
        if not any(c in low for c in _BOX_CUES) or not _BOX_TITLE_RE.match(key_of(txt).strip(" :")):
            continue
        box, hlen = el, len(txt.strip())
        while box.getparent() is not None and box.getparent().tag not in ("body", "html"):
            box = box.getparent()
            if len(box.text_content().strip()) > hlen + 15:
                break
        if box in keep:
            continue
        body_text = box.text_content()
        if body_text.find(txt.strip()) > 60 or any(len(t) > 140 for t in box.itertext()):
            continue   # words that close an article block ("Tin liên quan" as its last line), or a block
            # of prose (an article quoting "Kết quả giải quyết TTHC"): not a box of links or figures
        if len(body_text) > 5000 or (page.title_el is None and tkey and tkey in key_of(body_text)):
            continue
        doomed.append(box)
    n = 0
    for box in doomed:
        parent = box.getparent()
        if parent is not None:
            tail = box.tail
            parent.remove(box)
            if tail and tail.strip():
                prev = parent[-1] if len(parent) else None
                if prev is not None:
                    prev.tail = (prev.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
            n += 1
    return n
