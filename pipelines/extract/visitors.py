"""Visitor counters ("Đang truy cập: 38 / Hôm nay: 79 / Tất cả: 24,103"): a sign a portal is alive.

Labels from real templates: Tân Dân/commune sites, Liferay's session-tracking portlet ("Đang truy
cập", "Tổng: 4.798.809"), NukeViet ("Đang truy cập", "Hôm nay", "Tháng hiện tại", "Tổng lượt truy
cập", plus bots/guests/members lines that are not counted here), seed 001 ("Số người online", "Số
lượt truy cập", "Số lượt truy cập tuần/tháng"). Counts use "." or "," as thousands separators.
"""
from __future__ import annotations

import re
from typing import Any

from .labels import tokenize
from .page import Page, load_page

VISITOR_KEYS = ("online", "today", "week", "month", "total")

_PATTERNS: list[tuple[str, str]] = [
    ("_ignore", r"thanh\s*vien(?:\s*online)?|may\s*chu\s*tim\s*kiem|khach\s*vieng\s*tham|hom\s*qua|nam\s*nay|thang\s*truoc|tuan\s*truoc"),
    ("week", r"(?:so\s*)?luot\s*truy\s*cap\s*(?:trong\s*)?tuan(?:\s*nay)?|tuan\s*nay|trong\s*tuan|tuan\s*hien\s*tai"),
    ("month", r"(?:so\s*)?luot\s*truy\s*cap\s*(?:trong\s*)?thang(?:\s*nay)?|thang\s*hien\s*tai|thang\s*nay|trong\s*thang"),
    ("today", r"(?:so\s*luot\s*truy\s*cap\s*)?hom\s*nay|trong\s*ngay"),
    ("online", r"dang\s*truy\s*cap|so\s*nguoi\s*(?:dang\s*)?online|dang\s*online|(?<![a-z])online|truc\s*tuyen"),
    ("total", r"tong\s*(?:so\s*)?luot\s*truy\s*cap|(?:so\s*)?luot\s*truy\s*cap|tat\s*ca|tong\s*cong|(?<![a-z])tong(?![a-z])|luot\s*xem"),
]
_LABELS_RE = re.compile("|".join(f"({p})" for _, p in _PATTERNS))
_NAMES = [n for n, _ in _PATTERNS]
_CUES = ("truy cập", "truy cap", "online")
_ANCHOR_RE = re.compile(r"dang\s*truy\s*cap|so\s*nguoi\s*(?:dang\s*)?online|luot\s*truy\s*cap|thong\s*ke\s*truy\s*cap|so\s*luong\s*truy\s*cap")


def visitors_in_page(page: Page) -> dict[str, Any] | None:
    """{online, today, week, month, total} as shown (absent ones null), or None."""
    # counters sometimes sit inline in a long footer line, so windows are allowed on long lines
    text, key = page.flat, page.cue_key(_CUES, 160, 420, max_line=1200)
    for am in _ANCHOR_RE.finditer(key):
        ls = key.rfind("\n", 0, am.start()) + 1
        le = key.find("\n", am.end())
        if (le if le >= 0 else len(key)) - ls > 1200:
            continue  # a paragraph of the article that mentions "truy cập", not a counter
        start = max(0, am.start() - 120)
        nl = key.rfind("\n", 0, am.start())
        # start at the counter's first line, not in the paragraph before it
        start = max(start, key.rfind("\n", 0, max(start, nl)) + 1) if nl >= 0 else start
        end = min(len(key), am.start() + 400)
        tokens = tokenize(text[start:end], key[start:end], _LABELS_RE, _NAMES)
        vals: dict[str, Any] = {}
        waiting: list[str] = []
        for t in tokens:
            if t.kind == "label":
                waiting = [t.name]  # a counter's value follows its own label
            elif t.kind == "num" and waiting and not t.percent:
                name = waiting.pop()
                if name != "_ignore" and name not in vals and isinstance(t.value, int):
                    vals[name] = t.value
            elif t.kind == "date":
                waiting = []
        if len(vals) >= 2 or ("online" in vals) or ("total" in vals and len(vals) >= 1):
            return {k: vals.get(k) for k in VISITOR_KEYS}
    return None


def extract_visitors(html: str | bytes, url: str = "") -> dict[str, Any] | None:
    """The page's visitor counter, or None when it shows none."""
    return visitors_in_page(load_page(html, url))
