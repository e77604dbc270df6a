"""What bounds extraction's cost (issue 9): the caps of pipelines/extract/page.py, the linear box
finder of prune_boxes, and byte-order marks.

Each cap is tested on a page just over it: the record still carries the article's headline and
text (what comes first is kept), and `warnings` names what was cut. No ordinary page is cut. No
test here times anything: linearity is measured by bench/linearity.py.
"""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from lxml import etree

from pipelines.extract import extract
from pipelines.extract import page as page_mod
from pipelines.extract.budget import (
    MAX_ATTRIBUTES,
    MAX_CHILDREN,
    MAX_DEPTH,
    MAX_ELEMENTS,
    MAX_LINKS,
    cap_attributes,
)
from pipelines.extract.evaluate import compare, load_corpus
from pipelines.extract.page import decode_html, load_page
from pipelines.extract.prune import _box_candidates

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
CORPUS = load_corpus(PAGES)
URL = "https://sonoivu.tuyenquang.gov.vn/tin-tuc/ke-hoach-cchc-2024.html"
TITLE = "Kế hoạch cải cách hành chính năm 2024 của tỉnh"
HEAD = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + TITLE + " - Sở Nội vụ</title></head>"
    "<body><div class='main'><h1 class='title'>" + TITLE + "</h1><div class='date'>12/03/2024 09:15</div>"
    "<div class='content'><p>Ủy ban nhân dân tỉnh ban hành Kế hoạch số 45/KH-UBND ngày 10/3/2024 về cải "
    "cách hành chính năm 2024 nhằm nâng cao chất lượng phục vụ người dân và doanh nghiệp, đẩy mạnh chuyển "
    "đổi số trong giải quyết thủ tục hành chính trên địa bàn tỉnh.</p></div>"
)
TAIL = "</div></body></html>"
# the tag scan runs on pages from 32 KB (smaller ones cannot hold a tag that costs the parser a second)
FILLER = "<p>" + "Nội dung trang. " * 2200 + "</p>"


def caps_of(rec_warnings: list[str]) -> list[str]:
    return [w for w in rec_warnings if w.startswith("cap:")]


def assert_article_kept(rec: object) -> None:
    d = rec.to_dict()  # type: ignore[attr-defined]
    assert d["title"] == TITLE
    assert d["published_at"] == "2024-03-12T09:15:00+07:00"
    assert "Kế hoạch số 45/KH-UBND" in (d["text"] or "")
    assert d["doc_number"] == "45/KH-UBND"


def test_no_ordinary_page_is_cut() -> None:
    assert len(CORPUS) >= 30
    for fx in CORPUS:
        assert caps_of(fx.extract().warnings) == [], fx.name


def test_rows_over_the_children_cap_are_cut_and_named() -> None:
    rows = "".join(f"<tr><td>{i}/KH-UBND</td><td>Kế hoạch số {i}</td></tr>" for i in range(MAX_CHILDREN + 300))
    rec = extract(HEAD + "<table>" + rows + "</table>" + TAIL, URL)
    assert caps_of(rec.warnings) == [
        (f"cap: 1 element(s) with more than {MAX_CHILDREN:,} children (table rows, list items; "
         f"up to {MAX_CHILDREN + 300:,}); kept the first {MAX_CHILDREN:,} of each")]
    assert_article_kept(rec)
    page = load_page(HEAD + "<table>" + rows + "</table>" + TAIL, URL)
    [table] = page.tree.iter("table")
    assert len(table) == MAX_CHILDREN
    assert table[-1][0].text == f"{MAX_CHILDREN - 1}/KH-UBND"   # the first rows are the ones kept


def test_links_over_the_links_cap_are_dropped_with_their_text_kept() -> None:
    # 50 links a box, so that no parent is over the children cap
    boxes = "".join("<div>" + "".join(f"<p><a href='/tin/{i}.html'>Tin {i}</a> đuôi {i}</p>"
                                      for i in range(b, b + 50)) + "</div>" for b in range(0, MAX_LINKS + 50, 50))
    html = HEAD + "<div>" + boxes + "</div>" + TAIL
    rec = extract(html, URL)
    assert caps_of(rec.warnings) == [
        f"cap: page has more than {MAX_LINKS:,} links; dropped 50 after the first {MAX_LINKS:,}"]
    assert_article_kept(rec)
    page = load_page(html, URL)
    assert sum(1 for _ in page.tree.iter("a")) == MAX_LINKS
    assert f"đuôi {MAX_LINKS + 49}" in page.flat   # a dropped link's tail text stays on the page


def test_elements_over_the_element_cap_are_cut_in_document_order() -> None:
    side = 200   # 200 rows × 200 cells = 40k elements > MAX_ELEMENTS, no parent over MAX_CHILDREN
    row = "<tr>" + "".join(f"<td>{j}</td>" for j in range(side)) + "</tr>"
    html = HEAD + "<table>" + row * side + "</table>" + TAIL
    rec = extract(html, URL)
    assert caps_of(rec.warnings) == [f"cap: page has more than {MAX_ELEMENTS:,} elements; read the first {MAX_ELEMENTS:,}"]
    assert_article_kept(rec)
    page = load_page(html, URL)
    assert sum(1 for _ in page.tree.iter()) == MAX_ELEMENTS


def test_a_tag_with_too_many_attributes_keeps_the_first_ones() -> None:
    attrs = " ".join(f"data-a{i}='{i}'" for i in range(MAX_ATTRIBUTES + 1000))
    html = HEAD + f"<div id='box' {attrs}>Nội dung hộp</div>" + FILLER + TAIL
    rec = extract(html, URL)
    assert caps_of(rec.warnings) == [
        (f"cap: 1 tag(s) with more than {MAX_ATTRIBUTES} attributes (up to {MAX_ATTRIBUTES + 1001}); "
         f"kept the first {MAX_ATTRIBUTES} of each")]
    assert_article_kept(rec)
    box = load_page(html, URL).tree.get_element_by_id("box")
    assert len(box.attrib) == MAX_ATTRIBUTES
    assert box.get(f"data-a{MAX_ATTRIBUTES - 2}") == str(MAX_ATTRIBUTES - 2)
    assert box.text == "Nội dung hộp"


@pytest.mark.parametrize("attrs", [
    " ".join(f"a{i}" for i in range(MAX_ATTRIBUTES + 10)),                 # bare names
    " ".join(f'a{i}="x>y"' for i in range(MAX_ATTRIBUTES + 10)),           # '>' inside quoted values
    "".join(f"a{i}='v'" for i in range(MAX_ATTRIBUTES + 10)),              # no space between attributes
])
def test_attribute_cap_reads_tags_as_the_parser_does(attrs: str) -> None:
    html = HEAD + f"<div id='box' {attrs}>texte</div>" + FILLER + TAIL
    capped, warnings = cap_attributes(html)
    assert len(html) > 32_000 and len(warnings) == 1
    box = load_page(capped, URL).tree.get_element_by_id("box")
    assert len(box.attrib) == MAX_ATTRIBUTES and box.text == "texte"


def test_markup_over_the_size_cap_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(page_mod, "MAX_MARKUP_CHARS", 20_000)
    filler = "<p>" + "Nội dung dài. " * 3000 + "</p>"
    html = HEAD + filler + TAIL
    rec = extract(html, URL)
    assert caps_of(rec.warnings) == [f"cap: page has {len(html):,} characters of markup; read the first 20,000"]
    assert_article_kept(rec)


def test_subtrees_nested_below_the_depth_cap_are_flattened_to_their_text() -> None:
    # 40 towers of 100 nested divs (4,000 elements, so the caps are checked), a text at each top
    towers = "".join("<div>" * 100 + f"Tầng sâu {i}" + "</div>" * 100 for i in range(40))
    html = HEAD + towers + TAIL
    rec = extract(html, URL)
    assert caps_of(rec.warnings) == [f"cap: 40 element(s) nested {MAX_DEPTH} deep hold deeper ones; flattened to their text"]
    assert_article_kept(rec)
    page = load_page(html, URL)

    def depth(el: object) -> int:
        d = 0
        while el is not None:
            el, d = el.getparent(), d + 1  # type: ignore[attr-defined]
        return d

    assert max(depth(el) for el in page.tree.iter()) == MAX_DEPTH
    assert all(f"Tầng sâu {i}" in page.flat for i in range(40))


# prune_boxes used this XPath; it is quadratic in libxml2 and stays here as the specification
_REFERENCE = etree.XPath("//text()[string-length(.) < 90][string-length(normalize-space(.)) > 1]/parent::*")


def test_box_candidates_are_the_xpath_nodes_on_every_fixture_page() -> None:
    tricky = ("<html><body><div>\u00a0\u00a0<b>x</b> Tin khác </div><ul><li> \n </li><li>ab</li><li>"
              + "y" * 95 + "</li></ul><p><i>a</i><i>b</i><i>c</i> tail text</p></body></html>")
    pages = [fx.html() for fx in CORPUS] + [tricky]
    for html in pages:
        tree = load_page(html, URL).tree
        expected = [el for el in _REFERENCE(tree) if len(el) <= 2]
        assert list(_box_candidates(tree)) == expected


SEED_PAGES = [fx for fx in CORPUS if not fx.expected.get("bytes")]


@pytest.mark.parametrize("bom,codec", [
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
], ids=["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_pages_with_a_byte_order_mark_read_as_the_mark_says(bom: bytes, codec: str) -> None:
    """Every UTF-8 fixture page, re-encoded with a BOM, gives the same record field by field."""
    assert len(SEED_PAGES) >= 30
    for fx in SEED_PAGES:
        data = bom + fx.html().encode(codec)   # type: ignore[union-attr]
        rec = extract(data, fx.url, fx.context(), fetched_at=fx.fetched_at)
        wrong = {k: (got, exp) for k, (ok, got, exp) in compare(rec, fx.expected).items() if not ok}
        assert not wrong, f"{fx.name} in {codec}: {wrong}"


def test_decode_html_bom_rules() -> None:
    text = "<p>Kết quả giải quyết TTHC</p>"
    assert decode_html(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == (text, [])
    assert decode_html(codecs.BOM_UTF32_LE + text.encode("utf-32-le")) == (text, [])   # not read as UTF-16
    # the mark outranks a declaration
    declared = "<meta charset='windows-1258'>" + text
    assert decode_html(codecs.BOM_UTF16_BE + declared.encode("utf-16-be")) == (declared, [])
    # a mark whose bytes do not follow is said so, and what decodes is kept
    got, warnings = decode_html(codecs.BOM_UTF8 + b"<p>ok \xff</p>")
    assert got == "<p>ok \ufffd</p>" and warnings == [
        "charset: byte-order mark says utf-8 but the bytes do not decode; undecodable bytes replaced"]


def test_control_characters_do_not_break_pruning() -> None:
    """Found by bench/fuzz_extract.py: libxml2 keeps C0 controls and U+FFFE in text, and lxml then
    refuses to join a removed element's tail onto them (ValueError out of extract)."""
    html = (HEAD + "<div class='menu'><a href='/'>Trang chủ</a></div>\x01 sau menu\x0c tiếp\ufffe"
            "<div><h3>Tin khác</h3><ul><li><a href='/tin/1.html'>Tin một</a></li></ul></div>\x1f đuôi" + TAIL)
    rec = extract(html.encode("utf-8"), URL)
    assert_article_kept(rec)
    page = load_page(html, URL)
    assert "\ufffd sau menu tiếp\ufffd" in page.flat   # form feed read as a space, the rest as U+FFFD
