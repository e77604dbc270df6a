"""The page's own publication date: a meta/itemprop date, else the dated line next to the headline.

Dates in "Tin mới nhất"/"Tin khác" lists, in the widget ("Cập nhật lúc") and inside the body
("Ngày 18/4/2022 Đảng ủy …") are not the page's date.
"""
from __future__ import annotations

import re
from typing import Any

from lxml import etree

from core.vntext import clean_space, fold_aligned

from .dates import DateMatch, find_dates, parse_iso
from .markers import DATE_LINE_RE
from .numbers import find_numbers
from .page import Page, key_of
from .title import meta_content

_TIME_EL = etree.XPath("//time[@datetime]")
_LIST_HEAD_RE = re.compile(
    r"\s*(?:cac\s*)?(?:tin|bai(?:\s*viet)?)\s*(?:moi\s*nhat|moi|khac|lien\s*quan|cung\s*chuyen\s*muc|da\s*dua)\b"
    r"|\s*xem\s*(?:them|nhieu\s*nhat)\b|\s*tin\s*doc\s*nhieu")
_UPDATED_RE = re.compile(r"cap\s*nhat\s*luc|tu\s*dong\s*cap\s*nhat")
# the page's own posting line, by its label (bullets and icons before it are decoration)
_POSTED_LABEL_RE = re.compile(
    r"^[\s\W]*(?:thoi\s*gian\s*dang|ngay\s*dang|dang\s*ngay|ngay\s*xuat\s*ban|xuat\s*ban\s*ngay|ngay\s*cap\s*nhat|"
    r"cap\s*nhat(?!\s*luc)|dang\s*luc|dang\s*tai\s*ngay|ngay\s*gui|posted|published)\b")
# a visitor counter's lines: the clock such a box shows under them ("Your IP: … / 2020-09-26 10:58") is
# the visit's time, never the page's posting date
_COUNTER_CTX_RE = re.compile(
    r"^(?:your\s*ip|ip\s*cua\s*ban|dia\s*chi\s*ip)\b|thong\s*ke\s*truy\s*cap|dang\s*truy\s*cap|dang\s*online"
    r"|luot\s*truy\s*cap|^(?:all\s*days|tat\s*ca|hom\s*nay|today|yesterday)$")
# a line that is only an ISO date-time ("2025-07-23 10:10:00.0", Liferay's display format)
_ISO_LINE_RE = re.compile(r"^(?:19|20)\d\d-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?$")


def _time_elements(tree: Any) -> list[tuple[str, DateMatch]]:
    """(visible text, machine-readable datetime) of each <time datetime="…"> element."""
    out: list[tuple[str, DateMatch]] = []
    for el in _TIME_EL(tree):
        d = parse_iso(el.get("datetime") or "")
        text = clean_space(el.text_content() or "")
        if d is not None and text:
            out.append((text, d))
    return out


def _richer(found: DateMatch, line: str, times: list[tuple[str, DateMatch]]) -> DateMatch:
    """The date read off a line, or the same date with its time from a <time datetime> element
    written on that line ("<time datetime='2022-04-18T09:15:00+07:00'>18/04/2022</time>")."""
    if found.time is not None:
        return found
    for text, d in times:
        if text in line and d.date == found.date and d.time is not None:
            return d
    return found


_PUBLISHED_EL = etree.XPath("//*[@itemprop='datePublished']|//time[contains(@class,'published')]")


def _only_dates(line: str, found: DateMatch, title: str | None = None) -> bool:
    """Does the line do little but date the page ("Thứ Ba, 01/03/2022 13:20 | Lượt xem: 51", the
    headline repeated before its time: "Tăng cường … (11:03 11/01/2018)")? A line that names a
    document or says more than a byline is a sentence of the text."""
    rest = (line[:found.start] + line[found.end:]).strip(" |-–,:()")
    if title and rest.startswith(title):
        rest = rest[len(title):].strip(" |-–,:()")
        line = line.replace(title, "", 1)
    return len(rest) <= 50 and not find_numbers(line)


def find_published(page: Page, title: str | None) -> tuple[str | None, list[str]]:
    """The page's own publication date: a meta/itemprop date, else the date line next to the title.

    Dates in "Tin mới nhất"/"Tin khác" lists, in the widget ("Cập nhật lúc") and inside the body
    ("Ngày 18/4/2022 Đảng ủy …") are not the page's date.
    """
    tree = page.tree
    warnings: list[str] = []
    if tree is not None:
        raw = meta_content(tree, "article:published_time", "datepublished", "dc.date.issued", "dc.date", "pubdate")
        if raw is None:
            for el in _PUBLISHED_EL(tree):
                raw = el.get("datetime") or el.get("content") or el.text_content()
                break
        if raw:
            d = parse_iso(raw) or (find_dates(raw)[0] if find_dates(raw) else None)
            if d:
                return d.iso(), warnings
    lines = page.lines
    tkey = key_of(title) if title else None
    ti = None
    if tkey:
        for i, line in enumerate(lines):
            lk = key_of(line)
            if lk == tkey or (len(tkey) > 20 and tkey in lk and len(lk) < len(tkey) + 40):
                ti = i
                break
    times = _time_elements(tree) if tree is not None else []
    if ti is not None:
        after, before = range(ti, min(len(lines), ti + 7)), range(ti - 1, max(-1, ti - 4), -1)
    else:
        after, before = range(0, min(len(lines), 60)), range(0)
    window: list[tuple[int, str, list[DateMatch]]] = []
    for group in (after, before):
        for i in group:
            line = lines[i]
            if i == ti:
                # the headline's own words never date the page ("… tính đến 15/6/2024"); a date
                # written after it on the same line does
                cut = key_of(line).find(tkey or "")
                line = line[len(title or ""):] if cut == 0 and line.startswith(title or "\0") else ""
            key = fold_aligned(line)
            if group is after and i != ti and _LIST_HEAD_RE.match(key):
                break  # "Tin mới nhất", "Tin khác": the dates from here on are other articles'
            if len(line) > 140:
                continue
            found = find_dates(line, key)
            if not found and _ISO_LINE_RE.match(line.strip()):
                iso = parse_iso(line.strip())
                found = [iso] if iso is not None else []
            if found:
                window.append((i, line, found))
    # a labelled line ("Thời gian đăng: 14/03/2024 09:12:45 AM", "Ngày đăng", "Cập nhật") wins
    for i, line, found in window:
        if _POSTED_LABEL_RE.match(fold_aligned(line)):
            return _richer(found[0], line, times).iso(), warnings
    updated_line: DateMatch | None = None
    for i, line, found in window:
        key = fold_aligned(line)
        if _UPDATED_RE.search(key):
            # a widget's "Cập nhật lúc"; right under the headline it is the article's own date line
            if ti is not None and ti < i <= ti + 3 and updated_line is None:
                updated_line = found[0]
            continue
        if ti is None and not DATE_LINE_RE.match(key_of(line)):
            continue   # without a headline only a line that does nothing but date the page is its date
        if any(_COUNTER_CTX_RE.search(key_of(lines[j])) for j in range(max(0, i - 2), i)):
            continue   # a visitor counter's clock
        if not _only_dates(line, found[0], title):
            continue   # a sentence that cites a document with its date ("Căn cứ Quyết định số … ngày …")
        if ti is None:
            warnings.append("published_at: no headline found; took the first line that only dates the page")
        return _richer(found[0], line, times).iso(), warnings
    if updated_line is not None:
        return updated_line.iso(), warnings
    return None, warnings


# a register's date lines: issue, signature, effect ("Ngày ban hành", "Ngày ký", "Ngày hiệu lực", …)
_REGISTERDATE_LINE_RE = re.compile(r"^\s*(?:ngay\s*(?:ban\s*hanh|ky|van\s*ban|co\s*hieu\s*luc|hieu\s*luc|het\s*hieu\s*luc))")


def _register_dates(page: Page) -> set[str]:
    """ISO dates on the page's register date lines (issue, signature, effect)."""
    out: set[str] = set()
    for line in page.lines:
        key = fold_aligned(line)
        if _REGISTERDATE_LINE_RE.match(key.lstrip("| ")):
            out.update(d.date.isoformat() for d in find_dates(line, key))
    return out


def register_published(page: Page, published: str | None, warnings: list[str]) -> str | None:
    """A document-register detail page's publication date: none when the date found is one of the
    register's own date lines ("Ngày ban hành"/"Ngày hiệu lực" is the document's issue date, its
    doc_date, not when the portal published the entry); the reason is appended to `warnings`."""
    if published is not None and published[:10] in _register_dates(page):
        warnings.append("published_at: the register entry states issue and effective dates only; no publication date")
        return None
    return published
