"""extract(html, url) -> Record: one parse, one trafilatura call, then the Vietnamese layer.

Order matters for speed (issue 3: the whole record at ≥ 0.8 × trafilatura alone): the page is parsed
once (page.py); trafilatura gets that tree (it copies it before cleaning); everything else reads
the visible lines made once from the same tree, with precompiled regexes on an aligned fold.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import trafilatura
from lxml import etree

from core.vntext import clean_space, fold, fold_aligned

from .attachments import AttachmentText, find_attachments, kind_from_name
from .classify import category as classify_category
from .dates import VN_OFFSET, default_now, find_dates, parse_iso
from .docfields import detail_fields
from .document import analyse
from .header import parse_header
from .issuer import PortalContext, complete_issuer, organ_of
from .markers import BREADCRUMB_RE, DATE_LINE_RE, FOOTER_RE, FURNITURE_RE, LIST_CAPTION_RE, TEXT_END_RE, TOOLBAR_RE
from .numbers import DOC_TYPES, find_numbers, number_from_filename, type_from_code
from .page import Page, element_lines, key_of, load_page
from .published import find_published
from .record import Record
from .title import find_title, site_name_text
from .visitors import visitors_in_page
from .waf import is_waf_block, support_id
from .widget import widget_in_page

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


def build_record(page: Page, context: PortalContext | None, now: dt.datetime, text: str | None,
                 title: str | None, published: str | None) -> Record:
    """Fill a Record from a page's text and title (shared by articles and register rows)."""
    rec = Record(url=page.url, title=title, published_at=published, text=text)
    a = analyse(title, text, context, published)
    rec.is_cchc, rec.category = a.is_cchc, a.category
    rec.doc_number, rec.doc_type, rec.doc_date = a.own.number, a.own.type, a.own.date
    rec.issuer, rec.issuer_as_written, rec.organ = a.issuer, a.own.issuer_as_written, a.organ
    rec.plan_year, rec.plan_period = a.plan_year, a.plan_period
    rec.citations = [c.to_dict() for c in a.citations]
    rec.deadlines, rec.channels, rec.sections = a.deadlines, a.channels, a.sections
    rec.warnings.extend(a.warnings)
    return rec


def extract(html: str | bytes, url: str, context: PortalContext | None = None, *,
            fetched_at: dt.datetime | None = None) -> Record:
    """The record of one fetched page (see record.RECORD_KEYS and issue 3 for the contract)."""
    now = fetched_at or default_now()
    if now.tzinfo is None:
        now = now.replace(tzinfo=VN_OFFSET)
    page = load_page(html, url)
    if page.tree is None:
        return Record(url=url, warnings=page.warnings + ["page: empty or unparsable HTML"])
    if is_waf_block(page.html):
        sid = support_id(page.html)
        return Record(url=url, warnings=page.warnings + [
            "waf_block: the portal's firewall rejected the request"
            + (f" (support ID {sid})" if sid else "") + "; not an article"])
    widget, widget_issues = widget_in_page(page, now)
    visitors = visitors_in_page(page)
    title = find_title(page)
    published, pub_warn = find_published(page, title)
    prune_boxes(page, title)
    fields = detail_fields(page.tree, page.lines)
    register = bool(find_numbers(fields.get("number", ""))) and bool(fields.get("date") or fields.get("summary"))
    if register and fields.get("summary") and (title is None or _GENERIC_TITLE_RE.search(key_of(title))):
        title = fields["summary"]
    if register and published is not None and published[:10] in _register_dates(page):
        # the date line found is the register's "Ngày ban hành"/"Ngày hiệu lực": the issue date
        # (doc_date), not when the portal published the entry
        published = None
        pub_warn.append("published_at: the register entry states issue and effective dates only; no publication date")
    prune_chrome(page, title)
    doc = trafilatura.bare_extraction(_article_root(page, title), url=url, **TRAFILATURA_OPTIONS)
    raw_text = getattr(doc, "text", None) if doc is not None else None
    text = clean_text(raw_text, title)
    fallback_warning = None
    if text is None:
        text = _lines_after_title(page, title)
        if text:
            fallback_warning = "text: trafilatura found no main text; took the visible lines after the headline"
    if context is None:
        # no portal context (`cchc extract` of a page): the site's own name stands in for its unit
        site = site_name_text(page)
        context = PortalContext(unit_name=site) if site else None
    rec = build_record(page, context, now, text, title, published)
    if register and not (rec.doc_number and parse_header(text or "") is not None):
        # a document's detail page: its labelled fields are the document's own (unless the page
        # carries the document's own header: a mirror's property table then only repeats it, often
        # less precisely, "Nơi ban hành: Tỉnh Lai Châu" for "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU")
        apply_register_fields(rec, fields.get("number"), fields.get("date"), fields.get("issuer"),
                              fields.get("summary"), context, fields.get("type"))
        rec.category = classify_category(rec.doc_type, key_of(title or ""), key_of(fields.get("summary") or ""),
                                         bool(rec.is_cchc))
    if widget is not None and text and _quoted_by(widget, text):
        # the figures are the article's own ("Kết quả giải quyết TTHC tháng 5/2024 …" as news): the
        # portal's widget is a box beside the article, never its text
        widget, widget_issues = None, []
    rec.widget, rec.widget_issues, rec.visitors = widget, widget_issues, visitors
    rec.warnings = page.warnings + pub_warn + rec.warnings
    if fallback_warning:
        rec.warnings.append(fallback_warning)
    elif text is None:
        rec.warnings.append("text: trafilatura found no main text")
    if title is None:
        rec.warnings.append("title: no headline found")
    # related lists and sidebars were pruned above, so the page's remaining file links are its own
    rec.attachments = find_attachments(page.tree, url)
    if rec.doc_number is None:
        for att in rec.attachments:
            cand = number_from_filename(str(att.get("name") or "")) or number_from_filename(str(att.get("url") or ""))
            if cand:
                rec.warnings.append(
                    f"doc_number: candidate {cand!r} appears only in the attachment file name "
                    f"{att.get('name')!r}; not taken as the page's own number")
    return rec


_THOUSANDS_RE = re.compile(r"(?<=\d)[.,](?=\d{3}(?!\d))")
_INT_RE = re.compile(r"\d+")


def _quoted_by(widget: dict[str, Any], text: str) -> bool:
    """Do the widget's dossier counts all appear in the article's text ("12.512 hồ sơ")?"""
    counts = [widget.get(k) for k in ("total", "on_time", "late") if isinstance(widget.get(k), int)]
    if len(counts) < 2:
        return False
    numbers = set(_INT_RE.findall(_THOUSANDS_RE.sub("", text)))
    return all(str(c) in numbers for c in counts)


_GENERIC_TITLE_RE = re.compile(r"^(?:chi tiet|thong tin|noi dung|xem)?\s*(?:van ban|tai lieu)(?:\s+chi dao dieu hanh)?\s*(?:chi tiet)?$")


_REGISTERDATE_LINE_RE = re.compile(r"^\s*(?:ngay\s*(?:ban\s*hanh|ky|van\s*ban|co\s*hieu\s*luc|hieu\s*luc|het\s*hieu\s*luc))")


def _register_dates(page: Page) -> set[str]:
    """ISO dates on the page's register date lines (issue, signature, effect)."""
    out: set[str] = set()
    for line in page.lines:
        key = fold_aligned(line)
        if _REGISTERDATE_LINE_RE.match(key.lstrip("| ")):
            out.update(d.date.isoformat() for d in find_dates(line, key))
    return out


def doc_type_named(raw: str | None) -> str | None:
    """"Kế hoạch" / "KẾ HOẠCH" / "Ke hoach" as a register's "Loại văn bản" writes it -> canonical name."""
    return DOC_TYPES.get(fold(raw)) if raw else None


def apply_register_fields(rec: Record, number_raw: str | None, date_raw: str | None, issuer_raw: str | None,
                          summary: str | None, context: PortalContext | None, type_raw: str | None = None) -> None:
    """Set the document's own number, type, date and issuer from a register's labelled values (a
    register row, or a document detail page): the register states them, so they beat anything
    inferred from the running text."""
    nums = find_numbers(number_raw or "")
    if nums:
        rec.doc_number = nums[0].number
        rec.doc_type = doc_type_named(type_raw) or rec.doc_type or type_from_code(nums[0].code)
    elif number_raw:
        rec.doc_number = number_raw
        rec.warnings.append(f"doc_number: register value {number_raw!r} does not follow the number grammar")
    rec.citations = [c for c in rec.citations if c["number"] != rec.doc_number]
    if date_raw:
        iso = parse_iso(date_raw)
        ds = find_dates(date_raw) or ([iso] if iso else [])
        if ds:
            rec.doc_date = ds[0].date.isoformat()
        else:
            rec.warnings.append(f"doc_date: register value {date_raw!r} is not a date")
    if issuer_raw:
        rec.issuer_as_written = issuer_raw
        rec.issuer = complete_issuer(issuer_raw, summary, context)
        rec.organ = organ_of(rec.issuer)
    if rec.plan_year is None and rec.plan_period is None and rec.doc_date and rec.doc_type == "Kế hoạch":
        rec.plan_year = int(rec.doc_date[:4])


def register_record(row: dict[str, Any], url: str, attachment: AttachmentText | None,
                    context: PortalContext | None = None, *, fetched_at: dt.datetime | None = None) -> Record:
    """A record from a document-register row (Số ký hiệu, Ngày ban hành, Trích yếu, Cơ quan, file).

    The row states the number, so it is the document's own; the attachment's text is the record's
    text (and is searched for citations, deadlines, sections and channels).
    """
    by_key = {key_of(str(k)): v for k, v in row.items()}

    def pick(*names: str) -> str | None:
        for n in names:
            for k, v in by_key.items():
                if k == n or k.startswith(n):
                    if v is not None and str(v).strip():
                        return clean_space(str(v))
        return None

    number_raw = pick("so ky hieu", "so/ky hieu", "so, ky hieu", "ky hieu", "so hieu", "number", "so")
    date_raw = pick("ngay ban hanh", "ngay ky", "ngay", "date")
    summary = pick("trich yeu", "tieu de", "ten van ban", "summary", "title")
    issuer_raw = pick("co quan ban hanh", "noi ban hanh", "don vi ban hanh", "issuer")
    file_url = pick("file", "tep", "tai ve", "dinh kem", "url")
    text = attachment.text if attachment is not None and attachment.text.strip() else None
    page = Page(html="", url=url, tree=None)
    rec = build_record(page, context, fetched_at or default_now(), text, summary, None)
    apply_register_fields(rec, number_raw, date_raw, issuer_raw, summary, context)
    if file_url:
        absu = urljoin(url, file_url)
        kind = attachment.kind if attachment is not None else kind_from_name(absu)
        fname = unquote(urlparse(absu).path).rsplit("/", 1)[-1]
        rec.attachments = [{"url": absu, "name": fname or None, "kind": kind}]
    if attachment is not None:
        rec.warnings.extend(attachment.warnings)
    elif file_url:
        rec.warnings.append("text: the register row's file was not downloaded; text is empty")
    return rec
