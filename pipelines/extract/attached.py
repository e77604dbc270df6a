"""A document published without its own header: the decision it states it was issued with ("(Ban
hành kèm theo Quyết định số 1074/QĐ-SNV ngày 15/3/2023 của Sở Nội vụ …)") and a lead line that numbers
it ("Kế hoạch số 12/KH-UBND …").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from core.vntext import fold_aligned

from .dates import find_dates
from .header import _TYPE_LINE_RE, _TYPES_ALT, _subject_after
from .numbers import DOC_TYPES, find_numbers

# "(Ban hành kèm theo Quyết định số 1074/QĐ-SNV ngày 15/3/2023 của Sở Nội vụ …)": a plan, regulation or
# programme published without its own header is issued by that decision
_ATTACHED_RE = re.compile(
    r"(?:^|\n|\()[ \t]*ban[ \t]+hanh[ \t]+kem[ \t]+theo[ \t]+(?P<type>quyet[ \t]+dinh|nghi[ \t]+quyet|thong[ \t]+tu)"
    r"[ \t]*(?:so)?[ \t:]*")
_OF_RE = re.compile(r"\bcua[ \t]+")


@dataclass
class Attached:
    """The decision a headerless document was issued with."""

    number: str
    type: str | None        # the document's own type line above it ("KẾ HOẠCH"), if any
    date: str | None
    issuer: str | None      # as written after "của" ("Sở Nội vụ tỉnh Thừa Thiên Huế")
    subject: str | None     # the subject under that type line


def attached_to(text: str, key: str | None = None) -> Attached | None:
    """The decision a document without a header states it was issued with, in the text's lead
    (its first 800 characters), or None."""
    if key is None:
        key = fold_aligned(text)
    m = _ATTACHED_RE.search(key, 0, 800)
    if m is None:
        return None
    found = [n for n in find_numbers(text[m.end():m.end() + 40]) if n.start == 0]
    if not found:
        return None
    end = m.end() + found[0].end
    close = text.find(")", end, end + 250)
    stop = close if close >= 0 else min(len(text), end + 160)
    tail, tail_key = text[end:stop], key[end:stop]
    dates = find_dates(tail, tail_key)
    of = _OF_RE.search(tail_key)
    issuer = None
    if of is not None:
        issuer = " ".join(tail[of.end():].split()).strip(" .,;") or None
        if issuer and fold_aligned(issuer).startswith("chu tich "):
            issuer = issuer[len("Chủ tịch "):]   # "của Chủ tịch UBND tỉnh": the committee
    types = list(_TYPE_LINE_RE.finditer(key, 0, m.start()))
    dtype = subject = None
    if types:
        tkey = re.sub(r"\s+", " ", types[-1]["type"])
        dtype = "Chương trình hành động" if tkey == "chuong trinh hanh dong" else DOC_TYPES[tkey]
        inline = text[types[-1].end():m.start()].split("\n", 1)[0].strip(" |\t")
        subject = inline or _subject_after(text[:m.start()], types[-1].end())
    return Attached(found[0].number, dtype, dates[0].date.isoformat() if dates else None, issuer, subject)


# a copy that starts without its header, its first line stating the document ("Kế hoạch số 45/KH-UBND ngày
# 12/01/2025 của UBND xã Hưng Thịnh về …")
_LEAD_LINE_RE = re.compile(rf"[ \t|]*(?:{_TYPES_ALT})[ \t]+so[ \t:]*\d")


def lead_line_number(text: str, key: str | None = None) -> tuple[int, int] | None:
    """(start, end) of the text's first line when it opens by stating a document ("Kế hoạch số …"),
    or None: that statement is the page's own document (document.find_own reads its citation)."""
    if key is None:
        key = fold_aligned(text)
    start = len(key) - len(key.lstrip())
    if start > 200 or _LEAD_LINE_RE.match(key, start) is None:
        return None
    end = key.find("\n", start)
    return start, (end if end >= 0 else len(key))
