"""extract(html, url) -> Record: one parse, one trafilatura call, then the Vietnamese layer.

Order matters for speed (issue 3: the whole record at ≥ 0.8 × trafilatura alone): the page is parsed
once (page.py); trafilatura gets that tree (it copies it before cleaning); everything else reads
the visible lines made once from the same tree, with precompiled regexes on an aligned fold.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import trafilatura

from .assemble import apply_register_fields, build_record
from .attachments import find_attachments
from .classify import category as classify_category
from .dates import VN_OFFSET, default_now
from .docfields import detail_fields
from .header import parse_header
from .issuer import PortalContext
from .maintext import TRAFILATURA_OPTIONS, _article_root, _lines_after_title, clean_text
from .numbers import find_numbers, number_from_filename
from .page import key_of, load_page
from .prune import prune_boxes, prune_chrome
from .published import find_published, register_published
from .record import Record
from .title import find_title, register_title, site_name_text
from .visitors import visitors_in_page
from .waf import is_waf_block, support_id
from .widget import widget_in_page


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
    if register:
        title = register_title(title, fields.get("summary"))
        published = register_published(page, published, pub_warn)
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
