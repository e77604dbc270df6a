"""Which links on a page are article headlines, found without knowing the portal's CMS.

A family profile knows its article URLs; a portal nobody has profiled (WordPress, Joomla, DNN,
Drupal, a table-layout PHP site, an ASP.NET MVC site, a small SharePoint site whose articles and
category pages are both `/Pages/<slug>.aspx`) does not tell its articles by their URL. What every
such page still shows a reader is:

- chrome around the content: `<nav>`, `<aside>`, a page `<header>`/`<footer>` (HTML5 elements and
  ARIA roles, not CSS classes), and menus, i.e. lists of short labels;
- sidebar boxes introduced by a visible label ("Tin mới nhất", "Tin khác", "Xem nhiều", …);
- headlines: links whose visible text reads like a title (several words), repeated in one block.

Everything here is one pass over the page's elements plus a walk up each link's ancestors (bounded
by the page's depth), so the work is linear in the page.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

from core.vntext import clean_space, fold

# Visible labels of boxes that list *other* articles next to the content (folded, punctuation off).
SIDEBAR_LABELS: frozenset[str] = frozenset({
    "tin moi nhat", "tin moi", "tin moi cap nhat", "bai viet moi", "bai viet moi nhat", "tin khac",
    "cac tin khac", "tin lien quan", "cac tin lien quan", "bai viet lien quan", "bai viet khac",
    "tin cung chuyen muc", "tin da dua", "cac tin da dua", "xem nhieu", "xem nhieu nhat", "doc nhieu",
    "doc nhieu nhat", "tin xem nhieu", "tin doc nhieu", "bai doc nhieu", "tin duoc xem nhieu",
    "tin duoc quan tam", "duoc quan tam nhieu", "van ban moi", "van ban lien quan", "lien ket website",
    "lien ket", "tin noi bat", "tin tieu diem", "tin anh", "video",
})
# Link texts that point at something but are not its headline.
NOT_HEADLINE_PREFIXES: tuple[str, ...] = (
    "xem them", "xem tiep", "xem chi tiet", "chi tiet", "doc tiep", "doc them", "xem tat ca", "tat ca",
    "trang chu", "trang sau", "trang truoc", "trang dau", "trang cuoi", "trang tiep", "tiep theo", "ve dau trang",
    "quay lai", "in bai", "gui email", "chia se",
)
# "Xem thêm" style links that lead from a box to its whole category.
MORE_TEXTS: tuple[str, ...] = ("xem them", "xem tat ca", "xem tiep", "tat ca", "»", ">>")
CHROME_TAGS = frozenset({"nav", "aside"})
PAGE_PARTS = frozenset({"header", "footer"})  # chrome unless inside an <article> or <main>
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
FILE_EXT = re.compile(r"\.(?:jpe?g|png|gif|svg|webp|css|js|ico|pdf|docx?|xlsx?|pptx?|zip|rar|mp4|mp3)$", re.I)
MIN_HEADLINE_WORDS = 5  # syllables: "Cải cách hành chính" (4) is a label, a title says more
MENU_MEAN_WORDS = 4.5
_HOME_PATH = re.compile(r"^/?(?:(?:default|index|home|trang-chu)(?:\.aspx|\.php|\.html?|\.jsp)?|vi|vi-vn|portal|portal/pages/default\.aspx)?/?$", re.I)
_PUNCT = re.compile(r"[^\w\s»>›]+")


@dataclass(frozen=True)
class Link:
    """An anchor as a reader sees it: absolute URL (no fragment), its text, the text around it."""

    url: str
    text: str
    context: str = ""


def label_key(text: str) -> str:
    """Folded text without punctuation: "TIN MỚI NHẤT:" -> "tin moi nhat"."""
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


def words(text: str) -> int:
    """How many words (Vietnamese syllables) a reader sees."""
    return len(label_key(text).split())


def is_headline_text(text: str) -> bool:
    """Reads like a title: several words, and not "Xem thêm", "Chi tiết", "Trang sau"…"""
    return is_headline_key(label_key(text))


def is_headline_key(key: str) -> bool:
    """`is_headline_text` on a text already folded by `label_key`."""
    return key.count(" ") + 1 >= MIN_HEADLINE_WORDS and not key.startswith(NOT_HEADLINE_PREFIXES)


def anchor_text(a: etree._Element) -> str:
    """An anchor's visible text, NFC, spaces collapsed."""
    return clean_space(" ".join(a.itertext()))


def is_home_url(url: str) -> bool:
    """A link to a site's home page (its banner, its "Trang chủ"), whatever the text says."""
    parts = urlsplit(url)
    return not parts.query and bool(_HOME_PATH.match(parts.path))


def absolute(base: str, href: str | None) -> str | None:
    """The absolute URL of a followable href (no fragment), or None for javascript:, mailto:, files…"""
    href = (href or "").strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return None
    url = urljoin(base, href).split("#", 1)[0]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or FILE_EXT.search(parts.path):
        return None
    return url


class PageLinks:
    """One page's anchors with what the page's structure says about each of them."""

    def __init__(self, sel: Selector | str, url: str) -> None:
        root = (Selector(text=sel) if isinstance(sel, str) else sel).root
        self.url = url.split("#", 1)[0]
        self.root: etree._Element = root if isinstance(root, etree._Element) else etree.HTML("<html/>")
        self.order: dict[etree._Element, int] = {}
        self.anchors: list[tuple[etree._Element, str, str]] = []  # (element, url, text)
        self.keys: dict[etree._Element, str] = {}  # each anchor's text through `label_key`, once
        for i, el in enumerate(self.root.iter()):
            if not isinstance(el.tag, str):
                continue
            self.order[el] = i
            if el.tag == "a":
                target = absolute(self.url, el.get("href"))
                if target:
                    text = anchor_text(el)
                    self.anchors.append((el, target, text))
                    self.keys[el] = label_key(text)
        self._chrome: dict[etree._Element, bool] = {}
        self._menu_anchor: set[etree._Element] | None = None

    # ---- structure ---------------------------------------------------------------------------
    def in_chrome(self, el: etree._Element) -> bool:
        """Inside <nav>/<aside>, a role=navigation… element, or the page's own header/footer."""
        path: list[etree._Element] = []
        node: etree._Element | None = el
        verdict = False
        while node is not None:
            if node in self._chrome:
                verdict = self._chrome[node]
                break
            path.append(node)
            tag = node.tag if isinstance(node.tag, str) else ""
            if tag in CHROME_TAGS or (node.get("role") or "").lower() in CHROME_ROLES:
                verdict = True
                break
            if tag in PAGE_PARTS and not any(a.tag in ("article", "main") for a in node.iterancestors()):
                verdict = True
                break
            node = node.getparent()
        for n in path:
            self._chrome[n] = verdict
        return verdict

    def menu_anchors(self) -> set[etree._Element]:
        """Anchors of menus, breadcrumbs and tag clouds: lists of at least three links that are
        nothing but a link (no date, no summary beside them) and average under ~4.5 words.

        A link's item is its largest ancestor holding no other link and no more text than the link;
        the item's parent is the list. Text lengths and link counts per element come from one pass
        over the page (children before parents), so this stays linear.
        """
        if self._menu_anchor is not None:
            return self._menu_anchor
        tlen: dict[etree._Element, int] = {}
        links: dict[etree._Element, int] = {}
        for el in reversed(list(self.root.iter())):
            if not isinstance(el.tag, str):
                continue
            n = len((el.text or "").strip())
            k = 1 if el.tag == "a" else 0
            for c in el:
                if isinstance(c.tag, str):
                    n += tlen[c]
                    k += links[c]
                n += len((c.tail or "").strip())
            tlen[el], links[el] = n, k
        lists: dict[etree._Element, list[int]] = {}
        member: dict[etree._Element, etree._Element] = {}
        for a, _, _ in self.anchors:
            parent = a.getparent()
            while parent is not None and links.get(parent) == 1 and tlen.get(parent, 0) <= tlen[a] + 3:
                parent = parent.getparent()  # still the link's own item: climb to the list
            if parent is None:
                continue
            entry = lists.setdefault(parent, [0, 0])
            entry[0] += 1
            entry[1] += len(self.keys[a].split())
            member[a] = parent
        self._menu_anchor = {a for a, lst in member.items()
                             if lists[lst][0] >= 3 and lists[lst][1] / lists[lst][0] < MENU_MEAN_WORDS}
        return self._menu_anchor

    def labelled_boxes(self, labels: frozenset[str], weight: dict[etree._Element, int]) -> set[etree._Element]:
        """Elements holding the links of a box introduced by one of `labels` ("Tin mới nhất"…).

        From the label, climb to the first ancestor that holds candidate links. When all of them
        come after the label, that ancestor is the box; when some come before (a "Tin khác" list under
        the content, in the same container), only what follows the label is the box.
        """
        boxes: set[etree._Element] = set()
        longest = max(map(len, labels))
        for el in self.root.iter():
            if not isinstance(el.tag, str) or not el.text or len(el.text.strip()) > longest + 4:
                continue
            if label_key(el.text) not in labels:
                continue
            if len(label_key("".join(el.itertext()))) > len(label_key(el.text)) + 12:
                continue  # the label is only the start of a longer text: a headline, not a box title
            node = el
            parent = node.getparent()
            while parent is not None and not weight.get(parent):
                node, parent = parent, parent.getparent()
            if parent is None:
                continue
            first = min((self.order[a] for a in parent.iter("a") if a in weight), default=None)
            if first is not None and first > self.order[el] and parent.tag not in ("body", "html"):
                boxes.add(parent)
            else:
                boxes.update(s for s in node.itersiblings() if isinstance(s.tag, str))
        return boxes

    # ---- what the page lists -------------------------------------------------------------------
    def headlines(self, same_site: Callable[[str], bool], labels: frozenset[str] = SIDEBAR_LABELS,
                  article_url: Callable[[str], bool] | None = None) -> list[tuple[etree._Element, Link]]:
        """Headline-like anchors outside chrome, menus and labelled sidebar boxes (first of each URL).

        With `article_url` (a URL-shape test) the reading is the short-title one: any link of two
        words or more whose URL passes the test counts, menus or not ("Bài 3", "KH 12/KH-UBND")."""
        cands: list[tuple[etree._Element, str, str]] = []
        menu = self.menu_anchors() if article_url is None else set()
        menu_texts = {self.keys[a] for a, _, _ in self.anchors if a in menu}
        menu_urls = {u for a, u, _ in self.anchors if a in menu}
        for a, url, text in self.anchors:
            key = self.keys[a]
            if article_url is None:
                if not is_headline_key(key):
                    continue
            elif key.count(" ") < 1 or key.startswith(NOT_HEADLINE_PREFIXES) or not article_url(url):
                continue
            if url == self.url or not same_site(url) or is_home_url(url):
                continue
            if a in menu or self.in_chrome(a) or key in menu_texts or url in menu_urls:
                continue  # a menu entry, or a link repeating one (a category's name, its URL): not an article
            cands.append((a, url, text))
        weight: dict[etree._Element, int] = {}
        for a, _, _ in cands:
            weight[a] = 1
            for anc in a.iterancestors():
                weight[anc] = weight.get(anc, 0) + 1
        boxes = self.labelled_boxes(labels, weight) if labels else set()
        out: list[tuple[etree._Element, Link]] = []
        seen: set[str] = set()
        for a, url, text in cands:
            if url in seen or (boxes and (a in boxes or any(anc in boxes for anc in a.iterancestors()))):
                continue
            seen.add(url)
            out.append((a, Link(url, text, self.item_context(a, weight))))
        return out

    @staticmethod
    def item_context(a: etree._Element, weight: dict[etree._Element, int], limit: int = 600) -> str:
        """Text of the link's own item: its largest ancestor that holds no other headline."""
        node = a
        parent = a.getparent()
        steps = 0
        while parent is not None and weight.get(parent, 0) <= 1 and steps < 6:
            node, parent, steps = parent, parent.getparent(), steps + 1
        return clean_space(" ".join(node.itertext()))[:limit]

    def main_block(self, same_site: Callable[[str], bool], article_url: Callable[[str], bool] | None = None) -> list[Link]:
        """The listing's items: headlines inside the deepest element that holds more than half of the
        page's headlines. Two disjoint elements cannot both hold more than half, so the element is
        unique; a lone item on the last page of a listing is its own block. `article_url`: see
        `headlines` (the short-title reading)."""
        heads = self.headlines(same_site, article_url=article_url)
        if not heads:
            return []
        weight: dict[etree._Element, int] = {}
        total = len(heads)
        for a, _ in heads:
            for anc in a.iterancestors():
                weight[anc] = weight.get(anc, 0) + 1
        node = self.root
        while True:
            child = next((c for c in node if isinstance(c.tag, str) and weight.get(c, 0) * 2 > total), None)
            if child is None:
                break
            node = child
        inside = set(node.iter("a"))
        return [link for a, link in heads if a in inside]

    def more_links(self, el: etree._Element) -> Iterator[str]:
        """"Xem thêm"/"Xem tất cả" links of the box that `el` (a box heading) titles: the box is the
        heading's nearest ancestor (at most four levels up) that holds any link."""
        node = el
        for _ in range(4):
            parent = node.getparent()
            if parent is None:
                return
            node = parent
            anchors = list(node.iter("a"))
            for a in anchors:
                text = anchor_text(a)
                key = label_key(text)
                if key in MORE_TEXTS or text in MORE_TEXTS or (key.startswith(MORE_TEXTS) and words(text) <= 3):
                    url = absolute(self.url, a.get("href"))
                    if url:
                        yield url
            if anchors:
                return


def headings_about(links: PageLinks, test: Callable[[str], bool]) -> list[etree._Element]:
    """Headings (h1–h6, or a box title: a short text block that is not a link) whose text passes `test`."""
    out = []
    for el in links.root.iter():
        if not isinstance(el.tag, str):
            continue
        own = clean_space(el.text or "")
        if not own or words(own) > 8:
            continue
        is_title = el.tag in HEADINGS or (el.tag in ("div", "span", "td", "th", "p", "strong", "b") and len(el) == 0)
        if is_title and test(own):
            out.append(el)
    return out


def category_links(page: PageLinks, same_site: Callable[[str], bool], about: Callable[[str], bool],
                   not_listing: Callable[[str], bool] | None = None) -> list[str]:
    """Category pages about a subject (`about` tests a visible text), as a reader finds them: menu
    entries and labels ("Cải cách hành chính", "Thủ tục hành chính") whose text passes `about`, and
    the "Xem thêm" link of a box headed by such a text.

    A link whose text reads like a headline and sits outside menus is an article, not a category,
    sidebars included; `not_listing` (a family profile's article pattern) may rule out more.
    """
    out: list[str] = []
    menu = page.menu_anchors()
    # a URL that some link on the page titles like a headline is an article, whatever its other
    # links say ("Xem thêm: <title>", a date, an image)
    articles = {url for a, url, _ in page.anchors if a not in menu and is_headline_key(page.keys[a])}
    for a, url, text in page.anchors:
        if not text or len(text) > 80 or not about(text) or not same_site(url) or is_home_url(url):
            continue
        if a not in menu and url in articles:
            continue
        if not_listing is not None and not_listing(url):
            continue
        if url not in out:
            out.append(url)
    for heading in headings_about(page, about):
        for url in page.more_links(heading):
            if same_site(url) and url not in out and url not in articles:
                out.append(url)
    return out


def featured_links(page: PageLinks, same_site: Callable[[str], bool], about: Callable[[str], bool],
                   exclude: Iterable[str] = ()) -> list[Link]:
    """Headlines about a subject anywhere in a page's content, sidebars included: a home page's
    "Tin nổi bật", its subject box, its latest news (some portals link an article from nowhere else)."""
    skip = set(exclude)
    return [link for _, link in page.headlines(same_site, labels=frozenset())
            if about(link.text) and link.url not in skip]
