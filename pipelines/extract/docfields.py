"""A document's detail page ("Chi tiết văn bản"): its labelled fields, read by their visible labels.

Portals publish many plans not as news but as an entry of their document register, whose detail page
is a label/value block ("Số ký hiệu | 45/KH-UBND", "Ngày ban hành: 15/02/2023", "Trích yếu …") in a
table, a definition list or spans, depending on the template. The labels are the stable part, so a
label is found by its folded text and its value is what follows it: the rest of the same element
after a colon, the next sibling element, or the text right after the label element.
"""
from __future__ import annotations

import re
from typing import Any

from core.vntext import clean_space, fold, fold_aligned

#: field -> folded labels, as register templates write them
LABELS: dict[str, tuple[str, ...]] = {
    "number": ("so ky hieu", "so/ky hieu", "so, ky hieu", "so hieu van ban", "so hieu", "ky hieu", "so van ban"),
    "date": ("ngay ban hanh", "ngay ky", "ngay van ban"),
    "type": ("loai van ban", "hinh thuc van ban", "the loai van ban"),
    "issuer": ("co quan ban hanh", "don vi ban hanh", "noi ban hanh"),
    "summary": ("trich yeu noi dung", "trich yeu", "ten van ban"),
}
_BY_LABEL = {label: name for name, labels in LABELS.items() for label in labels}
_LABEL_RE = re.compile(
    r"^\s*(" + "|".join(re.escape(lbl) for lbl in sorted(_BY_LABEL, key=len, reverse=True)) + r")\s*(?::|$)")
_TAGS = frozenset({"td", "th", "dt", "dd", "span", "div", "p", "li", "b", "strong", "label", "em", "font", "h4", "h5"})


# labels a register or a mirror's property block puts on one line with another field
# ("Nơi ban hành: Tỉnh Lai Châu Người ký: Lê Văn Lương"): a value ends where the next label starts
_NEXT_LABEL_RE = re.compile(
    r"\s(?:nguoi ky|ngay hieu luc|ngay co hieu luc|loai van ban|noi ban hanh|co quan ban hanh|ngay ban hanh|"
    r"linh vuc|tinh trang|ngay cong bao|so cong bao|so hieu|trich yeu|ngay het hieu luc)\s*:")


def _cut_at_next_label(value: str) -> str:
    m = _NEXT_LABEL_RE.search(fold_aligned(value).lower())
    return value[:m.start()].strip() if m else value


def _value_after(el: Any, own_text: str, label_end: int) -> str:
    """The value written after a label: in the same element, its next sibling, or its tail."""
    rest = _cut_at_next_label(clean_space(own_text[label_end:]).lstrip(":").strip())
    if rest:
        return rest
    nxt = el.getnext()
    if nxt is not None and isinstance(nxt.tag, str):
        return clean_space(nxt.text_content() or "")
    return clean_space(el.tail or "").lstrip(":").strip()


# substrings (NFC, lower case, with and without diacritics) one of which every label line contains
_QUICK_CUES = ("ký hiệu", "ky hieu", "số hiệu", "so hieu", "trích yếu", "trich yeu")
_LINE_CUE_RE = re.compile(r"^\s*\|?\s*(?:so\s*(?:/|,)?\s*ky\s*hieu|so\s*hieu|trich\s*yeu)")


def has_detail_labels(lines: list[str]) -> bool:
    """Cheap test on a page's visible lines: does any line start with a number or summary label?"""
    low = "\n".join(lines).lower()
    if not any(cue in low for cue in _QUICK_CUES):
        return False
    return any(_LINE_CUE_RE.match(fold_aligned(line).lower()) for line in lines)


def detail_fields(tree: Any, lines: list[str] | None = None) -> dict[str, str]:
    """{number, date, type, issuer, summary} as labelled on the page (first value of each), or {}.
    Pass the page's visible `lines` to skip pages that have no such label at all."""
    if tree is None or (lines is not None and not has_detail_labels(lines)):
        return {}
    out: dict[str, str] = {}
    for el in tree.iter(*_TAGS):
        if len(el) > 3:
            continue  # a label is a leaf or nearly one; skipping containers keeps this linear
        text = clean_space(el.text_content() or "")
        if not text or len(text) > 400:
            continue
        m = _LABEL_RE.match(fold_aligned(text).lower())
        if not m:
            continue
        name = _BY_LABEL[m.group(1)]
        if name in out:
            continue
        value = _value_after(el, text, m.end())
        if value and fold(value).rstrip(":").strip() not in _BY_LABEL:
            out[name] = value
    return out


__all__ = ["LABELS", "detail_fields"]
