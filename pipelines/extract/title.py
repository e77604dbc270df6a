"""The article's headline: among the page's headings, by evidence, never a banner, a list caption
or the site's own name.

Evidence for a heading: it agrees with <title>/og:title (which add the site's name after a
separator); it is marked as a headline (itemprop, a *title* class); a date line follows it. An
all-capitals heading is a headline when it is marked as one ("ĐÁNH GIÁ MỨC ĐỘ PHỤC VỤ …" in
`h1.entry-title`); an unmarked one is a banner ("UBND XÃ LINH TRƯỜNG"). <title> is the last resort,
with the site's name split off at the site's separator (" - ", " | ", " :: ", " » ", " > "), which
is told from a hyphen inside a place name ("Bà Rịa - Vũng Tàu") by what follows it: the site's name
(og:site_name, a line of the page's banner or footer, or a name that starts like one: "Cổng thông
tin …", "Trang thông tin điện tử …", "UBND …").
"""
from __future__ import annotations

import re
from typing import Any

from lxml import etree

from core.vntext import clean_space

from .dates import find_dates
from .markers import HAS_DATE_RE, TEXT_END_RE, TITLE_BAD_RE
from .page import Page, key_of


def meta_content(tree: Any, *names: str) -> str | None:
    """The content of the first <meta> whose property/name/itemprop is one of `names` (lower case)."""
    for el in tree.iter("meta"):
        n = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        if n in names and el.get("content"):
            return el.get("content")
    return None


_TITLE_CANDIDATES = etree.XPath(
    "//h1|//h2|//h3|//h4|//*[@itemprop='headline']|//*[contains(@class,'title') or contains(@class,'Title')]")
# separators sites put between the headline and their name, most specific first
_SEPARATORS = (" | ", " :: ", " » ", " > ", " – ", " — ", " - ")
# how a site's own name starts (folded)
_SITE_NAME_RE = re.compile(
    r"^(?:cong thong tin|cong ttdt|cong dien tu|trang thong tin|trang ttdt|trang tin|website|portal|he thong|"
    r"thu vien|bao dien tu|ubnd|uy ban nhan dan|so |bo |dang bo|dang uy|tinh uy|huyen uy|hdnd|"
    r"co so du lieu|cong dich vu)")
# a name only a site has (an organ's name also opens headlines: "UBND huyện … tổ chức …")
_PORTAL_NAME_RE = re.compile(
    r"^(?:cong thong tin|cong ttdt|cong dien tu|trang thong tin|trang ttdt|website|portal|he thong|thu vien|"
    r"co so du lieu|cong dich vu|welcome)")


# the site's logo, name and banner elements
_BRANDING_TAGS = ("a", "span", "p", "div", "h1")
_BRANDING_RE = re.compile(r"logo|site-title|site-name|brand|banner", re.I)


_OWNER_RE = re.compile(r"^(?:co quan chu quan|©?\s*ban quyen thuoc ve|© ban quyen thuoc)\s*:?\s*([^.:]{3,150})")


def site_names(page: Page) -> set[str]:
    """Folded names the site calls itself: og:site_name and the lines of its banner/logo."""
    tree = page.tree
    names: set[str] = set()
    if tree is None:
        return names
    og = meta_content(tree, "og:site_name", "application-name")
    if og:
        names.add(key_of(og))
    # the logo and banner sit at the top of the page: its first elements are enough (linear, bounded)
    for n, el in enumerate(tree.iter(*_BRANDING_TAGS)):
        if n > 400:
            break
        attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
        if len(el) <= 3 and _BRANDING_RE.search(attrs):
            txt = clean_space(el.text_content())
            if 3 <= len(txt) <= 150:
                names.add(key_of(txt))
    # the owner a footer names ("Cơ quan chủ quản: …", "Bản quyền thuộc về …")
    for line in page.lines[-40:]:
        low = line[:40].lower()
        if "quản" in low or "quyền" in low or "quan" in low or "quyen" in low:
            m = _OWNER_RE.match(key_of(line[:200]))
            if m:
                names.add(m.group(1).strip(" ."))
    return names


def split_site_suffix(text: str, names: set[str]) -> str:
    """`text` (a <title>) without the site's name after the site's separator; unchanged when no
    separator is followed by something that is the site's name or starts like one."""
    text = clean_space(text)
    for sep in _SEPARATORS:
        start = 0
        while True:
            i = text.find(sep, start)
            if i < 0:
                break
            head, tail = text[:i].strip(), text[i + len(sep):].strip()
            tkey = key_of(tail)
            if head and (tkey in names or _SITE_NAME_RE.match(tkey)):
                return head
            start = i + 1
    return text


def _in_list_item(el: Any) -> bool:
    """Is the element inside an <li> (within three levels)?"""
    for _ in range(3):
        el = el.getparent()
        if el is None:
            return False
        if el.tag == "li":
            return True
    return False


def find_title(page: Page) -> str | None:
    """The article's headline (see the module docstring); sets `page.title_el` to its element."""
    tree = page.tree
    if tree is None:
        return None
    og = meta_content(tree, "og:title", "twitter:title", "dc.title")
    head = tree.find(".//title")
    head_t = clean_space(head.text_content()) if head is not None else ""
    names = site_names(page)
    refs = [key_of(split_site_suffix(x, names)) for x in (og or "", head_t) if x]
    refs += [key_of(x) for x in (og or "", head_t) if x]
    refs = [r for r in refs if r and r not in names]
    line_index: dict[str, int] = {}
    for i, line in enumerate(page.lines):
        line_index.setdefault(line, i)
    best: str | None = None
    best_el = None
    best_score = 0
    for el in _TITLE_CANDIDATES(tree):
        cls = (el.get("class") or "").lower()
        marked = el.get("itemprop") == "headline" or (
            "title" in cls and "subtitle" not in cls and "portlet" not in cls and "site-title" not in cls)
        if el.tag not in ("h1", "h2", "h3", "h4") and not marked:
            continue
        if len(el) > 3 or el.tag == "a" or _in_list_item(el):
            continue   # an item of a "Tin khác" list links to another article: never this one's headline
        raw = el.text_content()
        if len(raw) < 15 or len(raw) > 1500:
            continue
        txt = clean_space(raw)
        if not 15 <= len(txt) <= 400:
            continue
        fc = key_of(txt)
        # a list or widget caption is short; "Kết quả giải quyết TTHC tính đến 15/6/2024 …" is an article
        if TITLE_BAD_RE.match(fc) or (TEXT_END_RE.match(fc) and len(fc) <= 45) or fc in names:
            continue
        if txt.upper() == txt and not marked:
            continue   # an unmarked all-capitals heading is the site's banner
        score = 1 + (2 if marked else 0) + (1 if el.tag == "h1" else 0)
        if any(fc and ((fc in r and len(fc) * 2 >= len(r)) or (len(r) > 15 and r in fc)) for r in refs):
            score += 3
        at = line_index.get(txt)
        if at is not None and any(HAS_DATE_RE.search(ln) and find_dates(ln) for ln in page.lines[at + 1:at + 3] if len(ln) < 140):
            score += 2
        if score > best_score:
            best, best_score, best_el = txt, score, el
    if best:
        page.title_el = best_el
        return best
    for r in (og, head_t):
        if r:
            stripped = split_site_suffix(r, names)
            key = key_of(stripped)
            if key in names or TITLE_BAD_RE.match(key) or _PORTAL_NAME_RE.match(key):
                continue   # the site's own name or a caption, not a headline
            if len(stripped) >= 15 or (stripped != clean_space(r) and stripped in line_index):
                # a short headline ("Báo cáo") stands when the <title> splits off the site's name and
                # the page shows it as a line of its own
                return stripped
            return clean_space(r)
    return None


def site_name_text(page: Page) -> str | None:
    """The site's own name as written (og:site_name, the part of <title> after the site's separator,
    or the owner its footer names), so a bare "UBND tỉnh" on the portal of "… tỉnh Sóc Trăng" keeps
    its place when the crawl gives no portal context (`cchc extract` of a page)."""
    tree = page.tree
    if tree is None:
        return None
    og = meta_content(tree, "og:site_name")
    if og:
        return clean_space(og)
    head = tree.find(".//title")
    head_t = clean_space(head.text_content()) if head is not None else ""
    headline = split_site_suffix(head_t, set())
    if headline != head_t:
        return head_t[len(headline):].strip(" |:»>–—-") or None
    for line in page.lines[-40:]:
        m = _OWNER_TEXT_RE.match(line)
        if m:
            return m.group(1).strip(" .")
    return None


_OWNER_TEXT_RE = re.compile(r"^\s*(?:Cơ quan chủ quản|©?\s*Bản quyền thuộc về)\s*:?\s*([^.:]{3,150})", re.I)


# a register detail page's headline that only names the page ("Chi tiết văn bản", "Văn bản chỉ đạo điều hành")
_GENERIC_TITLE_RE = re.compile(r"^(?:chi tiet|thong tin|noi dung|xem)?\s*(?:van ban|tai lieu)(?:\s+chi dao dieu hanh)?\s*(?:chi tiet)?$")


def register_title(title: str | None, summary: str | None) -> str | None:
    """The headline of a document-register detail page: its "Trích yếu" (summary) when the page has no
    headline or one that only names the page, since the summary is what the document is called."""
    if summary and (title is None or _GENERIC_TITLE_RE.search(key_of(title))):
        return summary
    return title
