"""Classes of real pages met in the third training pass of the real-text corpus (a3-* folders):
one test per class, each on a short snippet of real portal text of that class.
"""
from __future__ import annotations

from pipelines.extract import extract
from pipelines.extract.document import analyse
from pipelines.extract.maintext import clean_text

DIGITAL_WEEK = (
    "Hưởng ứng Ngày Chuyển đổi số quốc gia và Tuần lễ chuyển đổi số năm 2024 (01/10- 10/10/2024), huyện Tư Nghĩa sẽ "
    "tổ chức các hoạt động truyền thông: Truyền thông về chuyển đổi số; Chia sẻ bài toán, sáng kiến, cách làm về "
    "chuyển đổi số; Tổ chức Hội thi tuyên truyền về cải cách hành chính, chuyển đổi số bằng hình thức sân khấu hóa.\n"
    "Hy vọng tuần lễ chuyển đổi số ở huyện Tư Nghĩa góp phần nâng cao nhận thức về chuyển đổi số của các cấp; "
    "xây dựng phát triển chính quyền số, thúc đẩy cải cách hành chính, nâng cao năng lực cạnh tranh; phấn đấu nâng "
    "cao chỉ số chuyển đổi số (DTI) và chỉ số cải cách hành chính (PAR Index) của huyện.")


def test_digital_transformation_news_naming_reform_in_passing_is_not_reform() -> None:
    a = analyse("Chuyển đổi số - Phát triển kinh tế số, xã hội số", DIGITAL_WEEK, None)
    assert a.is_cchc is False and a.category == "other"
    # the same body under a reform headline is reform news: the title decides first
    b = analyse("Hội thi tuyên truyền cải cách hành chính, chuyển đổi số năm 2024", DIGITAL_WEEK, None)
    assert b.is_cchc is True


def test_reform_body_that_names_digital_transformation_less_often_stays_reform() -> None:
    body = ("Ủy ban nhân dân xã tổ chức triển khai thực hiện công tác CCHC thông qua các buổi họp giao ban. "
            "Kết quả giải quyết thủ tục hành chính tại Bộ phận một cửa đạt 100% đúng hạn; công tác cải cách "
            "hành chính gắn với chuyển đổi số được quan tâm.")
    assert analyse("Hội nghị giao ban tháng 3", body, None).is_cchc is True


PLAN_NO_HEADER = (
    "KẾ HOẠCH\nHoạt động của Ban Chỉ đạo chuyển đổi số huyện Đăk R’lấp năm 2023\n"
    "Triển khai thực hiện Quyết định số 47/QĐ-UBND ngày 12/01/2023 của Ủy ban nhân dân tỉnh Đăk Nông về ban hành "
    "Kế hoạch chuyển đổi số năm 2023, Ban Chỉ đạo chuyển đổi số huyện Đăk R’lấp ban hành Kế hoạch hoạt động của "
    "Ban Chỉ đạo huyện với các nội dung cụ thể như sau:\nI. MỤC ĐÍCH, YÊU CẦU\n")


def test_type_heading_without_a_formal_header_is_the_document_type() -> None:
    a = analyse(None, PLAN_NO_HEADER, None)
    assert a.own.type == "Kế hoạch"
    assert a.own.number is None                      # the Quyết định it carries out is cited, not its own
    assert a.is_cchc is False and a.category == "other"
    notice = analyse(None, "THÔNG BÁO\nLịch tiếp công dân của UBND xã Tân Đoàn năm 2026\n"
                           "Căn cứ Luật Tiếp công dân ngày 25/11/2013;\n", None)
    assert notice.own.type == "Thông báo"
    # a lower-case "Kế hoạch" line is a caption or a sentence's start, not the document's heading
    caption = analyse(None, "Kế hoạch\nUBND xã tổ chức hội nghị triển khai nhiệm vụ năm 2024 với sự tham dự "
                            "của các ban, ngành, đoàn thể.\n", None)
    assert caption.own.type is None


COUNTER_SIDEBAR = "\n".join([
    "CTTDT", "TTHC", "VIDEO", "hoi dap", "Ai đang online", "Đang có 15 khách và không thành viên đang online",
    "Thống kê truy cập", "1668314", "Today", "Yesterday", "This Week", "All days", "612", "923", "1668314",
    "Your IP: 3.237.71.23", "2020-09-26 10:58", "Chương V", "CÁC CUỘC HỌP, HỘI NGHỊ, TIẾP KHÁCH, ĐI CÔNG TÁC,",
    "Điều 21. Phiên họp Uỷ ban nhân dân huyện.",
    "2. Chủ tịch Uỷ ban nhân dân huyện triệu tập phiên họp thường kỳ của Uỷ ban nhân dân huyện. Trường hợp xét thấy "
    "cần thiết hoặc theo yêu cầu của ít nhất một phần ba (1/3) tổng số thành viên Uỷ ban nhân dân huyện.",
    "Thống kê truy cập", "Đang truy cập: 12"])


def test_article_after_a_sidebar_visitor_counter_is_kept() -> None:
    text = clean_text(COUNTER_SIDEBAR)
    assert text is not None
    assert text.startswith("Chương V\nCÁC CUỘC HỌP, HỘI NGHỊ, TIẾP KHÁCH, ĐI CÔNG TÁC,")
    assert "Your IP" not in text and "1668314" not in text and "Ai đang online" not in text
    assert text.endswith("tổng số thành viên Uỷ ban nhân dân huyện.")   # the counter after the body still ends it
    # a short text with a counter and nothing after it keeps what it had (nothing is lost)
    assert clean_text("Lịch tiếp công dân\nBuổi sáng: Từ 7h30 đến 11h30\nThống kê truy cập\n1668314") == \
        "Lịch tiếp công dân\nBuổi sáng: Từ 7h30 đến 11h30"


def test_counter_sidebar_page_end_to_end() -> None:
    paras = "".join(f"<p>{line}</p>" for line in COUNTER_SIDEBAR.split("\n")[:-2])
    html = ("<html><head><meta charset='utf-8'><title>Cổng thông tin điện tử huyện Mai Châu</title></head><body>"
            f"<div class='item-page'><div itemprop='articleBody'>{paras}</div></div></body></html>")
    rec = extract(html, "http://maichau.hoabinh.gov.vn/vi/quy-ch-lam-vi-c?start=4")
    assert rec.text is not None and "Điều 21. Phiên họp Uỷ ban nhân dân huyện." in rec.text
    assert "Your IP" not in rec.text


def test_cited_act_line_after_a_header_is_not_the_type() -> None:
    """A mirror's cut "Căn cứ" line ("Luật ban hành văn bản …") under a header whose heading is lost:
    the number's code says the type; a capitals heading opening its subject still counts."""
    text = ("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
            "Số: 41/2019/QĐ-UBND | Quảng Trị, ngày 22 tháng 10 năm 2019 |\n"
            "BAN HÀNH QUY ĐỊNH CHẾ ĐỘ BÁO CÁO ĐỊNH KỲ PHỤC VỤ MỤC TIÊU QUẢN LÝ TRÊN ĐỊA BÀN TỈNH QUẢNG TRỊ\n"
            "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ\n"
            "Luật ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;\nQUYẾT ĐỊNH:\n")
    a = analyse(None, text, None)
    assert a.own.number == "41/2019/QĐ-UBND" and a.own.type == "Quyết định"
    heading = ("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
               "Số: 12/KH-UBND | Định Hưng, ngày 03 tháng 01 năm 2025 |\n"
               "KẾ HOẠCH Tuyên truyền cải cách hành chính năm 2025\nThực hiện Kế hoạch số 263/KH-UBND …\n")
    b = analyse(None, heading, None)
    assert b.own.type == "Kế hoạch" and b.category == "propaganda_plan" and b.plan_year == 2025


def test_capitals_first_line_opening_with_a_type_is_the_document_type() -> None:
    """A page with no headline element whose text opens with its capitals headline."""
    text = ("ĐỀ CƯƠNG TUYÊN TRUYỀN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ GIAI ĐOẠN 2023-2025\n"
            "I. Căn cứ pháp lý\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;\n")
    a = analyse(None, text, None)
    assert a.own.type == "Đề cương" and a.is_cchc is False and a.category == "other"
    plan = analyse(None, "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH XÃ ĐỊNH HƯNG NĂM 2025\nI. MỤC ĐÍCH, YÊU CẦU\n", None)
    assert plan.own.type == "Kế hoạch" and plan.category == "plan" and plan.plan_year == 2025
    # a sentence-case opening line that is a sentence is not a heading
    news = analyse(None, "Kế hoạch cải cách hành chính năm 2025 được UBND xã triển khai tới toàn thể cán bộ.\n"
                         "Hội nghị diễn ra sáng ngày 12/01/2025.\n", None)
    assert news.own.type is None


def test_joomla_long_date_with_a_numeric_month_is_the_posting_date() -> None:
    """Joomla's Vietnamese long date "Thứ hai, 11 Tháng 12 2023 16:03" (no "năm") under the headline."""
    html = ("<html><head><meta charset='utf-8'><title>Cải cách hành chính ở nhà trường quân đội</title></head><body>"
            "<div class='item-page'><h2 itemprop='headline'>Cải cách hành chính góp phần xây dựng nhà trường quân đội "
            "vững mạnh toàn diện</h2><dl class='article-info'><dd class='published'>Thứ hai, 11 Tháng 12 2023 16:03</dd>"
            "<dd class='hits'>4664 Lượt xem</dd></dl><div itemprop='articleBody'><p>(LLCT) - Cải cách hành chính ở các "
            "nhà trường quân đội là khâu đột phá nhằm nâng cao chất lượng giáo dục, đào tạo, nghiên cứu khoa học của các "
            "nhà trường, góp phần xây dựng nhà trường vững mạnh toàn diện.</p></div></div></body></html>")
    rec = extract(html, "http://www.lyluanchinhtri.vn/home/index.php/dao-tao-boi-duong/item/5402.html")
    assert rec.published_at == "2023-12-11T16:03:00+07:00"
    # the documents' own "ngày 18 tháng 4 năm 2022" is unchanged, and a month 13 is no date
    from pipelines.extract.dates import find_dates
    assert [m.iso() for m in find_dates("ngày 18 tháng 4 năm 2022")] == ["2022-04-18"]
    assert find_dates("11 Tháng 13 2023 16:03") == []


def test_a_visitor_counter_clock_is_not_the_posting_date() -> None:
    """A Joomla district page: the sidebar's counter shows the visit's clock under "Your IP"."""
    paras = "".join(f"<p>{line}</p>" for line in COUNTER_SIDEBAR.split("\n")[:-2])
    html = ("<html><head><meta charset='utf-8'><title>Cổng thông tin điện tử huyện Mai Châu</title></head><body>"
            f"<div class='item-page'><div itemprop='articleBody'>{paras}</div></div></body></html>")
    assert extract(html, "http://maichau.hoabinh.gov.vn/vi/quy-ch-lam-vi-c?start=4").published_at is None
    # the same clock line as a page's own date line (no counter above it) still dates the page
    own = html.replace("<p>Your IP: 3.237.71.23</p>", "").replace("<p>Thống kê truy cập</p>", "") \
        .replace("<p>All days</p>", "").replace("<p>Đang có 15 khách và không thành viên đang online</p>", "") \
        .replace("<p>Ai đang online</p>", "")
    assert extract(own, "http://maichau.hoabinh.gov.vn/vi/quy-ch-lam-vi-c?start=4").published_at == \
        "2020-09-26T10:58:00+07:00"


def test_an_unparsable_link_is_no_attachment_and_no_crash() -> None:
    """Found by the property test: a link with an unclosed IPv6 bracket made urlparse raise."""
    html = ("<!DOCTYPE html><html><body><div><a href='http://[bad'>Tải về</a>"
            "<a href='/uploads/kh-cchc-2024.pdf'>Kế hoạch CCHC 2024</a></div></body></html>")
    rec = extract(html, "https://sonoivu.tuyenquang.gov.vn/tin-tuc/ke-hoach-cchc-2024.html")
    assert [a["url"] for a in rec.attachments] == ["https://sonoivu.tuyenquang.gov.vn/uploads/kh-cchc-2024.pdf"]


def test_collapse_hspace_is_the_whitespace_class_regex() -> None:
    """The fast path of `element_lines` gives exactly what `[^\\S\\n]+` → " " gave, on real lines too."""
    import random

    from pipelines.extract.page import _HSPACE_RE, collapse_hspace
    samples = ["a\t\t b \xa0\u3000c\r\nd  \n e\u200af", "Ngày đăng 05/06/2024 | 13:50  | Lượt xem: 192",
               "           1. Phiên họp\u00a0\u00a0Uỷ ban", "", " ", "\n\n \t\n", "\x0b\x0c\x1c\x1d\x1e\x1f\x85"]
    rnd = random.Random(7)
    alphabet = "ab đ\n\t\r\xa0\u2009\u3000\u202f\x85 "
    samples += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 60))) for _ in range(300)]
    for s in samples:
        assert collapse_hspace(s) == _HSPACE_RE.sub(" ", s), repr(s)
