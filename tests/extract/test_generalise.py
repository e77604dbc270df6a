"""Extraction that generalises to real pages (issue 11): one test per CLASS of page the real text
taught, each made of a realistic snippet of that class (not of one corpus page).

The real-text corpus (tests/fixtures/real, test_real_corpus.py) scores the same classes on real texts.
"""
from __future__ import annotations

import datetime as dt

import pytest

from core.vntext import fold_aligned
from pipelines.extract import extract
from pipelines.extract.docfields import detail_fields
from pipelines.extract.document import analyse
from pipelines.extract.header import parse_header
from pipelines.extract.numbers import find_citations, find_numbers
from pipelines.extract.page import load_page
from pipelines.extract.period import year_or_period

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
URL = "https://binhdinh.gov.vn/tin-tuc/chi-tiet/12345"
FOOTER = ("<footer><p>Cơ quan chủ quản: Ủy ban nhân dân tỉnh Bình Định</p><p>Chịu trách nhiệm chính: Ông Nguyễn Văn A"
          " - Chánh Văn phòng</p><p>Địa chỉ: Số 01 Trần Phú, TP Quy Nhơn, tỉnh Bình Định</p>"
          "<p>© Bản quyền thuộc về UBND tỉnh Bình Định</p></footer>")
BODY = ("<p>Căn cứ Quyết định số 2000/QĐ-UBND ngày 01/12/2022 của UBND tỉnh về việc ban hành Chương trình "
        "cải cách hành chính giai đoạn 2021-2025;</p>"
        "<p>Ủy ban nhân dân tỉnh ban hành Kế hoạch cải cách hành chính nhà nước năm 2023 với các nội dung "
        "chủ yếu sau đây, nhằm nâng cao chất lượng phục vụ người dân, doanh nghiệp.</p>"
        "<p>I. MỤC ĐÍCH, YÊU CẦU</p><p>Đẩy mạnh cải cách thủ tục hành chính, thực hiện tốt cơ chế một cửa, một cửa "
        "liên thông tại các cơ quan hành chính nhà nước các cấp trên địa bàn tỉnh.</p>")


def page(article: str, *, title_tag: str = "Cổng thông tin điện tử tỉnh Bình Định", aside: str = "",
         wrap_form: bool = False) -> str:
    inner = (f'<div class="header"><a class="logo" href="/">Cổng thông tin điện tử tỉnh Bình Định</a></div>'
             f'<ul class="menu"><li>Trang chủ</li><li>Tin tức</li></ul><div class="content">{article}</div>{aside}{FOOTER}')
    if wrap_form:
        inner = f'<form method="post" id="aspnetForm">{inner}</form>'
    return f"<html><head><meta charset='utf-8'><title>{title_tag}</title></head><body>{inner}</body></html>"


def rec(html: str) -> dict:
    return extract(html, URL, fetched_at=NOW).to_dict()


# --- the formal header: table, lines or flattened, its number/date/organ win ------------------------

HEADER_TABLE = ('<table><tr><td><p>ỦY BAN NHÂN DÂN</p><p>TỈNH BÌNH ĐỊNH</p><p>-------</p></td><td><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA'
                ' VIỆT NAM</p><p>Độc lập - Tự do - Hạnh phúc</p></td></tr><tr><td><p>Số: 1520/KH-UBND</p></td>'
                '<td><p><i>Bình Định, ngày 05 tháng 5 năm 2023</i></p></td></tr></table><p>KẾ HOẠCH</p>'
                '<p>CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC NĂM 2023</p>')
HEADER_LINES = ("<p>ỦY BAN NHÂN DÂN</p><p>TỈNH BÌNH ĐỊNH</p><p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>"
                "<p>Độc lập - Tự do - Hạnh phúc</p><p>Số: 1520/KH-UBND</p><p>Bình Định, ngày 05 tháng 5 năm 2023</p>"
                "<p>KẾ HOẠCH</p><p>CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC NĂM 2023</p>")
HEADER_FLAT = ("<p>ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>TỈNH BÌNH ĐỊNH | Độc lập - Tự do - Hạnh phúc</p>"
               "<p>Số: 1520/KH-UBND | Bình Định, ngày 05 tháng 5 năm 2023</p><p>KẾ HOẠCH</p>"
               "<p>CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC NĂM 2023</p>")


@pytest.mark.parametrize("header", [HEADER_TABLE, HEADER_LINES, HEADER_FLAT], ids=["table", "lines", "flattened"])
def test_formal_header_is_the_page_own_document_in_every_layout(header: str) -> None:
    r = rec(page(f'<div class="entry-content">{header}{BODY}</div>'))
    assert (r["doc_number"], r["doc_type"], r["doc_date"]) == ("1520/KH-UBND", "Kế hoạch", "2023-05-05")
    assert (r["issuer"], r["organ"], r["category"], r["plan_year"]) == ("UBND tỉnh Bình Định", "government", "plan", 2023)
    numbers = [c["number"] for c in r["citations"]]
    assert "2000/QĐ-UBND" in numbers and "1520/KH-UBND" not in numbers   # cited, and never the own number


def test_header_wrapped_words_and_mirror_chrome_above() -> None:
    text = ("Hệ thống pháp luật\nĐang tải nội dung, vui lòng chờ giây lát...\n| Số hiệu | 3369/QĐ-UBND |\n"
            "BỘ\nNỘI VỤ\n-------\n|\nCỘNG\nHÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc\n|\nSố:\n1934/BC-BNV\n|\n"
            "Hà\nNội, ngày 22 tháng 06 năm 2009\n|\nBÁO CÁO\nTÌNH HÌNH THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH\nQUÝ II/2009\n"
            "Bộ Nội vụ xin báo cáo tình hình thực hiện công tác cải cách hành chính quý II/2009.")
    h = parse_header(text)
    assert h is not None
    assert (h.number, h.type, h.date, h.organ, h.place) == ("1934/BC-BNV", "Báo cáo", "2009-06-22", "BỘ NỘI VỤ", "Hà Nội")
    assert h.subject == "TÌNH HÌNH THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH QUÝ II/2009"
    a = analyse(None, text, None)
    assert (a.issuer, a.organ, a.category) == ("Bộ Nội vụ", "government", "report")


def test_sentence_with_so_is_not_a_header() -> None:
    assert parse_header("Theo đó, số 4/KH-SKHVCN về chuyển đổi số được triển khai.\nCác đơn vị thực hiện.") is None


# --- an issuer keeps its place ------------------------------------------------------------------------

@pytest.mark.parametrize("organ_lines, subject, issuer", [
    ("ỦY BAN NHÂN DÂN TỈNH", "Về việc ban hành Kế hoạch cải cách hành chính năm 2023", "UBND tỉnh Bình Định"),
    ("ỦY BAN NHÂN DÂN", "VỀ VIỆC BAN HÀNH KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH TỈNH BÌNH ĐỊNH NĂM 2023", "UBND tỉnh Bình Định"),
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ QUY NHƠN", "Về việc ban hành Kế hoạch cải cách hành chính năm 2023",
     "UBND thành phố Quy Nhơn"),
])
def test_bare_people_committee_completed_from_the_header(organ_lines: str, subject: str, issuer: str) -> None:
    place = "Quy Nhơn" if "QUY NHƠN" in organ_lines else "Bình Định"
    text = (f"{organ_lines}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 1520/QĐ-UBND\n"
            f"{place}, ngày 05 tháng 5 năm 2023\nQUYẾT ĐỊNH\n{subject}\nCăn cứ Luật Tổ chức chính quyền địa phương;")
    a = analyse(None, text, None)
    assert (a.issuer, a.organ, a.own.date, a.category) == (issuer, "government", "2023-05-05", "plan")


def test_minister_signs_for_the_ministry_and_committee_of_a_party_organisation() -> None:
    a = analyse("Phê duyệt Đề án xác định Chỉ số cải cách hành chính",
                "Ngày 24/11/2022, Bộ trưởng Bộ Nội vụ ký Quyết định số 876/QĐ-BNV phê duyệt Đề án.", None)
    assert (a.own.number, a.issuer, a.organ) == ("876/QĐ-BNV", "Bộ Nội vụ", "government")
    b = analyse("Chương trình hành động của Ban chấp hành Đảng bộ tỉnh Hà Tĩnh thực hiện Nghị quyết Đại hội",
                "Ban Chấp hành Đảng bộ tỉnh vừa ban hành Chương trình hành động số 01-CTr/TU thực hiện Nghị quyết.", None)
    assert (b.own.number, b.own.type, b.issuer, b.organ) == ("01-CTr/TU", "Chương trình hành động", "Tỉnh ủy Hà Tĩnh", "party")


def test_people_committee_in_full_is_written_ubnd_and_a_bare_level_keeps_its_place() -> None:
    a = analyse(None, "Ngày 22/12/2021, Ủy ban nhân dân xã Tân Hương ban hành Kế hoạch số 1038/KH-UBND về thực hiện "
                      "cải cách hành chính nhà nước, giai đoạn 2021-2025 trên địa bàn xã.", None)
    assert (a.issuer, a.own.date, a.plan_year, a.plan_period) == ("UBND xã Tân Hương", "2021-12-22", None, "2021-2025")
    b = analyse(None, "Thực hiện chủ đề năm 2011 của huyện “Phát triển đô thị”, ngày 13/5/2011, Ủy ban nhân dân huyện "
                      "ban hành Kế hoạch số 42/KH-UBND về thực hiện cải cách hành chính năm 2011.\nTệp đính kèm: Kế hoạch "
                      "CCHC tại huyện Thuỷ Nguyên năm 2011.doc", None)
    assert (b.own.number, b.own.date, b.issuer, b.plan_year) == ("42/KH-UBND", "2011-05-13", "UBND huyện Thuỷ Nguyên", 2011)


# --- publication date: the page's own labelled line --------------------------------------------------

@pytest.mark.parametrize("line, iso", [
    ("• Thời gian đăng: 14/03/2024 09:12:45 AM", "2024-03-14T09:12:45+07:00"),
    ("Ngày đăng: 14/03/2024 02:10 CH", "2024-03-14T14:10:00+07:00"),
    ("Cập nhật: 14/03/2024 08:05 SA | Lượt xem: 51", "2024-03-14T08:05:00+07:00"),
    ("2024-03-14 09:12:00.0", "2024-03-14T09:12:00+07:00"),
])
def test_publication_date_from_the_labelled_line(line: str, iso: str) -> None:
    r = rec(page(f'<h1 class="news-title">Triển khai thực hiện kế hoạch cải cách hành chính năm 2024</h1>'
                 f'<div class="meta">{line}</div><div class="news-content">{BODY}</div>'))
    assert r["published_at"] == iso


def test_publication_date_never_from_the_headline_or_a_cited_document() -> None:
    r = rec(page('<h1 class="title">Kết quả giải quyết TTHC tính đến 15/6/2024 của tỉnh Bình Định</h1>'
                 '<div class="body"><p>Ngày 02/9/2021, Thủ tướng Chính phủ ban hành Chỉ thị số 23/CT-TTg về đẩy mạnh cải '
                 'cách hành chính; tính đến 15/6/2024, toàn tỉnh đã tiếp nhận 120.512 hồ sơ thủ tục hành chính, đã giải '
                 'quyết 118.000 hồ sơ, trong đó đúng hạn 117.500 hồ sơ, đạt tỷ lệ 99,58%.</p>'
                 '<p>Các cơ quan tiếp tục thực hiện tốt cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục '
                 'hành chính cho người dân và doanh nghiệp trên địa bàn tỉnh.</p></div>'))
    assert r["published_at"] is None
    assert r["title"].startswith("Kết quả giải quyết TTHC")          # an article, not a widget
    assert "toàn tỉnh đã tiếp nhận 120.512 hồ sơ" in r["text"]
    assert r["category"] == "report"
    cit = next(c for c in r["citations"] if c["number"] == "23/CT-TTg")
    assert (cit["date"], cit["issuer"]) == ("2021-09-02", "Thủ tướng Chính phủ")


# --- titles ---------------------------------------------------------------------------------------------

def test_all_caps_marked_headline_is_the_headline() -> None:
    r = rec(page('<h1 class="entry-title">HỘI NGHỊ SƠ KẾT CÔNG TÁC CẢI CÁCH HÀNH CHÍNH 6 THÁNG ĐẦU NĂM 2024</h1>'
                 f'<div class="entry-content">{BODY}</div>',
                 title_tag="HỘI NGHỊ SƠ KẾT CÔNG TÁC CẢI CÁCH HÀNH CHÍNH 6 THÁNG ĐẦU NĂM 2024 – Xã Bình An"))
    assert r["title"] == "HỘI NGHỊ SƠ KẾT CÔNG TÁC CẢI CÁCH HÀNH CHÍNH 6 THÁNG ĐẦU NĂM 2024"
    assert r["published_at"] is None   # "6 tháng đầu năm 2024" in the headline is not a date


def test_title_suffix_split_at_the_site_separator_not_inside_a_place_name() -> None:
    t = "Kế hoạch cải cách hành chính tỉnh Bà Rịa - Vũng Tàu năm 2024 - Cổng TTĐT tỉnh Bà Rịa - Vũng Tàu"
    r = rec(page(f"<div>{BODY}</div>", title_tag=t))
    assert r["title"] == "Kế hoạch cải cách hành chính tỉnh Bà Rịa - Vũng Tàu năm 2024"


def test_list_caption_portlet_caption_or_site_name_is_never_the_title() -> None:
    aside = ('<div class="box"><h3>Văn bản liên quan</h3><ul><li>Số 215/QĐ-UBND ngày 12/01/2024 về việc phê duyệt danh mục'
             '</li></ul></div>')
    r = rec(page(f'<h2 class="portlet-title-text">Chi tiết tin tức</h2><div class="content-detail">{BODY}</div>',
                 aside=aside))
    assert r["title"] is None
    assert "215/QĐ-UBND" not in (r["text"] or "") and "2024-01-12" != r["published_at"]


# --- text: footers never in, the body never lost ----------------------------------------------------

def test_footer_copyright_address_never_in_text_and_body_kept_in_a_page_wide_form() -> None:
    r = rec(page(f'<h2 class="news-title">Ủy ban nhân dân tỉnh ban hành Kế hoạch cải cách hành chính năm 2023</h2>'
                 f'<div class="news-content">{BODY}<p>Tin liên quan</p></div>'
                 '<div class="tool"><a href="#">In bài viết</a> | <a href="#">Gửi email</a></div>', wrap_form=True))
    text = r["text"]
    assert "Đẩy mạnh cải cách thủ tục hành chính" in text
    for leak in ("Chịu trách nhiệm chính", "Địa chỉ: Số 01", "Bản quyền", "In bài viết", "Gửi email"):
        assert leak not in text


def test_table_layout_portal_without_headline_reads_the_content_cell() -> None:
    html = ("<html><head><title>CỔNG THÔNG TIN DU LỊCH</title></head><body><table width='990'>"
            "<tr><td colspan='3'><b>CỔNG THÔNG TIN DU LỊCH NGHỆ AN</b></td></tr>"
            "<tr><td class='left'><a href='/'>Trang chủ</a><br><a href='/gt'>Giới thiệu</a><br>Đang truy cập: 12</td>"
            f"<td class='content_news'>{BODY}</td>"
            "<td class='right'>TIN MỚI NHẤT<br><a href='/a'>Khánh thành nhà văn hóa thôn (12/03/2024)</a></td></tr>"
            "<tr><td colspan='3'>Chịu trách nhiệm chính: Ông A<br>© Bản quyền thuộc về Sở Du lịch</td></tr></table></body></html>")
    r = rec(html)
    assert r["text"].startswith("Căn cứ Quyết định số 2000/QĐ-UBND")
    assert "Khánh thành" not in r["text"] and "Chịu trách nhiệm" not in r["text"] and "Trang chủ" not in r["text"]


# --- category by the document's own type and subject ------------------------------------------------

def test_a_letter_carrying_out_a_plan_is_not_a_plan() -> None:
    a = analyse("Công văn về việc triển khai Kế hoạch cải cách hành chính năm 2024",
                "Sở Nội vụ đã có Công văn số 215/SNV-CCHC đề nghị các đơn vị triển khai thực hiện Kế hoạch số 12/KH-UBND "
                "ngày 05/01/2024 của UBND tỉnh về cải cách hành chính năm 2024.", None)
    assert (a.own.number, a.own.type, a.category, a.plan_year) == ("215/SNV-CCHC", "Công văn", "other", None)


def test_results_write_up_published_as_news_is_a_report() -> None:
    a = analyse("Kết quả thực hiện công tác cải cách hành chính 9 tháng năm 2024",
                "Trong 9 tháng năm 2024, UBND huyện đã ban hành Kế hoạch và tổ chức triển khai đầy đủ các nhiệm vụ cải cách "
                "hành chính; tỷ lệ hồ sơ giải quyết đúng hạn đạt 99,2%.", None)
    assert (a.is_cchc, a.category, a.plan_year) == (True, "report", None)


def test_digital_transformation_propaganda_plan_is_cchc_only_when_its_subject_says_so() -> None:
    body = ("UBND xã ban hành Kế hoạch số 15/KH-UBND về tuyên truyền chuyển đổi số năm 2024, góp phần xây dựng chính quyền "
            "số. Nội dung tuyên truyền gồm các dịch vụ số, kỹ năng số cho người dân; lồng ghép với cải cách hành chính.")
    a = analyse("Kế hoạch tuyên truyền chuyển đổi số năm 2024", body, None)
    assert (a.is_cchc, a.category) == (False, "other")
    b = analyse("Kế hoạch tuyên truyền cải cách hành chính và chuyển đổi số năm 2024",
                body.replace("tuyên truyền chuyển đổi số", "tuyên truyền cải cách hành chính và chuyển đổi số"), None)
    assert (b.is_cchc, b.category, b.plan_year) == (True, "propaganda_plan", 2024)


def test_a_request_to_issue_a_plan_and_a_background_conclusion_are_not_the_page_own() -> None:
    a = analyse("UBND huyện thực hiện kiểm tra công tác cải cách hành chính năm 2020",
                "Sau kiểm tra, UBND huyện yêu cầu các xã, thị trấn ban hành Kế hoạch khắc phục những hạn chế.", None)
    assert a.own.type is None and a.category == "report"
    b = analyse("Phương án điều chỉnh địa giới hành chính huyện Sa Pa",
                "Mở đầu.\nNgày 6/9/2017, Ban Thường vụ Tỉnh ủy Lào Cai đã ban hành Kết luận số 263-TB/TU ngày 06/9/2017 về "
                "Đề án nâng cấp huyện Sa Pa thành thị xã.", None)
    assert b.own.number is None and [c.number for c in b.citations] == ["263-TB/TU"]


# --- plan year and plan period -------------------------------------------------------------------------

@pytest.mark.parametrize("subject, year, period", [
    ("ke hoach cai cach hanh chinh nam 2026", 2026, None),
    ("ke hoach cai cach hanh chinh giai doan 2022\u20132025", None, "2022-2025"),
    ("ke hoach cai cach hanh chinh 2022 - 2025", None, "2022-2025"),
    ("ke hoach thuc hien chuong trinh tong the cchc giai doan 2021-2030 nam 2024", 2024, None),
    ("cai cach hanh chinh giai doan 2021-2025, dinh huong den nam 2030", None, "2021-2025"),
    ("chuong trinh hanh dong nhiem ky 2025-2030", None, None),
    ("ban hanh ngay 20 thang 12 nam 2025", None, None),
])
def test_plan_year_or_period(subject: str, year: int | None, period: str | None) -> None:
    assert year_or_period(subject) == (year, period)


def test_plan_for_next_year_issued_in_december() -> None:
    a = analyse("Kế hoạch cải cách hành chính năm 2026",
                "Ngày 20/12/2025, UBND tỉnh ban hành Kế hoạch số 300/KH-UBND về cải cách hành chính năm 2026.", None)
    assert (a.own.date, a.plan_year, a.plan_period) == ("2025-12-20", 2026, None)


# --- citations ------------------------------------------------------------------------------------------

def test_stray_space_in_a_symbol_and_a_leading_date() -> None:
    text = "Theo Tờ trình số 25/TTr- SNV ngày 03/01/2024 của Sở Nội vụ; ngày 02/9/2021, Thủ tướng Chính phủ ban hành Chỉ thị số 23/CT-TTg."
    cits = {c.number: c for c in find_citations(text, fold_aligned(text))}
    assert set(cits) == {"25/TTr-SNV", "23/CT-TTg"}
    assert (cits["25/TTr-SNV"].date, cits["25/TTr-SNV"].issuer) == ("2024-01-03", "Sở Nội vụ")
    assert (cits["23/CT-TTg"].date, cits["23/CT-TTg"].issuer) == ("2021-09-02", "Thủ tướng Chính phủ")
    assert [n.number for n in find_numbers("các số 12/QĐ-UBND - TP và 2021-2025")] == ["12/QĐ-UBND"]


def test_register_property_block_values_end_at_the_next_label() -> None:
    p = load_page("<html><body><p>Số hiệu: 14/2024/QĐ-UBND Loại văn bản: Quyết định</p>"
                  "<p>Nơi ban hành: Tỉnh Lai Châu Người ký: Lê Văn Lương</p>"
                  "<p>Ngày ban hành: 02/05/2024 Ngày hiệu lực: Đã biết</p></body></html>", URL)
    f = detail_fields(p.tree, p.lines)
    assert (f["number"], f["issuer"], f["date"]) == ("14/2024/QĐ-UBND", "Tỉnh Lai Châu", "02/05/2024")


# --- pages with almost no text: the chrome never becomes the text --------------------------------------

def test_related_list_items_are_never_the_headline() -> None:
    aside = ('<div class="moduletable"><h3>Tin khác</h3><ul><li><a class="mod-articles-category-title" href="/a">'
             'Sơ kết công tác bảo đảm trật tự an toàn giao thông</a> <span>12/03/2024</span></li></ul></div>')
    r = rec(page(f'<div itemprop="articleBody">{BODY}</div>', aside=aside))
    assert r["title"] is None and r["published_at"] is None


def test_a_short_article_in_a_layout_table_keeps_no_footer_toolbar_or_list() -> None:
    html = ("<html><head><title>Triển khai dịch vụ công trực tuyến mức độ 4 :: Sở Tài chính</title></head><body>"
            "<table width='990'><tr><td colspan='3'><b>SỞ TÀI CHÍNH TỈNH BẮC GIANG</b></td></tr><tr>"
            "<td class='left'><a href='/'>Trang chủ</a><br>Đang truy cập: 12</td><td><table width='100%'>"
            "<tr><td class='path'><a href='/'>Trang chủ</a> &gt;&gt; Cải cách hành chính</td></tr>"
            "<tr><td class='title_news'><b>Triển khai dịch vụ công trực tuyến mức độ 4</b></td></tr>"
            "<tr><td><a href='#'>[In bài viết]</a> <a href='#'>[Gửi email]</a> <a href='#'>[Trở về]</a></td></tr>"
            "<tr><td><b>Tin khác:</b></td></tr><tr><td><a href='/b'>Ra quân hưởng ứng Tháng thanh niên</a> (06/04/2024)"
            "</td></tr></table></td></tr><tr><td colspan='3' class='footer'>Cơ quan chủ quản: Sở Tài chính<br>"
            "Chịu trách nhiệm chính: Ông A<br>© Bản quyền thuộc về Sở Tài chính</td></tr></table></body></html>")
    r = rec(html)
    assert r["title"] == "Triển khai dịch vụ công trực tuyến mức độ 4"
    assert r["text"] is None or not any(w in r["text"] for w in ("Tin khác", "Ra quân", "In bài viết", "Bản quyền",
                                                                  "Chịu trách nhiệm", "Trang chủ"))
    assert r["is_cchc"] is True   # online public services in the headline


# --- headers that state no number, numbers in their looser real forms --------------------------------

def test_draft_header_with_blank_number_takes_the_stated_number() -> None:
    text = ("Ngày 21/01/2021 Ủy ban nhân dân xã đã ban hành kế hoạch số 05/KH -UBND về việc tổ chức tuyên truyền Tết.\n"
            "ỦY BAN NHÂN DÂN                   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "  XÃ NINH QUANG                   Độc lập – Tự do – Hạnh phúc\n"
            "Số :     /KH – UBND                          Ninh Quang, ngày 21 tháng  01 năm 2021\n"
            "KẾ HOẠCH\nTổ chức tuyên truyền phục vụ Tết Nguyên đán Tân Sửu 2021\n")
    a = analyse(None, text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("05/KH-UBND", "Kế hoạch", "2021-01-21")
    assert (a.own.issuer_as_written, a.issuer, a.plan_year) == ("ỦY BAN NHÂN DÂN XÃ NINH QUANG", "UBND xã Ninh Quang", None)


def test_regulation_header_of_organ_and_motto_only() -> None:
    text = ("ỦY BAN NHÂN DÂN\nXÃ XUÂN PHÚ\n|\n|\nCỘNG HOÀ XÃ HỘI\nCHỦ NGHĨA VIỆT NAM\nĐộc lập -\nTự do - Hạnh phúc\n|\n"
            "QUY CHẾ LÀM\nVIỆC\nCỦA ỦY\nBAN NHÂN DÂN XÃ XUÂN PHÚ NHIỆM KỲ 2021 -2026\n(Ban hành\nkèm theo Quyết định số: 59/QĐ-UBND")
    h = parse_header(text)
    assert h is not None and (h.number, h.organ) == (None, "ỦY BAN NHÂN DÂN XÃ XUÂN PHÚ")
    assert analyse(None, text, None).issuer == "UBND xã Xuân Phú"


def test_draft_report_header_states_its_type_and_organ() -> None:
    text = ("ỦY BAN NHÂN DÂN\nPHƯỜNG\nLONG ANH\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
            "Số:      /BC-UBND\n        Long Anh, ngày       tháng 01 năm 2024\n     DỰ THẢO BÁO CÁO\n"
            "Đánh giá kết quả và đề nghị công nhận phường Long Anh\nThực hiện Quyết định 25/QĐ-TTg ngày 22/7/2021.")
    a = analyse("THÔNG BÁO Về việc niêm yết công khai", text, None)
    assert (a.own.number, a.own.type, a.issuer, a.organ) == (None, "Báo cáo", "UBND phường Long Anh", "government")


@pytest.mark.parametrize("text, number", [
    ("Phòng Văn hóa - Thông tin huyện đã ban hành Công văn số 50/VHTT về tháo dỡ pano", "50/VHTT"),
    ("UBND xã đã ban hành kế hoạch số 05/KH -UBND về việc tổ chức", "05/KH-UBND"),
    ("Ban Tuyên giáo Tỉnh ủy vừa ban hành Công văn số 1510-CV/BTGTU, về việc tuyên truyền", "1510-CV/BTGTU"),
])
def test_number_forms(text: str, number: str) -> None:
    assert [n.number for n in find_numbers(text)] == [number]
    assert analyse(None, text, None).own.number == number


def test_news_statement_dated_by_day_and_month_after_a_source_tag() -> None:
    a = analyse("Tăng cường tuyên truyền về Chương trình 04/CTr-TU",
                "HNP - Ngày 9/1, Sở Văn hóa và Thể thao ban hành Kế hoạch số 04/KH-SVHTT về trang trí, tuyên truyền "
                "thực hiện Chương trình 04/CTr-TU của Thành ủy năm 2018.", None, "2018-01-11T11:03:00+07:00")
    assert (a.own.number, a.own.date, a.issuer, a.plan_year) == ("04/KH-SVHTT", "2018-01-09", "Sở Văn hóa và Thể thao", 2018)


def test_plan_issued_with_a_decision_and_a_draft_by_a_front_committee() -> None:
    a = analyse("Thông tin, tuyên truyền về cải cách hành chính nhà nước giai đoạn 2021 - 2030",
                "DIC - Vừa qua, Bộ Thông tin và Truyền thông đã ban hành kèm theo Quyết định số 1216/QĐ-BTTT Kế hoạch "
                "thông tin, tuyên truyền về cải cách hành chính nhà nước giai đoạn 2021 - 2030 trên hệ thống thông tin cơ sở.",
                None)
    assert (a.own.number, a.own.type, a.issuer, a.category, a.plan_period) == (
        "1216/QĐ-BTTT", "Quyết định", "Bộ Thông tin và Truyền thông", "propaganda_plan", "2021-2030")
    b = analyse(None, "Thực hiện sự chỉ đạo của Ban Thường vụ Đảng ủy phường, TT UBMTTQVN phường đã xây dựng dự thảo Kế "
                      "hoạch tổ chức bầu Tổ trưởng tổ dân phố nhiệm kỳ 2015-2017.", None)
    assert (b.own.type, b.organ, b.plan_period) == ("Kế hoạch", "mass_organisation", None)


@pytest.mark.parametrize("subject, year, period", [
    ("mua kho nam 2019 - 2020", None, None),                                         # a season, not a period
    ("ke hoach 155/kh-ubnd nam 2017 trien khai chuong trinh hanh dong quoc gia giai doan 2017-2024", None, None),
    ("quyet dinh 3369/qd-ubnd nam 2025 ve ke hoach cai cach hanh chinh nam 2026", 2026, None),
])
def test_years_that_are_not_the_plan_own(subject: str, year: int | None, period: str | None) -> None:
    assert year_or_period(subject) == (year, period)


def test_an_unnumbered_plan_further_down_a_bulletin_is_not_the_page_own() -> None:
    items = "\n".join(f"{i}. Tin cải cách hành chính của địa phương số {i} trong tuần qua" for i in range(1, 20))
    a = analyse("Bản tin Cải cách hành chính ngày 29/8/2023", f"{items}\n20. Hà Nội ban hành kế hoạch cải cách "
                "hành chính giai đoạn 2023-2025", None)
    assert (a.own.type, a.category, a.plan_period) == (None, "other", None)


def test_layout_table_rows_and_a_wrapped_date_in_a_table_cell() -> None:
    html = ("<html><head><title>CÔNG BÁO</title></head><body><table><tr><td colspan='3'><b>CÔNG BÁO CHÍNH PHỦ</b></td>"
            "<td></td><td></td></tr><tr><td><a href='/'>Trang chủ</a> | <a href='/gt'>Giới thiệu</a> | <a href='/tt'>Tin tức"
            "</a> | <a href='/vb'>Văn bản</a></td><td></td><td></td></tr><tr><td>Văn bản được ban hành bởi các Bộ, cơ quan"
            " ngang Bộ trong tháng.</td></tr></table></body></html>")
    r = rec(html)
    assert r["text"] is None or ("CÔNG BÁO CHÍNH PHỦ |" not in r["text"] and "Giới thiệu" not in r["text"])
    h = parse_header("| ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
                     "| Số: 07/KH-UBND | Lạng Sơn, ngày 13 |\ntháng 01 năm 2020\nKẾ HOẠCH\nTRIỂN KHAI CÁC GIẢI PHÁP")
    assert h is not None and (h.number, h.date, h.place) == ("07/KH-UBND", "2020-01-13", "Lạng Sơn")


def test_results_article_quoting_widget_labels_keeps_its_body_and_is_no_widget() -> None:
    r = rec(page('<h1 class="title">Kết quả giải quyết TTHC tháng 5/2024 của tỉnh Bình Định</h1>'
                 '<div class="meta">Ngày đăng: 05/06/2024</div><div class="body"><p>Kết quả giải quyết TTHC</p>'
                 '<p>Trong tháng 5/2024, toàn tỉnh tiếp nhận 12.512 hồ sơ; đã giải quyết 12.000 hồ sơ, trong đó đúng hạn '
                 '11.950 hồ sơ, trễ hạn 50 hồ sơ. Các sở, ngành tiếp tục rà soát quy trình nội bộ.</p>'
                 '<p>Số hồ sơ xử lý: 12000</p><p>Trước &amp; đúng hạn: 11950</p><p>Trễ hạn: 50</p></div>'))
    assert r["widget"] is None and r["widget_issues"] == []
    assert "toàn tỉnh tiếp nhận 12.512 hồ sơ" in r["text"] and r["published_at"] == "2024-06-05"


def test_office_under_its_district_and_a_letter_header_with_vv() -> None:
    text = ("UBND HUYỆN HÀM YÊN\nPHÒNG NỘI VỤ\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 45/PNV\nV/v đôn đốc thực hiện Kế hoạch cải cách hành chính năm 2024\nHàm Yên, ngày 12 tháng 3 năm 2024\n"
            "Kính gửi: UBND các xã, thị trấn.")
    a = analyse(None, text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("45/PNV", "Công văn", "2024-03-12")
    assert (a.issuer, a.organ, a.category) == ("Phòng Nội vụ huyện Hàm Yên", "government", "other")
    assert [n.number for n in find_numbers("Tờ trình số 12/TTr-SNV; Công điện số 3/CĐ-UBND")] == ["12/TTr-SNV", "3/CĐ-UBND"]
    assert [c.type for c in find_citations("số 12/TTr-SNV và số 3/CĐ-UBND", fold_aligned("số 12/TTr-SNV và số 3/CĐ-UBND"))] == [
        "Tờ trình", "Công điện"]


def test_bare_committee_in_a_news_item_keeps_the_portal_place_without_a_crawl_context() -> None:
    r = rec(page('<h1 class="title">Ban hành Kế hoạch cải cách hành chính năm 2024</h1><div class="body">'
                 '<p>UBND tỉnh vừa ban hành Kế hoạch số 12/KH-UBND về cải cách hành chính năm 2024, tập trung cải cách '
                 'thủ tục hành chính và chuyển đổi số trong giải quyết hồ sơ của người dân, doanh nghiệp.</p></div>',
                 title_tag="Ban hành Kế hoạch cải cách hành chính năm 2024 - Cổng thông tin điện tử tỉnh Bình Định"))
    assert (r["doc_number"], r["issuer_as_written"], r["issuer"], r["plan_year"]) == (
        "12/KH-UBND", "UBND tỉnh", "UBND tỉnh Bình Định", 2024)
