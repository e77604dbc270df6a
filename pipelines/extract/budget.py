"""Caps on what extraction reads. Extraction is linear in what it reads, and these bound what it reads,
so a hostile or broken page (a 50k-row table, 250k links, a tag with 100k attributes; issue 9) costs
bounded time instead of minutes. What a cap cut is named in the record's `warnings` ("cap: …").
"""
from __future__ import annotations

import re

from lxml import etree

# Caps. Extraction is linear in what it reads, and these bound what it reads, so a hostile or
# broken page (a 50k-row table, 250k links, a tag with 100k attributes; issue 9) costs bounded time
# instead of minutes. The largest page of the real corpus (../shared/portal-evidence, the fixtures)
# is 92 KB with 704 elements, 123 links, 22 table rows, 25 list items and 9 attributes on a tag;
# every cap is 25× or more above that, so no ordinary page is ever cut. What a cap cut is named
# in the record's `warnings` ("cap: …").

#: markup characters read (5 MB). Also bounds the visible text every regex runs over.
MAX_MARKUP_CHARS = 5_000_000
#: attributes kept on one tag. libxml2's HTML parser checks each new attribute against all earlier
#: ones (quadratic: 10k attributes 0.75 s, 100k 330 s), so a tag is cut before the parse.
MAX_ATTRIBUTES = 256
#: elements kept (document order), children kept under one parent (table rows, list items, label
#: rows, links in one box), and links kept in the page.
MAX_ELEMENTS = 30_000
MAX_CHILDREN = 2_000
MAX_LINKS = 5_000
#: nesting depth kept; deeper subtrees are flattened to their text. trafilatura's jusText fallback
#: costs elements × depth (a 30k-element page nested 170 deep: 6 s); real pages nest ≤ 23 deep.
MAX_DEPTH = 64

# A start tag and its attributes as libxml2 reads them. Every branch can stop (the tail is
# optional and no branch can fail after consuming), so the scan never backtracks: linear.
_START_TAG_RE = re.compile(
    r"""<[A-Za-z][^\s/>]*((?:[\s/]*[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"?|'[^']*'?|[^\s"'>]*))?)*)""")
_ATTR_RE = re.compile(r"""[\s/]*[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"?|'[^']*'?|[^\s"'>]*))?""")
# a tag with enough attributes to cost the parser anything (thousands) shows as a stretch this long
# without "<" (unless its values hold "<") or as many more "=" than tags: cheap tests before the
# tag scan. (A tag just over MAX_ATTRIBUTES may be left whole when neither shows; it costs nothing.)
_LONG_STRETCH = 4 * MAX_ATTRIBUTES


# Below this size the tag scan is skipped: a tag needs ~3 bytes an attribute (a distinct name and a
# separator), so a smaller page holds at most ~11k attributes on a tag, which libxml2 parses in
# under a second. Most pages are smaller and pay nothing.
_SCAN_FROM = 32_000


def _maybe_many_attributes(html: str) -> bool:
    """Cheap (C-speed) test: could any tag hold more than MAX_ATTRIBUTES attributes?

    The tag scan costs ~20 ns a character, a tenth of an ordinary page's whole record, so it runs
    only when a tag might be that long: a page over 512 KB, one with far more "=" than tags, or
    one with a long stretch between two "<". A tag whose every value holds a "<" can slip past;
    the pool's time budget (pipelines/extraction.py) is the backstop for what caps miss.
    """
    if len(html) < _SCAN_FROM:
        return False
    if len(html) > 512_000:
        return True
    if html.count("=") > 3 * html.count("<") + MAX_ATTRIBUTES:
        return True
    return max(map(len, html.split("<"))) > _LONG_STRETCH


def cap_attributes(html: str) -> tuple[str, list[str]]:
    """Cut every start tag to its first MAX_ATTRIBUTES attributes (see MAX_ATTRIBUTES)."""
    if not _maybe_many_attributes(html):
        return html, []
    parts: list[str] = []
    pos = 0
    cut = 0
    worst = 0
    for m in _START_TAG_RE.finditer(html):
        attrs = m.group(1)
        if len(attrs) < MAX_ATTRIBUTES * 2:
            continue
        ends = [a.end() for a in _ATTR_RE.finditer(attrs)]
        if len(ends) <= MAX_ATTRIBUTES:
            continue
        keep_to = m.start(1) + ends[MAX_ATTRIBUTES - 1]
        parts.append(html[pos:keep_to])
        pos = m.end()
        cut += 1
        worst = max(worst, len(ends))
    if not cut:
        return html, []
    parts.append(html[pos:])
    return "".join(parts), [
        f"cap: {cut} tag(s) with more than {MAX_ATTRIBUTES} attributes (up to {worst}); kept the first {MAX_ATTRIBUTES} of each"]


# C-level tests: is there anything for cap_tree to cut? A page of at most MAX_CHILDREN elements
# (every ordinary page) cannot be over any cap, and only the count is paid.
_ELEMENT_COUNT = etree.XPath("count(/descendant::*)")
_OVER_CAPS = etree.XPath(
    f"count(/descendant::*) > {MAX_ELEMENTS} or count(//a) > {MAX_LINKS}"
    f" or boolean(/descendant::*[count(*) > {MAX_CHILDREN}])"
    f" or boolean(/{'/'.join(['*'] * (MAX_DEPTH + 1))})")   # an element below depth MAX_DEPTH


def cap_tree(root: etree._Element) -> list[str]:
    """Cut the parsed tree to MAX_CHILDREN children per element, MAX_LINKS links, MAX_ELEMENTS
    elements and MAX_DEPTH levels, keeping what comes first in document order (a page's headline
    and article come before the tail of an endless list). One pass; bulk cuts are C-level slice
    deletions; a subtree below MAX_DEPTH keeps its text, without its structure."""
    if _ELEMENT_COUNT(root) <= min(MAX_CHILDREN, MAX_LINKS, MAX_ELEMENTS) or not _OVER_CAPS(root):
        return []
    warnings: list[str] = []
    wide = widest = links = links_cut = count = flattened = 0
    stack = [(root, 1)]
    while stack:
        el, depth = stack.pop()
        count += 1
        if count > MAX_ELEMENTS:
            _drop_from(el, root)
            warnings.append(f"cap: page has more than {MAX_ELEMENTS:,} elements; read the first {MAX_ELEMENTS:,}")
            break
        if el.tag == "a":
            links += 1
            if links > MAX_LINKS:
                links_cut += 1
                el.drop_tree()   # its tail text stays with the page
                continue
        n = len(el)
        if n and depth >= MAX_DEPTH:
            text = el.text_content()   # the subtree's text, its structure dropped
            del el[:]
            el.text = text
            flattened += 1
            continue
        if n > MAX_CHILDREN:
            wide += 1
            widest = max(widest, n)
            del el[MAX_CHILDREN:]
        if n:
            stack.extend((child, depth + 1) for child in reversed(el))
    if wide:
        warnings.insert(0, f"cap: {wide} element(s) with more than {MAX_CHILDREN:,} children (table rows, list "
                           f"items; up to {widest:,}); kept the first {MAX_CHILDREN:,} of each")
    if flattened:
        warnings.append(f"cap: {flattened:,} element(s) nested {MAX_DEPTH} deep hold deeper ones; flattened to their text")
    if links_cut:
        warnings.append(f"cap: page has more than {MAX_LINKS:,} links; dropped {links_cut:,} after the first {MAX_LINKS:,}")
    return warnings


def _drop_from(el: etree._Element, root: etree._Element) -> None:
    """Remove `el` and everything after it in document order (its later siblings, and the later
    siblings of each of its ancestors)."""
    parent = el.getparent()
    if parent is None:
        return
    del parent[parent.index(el):]
    node = parent
    while node is not root:
        up = node.getparent()
        if up is None:
            break
        del up[up.index(node) + 1:]
        node = up
