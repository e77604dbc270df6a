"""Generated pages that stress extraction: big register tables, link lists, label rows, and the
pathological shapes issue 9 found (a 1000×1000 table, a tag with 100k attributes, …).

Shared by `bench/linearity.py` (time per row at two sizes) and `tests/extract/test_budget_caps.py`
(what the caps cut is named in the record's warnings). Every page is a plausible portal article
(a headline, a date line, a paragraph of CCHC text) with one oversized part, so the whole record is
built, not just the parse.
"""
from __future__ import annotations

from collections.abc import Callable

_HEAD = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Kế hoạch cải cách hành chính năm 2024 - UBND tỉnh</title>"
    "</head><body><div class='main'><h1 class='title'>Kế hoạch cải cách hành chính năm 2024</h1>"
    "<div class='date'>Thứ ba - 12/03/2024 09:15</div>"
    "<div class='content'><p>Ủy ban nhân dân tỉnh ban hành Kế hoạch số 45/KH-UBND ngày 10/3/2024 về "
    "cải cách hành chính năm 2024 nhằm nâng cao chất lượng phục vụ người dân và doanh nghiệp, đẩy mạnh "
    "chuyển đổi số trong giải quyết thủ tục hành chính trên địa bàn tỉnh.</p></div>"
)
_TAIL = "</div></body></html>"


def register_table(rows: int) -> str:
    """A document register ("Văn bản"): number, date, summary and file per row."""
    body = "".join(
        f"<tr><td>{i}</td><td>{i}/KH-UBND</td><td>{1 + i % 28:02d}/{1 + i % 12:02d}/2023</td>"
        f"<td>Kế hoạch thực hiện cải cách hành chính đợt {i} năm 2023</td>"
        f"<td><a href='/files/vb-{i}.pdf'>Tải về</a></td></tr>"
        for i in range(rows)
    )
    return (_HEAD + "<table class='vanban'><tr><th>STT</th><th>Số ký hiệu</th><th>Ngày ban hành</th>"
            "<th>Trích yếu</th><th>File</th></tr>" + body + "</table>" + _TAIL)


def links(rows: int) -> str:
    """A page listing other articles: one link per line."""
    body = "".join(
        f"<li><a href='/tin-tuc/bai-viet-{i}.html'>Tin tức số {i} về cải cách hành chính</a></li>"
        for i in range(rows)
    )
    return _HEAD + "<div class='tin-khac'><h3>Tin khác</h3><ul>" + body + "</ul></div>" + _TAIL


def label_rows(rows: int) -> str:
    """A widget-like table whose rows are all labels and figures ("Số hồ sơ xử lý: 2142")."""
    labels = ("Số hồ sơ xử lý", "Đúng hạn", "Trễ hạn", "Đang truy cập", "Hôm nay", "Tỷ lệ đúng hạn")
    body = "".join(
        f"<tr><td>{labels[i % len(labels)]}:</td><td>{i}</td></tr>" for i in range(rows)
    )
    return (_HEAD + "<div><h3>Kết quả giải quyết TTHC</h3><table>" + body + "</table></div>" + _TAIL)


def square_table(side: int) -> str:
    """A side×side table of small numbers."""
    row = "<tr>" + "".join(f"<td>{j}</td>" for j in range(side)) + "</tr>"
    return _HEAD + "<table>" + row * side + "</table>" + _TAIL


def many_attributes(count: int) -> str:
    """One element with `count` attributes."""
    attrs = " ".join(f"data-a{i}='{i}'" for i in range(count))
    return _HEAD + f"<div {attrs}>Nội dung</div>" + _TAIL


def long_paragraph(chars: int) -> str:
    """One paragraph of running text with dates and numbers, `chars` long (regexes on huge text)."""
    unit = "Ngày 12/3/2024 Ủy ban ban hành Kế hoạch số 45/KH-UBND về cải cách hành chính 2.142 hồ sơ. "
    return _HEAD + "<p>" + unit * (chars // len(unit) + 1) + "</p>" + _TAIL


def deep_nesting(depth: int) -> str:
    """Elements nested `depth` deep (lxml caps the depth; the page must still come back)."""
    return _HEAD + "<div>" * depth + "Kết quả giải quyết TTHC" + "</div>" * depth + _TAIL


#: shape -> generator taking a row count
SCALED: dict[str, Callable[[int], str]] = {
    "register table": register_table,
    "links": links,
    "label rows": label_rows,
}

#: the pages issue 9 measured at over 60 s each, plus two more shapes of the same kind
PATHOLOGICAL: dict[str, Callable[[], str]] = {
    "50k-row register table": lambda: register_table(50_000),
    "250k links": lambda: links(250_000),
    "1000x1000 table": lambda: square_table(1000),
    "100k label rows": lambda: label_rows(100_000),
    "100k attributes": lambda: many_attributes(100_000),
    "5 MB paragraph": lambda: long_paragraph(5_000_000),
    "deep nesting 20k": lambda: deep_nesting(20_000),
}
