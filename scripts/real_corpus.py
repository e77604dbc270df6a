#!/usr/bin/env python3
"""The real-text corpus (issue 11): real Vietnamese government page texts wrapped in real CMS markups.

    .venv/bin/python scripts/real_corpus.py build [SLUG…]   # (re)write page.html of each folder (all by default)
    .venv/bin/python scripts/real_corpus.py stats           # pages, portals, markups, levels, kinds, held-out

Each folder ``tests/fixtures/real/<slug>/`` holds ``source.txt`` (the real text as a stored public copy
gives it, NFC), ``meta.json`` (where it came from and which markup to wrap it in), ``expected.json``
(what a person reads off the text) and ``page.html``, which only this script writes. The page is the
text wrapped in the markup meta names, with the boilerplate real portals of that CMS carry around an
article: menus, breadcrumbs, "Tin mới nhất"/"Tin khác"/"Văn bản liên quan" lists with OTHER dates and
document numbers, a footer with "Chịu trách nhiệm chính" and an address, a visitor counter, a print and
share toolbar, and a ``<title>`` of headline plus the site's name after the site's separator.

Rules, so that a page never says more than the real page did:
- the headline and the posted-date line appear only where meta gives them (a date is never invented;
  only the distractor lists carry dates, and those are other articles');
- the text's lines keep their order; each line is one block (stored copies keep a page's line breaks);
- a formal document header at the top ("ỦY BAN NHÂN DÂN … | CỘNG HÒA …", cells separated by "|" in
  the stored text) is laid out the way the markup's editors publish it: a two-column table, one line
  per cell, or flattened as the text has it;
- the output depends only on the three input files (a seeded RNG per slug picks the distractors).

``boilerplate_markers(meta, source)`` lists the chrome strings a page carries that its text does not:
the corpus test checks that none of them leaks into the extracted text.
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real"

MARKUPS = ("wordpress", "joomla", "dnn", "drupal", "table_php", "aspnet_mvc", "print_view", "liferay7",
           "legal_mirror", "nukeviet", "sharepoint_vn", "tandan_sp")
#: families the simulator models (sim/families.py); the others are layouts it has never served
SIMULATED = frozenset({"nukeviet", "sharepoint_vn", "tandan_sp", "liferay62", "vnportal"})
PORTAL_KINDS_COUNTED = ("government", "party")


def _fold(text: str) -> str:
    """Diacritics- and case-insensitive key (the builder stays free of project imports)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"\s+", " ", "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()).strip()


def _e(text: str) -> str:
    return html.escape(text, quote=False)


# ---------------------------------------------------------------------------------------------------
# The text: formal header, headline, date line, body lines
# ---------------------------------------------------------------------------------------------------

_DOC_TYPE_WORDS = ("ke hoach", "quyet dinh", "bao cao", "thong bao", "cong van", "nghi quyet", "chi thi",
                   "huong dan", "to trinh", "chuong trinh", "de an", "thong tu", "nghi dinh", "ket luan")
_MOTTO_RE = re.compile(r"cong hoa xa hoi|doc lap\s*-|dang cong san viet nam")
_PLACE_DATE_RE = re.compile(r"^[^,|]{2,40},\s*ngay\b|^ngay\s+\d{1,2}\s+thang|^\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4}")
_NUMBER_LINE_RE = re.compile(r"^so\s*(?::|\d)")
_RULE_RE = re.compile(r"^[-_*=.\s]{3,}$")


def _caps_organ(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    key = _fold(line).strip(" *-")
    return (bool(letters) and all(c.isupper() for c in letters) and len(line) <= 80
            and key not in _DOC_TYPE_WORDS and not key.startswith(tuple(w + " " for w in _DOC_TYPE_WORDS)))


def _header_cell_kind(line: str) -> str | None:
    """What a line of a formal document header is (organ, motto, number, date, rule, sep), or None."""
    s = line.strip()
    if not s:
        return "blank"
    if s == "|":
        return "sep"
    key = _fold(s)
    if _RULE_RE.match(s):
        return "rule"
    if _MOTTO_RE.search(key):
        return "motto"
    if _NUMBER_LINE_RE.match(key):
        return "number"
    if _PLACE_DATE_RE.search(key) and len(s) <= 70:
        return "date"
    if _caps_organ(s):
        return "organ"
    return None


@dataclass
class Header:
    """The formal header's cells in text order, and which lines of source.txt it spans."""

    cells: list[list[str]]
    start: int
    end: int            # exclusive
    raw: list[str]      # the lines as the text has them ("|" included)


def find_header(lines: list[str]) -> Header | None:
    """The formal header block near the top: organ/motto lines, the number and the place-and-date line.

    Cells come from "|" (a lone "|" line separates multi-line cells; "A | B" is two cells on one row);
    without "|" a new cell starts at the motto, the number and the place-and-date line. The block ends
    after the place-and-date line (a date split over two lines included) or at the first line that is
    none of these (the document type heading "KẾ HOẠCH" is not an organ)."""
    start = None
    for i, line in enumerate(lines[:20]):
        parts = [p for p in line.split("|") if p.strip()] or [line]
        kinds = {_header_cell_kind(p) for p in parts}
        if kinds & {"organ", "motto"} and None not in kinds:
            start = i
            break
    if start is None:
        return None
    piped = any("|" in line for line in lines[start:start + 30])
    cells: list[list[str]] = [[]]
    seen_number = date_done = False
    end = start
    for i in range(start, min(len(lines), start + 30)):
        line = lines[i].strip()
        if not line:
            continue
        kind = _header_cell_kind(line)
        if date_done:
            if kind in ("rule", "sep"):
                end = i + 1
                continue
            break
        if line == "|":
            cells.append([])
            end = i + 1
            continue
        if "|" in line:
            parts = [p.strip() for p in line.split("|")]
            kinds = [_header_cell_kind(p) for p in parts if p]
            if None in kinds:
                break
            filled = [p for p in parts if p]
            if len(filled) >= 2:
                # a row "A | B": each part is a cell of its own
                if cells[-1]:
                    cells.append([])
                for p in filled:
                    cells[-1].append(p)
                    cells.append([])
            else:
                # a table cell's line: "| A" opens a cell, "A |" closes it (stored copies of <td>s)
                if parts[0] == "" and cells[-1]:
                    cells.append([])
                cells[-1].append(filled[0])
                if parts[-1] == "":
                    cells.append([])
            seen_number = seen_number or "number" in kinds
            date_done = any(_header_cell_kind(p) == "date" and re.search(r"(?:19|20)\d\d", p) for p in filled)
            end = i + 1
            continue
        if kind is None:
            last = cells[-1][-1] if cells[-1] else ""
            if _header_cell_kind(last) == "date" and re.match(r"^(?:\d{1,2}\s+)?thang\s+\d{1,2}\s+nam\s+\d{4}", _fold(line)):
                cells[-1].append(line)        # "Tuyên Quang, ngày" / "10 tháng 12 năm 2013" ("ngày 13" / "tháng 01 …")
                date_done = True
                end = i + 1
                continue
            break
        if not piped and kind in ("motto", "number", "date") and cells[-1]:
            kinds_in_cell = [_header_cell_kind(x) for x in cells[-1] if _header_cell_kind(x) != "rule"]
            if kinds_in_cell and kinds_in_cell[-1] != kind:
                cells.append([])
        cells[-1].append(line)
        seen_number = seen_number or kind == "number"
        if kind == "date" and re.search(r"(?:19|20)\d\d", line):
            date_done = True
        end = i + 1
    cells = [c for c in cells if c]
    if not cells or not (seen_number or date_done):
        return None
    return Header(cells, start, end, [line.strip() for line in lines[start:end] if line.strip()])


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@dataclass
class Parts:
    """source.txt cut into what the markup places: lines before the headline, the headline, the date
    line, the formal header, and the body lines (order kept)."""

    pre: list[str]
    headline: str | None
    date_line: str | None
    header: Header | None
    body_before_header: list[str]
    body: list[str]


def split_source(source: str, meta: dict[str, Any]) -> Parts:
    lines = source.split("\n")
    headline = meta.get("headline")
    published = meta.get("published")
    pre: list[str] = []
    h_idx = None
    if headline:
        nonblank = [i for i, ln in enumerate(lines) if ln.strip()][:8]
        for i in nonblank:
            if _norm(lines[i]) == _norm(headline):
                h_idx = i
                break
    d_idx = None
    date_line = None
    if published:
        for i, ln in enumerate(lines[:15]):
            if published in ln and len(ln) <= len(published) + 60 and i != h_idx:
                d_idx, date_line = i, ln.strip()
                break
        if date_line is None:
            date_line = published
    if date_line and headline and date_line.startswith(headline.strip()) and date_line != published:
        date_line = date_line[len(headline.strip()):].strip() or published   # the headline line with its time
    if h_idx is None and headline and d_idx is not None and lines[d_idx].strip().startswith(headline.strip()):
        h_idx = d_idx   # "Headline (11:03 11/01/2018)": the line is both
    if h_idx is not None:
        pre = [ln.strip() for i, ln in enumerate(lines[:h_idx]) if ln.strip() and i != d_idx]
    rest = [(i, ln) for i, ln in enumerate(lines) if i != d_idx and (h_idx is None or i > h_idx)]
    rest_lines = [ln for _, ln in rest]
    header = find_header(rest_lines)
    if header is not None:
        before = [ln.strip() for ln in rest_lines[:header.start] if ln.strip()]
        body = [ln.strip() for ln in rest_lines[header.end:] if ln.strip()]
    else:
        before, body = [], [ln.strip() for ln in rest_lines if ln.strip()]
    return Parts(pre, headline, date_line, header, before, body)


# ---------------------------------------------------------------------------------------------------
# Boilerplate: deterministic per slug
# ---------------------------------------------------------------------------------------------------

_NEWS_POOL = (
    "Hội nghị triển khai nhiệm vụ phát triển kinh tế - xã hội quý II",
    "Tăng cường công tác phòng cháy, chữa cháy trong mùa khô",
    "Ra quân hưởng ứng Tháng thanh niên",
    "Kiểm tra tiến độ giải ngân vốn đầu tư công các dự án trọng điểm",
    "Tập huấn nghiệp vụ công tác văn thư, lưu trữ năm nay",
    "Tổ chức Ngày hội đại đoàn kết toàn dân tộc ở khu dân cư",
    "Triển khai tiêm chủng mở rộng cho trẻ em dưới 5 tuổi",
    "Hội thi tìm hiểu pháp luật về phòng, chống tham nhũng",
    "Đoàn công tác của tỉnh thăm, làm việc tại các xã vùng cao",
    "Sơ kết công tác bảo đảm trật tự an toàn giao thông",
    "Phát động phong trào thi đua xây dựng nông thôn mới nâng cao",
    "Khánh thành công trình nhà văn hóa thôn",
    "Giao ban công tác dân vận các cơ quan trong khối",
    "Hỗ trợ nông dân chuyển đổi cơ cấu cây trồng vụ đông",
    "Lễ ra quân huấn luyện dân quân tự vệ",
    "Chương trình mục tiêu quốc gia giảm nghèo bền vững: những kết quả bước đầu",
)
_DOC_POOL = (
    ("QĐ-UBND", "Quyết định", "về việc phê duyệt danh mục dự án khởi công mới"),
    ("KH-UBND", "Kế hoạch", "tổ chức các hoạt động kỷ niệm ngày lễ lớn"),
    ("TB-UBND", "Thông báo", "kết luận của Chủ tịch tại cuộc họp giao ban"),
    ("UBND-VP", "Công văn", "về việc tăng cường kỷ luật, kỷ cương hành chính"),
    ("BC-UBND", "Báo cáo", "tình hình thực hiện nhiệm vụ tháng"),
    ("KH-SNV", "Kế hoạch", "kiểm tra công tác văn thư, lưu trữ"),
    ("QĐ-SNV", "Quyết định", "thành lập Đoàn kiểm tra công vụ"),
    ("CV-VP", "Công văn", "về việc đôn đốc báo cáo định kỳ"),
)
_PEOPLE = ("Ông Nguyễn Văn Thành", "Bà Trần Thị Hạnh", "Ông Lê Quang Minh", "Bà Phạm Thu Hương", "Ông Hoàng Đức Long")
_STREETS = ("Số 01 đường Trần Hưng Đạo", "Số 12 đường Lê Lợi", "Số 28 đường Hùng Vương", "Số 5 đường Nguyễn Du")


@dataclass
class Chrome:
    """The boilerplate one page carries, made once per slug."""

    site: str
    host: str
    menu: list[str]
    crumbs: list[str]
    latest: list[tuple[str, str]]          # (title, date) "Tin mới nhất"
    others: list[tuple[str, str]]          # (title, date) "Tin khác"
    related_docs: list[tuple[str, str, str]]  # (number, date, summary) "Văn bản liên quan"
    responsible: str
    address: str
    phone: str
    licence: str
    counter: tuple[int, int, int]

    def footer_lines(self) -> list[str]:
        return [f"Cơ quan chủ quản: {self.site}", f"Chịu trách nhiệm chính: {self.responsible}",
                f"Địa chỉ: {self.address}", self.phone, self.licence,
                f"© Bản quyền thuộc về {self.site}. Ghi rõ nguồn khi phát hành lại thông tin từ trang này."]


def _dmy(d: tuple[int, int, int]) -> str:
    return f"{d[0]:02d}/{d[1]:02d}/{d[2]}"


def make_chrome(slug: str, meta: dict[str, Any]) -> Chrome:
    rng = random.Random(int(hashlib.sha256(slug.encode("utf-8")).hexdigest()[:16], 16))
    year = int(str(meta.get("retrieved") or "2025")[:4]) - rng.randint(0, 2)

    def a_date() -> tuple[int, int, int]:
        return (rng.randint(1, 28), rng.randint(1, 12), year - rng.randint(0, 1))

    news = rng.sample(_NEWS_POOL, 8)
    latest = [(t, _dmy(a_date())) for t in news[:4]]
    others = [(t, _dmy(a_date())) for t in news[4:]]
    docs = []
    for code, dtype, subj in rng.sample(_DOC_POOL, 3):
        d = a_date()
        docs.append((f"{rng.randint(12, 3999)}/{code}", _dmy(d), f"{dtype} {subj}"))
    site = meta.get("site_name") or meta.get("portal") or "Cổng thông tin điện tử"
    host = meta.get("portal") or "example.gov.vn"
    return Chrome(
        site=site, host=host,
        menu=["Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Cải cách hành chính", "Văn bản", "Dịch vụ công", "Liên hệ"],
        crumbs=["Trang chủ", rng.choice(["Tin tức", "Tin tức - Sự kiện", "Cải cách hành chính", "Văn bản chỉ đạo điều hành"])],
        latest=latest, others=others, related_docs=docs,
        responsible=rng.choice(_PEOPLE) + " - Chánh Văn phòng",
        address=f"{rng.choice(_STREETS)}, {host}",
        phone=f"Điện thoại: 0{rng.randint(203, 299)}.38{rng.randint(10000, 99999)} - Email: banbientap@{host}",
        licence=f"Giấy phép số {rng.randint(10, 99)}/GP-TTĐT ngày {_dmy(a_date())} của Sở Thông tin và Truyền thông",
        counter=(rng.randint(12, 400), rng.randint(500, 9000), rng.randint(100000, 9000000)),
    )


def boilerplate_markers(slug: str, meta: dict[str, Any], source: str) -> list[str]:
    """Chrome strings on the built page that the text itself does not contain: none may reach `text`."""
    ch = make_chrome(slug, meta)
    cands = [f"Chịu trách nhiệm chính: {ch.responsible}", f"Địa chỉ: {ch.address}", ch.phone, ch.licence,
             "Bản quyền thuộc về", "Đang truy cập", "Tổng lượt truy cập", "In bài viết", "Gửi email"]
    cands += [t for t, _ in ch.latest + ch.others] + [s for _, _, s in ch.related_docs] + [n for n, _, _ in ch.related_docs]
    return [m for m in cands if m not in source]


# ---------------------------------------------------------------------------------------------------
# Header layouts and body blocks
# ---------------------------------------------------------------------------------------------------

def header_table(h: Header, table_attrs: str = 'border="0" cellpadding="0" cellspacing="0" width="100%"') -> str:
    """Two columns, cells in text order row by row (organ | motto, number | place and date)."""
    rows = []
    for i in range(0, len(h.cells), 2):
        pair = h.cells[i:i + 2] + ([[]] if len(h.cells[i:i + 2]) == 1 else [])
        tds = "".join(
            f'<td style="width:{40 if j == 0 else 60}%" valign="top">'
            + "".join(f'<p align="center"><b>{_e(x)}</b></p>' if _header_cell_kind(x) in ("organ", "motto", "number")
                      else f'<p align="center"><i>{_e(x)}</i></p>' for x in cell) + "</td>"
            for j, cell in enumerate(pair))
        rows.append(f"<tr>{tds}</tr>")
    return f"<table {table_attrs}><tbody>{''.join(rows)}</tbody></table>\n"


def header_lines(h: Header) -> str:
    """One centred line per header line (each cell's lines in text order)."""
    return "".join(f'<p style="text-align:center"><strong>{_e(x)}</strong></p>\n' for cell in h.cells for x in cell)


def header_flat(h: Header) -> str:
    """The header as the stored text has it, "|" included, one line per line."""
    return "".join(f"<p>{_e(line)}</p>\n" for line in h.raw)


def body_blocks(lines: list[str], p: str = "<p>{}</p>") -> str:
    out = []
    for line in lines:
        letters = [c for c in line if c.isalpha()]
        if letters and all(c.isupper() for c in letters) and len(line) <= 160:
            out.append(f'<p style="text-align:center"><strong>{_e(line)}</strong></p>')
        else:
            out.append(p.format(_e(line)))
    return "\n".join(out) + "\n"


def article_body(parts: Parts, mode: str, p: str = "<p>{}</p>") -> str:
    """The text's blocks: lines before the header, the header in `mode` (table|lines|flat), the body."""
    out = body_blocks(parts.body_before_header, p)
    if parts.header is not None:
        if mode == "table":
            out += header_table(parts.header)
        elif mode == "lines":
            out += header_lines(parts.header)
        else:
            out += header_flat(parts.header)
    return out + body_blocks(parts.body, p)


def _li(items: list[tuple[str, str]], fmt: str) -> str:
    return "".join(fmt.format(href=f"/tin-tuc/{abs(hash_s(t)) % 99991}.html", title=_e(t), date=d) for t, d in items)


def hash_s(s: str) -> int:
    return int(hashlib.md5(s.encode("utf-8")).hexdigest()[:8], 16)


def _docs_li(ch: Chrome, fmt: str) -> str:
    return "".join(fmt.format(href=f"/van-ban/{hash_s(n)}", number=_e(n), date=d, summary=_e(s))
                   for n, d, s in ch.related_docs)


def _title_tag(parts: Parts, ch: Chrome, sep: str, fallback: str | None = None) -> str:
    if parts.headline:
        return f"<title>{_e(parts.headline)}{sep}{_e(ch.site)}</title>"
    return f"<title>{_e(fallback + sep + ch.site if fallback else ch.site)}</title>"


def _doc(head: str, body_attrs: str, body: str, top: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{head}\n</head>\n"
            f"<body{' ' + body_attrs if body_attrs else ''}>\n{top}{body}</body>\n</html>\n")


def _pre(parts: Parts, tag: str = "div", cls: str = "category-label") -> str:
    """The one line right above the headline when it is short (a category caption, a column name),
    in its place above the headline; longer runs are the page's top area (see `_top`)."""
    if len(parts.pre) == 1 and len(parts.pre[0]) <= 60:
        return f'<{tag} class="{cls}">{_e(parts.pre[0])}</{tag}>\n'
    return ""


def _top(parts: Parts) -> str:
    """Lines the stored copy has above the headline that are the page's top area (a welcome line, a
    hotline, a ticker, link captions): above the page's own header, outside the article."""
    if len(parts.pre) == 1 and len(parts.pre[0]) <= 60:
        return ""
    return "".join(f'<div class="top-info"><span>{_e(x)}</span></div>\n' for x in parts.pre)


# ---------------------------------------------------------------------------------------------------
# The twelve markups
# ---------------------------------------------------------------------------------------------------

def wordpress(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " – ") + '\n<link rel="stylesheet" href="/wp-content/themes/govvn/style.css">'
    menu = "".join(f'<li class="menu-item"><a href="/{i}">{_e(m)}</a></li>' for i, m in enumerate(ch.menu))
    h = (f'<header class="entry-header"><h1 class="entry-title">{_e(parts.headline)}</h1>' if parts.headline
         else '<header class="entry-header">')
    if parts.date_line:
        h += f'<div class="entry-meta"><span class="posted-on">{_e(parts.date_line)}</span></div>'
    h += "</header>"
    body = (f'<div id="page" class="site"><header id="masthead" class="site-header"><div class="site-branding">'
            f'<p class="site-title"><a href="/" rel="home">{_e(ch.site)}</a></p></div>'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}</ul></nav></header>\n'
            f'<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">\n'
            f'<p id="breadcrumbs"><span><a href="/">{_e(ch.crumbs[0])}</a> » <a href="/c">{_e(ch.crumbs[1])}</a></span></p>\n'
            f'<article class="post type-post status-publish format-standard hentry">{_pre(parts, "span", "cat-links")}{h}\n'
            f'<div class="entry-content">\n{article_body(parts, "flat")}</div>\n'
            f'<footer class="entry-footer"><div class="sharedaddy"><h3 class="sd-title">Chia sẻ:</h3>'
            f'<a class="share-print" href="#print">In bài viết</a> <a class="share-email" href="#email">Gửi email</a> '
            f'<a class="share-facebook" href="#fb">Facebook</a></div></footer></article>\n'
            f'<div class="related-posts"><h3>Tin khác</h3><ul>{_li(ch.others, "<li><a href={href}>{title}</a> <span>({date})</span></li>")}</ul></div>\n'
            f'</main></div>\n<aside id="secondary" class="widget-area">'
            f'<section class="widget widget_recent_entries"><h2 class="widget-title">Tin mới nhất</h2><ul>'
            f'{_li(ch.latest, "<li><a href={href}>{title}</a><span class=post-date>{date}</span></li>")}</ul></section>'
            f'<section class="widget"><h2 class="widget-title">Văn bản liên quan</h2><ul>'
            f'{_docs_li(ch, "<li><a href={href}>{number}</a> ngày {date}: {summary}</li>")}</ul></section>'
            f'<section class="widget widget_counter"><h2 class="widget-title">Thống kê truy cập</h2>'
            f'<ul><li>Đang truy cập: {ch.counter[0]}</li><li>Hôm nay: {ch.counter[1]}</li><li>Tổng lượt truy cập: {ch.counter[2]}</li></ul></section>'
            f'</aside></div>\n<footer id="colophon" class="site-footer"><div class="site-info">'
            + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines()) + "</div></footer></div>\n")
    return _doc(head, 'class="post-template-default single single-post"', body, _top(parts))


def joomla(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " - ") + '\n<meta name="generator" content="Joomla! - Open Source Content Management">'
    menu = "".join(f'<li class="item-{100 + i}"><a href="/index.php?Itemid={100 + i}">{_e(m)}</a></li>' for i, m in enumerate(ch.menu))
    hdr = ""
    if parts.headline:
        hdr = f'<div class="page-header"><h2 itemprop="headline">{_e(parts.headline)}</h2></div>'
    info = (f'<dl class="article-info muted"><dt class="article-info-term">Chi tiết</dt>'
            f'<dd class="published"><span class="icon-calendar"></span> {_e(parts.date_line)}</dd>'
            f'<dd class="hits"><span class="icon-eye-open"></span> Lượt xem: {ch.counter[0] * 3}</dd></dl>') if parts.date_line else ""
    body = (f'<div class="body"><div class="container"><header class="header"><a class="brand" href="/">'
            f'<span class="site-title">{_e(ch.site)}</span></a></header>\n'
            f'<nav class="navigation"><ul class="nav menu nav-pills mod-list">{menu}</ul></nav>\n'
            f'<ul class="breadcrumb"><li>Bạn đang ở: </li><li><a href="/" class="pathway">{_e(ch.crumbs[0])}</a></li>'
            f'<li><span>{_e(ch.crumbs[1])}</span></li></ul>\n'
            f'<div class="row-fluid"><main id="content" class="span9"><div class="item-page" itemscope itemtype="https://schema.org/Article">'
            f'{_pre(parts)}{hdr}{info}<div class="btn-group pull-right icons"><a href="#print">In bài viết</a> <a href="#mail">Gửi email</a></div>\n'
            f'<div itemprop="articleBody">\n{article_body(parts, "table")}</div>\n'
            f'<ul class="pager pagenav"><li class="previous"><a href="#prev">Trước</a></li><li class="next"><a href="#next">Tiếp theo</a></li></ul>'
            f'</div></main>\n<div id="aside" class="span3">'
            f'<div class="moduletable"><h3>Tin mới nhất</h3><ul class="latestnews mod-list">'
            f'{_li(ch.latest, "<li><a href={href}>{title}<span> - {date}</span></a></li>")}</ul></div>'
            f'<div class="moduletable"><h3>Tin khác</h3><ul class="category-module mod-list">'
            f'{_li(ch.others, "<li><a class=mod-articles-category-title href={href}>{title}</a> <span class=mod-articles-category-date>{date}</span></li>")}</ul></div>'
            f'<div class="moduletable"><h3>Văn bản liên quan</h3><ul>{_docs_li(ch, "<li><a href={href}>{number} ({date})</a> {summary}</li>")}</ul></div>'
            f'<div class="moduletable"><h3>Thống kê truy cập</h3><div class="vcounter">Đang truy cập: {ch.counter[0]}<br>'
            f'Hôm nay: {ch.counter[1]}<br>Tổng lượt truy cập: {ch.counter[2]}</div></div></div></div>\n'
            f'<footer class="footer"><div class="container">' + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines())
            + '<p class="pull-right"><a href="#top" id="back-top">Lên đầu trang</a></p></div></footer></div></div>\n')
    return _doc(head, 'class="site com_content view-article no-layout no-task itemid-123"', body, _top(parts))


def dnn(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " > ", "Tin tức") + '\n<meta name="GENERATOR" content="DotNetNuke">'
    menu = "".join(f'<li class="dnnmega-item"><a href="/{i}.aspx">{_e(m)}</a></li>' for i, m in enumerate(ch.menu))
    art = ""
    if parts.headline:
        art += f'<h1 class="edn_articleTitle">{_e(parts.headline)}</h1>'
    if parts.date_line:
        art += f'<div class="edn_articleDetails"><span class="edn_metaDetails"><time>{_e(parts.date_line)}</time></span></div>'
    body = (f'<form method="post" action="/tin-tuc.aspx" id="Form"><div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIBD2QWAg"></div>\n'
            f'<div id="siteWrapper"><div id="dnn_HeaderPane" class="HeaderPane"><div class="logo"><a href="/">{_e(ch.site)}</a></div>'
            f'<div id="dnnMenu"><ul class="topLevel">{menu}</ul></div></div>\n'
            f'<div id="dnn_BreadcrumbPane"><span id="dnn_dnnBreadcrumb_lblBreadCrumb"><a href="/" class="breadcrumbLink">{_e(ch.crumbs[0])}</a> › '
            f'<a href="/c.aspx" class="breadcrumbLink">{_e(ch.crumbs[1])}</a></span></div>\n'
            f'<div class="row"><div id="dnn_ContentPane" class="ContentPane col-md-8">'
            f'<div class="DnnModule DnnModule-EasyDNNnews DnnModule-512"><a name="512"></a><div class="DNNContainer_noTitle">'
            f'<div id="dnn_ctr512_ContentPane"><div class="eds_news_module_512 news eds_subCollection_news eds_template_Details_Article_Default">'
            f'<div class="edn_article edn_clearFix">{_pre(parts, "span", "edn_category")}{art}'
            f'<div class="edn_articleToolbar"><a class="print" href="#print">In bài viết</a> <a href="#mail">Gửi email</a></div>'
            f'<div class="edn_articleContent Normal">\n{article_body(parts, "lines")}</div></div>'
            f'<div class="edn_relatedArticles"><h3 class="edn_relatedTitle">Tin khác</h3><ul>'
            f'{_li(ch.others, "<li><a href={href}>{title}</a> <span class=edn_date>({date})</span></li>")}</ul></div>'
            f'</div></div></div></div></div>\n<div id="dnn_RightPane" class="RightPane col-md-4">'
            f'<div class="DnnModule DnnModule-DNN_HTML"><div class="c_head"><h2 class="c_title"><span class="TitleHead">Tin mới nhất</span></h2></div>'
            f'<div class="Normal"><ul>{_li(ch.latest, "<li><a href={href}>{title}</a> ({date})</li>")}</ul></div></div>'
            f'<div class="DnnModule"><div class="c_head"><h2 class="c_title"><span class="TitleHead">Văn bản liên quan</span></h2></div>'
            f'<div class="Normal"><ul>{_docs_li(ch, "<li><a href={href}>Số {number}</a> - {date} - {summary}</li>")}</ul></div></div>'
            f'<div class="DnnModule"><div class="c_head"><h2 class="c_title"><span class="TitleHead">Thống kê truy cập</span></h2></div>'
            f'<div class="Normal"><table class="counter"><tr><td>Đang truy cập:</td><td>{ch.counter[0]}</td></tr><tr><td>Hôm nay:</td>'
            f'<td>{ch.counter[1]}</td></tr><tr><td>Tổng lượt truy cập:</td><td>{ch.counter[2]}</td></tr></table></div></div></div></div>\n'
            f'<div id="dnn_FooterPane" class="FooterPane">' + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines())
            + "</div></div></form>\n")
    return _doc(head, 'id="Body"', body, _top(parts))


def drupal(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " | ") + '\n<meta name="Generator" content="Drupal 9 (https://www.drupal.org)">'
    menu = "".join(f'<li class="menu-item"><a href="/node/{i}">{_e(m)}</a></li>' for i, m in enumerate(ch.menu))
    h = (f'<h1 class="page-title"><span class="field field--name-title field--type-string field--label-hidden">{_e(parts.headline)}</span></h1>'
         if parts.headline else "")
    meta = f'<div class="node__meta"><span class="field--name-created">{_e(parts.date_line)}</span></div>' if parts.date_line else ""
    body = (f'<div class="dialog-off-canvas-main-canvas"><div class="layout-container"><header role="banner">'
            f'<div class="region region-header"><div id="block-sitebranding" class="block block-system"><a href="/" rel="home" class="site-branding__name">{_e(ch.site)}</a></div></div>'
            f'<div class="region region-primary-menu"><nav role="navigation" id="block-mainnavigation" class="block block-menu navigation menu--main"><ul class="menu">{menu}</ul></nav></div></header>\n'
            f'<div class="region region-breadcrumb"><nav class="breadcrumb" role="navigation"><ol><li><a href="/">{_e(ch.crumbs[0])}</a></li><li><a href="/c">{_e(ch.crumbs[1])}</a></li></ol></nav></div>\n'
            f'<main role="main"><div class="layout-content"><div class="region region-content">{h}'
            f'<article role="article" class="node node--type-article node--promoted node--view-mode-full">{_pre(parts, "div", "field--name-field-tags")}{meta}'
            f'<div class="node__content"><div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">\n'
            f'{article_body(parts, "table")}</div>'
            f'<div class="print-links"><a href="#print">In bài viết</a> | <a href="#mail">Gửi email</a></div></div></article>'
            f'<div class="views-element-container block block-views"><h2>Tin khác</h2><div class="view-content"><ul>'
            f'{_li(ch.others, "<li><span class=views-field-title><a href={href}>{title}</a></span> <span class=views-field-created>{date}</span></li>")}</ul></div></div>'
            f'</div></div>\n<aside class="layout-sidebar-second" role="complementary"><div class="region region-sidebar-second">'
            f'<div class="block block-views"><h2>Tin mới nhất</h2><ul>{_li(ch.latest, "<li><a href={href}>{title}</a><div>{date}</div></li>")}</ul></div>'
            f'<div class="block"><h2>Văn bản liên quan</h2><ul>{_docs_li(ch, "<li>{number} ({date}): <a href={href}>{summary}</a></li>")}</ul></div>'
            f'<div class="block block-statistics"><h2>Thống kê truy cập</h2><p>Đang truy cập: {ch.counter[0]}</p><p>Hôm nay: {ch.counter[1]}</p>'
            f'<p>Tổng lượt truy cập: {ch.counter[2]}</p></div></div></aside></main>\n'
            f'<footer role="contentinfo"><div class="region region-footer">' + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines())
            + "</div></footer></div></div>\n")
    return _doc(head, 'class="path-node page-node-type-article"', body, _top(parts))


def table_php(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " :: ") + '\n<link href="/css/style.css" rel="stylesheet" type="text/css">'
    menu = " | ".join(f'<a href="/index.php?cat={i}" class="menu_top">{_e(m)}</a>' for i, m in enumerate(ch.menu))
    h = f'<tr><td class="title_news"><font color="#0033CC" size="3"><b>{_e(parts.headline)}</b></font></td></tr>' if parts.headline else ""
    d = f'<tr><td class="date_news"><font color="#666666" size="1">{_e(parts.date_line)}</font></td></tr>' if parts.date_line else ""
    pre = "".join(f'<tr><td class="cat_news">{_e(x)}</td></tr>' for x in parts.pre)
    body = (f'<table width="990" border="0" align="center" cellpadding="0" cellspacing="0">\n'
            f'<tr><td colspan="3" height="120" background="/images/banner.jpg"><font size="5" color="#FFFFFF"><b>{_e(ch.site.upper())}</b></font></td></tr>\n'
            f'<tr><td colspan="3" class="bg_menu" height="30">{menu}</td></tr>\n'
            f'<tr><td width="200" valign="top" class="left_col"><table width="100%"><tr><td class="title_box">DANH MỤC</td></tr>'
            + "".join(f'<tr><td class="item_box"><a href="/index.php?cat={i}">{_e(m)}</a></td></tr>' for i, m in enumerate(ch.menu[1:]))
            + f'<tr><td class="title_box">THỐNG KÊ TRUY CẬP</td></tr><tr><td>Đang truy cập: {ch.counter[0]}<br>Hôm nay: {ch.counter[1]}<br>'
            f'Tổng lượt truy cập: {ch.counter[2]}</td></tr></table></td>\n'
            f'<td width="590" valign="top"><table width="100%" border="0" cellpadding="4"><tr><td class="path">'
            f'<a href="/">{_e(ch.crumbs[0])}</a> &gt;&gt; {_e(ch.crumbs[1])}</td></tr>{pre}{h}{d}\n'
            f'<tr><td class="content_news" align="justify">\n{article_body(parts, "table")}</td></tr>\n'
            f'<tr><td align="right"><a href="javascript:window.print()">[In bài viết]</a> <a href="#mail">[Gửi email]</a> <a href="javascript:history.back()">[Trở về]</a></td></tr>\n'
            f'<tr><td class="title_other"><b>Tin khác:</b></td></tr><tr><td>'
            + "".join(f'<img src="/images/arrow.gif"> <a href="/index.php?id={hash_s(t) % 9999}">{_e(t)}</a> <font size="1">({dd})</font><br>' for t, dd in ch.others)
            + '</td></tr></table></td>\n<td width="200" valign="top" class="right_col"><table width="100%"><tr><td class="title_box">TIN MỚI NHẤT</td></tr>'
            + "".join(f'<tr><td><a href="/index.php?id={hash_s(t) % 9999}">{_e(t)}</a> ({dd})</td></tr>' for t, dd in ch.latest)
            + '<tr><td class="title_box">VĂN BẢN LIÊN QUAN</td></tr>'
            + "".join(f"<tr><td>{_e(n)} ngày {dd}<br>{_e(s)}</td></tr>" for n, dd, s in ch.related_docs)
            + '</table></td></tr>\n<tr><td colspan="3" class="footer" align="center">'
            + "<br>".join(_e(x) for x in ch.footer_lines()) + "</td></tr>\n</table>\n")
    return _doc(head, 'leftmargin="0" topmargin="0" marginwidth="0" marginheight="0"', body, _top(parts))


def aspnet_mvc(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " | ") + '\n<link href="/Content/bootstrap.min.css" rel="stylesheet">'
    menu = "".join(f'<li class="nav-item"><a class="nav-link" href="/{i}">{_e(m)}</a></li>' for i, m in enumerate(ch.menu))
    h = f'<h1 class="news-title">{_e(parts.headline)}</h1>' if parts.headline else ""
    d = f'<div class="news-meta"><span class="news-date"><i class="fa fa-calendar"></i> {_e(parts.date_line)}</span></div>' if parts.date_line else ""
    body = (f'<div class="header-top"><div class="container"><a class="logo" href="/">{_e(ch.site)}</a>'
            f'<form action="/tim-kiem" method="get" class="search-form"><input name="q" placeholder="Tìm kiếm..."></form></div></div>\n'
            f'<nav class="navbar navbar-expand-lg"><ul class="navbar-nav">{menu}</ul></nav>\n'
            f'<div class="container body-content"><ol class="breadcrumb"><li class="breadcrumb-item"><a href="/">{_e(ch.crumbs[0])}</a></li>'
            f'<li class="breadcrumb-item active">{_e(ch.crumbs[1])}</li></ol>\n<div class="row"><div class="col-md-9">'
            f'<div class="news-detail">{_pre(parts, "div", "news-category")}{h}{d}'
            f'<div class="news-tools"><a href="#" onclick="window.print()">In bài viết</a> <a href="#mail">Gửi email</a> '
            f'<span class="font-size">Cỡ chữ: <a href="#">A-</a> <a href="#">A+</a></span></div>\n'
            f'<div class="news-content">\n{article_body(parts, "lines")}</div>'
            f'<div class="share-bar">Chia sẻ: <a href="#fb">Facebook</a> <a href="#zalo">Zalo</a></div></div>\n'
            f'<div class="news-other"><h3 class="title-other">Tin khác</h3><ul>'
            f'{_li(ch.others, "<li><a href={href}>{title}</a> <span class=date>{date}</span></li>")}</ul></div></div>\n'
            f'<div class="col-md-3"><div class="box-news-new"><div class="box-title">Tin mới nhất</div><ul>'
            f'{_li(ch.latest, "<li><a href={href}>{title}</a><p class=date>{date}</p></li>")}</ul></div>'
            f'<div class="box-vanban"><div class="box-title">Văn bản liên quan</div><ul>'
            f'{_docs_li(ch, "<li><a href={href}>{number}</a><span>{date}</span><p>{summary}</p></li>")}</ul></div>'
            f'<div class="box-thongke"><div class="box-title">Thống kê truy cập</div><p>Đang truy cập: {ch.counter[0]}</p>'
            f'<p>Hôm nay: {ch.counter[1]}</p><p>Tổng lượt truy cập: {ch.counter[2]}</p></div></div></div></div>\n'
            f'<footer class="footer"><div class="container">' + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines())
            + '</div></footer>\n<input name="__RequestVerificationToken" type="hidden" value="CfDJ8Nq2xk3">\n')
    return _doc(head, "", body, _top(parts))


def print_view(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " - ", "In bài viết") + '\n<link href="/css/print.css" rel="stylesheet" media="print">'
    h = f'<h2 class="print-title">{_e(parts.headline)}</h2>' if parts.headline else ""
    d = f'<div class="print-date">{_e(parts.date_line)}</div>' if parts.date_line else ""
    body = (f'<div class="print-toolbar noprint"><a href="javascript:window.print()">In bài viết</a> | '
            f'<a href="javascript:window.close()">Đóng cửa sổ</a></div>\n'
            f'<div class="print-header"><img src="/images/logo.png" alt=""> <b>{_e(ch.site.upper())}</b></div><hr>\n'
            f'<div class="print-body">{_pre(parts)}{h}{d}\n<div class="print-content">\n{article_body(parts, "table")}</div></div>\n'
            f'<hr><div class="print-footer"><p>{_e(ch.footer_lines()[1])}</p><p>{_e(ch.footer_lines()[2])}</p>'
            f'<p>{_e(ch.footer_lines()[5])}</p></div>\n')
    return _doc(head, 'onload="window.print()" class="print-view"', body, _top(parts))


def liferay7(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " - ", "Chi tiết tin tức") + '\n<link href="/o/govvn-theme/css/main.css" rel="stylesheet">'
    menu = "".join(f'<li class="lfr-nav-item nav-item"><a class="nav-link" href="/web/guest/{i}"><span>{_e(m)}</span></a></li>' for i, m in enumerate(ch.menu))
    h = f'<h3 class="header-title">{_e(parts.headline)}</h3>' if parts.headline else ""
    d = f'<div class="date-publish"><span class="time">{_e(parts.date_line)}</span></div>' if parts.date_line else ""

    def portlet(pid: str, caption: str, inner: str) -> str:
        return (f'<section class="portlet" id="portlet_{pid}"><div class="portlet-content"><div class="autofit-float autofit-row portlet-header">'
                f'<div class="autofit-col autofit-col-expand"><h2 class="portlet-title-text">{_e(caption)}</h2></div></div>'
                f'<div class="portlet-content-container"><div class="portlet-body">{inner}</div></div></div></section>\n')

    main = (f'<div class="journal-content-article" data-analytics-asset-type="web-content">{_pre(parts, "div", "category-name")}{h}{d}'
            f'<div class="toolbar-article"><a href="#print">In bài viết</a> <a href="#mail">Gửi email</a></div>'
            f'<div class="content-detail">\n{article_body(parts, "lines")}</div></div>')
    body = (f'<div class="d-flex flex-column min-vh-100"><header id="banner" role="banner"><div class="navbar-header">'
            f'<a class="logo" href="/web/guest" title="{_e(ch.site)}"><span class="site-name">{_e(ch.site)}</span></a></div>'
            f'<nav id="navigation" role="navigation"><ul aria-label="Trang" role="menubar">{menu}</ul></nav></header>\n'
            f'<section id="content"><div class="columns-2" id="main-content" role="main"><div class="portlet-layout row">'
            f'<div class="col-md-8 portlet-column" id="column-1">'
            + portlet("com_liferay_site_navigation_breadcrumb_web_portlet_SiteNavigationBreadcrumbPortlet", "Breadcrumb",
                      f'<ol class="breadcrumb"><li class="breadcrumb-item"><a href="/">{_e(ch.crumbs[0])}</a></li><li class="breadcrumb-item">{_e(ch.crumbs[1])}</li></ol>')
            + portlet("com_liferay_journal_content_web_portlet_JournalContentPortlet_INSTANCE_x1", "Chi tiết tin tức", main)
            + portlet("com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_o2", "Tin khác",
                      "<ul>" + _li(ch.others, "<li class=list-group-item><a href={href}>{title}</a> <span class=date>({date})</span></li>") + "</ul>")
            + '</div><div class="col-md-4 portlet-column" id="column-2">'
            + portlet("com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_n3", "Tin mới nhất",
                      "<ul>" + _li(ch.latest, "<li><a href={href}>{title}</a><div class=date>{date}</div></li>") + "</ul>")
            + portlet("com_liferay_asset_publisher_web_portlet_AssetPublisherPortlet_INSTANCE_v4", "Văn bản liên quan",
                      "<ul>" + _docs_li(ch, "<li><a href={href}>{number}</a> ({date}) {summary}</li>") + "</ul>")
            + portlet("vn_counter_portlet", "Thống kê truy cập",
                      f"<p>Đang truy cập: {ch.counter[0]}</p><p>Hôm nay: {ch.counter[1]}</p><p>Tổng lượt truy cập: {ch.counter[2]}</p>")
            + '</div></div></div></section>\n<footer id="footer" role="contentinfo">'
            + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines()) + "</footer></div>\n")
    return _doc(head, 'class="controls-visible guest-site signed-out public-page site"', body, _top(parts))


def legal_mirror(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " - ") + '\n<meta name="robots" content="index,follow">'
    h = f'<h1 class="doc-title">{_e(parts.headline)}</h1>' if parts.headline else ""
    d = f'<div class="doc-date">{_e(parts.date_line)}</div>' if parts.date_line else ""
    body = (f'<div id="header"><a href="/" class="logo">{_e(ch.site)}</a><form id="search" action="/tim-van-ban">'
            f'<input name="keyword" placeholder="Nhập tên văn bản, số hiệu..."><button>Tìm kiếm</button></form>'
            f'<ul class="top-menu"><li><a href="/van-ban">Văn bản pháp luật</a></li><li><a href="/cong-van">Công văn</a></li>'
            f'<li><a href="/tieu-chuan">Tiêu chuẩn Việt Nam</a></li><li><a href="/dang-ky">Đăng ký</a></li><li><a href="/dang-nhap">Đăng nhập</a></li></ul></div>\n'
            f'<div class="breadcrumb"><a href="/">Trang chủ</a> &gt; <a href="/van-ban">Văn bản pháp luật</a> &gt; <span>Bộ máy hành chính</span></div>\n'
            f'<div id="main"><div class="left-col">{_pre(parts)}{h}{d}'
            f'<ul class="tabs"><li class="active">Nội dung</li><li>Tiếng Anh</li><li>Văn bản gốc</li><li>Lược đồ</li><li>Tải về</li></ul>\n'
            f'<div class="content1"><div id="divContentDoc"><div class="cldivContentDocVn">\n{article_body(parts, "flat")}</div></div></div>\n'
            f'<div class="tool-bar"><a href="#print">In bài viết</a> <a href="#save">Lưu văn bản</a> <a href="#share">Chia sẻ</a></div></div>\n'
            f'<div class="right-col"><div class="box"><h3>Văn bản liên quan</h3><ul>'
            f'{_docs_li(ch, "<li><a href={href}>{summary} số {number}</a><p>Ban hành: {date}</p></li>")}</ul></div>'
            f'<div class="box"><h3>Tin mới nhất</h3><ul>{_li(ch.latest, "<li><a href={href}>{title}</a> <span>Cập nhật: {date}</span></li>")}</ul></div>'
            f'<div class="box"><h3>Tin khác</h3><ul>{_li(ch.others, "<li><a href={href}>{title}</a> ({date})</li>")}</ul></div></div></div>\n'
            f'<div id="footer"><p>{_e(ch.site)} - Cơ sở dữ liệu văn bản pháp luật</p>'
            + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines()[1:])
            + f'<p>Đang truy cập: {ch.counter[0]} - Tổng lượt truy cập: {ch.counter[2]}</p></div>\n')
    return _doc(head, 'class="doc-page"', body, _top(parts))


def nukeviet(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " - ") + '\n<meta name="generator" content="NukeViet v4.5">'
    menu = "".join(f'<li><a href="/vi/news/{i}/">{_e(m)}</a></li>' for i, m in enumerate(ch.menu))
    h = f'<h1 class="title margin-bottom-lg">{_e(parts.headline)}</h1>' if parts.headline else ""
    d = (f'<div class="row margin-bottom-lg newsdetailmetatop"><div class="col-md-12"><span class="h5">'
         f'<i class="fa fa-clock-o" aria-hidden="true"></i>{_e(parts.date_line)}</span></div></div>') if parts.date_line else ""
    body = (f'<div id="header"><a href="/"><h1>{_e(ch.site.upper())}</h1></a></div>\n'
            f'<div id="menu"><ul class="menu">{menu}</ul></div>\n'
            f'<ul class="breadcrumbs list-none"><li><a href="/">{_e(ch.crumbs[0])}</a></li><li><a href="/vi/news/">{_e(ch.crumbs[1])}</a></li></ul>\n'
            f'<div class="col-sm-16 col-md-18"><div class="news_column panel panel-default newsdetail"><div class="panel-body">'
            f'{_pre(parts, "span", "text-muted")}{h}{d}'
            f'<ul class="list-inline text-right"><li><a class="print" href="#print">In bài viết</a></li><li><a href="#mail">Gửi email</a></li></ul>'
            f'<div id="news-bodyhtml" class="bodytext margin-bottom-lg">\n{article_body(parts, "flat")}</div></div></div>\n'
            f'<div class="news_column panel panel-default"><div class="panel-body other-news"><p class="h3"><strong>Tin khác</strong></p><ul class="related">'
            f'{_li(ch.others, "<li><a href={href}>{title}</a> <em>({date})</em></li>")}</ul></div></div></div>\n'
            f'<div class="col-sm-8 col-md-6"><div class="panel panel-primary"><div class="panel-heading">Tin mới nhất</div><div class="panel-body"><ul>'
            f'{_li(ch.latest, "<li><a href={href}>{title}</a> <span>{date}</span></li>")}</ul></div></div>'
            f'<div class="panel panel-primary"><div class="panel-heading">Văn bản liên quan</div><div class="panel-body"><ul>'
            f'{_docs_li(ch, "<li><a href={href}>{number}</a> ({date}) {summary}</li>")}</ul></div></div>'
            f'<div class="panel panel-primary"><div class="panel-heading">Thống kê truy cập</div><div class="panel-body"><ul class="counter">'
            f'<li>Đang truy cập: {ch.counter[0]}</li><li>Hôm nay: {ch.counter[1]}</li><li>Tổng lượt truy cập: {ch.counter[2]}</li></ul></div></div></div>\n'
            f'<div id="footer" class="footer">' + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines()) + "</div>\n")
    return _doc(head, 'class="nukeviet"', body, _top(parts))


def sharepoint_vn(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " - ") + '\n<meta name="GENERATOR" content="Microsoft SharePoint">'
    menu = "".join(f'<li><a href="/Pages/{i}.aspx">{_e(m)}</a></li>' for i, m in enumerate(ch.menu))
    h = f'<h2 class="news-title">{_e(parts.headline)}</h2>' if parts.headline else ""
    d = f'<div class="news-date">{_e(parts.date_line)}</div>' if parts.date_line else ""
    body = (f'<form method="post" action="./chi-tiet.aspx" id="aspnetForm"><div id="s4-workspace"><div id="s4-bodyContainer">\n'
            f'<div class="header"><a href="/"><span class="site-name">{_e(ch.site)}</span></a></div>\n'
            f'<ul class="menu">{menu}</ul>\n'
            f'<div class="breadcrumb"><a href="/">{_e(ch.crumbs[0])}</a> &gt; <span>{_e(ch.crumbs[1])}</span></div>\n'
            f'<div class="main-content col-md-9"><div class="news-detail">{_pre(parts, "div", "news-cat")}{h}{d}'
            f'<div class="news-tool"><a href="#print">In bài viết</a> <a href="#mail">Gửi email</a></div>'
            f'<div class="news-content"><div class="ms-rtestate-field">\n{article_body(parts, "lines")}</div></div></div>\n'
            f'<div class="tin-khac"><h3>Tin khác</h3><ul>'
            f'{_li(ch.others, "<li><a href={href}>{title}</a> <span class=date>({date})</span></li>")}</ul></div></div>\n'
            f'<div class="right-col col-md-3"><div class="box-tinmoi"><h3>Tin mới nhất</h3><ul>'
            f'{_li(ch.latest, "<li><a href={href}>{title}</a> <span class=date>{date}</span></li>")}</ul></div>'
            f'<div class="box-vanban"><h3>Văn bản liên quan</h3><ul>{_docs_li(ch, "<li><a href={href}>{number}</a> ({date}) {summary}</li>")}</ul></div>'
            f'<div class="thongke-truycap"><h3>Thống kê truy cập</h3><p>Đang truy cập: {ch.counter[0]}</p><p>Hôm nay: {ch.counter[1]}</p>'
            f'<p>Tổng lượt truy cập: {ch.counter[2]}</p></div></div>\n'
            f'<div class="footer">' + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines()) + "</div></div></div></form>\n")
    return _doc(head, 'class="sharepoint_vn"', body, _top(parts))


def tandan_sp(parts: Parts, ch: Chrome) -> str:
    head = _title_tag(parts, ch, " - ") + '\n<meta name="GENERATOR" content="Microsoft SharePoint">'
    menu = "".join(f'<li><a class="parent" href="/Pages/{i}.aspx">{_e(m)}</a></li>' for i, m in enumerate(ch.menu))
    h = f'<p class="tandan-p-article-news-title">{_e(parts.headline)}</p>' if parts.headline else ""
    d = (f'<div class="tandan-div-article-info"><span class="tandan-span-date-publish">{_e(parts.date_line)}</span></div>'
         if parts.date_line else "")
    body = (f'<form method="post" id="aspnetForm"><div class="tandan-div-nav-top"><a href="/">{_e(ch.crumbs[0])}</a> | <a href="/sitemap">Sơ đồ cổng</a> | <a href="/lienhe">Liên hệ</a></div>\n'
            f'<div class="tandan-div-banner"><span>{_e(ch.site.upper())}</span></div>\n'
            f'<div class="tandan-div-nav"><div class="tandan-nav-lop menu-lv1"><ul class="tandan-ul-nav left">{menu}</ul></div></div>\n'
            f'<div class="tandan-div-main"><div class="tandan-div-breadcrumb"><a href="/">{_e(ch.crumbs[0])}</a> » {_e(ch.crumbs[1])}</div>'
            f'<div class="tandan-div-article">{_pre(parts, "span", "tandan-span-category")}{h}{d}'
            f'<div class="tandan-div-tool"><a href="#print">In bài viết</a> <a href="#mail">Gửi email</a></div>'
            f'<div class="ms-rtestate-field">\n{article_body(parts, "table")}</div></div>\n'
            f'<div class="tandan-div-article-other"><div class="tin-khac"><p>Tin khác</p><ul>'
            f'{_li(ch.others, "<li><a href={href}>{title}</a> <span class=date>({date})</span></li>")}</ul></div></div></div>\n'
            f'<div class="tandan-div-right"><div class="block border has-icon"><div class="title">Tin mới nhất</div><div class="body"><ul>'
            f'{_li(ch.latest, "<li><a href={href}>{title}</a> <span class=date>{date}</span></li>")}</ul></div></div>'
            f'<div class="block border has-icon"><div class="title">Văn bản liên quan</div><div class="body"><ul>'
            f'{_docs_li(ch, "<li><a href={href}>{number}</a> ({date}) {summary}</li>")}</ul></div></div>'
            f'<div class="block border has-icon"><div class="title">Thống kê truy cập</div><div class="body"><ul class="tandan-ul-thongke">'
            f'<li>Đang truy cập: {ch.counter[0]}</li><li>Hôm nay: {ch.counter[1]}</li><li>Tổng lượt truy cập: {ch.counter[2]}</li></ul></div></div></div>\n'
            f'<div class="tandan-div-footer">' + "".join(f"<p>{_e(x)}</p>" for x in ch.footer_lines()) + "</div></form>\n")
    return _doc(head, 'class="tandan_sp"', body, _top(parts))


RENDERERS: dict[str, Callable[[Parts, Chrome], str]] = {
    "wordpress": wordpress, "joomla": joomla, "dnn": dnn, "drupal": drupal, "table_php": table_php,
    "aspnet_mvc": aspnet_mvc, "print_view": print_view, "liferay7": liferay7, "legal_mirror": legal_mirror,
    "nukeviet": nukeviet, "sharepoint_vn": sharepoint_vn, "tandan_sp": tandan_sp,
}
assert set(RENDERERS) == set(MARKUPS)


def render(slug: str, meta: dict[str, Any], source: str) -> str:
    """page.html for one corpus folder: `source` wrapped in the markup meta names."""
    markup = meta.get("markup")
    if markup not in RENDERERS:
        raise ValueError(f"{slug}: unknown markup {markup!r}; one of {', '.join(MARKUPS)}")
    source = unicodedata.normalize("NFC", source.replace("\r\n", "\n"))
    parts = split_source(source, meta)
    return RENDERERS[markup](parts, make_chrome(slug, meta))


def folder_files(folder: Path) -> tuple[dict[str, Any], str]:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    source = (folder / "source.txt").read_text(encoding="utf-8")
    return meta, source


def build(folder: Path) -> str:
    meta, source = folder_files(folder)
    return render(folder.name, meta, source)


def folders(root: Path = REAL, slugs: list[str] | None = None) -> list[Path]:
    all_ = sorted(p for p in root.iterdir() if p.is_dir() and (p / "meta.json").exists()) if root.is_dir() else []
    if slugs:
        wanted = set(slugs)
        missing = wanted - {p.name for p in all_}
        if missing:
            raise SystemExit(f"error: no corpus folder {', '.join(sorted(missing))}")
        return [p for p in all_ if p.name in wanted]
    return all_


def stats(root: Path = REAL) -> dict[str, Any]:
    """Corpus counts the issue's floors are stated in."""
    metas = [(p.name, folder_files(p)[0]) for p in folders(root)]
    portals = {m["portal"] for _, m in metas if m.get("portal_kind") in PORTAL_KINDS_COUNTED}
    markups = Counter(m["markup"] for _, m in metas)
    held = [m for _, m in metas if m.get("heldout")]
    train_portals = {m["portal"] for _, m in metas if not m.get("heldout")}
    return {
        "pages": len(metas),
        "portals": len(portals),
        "markups": dict(sorted(markups.items())),
        "markups_not_simulated": sorted(k for k in markups if k not in SIMULATED),
        "levels": dict(sorted(Counter(m["level"] for _, m in metas).items())),
        "kinds": dict(sorted(Counter(m["kind"] for _, m in metas).items())),
        "heldout": len(held),
        "heldout_portals_unique": len({m["portal"] for m in held} - train_portals),
        "heldout_pages_from_unique_portals": sum(1 for m in held if m["portal"] not in train_portals),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="build and count the real-text corpus (tests/fixtures/real)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="write page.html of each folder (all when no slug is given)")
    b.add_argument("slugs", nargs="*")
    sub.add_parser("stats", help="corpus counts")
    args = ap.parse_args(argv)
    if args.cmd == "build":
        for folder in folders(REAL, args.slugs):
            html_text = build(folder)
            (folder / "page.html").write_text(html_text, encoding="utf-8")
            print(f"built {folder.name}/page.html ({len(html_text.encode('utf-8'))} bytes)")
        return 0
    s = stats(REAL)
    print(f"pages: {s['pages']}")
    print(f"distinct government/party portals (mirror/press not counted): {s['portals']}")
    print(f"markups: {len(s['markups'])} {s['markups']}")
    print(f"markups not modelled by the simulator: {len(s['markups_not_simulated'])} {s['markups_not_simulated']}")
    print(f"levels: {s['levels']}")
    print(f"kinds: {s['kinds']}")
    print(f"held-out pages: {s['heldout']} ({s['heldout_pages_from_unique_portals']} from portals used nowhere else)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
