"""Hypothesis strategies for portal-like pages, shared by tests/extract/test_property_extract.py
(a modest example count in CI) and bench/fuzz_extract.py (a longer run with bigger pages).

A page is built from the pieces extraction reads: headlines, date lines, widget and counter labels
with figures, register labels, document numbers, related-news boxes, tables, lists and links,
with Vietnamese text in NFC, NFD and without diacritics, nested at random, with broken markup
(unclosed and stray tags, bare '<' and '&', unquoted or duplicated attributes), and delivered as a
str or as bytes in several encodings (with and without a byte-order mark or a declaration).
"""
from __future__ import annotations

import codecs
import unicodedata

from hypothesis import strategies as st

WORDS = (
    "Kế hoạch", "cải cách hành chính", "tuyên truyền", "năm", "Ủy ban nhân dân", "tỉnh", "xã", "Đảng ủy",
    "thủ tục", "hồ sơ", "giải quyết", "đúng hạn", "trễ hạn", "chuyển đổi số", "người dân", "doanh nghiệp",
    "Ke hoach", "cai cach hanh chinh", "tuyen truyen", "UBND", "TTHC", "CCHC", "Huyện ủy", "Sở Nội vụ",
    "ban hành", "thực hiện", "Căn cứ", "về việc", "mục đích", "yêu cầu", "kinh phí", "tổ chức thực hiện",
    "phát thanh", "trang thông tin điện tử", "pa-nô", "khẩu hiệu", "Hội nghị", "báo cáo", "KẾ HOẠCH",
)
LABELS = (
    "Kết quả giải quyết TTHC", "Số hồ sơ xử lý:", "Đúng hạn:", "Trễ hạn:", "Tỷ lệ đúng hạn:", "Đã giải quyết",
    "Cập nhật lúc:", "Đang truy cập:", "Hôm nay:", "Tổng lượt truy cập:", "Tuần này", "Tháng hiện tại",
    "Số ký hiệu", "Ngày ban hành", "Trích yếu", "Loại văn bản", "Cơ quan ban hành", "Tin khác", "Tin mới nhất",
    "Tin liên quan", "Xem thêm", "Thống kê truy cập", "QR code", "Đến tháng 8/2022 đã giải quyết", "Chia sẻ",
    "Tải file", "Mục đích:", "Nội dung:", "I. MỤC ĐÍCH, YÊU CẦU", "Thứ ba - 12/03/2024 09:15",
)
DATES = (
    "12/03/2024", "1/1/2023", "31/12/2022 23:59", "ngày 10 tháng 3 năm 2024", "2024-03-12", "29/02/2023",
    "31/02/2024", "00/00/0000", "99/99/9999", "12-08-2022 13:15:32", "08:15 SA 12/8/2022", "12.08.2022",
    "ngày 32 tháng 13 năm 2024", "2022-13-45T25:61:00", "Thứ hai, 01/03/2021", "tháng 8/2022", "9999-12-31",
    "0001-01-01", "1/1/1", "29/02/2400",
)
NUMBERS = (
    "45/KH-UBND", "41-KH/ĐU", "123/QĐ-UBND", "2.142", "99,5%", "0,59%", "4.798.809", "24,103", "100%",
    "12/2024/NQ-HĐND", "Số: 25 /KH-UBND", "1e308", "-5", "00000000000000000000123", "3.400", "1.234,56",
)
TEXT_FORMS = ("nfc", "nfd", "plain")


def _form(text: str, form: str) -> str:
    if form == "nfd":
        return unicodedata.normalize("NFD", text)
    if form == "plain":
        stripped = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        return stripped.replace("đ", "d").replace("Đ", "D")
    return text


@st.composite
def phrase(draw: st.DrawFn) -> str:
    """A short run of text: words, labels, dates, numbers and odd characters, in one Unicode form."""
    parts = draw(st.lists(st.one_of(
        st.sampled_from(WORDS), st.sampled_from(LABELS), st.sampled_from(DATES), st.sampled_from(NUMBERS),
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
        st.sampled_from(("&amp;", "&nbsp;", "&#x1EA1;", "&bogus;", "<", ">", "&", "\u00a0", "\t", "\n", ":", "|")),
    ), min_size=1, max_size=8))
    return _form(" ".join(parts), draw(st.sampled_from(TEXT_FORMS)))


BLOCKS = ("div", "p", "span", "section", "article", "li", "td", "th", "h1", "h2", "h3", "h4", "b", "strong",
          "a", "font", "em", "dd", "dt", "label", "small")
CLASSES = ("title", "Title", "news-title", "date", "content", "menu", "nav", "footer", "banner", "widget",
           "thongke", "portlet-title", "subtitle", "breadcrumb", "")


@st.composite
def attributes(draw: st.DrawFn) -> str:
    attrs = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            attrs.append(f"class='{draw(st.sampled_from(CLASSES))}'")
        elif kind == 1:
            attrs.append(f"href='{draw(st.sampled_from(('/files/kh-45.pdf', '/tin/1.html', 'javascript:void(0)', '#', 'http://[bad', '/Tải file.docx')))}'")
        elif kind == 2:
            attrs.append("itemprop='headline'" if draw(st.booleans()) else "itemprop='datePublished'")
        elif kind == 3:
            attrs.append(f"datetime='{draw(st.sampled_from(DATES))}'")
        elif kind == 4:
            attrs.append("id=x id=y")   # unquoted and duplicated
        else:
            attrs.append(f"data-x=\"{draw(phrase())}\"")
    return (" " + " ".join(attrs)) if attrs else ""


def element(depth: int) -> st.SearchStrategy[str]:
    """A random element tree of at most `depth` levels, sometimes broken."""
    leaf = phrase()
    if depth <= 0:
        return leaf

    @st.composite
    def node(draw: st.DrawFn) -> str:
        shape = draw(st.integers(0, 9))
        inner = element(depth - 1)
        if shape <= 3:
            tag = draw(st.sampled_from(BLOCKS))
            kids = "".join(draw(st.lists(inner, max_size=4)))
            close = "" if draw(st.integers(0, 9)) == 0 else f"</{tag}>"   # sometimes unclosed
            return f"<{tag}{draw(attributes())}>{kids}{close}"
        if shape == 4:
            rows = draw(st.lists(st.lists(inner, min_size=1, max_size=4), max_size=5))
            return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>"
        if shape == 5:
            return "<ul>" + "".join(f"<li><a href='/tin/{i}.html'>{c}</a></li>" for i, c in
                                    enumerate(draw(st.lists(inner, max_size=5)))) + "</ul>"
        if shape == 6:
            return f"<div><h3>{draw(st.sampled_from(LABELS))}</h3>{draw(inner)}</div>"
        if shape == 7:
            return draw(st.sampled_from(("</div>", "<br>", "<hr/>", "</td>", "<p", "<!-- x", "<![CDATA[", "<script>var a=1<2;</script>",
                                         "<style>p{}</style>", "<iframe src='/thongke'></iframe>", "<?xml x?>", "</html>")))
        return draw(leaf)

    return node()


@st.composite
def page_html(draw: st.DrawFn, depth: int = 4, max_repeat: int = 3) -> str:
    """A whole page as text: maybe a head with title/meta, a body of random elements, some of
    them repeated (`max_repeat` large makes big pages for the fuzz bench)."""
    head = ""
    if draw(st.booleans()):
        title = draw(phrase())
        meta = draw(st.sampled_from(("", "<meta charset='utf-8'>", "<meta charset='windows-1258'>",
                                     "<meta http-equiv='Content-Type' content='text/html; charset=utf-16'>",
                                     "<meta property='og:title' content='Kế hoạch CCHC năm 2024'>",
                                     "<meta property='article:published_time' content='2024-03-12T09:15:00+07:00'>")))
        head = f"<head>{meta}<title>{title}</title></head>"
    body = []
    for piece in draw(st.lists(element(depth), min_size=0, max_size=6)):
        body.append(piece * draw(st.integers(1, max_repeat)))
    prefix = draw(st.sampled_from(("<!DOCTYPE html>", "", "<?xml version='1.0' encoding='utf-8'?>", "  \n")))
    return f"{prefix}<html>{head}<body>{''.join(body)}</body></html>"


ENCODINGS = ("str", "utf-8", "utf-8-bom", "utf-16-bom", "utf-16-be-bom", "utf-32-bom", "windows-1258", "latin-1-junk")


@st.composite
def page_input(draw: st.DrawFn, depth: int = 4, max_repeat: int = 3) -> str | bytes:
    """What extract() is handed: the page as str, or as bytes in one of ENCODINGS."""
    html = draw(page_html(depth=depth, max_repeat=max_repeat))
    enc = draw(st.sampled_from(ENCODINGS))
    if enc == "str":
        return html
    if enc == "utf-8":
        return html.encode("utf-8")
    if enc == "utf-8-bom":
        return codecs.BOM_UTF8 + html.encode("utf-8")
    if enc == "utf-16-bom":
        return html.encode("utf-16")   # Python writes the BOM
    if enc == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + html.encode("utf-16-be")
    if enc == "utf-32-bom":
        return html.encode("utf-32")
    if enc == "windows-1258":
        return html.encode("windows-1258", "replace")
    return html.encode("utf-8")[::-1] + bytes(draw(st.binary(max_size=64)))   # bytes that decode as nothing sensible
