"""Formal-header classes met on real pages (tests/fixtures/real/a2-*), each on a short real snippet.

Every snippet is cut from a stored public copy of a real page; the class, not the page, is what is
tested: the same shape recurs on other portals and mirrors.
"""
from __future__ import annotations

from pipelines.extract.document import analyse
from pipelines.extract.header import parse_header
from pipelines.extract.issuer import (
    PortalContext,
    complete_issuer,
    department_of_number,
    department_prefix,
    organ_line,
    organ_of,
    places,
)
from pipelines.extract.numbers import find_numbers


def test_escaped_line_breaks_kept_as_text_are_read_as_breaks() -> None:
    # a mirror stored the page's escaped breaks as literal "\r\n" (dulieuphapluat.vn, Lạng Sơn 54/KH-UBND)
    text = ("\\r\\n ỦY BAN NHÂN DÂN | \\r\\n \\r\\n CỘNG\\r\\n HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM | \\r\\n\n"
            "\\r\\n Số: 54/KH-UBND \\r\\n | \\r\\n \\r\\n Lạng Sơn, ngày 27 tháng 3 năm 2020 \\r\\n | \\r\\n\n"
            "Thực hiện Quyết định số 1896/QĐ-TTg\\r\\nngày 25/12/2019 của Thủ tướng Chính phủ, UBND tỉnh xây dựng"
            " Kế hoạch như sau:\n")
    h = parse_header(text)
    assert h is not None
    assert (h.number, h.date, h.organ, h.place) == ("54/KH-UBND", "2020-03-27", "ỦY BAN NHÂN DÂN", "Lạng Sơn")
    a = analyse(None, text, None)
    assert (a.issuer, a.organ) == ("UBND tỉnh Lạng Sơn", "government")


def test_a_place_name_never_runs_past_its_line() -> None:
    assert places("trên địa bàn tỉnh Lạng Sơn.\n\\r\\n\\r\\n2. Mục tiêu") == [("tinh", "Lạng Sơn")]


def test_doan_header_with_spaced_hyphen_is_a_mass_organisation() -> None:
    # thieunhivietnam.vn: the Đoàn writes its symbols the party's way, typed with spaces round the hyphen
    text = ("BAN CHẤP HÀNH TRUNG ƯƠNG ĐOÀN TNCS HỒ CHÍ MINH\n***\n"
            "Số: 225 - KH/TWĐTN-CTTN Hà Nội, ngày 16 tháng 5 năm 2024\nKẾ HOẠCH\nTổ chức các\n"
            "hoạt động hè dành cho thiếu nhi năm 2024\nThực hiện chương trình công tác Đoàn …\n")
    a = analyse(None, text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("225-KH/TWĐTN-CTTN", "Kế hoạch", "2024-05-16")
    assert a.organ == "mass_organisation"
    # an ordinary-case subject that wraps goes on in lower case on the next line
    assert a.own.subject == "Tổ chức các hoạt động hè dành cho thiếu nhi năm 2024"
    assert a.plan_year == 2024


def test_spaced_party_hyphen_is_dropped_but_a_year_range_is_no_number() -> None:
    assert [n.number for n in find_numbers("Số: 225 - KH/TWĐTN-CTTN")] == ["225-KH/TWĐTN-CTTN"]
    assert find_numbers("giai đoạn 2021 - 2025") == []
    assert organ_of("Tỉnh đoàn Quảng Bình") == "mass_organisation"
    assert organ_of("Ban Thường vụ Tỉnh ủy") == "party"


def test_header_flattened_to_one_line_by_a_pdf_text_layer() -> None:
    # tailieu.vn: two columns interleaved on one line, the number after the motto's rule
    text = ("Nội dung Text: Quyết định số 23/2007/QĐ-BLĐTBXH\n\n"
            "  1. BỘ LAO ĐỘNG – THƯƠNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM BINH VÀ XÃ HỘI Độc lập – Tự do – Hạnh"
            " phúc ******* ******* Số: 23/2007/QĐ-BLĐTBXH Hà Nội, ngày 05 tháng 10 năm 2007 QUYẾT ĐỊNH BAN HÀNH"
            " HỆ THỐNG CHỈ TIÊU THEO DÕI BỘ TRƯỞNG BỘ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI Căn cứ Nghị định số"
            " 29/2003/NĐ-CP ngày 31 tháng 3 năm 2003 của Chính phủ;")
    a = analyse(None, text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("23/2007/QĐ-BLĐTBXH", "Quyết định", "2007-10-05")
    assert (a.issuer, a.organ) == ("Bộ Lao động – Thương binh và Xã hội", "government")


def test_a_ministry_in_capitals_is_not_read_as_a_commune() -> None:
    assert complete_issuer("BỘ LAO ĐỘNG – THƯƠNG BINH VÀ XÃ HỘI", None, None) == "Bộ Lao động – Thương binh và Xã hội"
    assert complete_issuer("BỘ TRƯỞNG BỘ NỘI VỤ", None, None) == "Bộ Nội vụ"
    assert complete_issuer("ỦY BAN NHÂN DÂN XÃ TÂN LẬP", None, None) == "UBND xã Tân Lập"


def test_a_cited_law_wrapped_onto_its_own_line_is_not_the_type_line() -> None:
    # dulieuphapluat.vn, Quảng Trị 41/2019/QĐ-UBND: the stored copy lost the "QUYẾT ĐỊNH" line
    text = ("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
            "Số: 41/2019/QĐ-UBND | Quảng Trị, ngày 22 tháng 10 năm 2019 |\n"
            "BAN HÀNH QUY ĐỊNH CHẾ ĐỘ BÁO CÁO ĐỊNH KỲ PHỤC VỤ MỤC TIÊU QUẢN LÝ TRÊN ĐỊA BÀN TỈNH QUẢNG TRỊ\n"
            "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ\nính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
            "Luật ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;\nQUYẾT ĐỊNH:\n")
    h = parse_header(text)
    assert h is not None and (h.number, h.type, h.date) == ("41/2019/QĐ-UBND", "Quyết định", "2019-10-22")
    assert analyse(None, text, None).issuer == "UBND tỉnh Quảng Trị"


def test_a_document_sharing_byline_does_not_end_the_text() -> None:
    from pipelines.extract.markers import TEXT_END_RE
    from pipelines.extract.page import key_of

    # tailieu.vn names the uploader above the document; a share bar still ends the text
    assert TEXT_END_RE.match(key_of("Chia sẻ: Thanh Nguyen | Ngày: | Loại File: PDF | Số trang:10")) is None
    assert TEXT_END_RE.match(key_of("Chia sẻ: Facebook Zalo")) is not None
    assert TEXT_END_RE.match(key_of("Chia sẻ")) is not None


def test_a_programme_board_without_a_header_is_a_government_organ() -> None:
    # snnptnt.hanam.gov.vn: a plan published without its header, its organ named in the lead
    text = ("Thực hiện Công văn số 2191/BNN-TCTL ngày 03 tháng 7 năm 2013 của Bộ Nông nghiệp & PTNT - Tổng cục"
            " Thủy Lợi về việc xây dựng kế hoạch Chương trình MTQG Nước sạch và VSMT nông thôn năm 2014. Ban điều"
            " hành Chương trình MTQG Nước sạch và VSMT Hà Nam xây dựng kế hoạch thực hiện Chương trình năm 2014 của"
            " tỉnh với các nội dung sau:")
    a = analyse("Kế hoạch Chương trình MTQG Nước sạch & VSMT nông thôn tỉnh Hà Nam năm 2014", text, None)
    assert (a.own.number, a.own.type, a.organ) == (None, "Kế hoạch", "government")
    assert a.issuer == "Ban điều hành Chương trình MTQG Nước sạch và VSMT Hà Nam"


def test_a_table_flattened_row_by_row_with_the_number_in_the_organs_row() -> None:
    # vbpl.vn's Thông tư 18/2014/TT-BNV as a two-column table read row by row; the database's own place
    # line ("Nam Định, ngày …") is where the copy was filed, the issuer stays the ministry
    text = ("• Hiệu lực: Còn hiệu lực\n• Ngày có hiệu lực: 15/01/2015\n| BỘ NỘI VỤ | Số: 18/2014/TT-BNV |\n"
            "| CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc | Nam Định, ngày 25 tháng 11 năm 2014 |\n"
            "THÔNG TƯ\nQuy định việc xác nhận phiên hiệu đơn vị thanh niên xung phong\n"
            "Căn cứ Luật Thanh niên năm 2005;\n")
    a = analyse(None, text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("18/2014/TT-BNV", "Thông tư", "2014-11-25")
    assert (a.issuer, a.organ) == ("Bộ Nội vụ", "government")
    # a property table's "| Số hiệu: |" is no header
    assert parse_header("Số hiệu: | 1383/QĐ-BNV | Loại văn bản: | Quyết định |\nNơi ban hành: | Bộ Nội vụ |") is None


def test_inside_a_line_only_so_with_its_colon_starts_a_header() -> None:
    # a party header's "Số 41-KH/ĐU" stands at its line's start; after a cell border mid-line, "Số 12 …"
    # without the colon is a table's running text
    assert parse_header("ĐẢNG BỘ TỈNH HÀ TĨNH\nĐẢNG ỦY XÃ SƠN LINH\n*\nSố 41-KH/ĐU\nSơn Linh, ngày 02 tháng 3 năm 2023\n"
                        "KẾ HOẠCH\n").number == "41-KH/ĐU"
    assert parse_header("| UBND XÃ SƠN LINH | Số 12/KH-UBND đã ban hành |\n| nội dung | x |") is None


def test_a_body_line_under_its_organ_names_the_body_of_that_organ() -> None:
    # party, council and Front headers put the body that signs under the organ it belongs to
    cases = {
        "HUYỆN ỦY CẨM XUYÊN\nBAN TUYÊN GIÁO\n*\nSố 45-HD/BTGHU\nCẩm Xuyên, ngày 02 tháng 3 năm 2023\nHƯỚNG DẪN\n":
            ("Ban Tuyên giáo Huyện ủy Cẩm Xuyên", "party"),
        "HĐND HUYỆN ĐẦM HÀ\nTHƯỜNG TRỰC\nSố: 05/TB-HĐND\nĐầm Hà, ngày 02 tháng 3 năm 2015\nTHÔNG BÁO\n":
            ("Thường trực HĐND huyện Đầm Hà", "council"),
        "HỘI NÔNG DÂN TỈNH BẮC GIANG\nBAN THƯỜNG VỤ\nSố: 05-KH/HNDT\nBắc Giang, ngày 02 tháng 3 năm 2015\nKẾ HOẠCH\n":
            ("Ban Thường vụ Hội Nông dân tỉnh Bắc Giang", "mass_organisation"),
        ("ỦY BAN MTTQ VIỆT NAM\nHUYỆN CHÂU THÀNH\nBAN THƯỜNG TRỰC\nSố: 45/KH-MTTQ-BTT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT"
         " NAM\nĐộc lập - Tự do - Hạnh phúc\nChâu Thành, ngày 10 tháng 3 năm 2023\nKẾ HOẠCH\n"):
            ("Ban Thường trực Ủy ban MTTQ Việt Nam huyện Châu Thành", "mass_organisation"),
        "UBMTTQ VIỆT NAM\nXÃ HƯƠNG XUÂN\nSố: 05/KH-MTTQ\nHương Xuân, ngày 02 tháng 3 năm 2015\nKẾ HOẠCH\n":
            ("Ủy ban MTTQ Việt Nam xã Hương Xuân", "mass_organisation"),
    }
    for text, want in cases.items():
        a = analyse(None, text, None)
        assert (a.issuer, a.organ) == want, text


def test_a_party_committee_named_after_its_level_is_an_organ_not_a_place_line() -> None:
    a = analyse(None, "ĐẢNG BỘ TỈNH HÀ TĨNH\nHUYỆN ỦY CẨM XUYÊN\n*\nSố 45-KH/HU\nCẩm Xuyên, ngày 02 tháng 3 năm 2023\n"
                      "KẾ HOẠCH\n", None)
    assert (a.own.number, a.issuer, a.organ) == ("45-KH/HU", "Huyện ủy Cẩm Xuyên", "party")
    # a level word still continues the organ above it
    a = analyse(None, "ỦY BAN NHÂN DÂN\nHUYỆN MỘC CHÂU\nSố: 125/KH-UBND\nMộc Châu, ngày 05 tháng 5 năm 2023\nKẾ HOẠCH\n", None)
    assert a.issuer == "UBND huyện Mộc Châu"


def test_a_headerless_document_issued_with_a_decision_takes_the_decisions_number_date_and_organ() -> None:
    # a plan or regulation published without its header: "(Ban hành kèm theo Quyết định số … ngày … của …)"
    text = ("KẾ HOẠCH\nCải cách hành chính năm 2023\n(Ban hành kèm theo Quyết định số 1074/QĐ-SNV ngày 15/3/2023"
            " của Sở Nội vụ tỉnh Thừa Thiên Huế)\nI. MỤC ĐÍCH, YÊU CẦU\n")
    a = analyse(None, text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("1074/QĐ-SNV", "Kế hoạch", "2023-03-15")
    assert (a.issuer, a.organ, a.plan_year) == ("Sở Nội vụ tỉnh Thừa Thiên Huế", "government", 2023)
    text = ("QUY CHẾ\nLàm việc của Ủy ban nhân dân xã\n(Ban hành kèm theo Quyết định số: 59/QĐ-UBND ngày 22 tháng 7 năm"
            " 2021 của Ủy ban nhân dân xã Xuân Phú)\nChương I\n")
    a = analyse(None, text, None)
    assert (a.own.number, a.own.type, a.own.date, a.issuer) == ("59/QĐ-UBND", "Quy chế", "2021-07-22", "UBND xã Xuân Phú")
    # a statement that a decision was issued with a plan is no such line
    from pipelines.extract.attached import attached_to

    assert attached_to("Ngày 5/1/2024, UBND huyện ban hành Quyết định số 12/QĐ-UBND kèm theo Kế hoạch CCHC.\n") is None


def test_the_right_column_read_first_dates_the_header_not_a_citation() -> None:
    # the motto and the place-and-date line above the organ and the number (right column first), or
    # between them: the date is the header's, never the first citation's after it
    for text in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Tĩnh, ngày 05 tháng 5 năm 2023\n"
        "ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 12/KH-UBND\nKẾ HOẠCH\nCải cách hành chính năm 2023\n"
        "Thực hiện Quyết định số 45/QĐ-TTg ngày 10/01/2023 của Thủ tướng Chính phủ,\n",
        "ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Hà Tĩnh, ngày 05 tháng 5 năm 2023\nSố: 12/KH-UBND\nKẾ HOẠCH\nCải cách hành chính năm 2023\n"
        "Thực hiện Quyết định số 45/QĐ-TTg ngày 10/01/2023 của Thủ tướng Chính phủ,\n",
    ):
        a = analyse(None, text, None)
        assert (a.own.number, a.own.date, a.issuer) == ("12/KH-UBND", "2023-05-05", "UBND tỉnh Hà Tĩnh"), text


def test_the_motto_or_a_rule_above_the_place_line_is_no_part_of_the_place() -> None:
    for text in (
        "ỦY BAN NHÂN DÂN\nSố: 12/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Bình Định, ngày 05 tháng 5 năm 2023\nKẾ HOẠCH\n",
        "ỦY BAN NHÂN DÂN\nSố: 12/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "---------------\nBình Định, ngày 05 tháng 5 năm 2023\nKẾ HOẠCH\n",
    ):
        h = parse_header(text)
        assert h is not None and h.place == "Bình Định"
        assert analyse(None, text, None).issuer == "UBND tỉnh Bình Định"
    # a place that wraps stays whole ("Hà" / "Nội, ngày …")
    assert parse_header("BỘ NỘI VỤ\nSố: 12/KH-BNV\nHà\nNội, ngày 05 tháng 5 năm 2023\nKẾ HOẠCH\n").place == "Hà Nội"


def test_a_template_header_with_blanks_states_no_number_and_no_place() -> None:
    # 123docz.net: a commune report template, its number, commune and place left as dots
    text = ("ỦY BAN NHÂN DÂN\nXÃ ..........\nSố:\n\n/BC-UBND\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Độc lập - Tự do - Hạnh phúc\n.........., ngày 20 tháng 6 năm 2018\n\nBÁO CÁO\n")
    a = analyse(None, text, None)
    assert (a.own.number, a.own.type, a.own.date, a.own.place, a.organ) == (None, "Báo cáo", "2018-06-20", None, "government")
    assert a.issuer == "UBND xã"   # the motto's "XÃ HỘI CHỦ NGHĨA" names no commune
    assert places("UBND xã Hội An; CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == [("xa", "Hội An")]


def test_an_agency_in_capitals_keeps_its_abbreviations_and_quan_ly_is_no_district() -> None:
    assert complete_issuer("SỞ NÔNG NGHIỆP VÀ PTNT", None, None, "UBND TỈNH THỪA THIÊN HUẾ") == \
        "Sở Nông nghiệp và PTNT tỉnh Thừa Thiên Huế"
    assert complete_issuer("BAN QUẢN LÝ DỰ ÁN QUẬN TÂN BÌNH", None, None) == "Ban Quản lý dự án quận Tân Bình"
    assert complete_issuer("PHÒNG VĂN HÓA - THÔNG TIN HUYỆN MỸ ĐỨC", None, None) == "Phòng Văn hóa - Thông tin huyện Mỹ Đức"


def test_a_copy_opening_with_a_line_that_states_its_document() -> None:
    # the stored copy lacks the header; its first line states the document, with date and organ
    text = ("Kế hoạch số 45/KH-UBND ngày 12/01/2025 của UBND xã Hưng Thịnh về cải cách hành chính năm 2025\n"
            "I. MỤC ĐÍCH, YÊU CẦU\n")
    a = analyse(None, text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("45/KH-UBND", "Kế hoạch", "2025-01-12")
    assert (a.issuer, a.organ, a.plan_year) == ("UBND xã Hưng Thịnh", "government", 2025)
    # an article whose first sentence is about a decision is not that decision
    text = ("Quyết định số 93/2007/QĐ-TTg về cơ chế một cửa, cơ chế một cửa liên thông đã được ban hành từ năm 2007,"
            " từ đó đến nay, cơ chế một cửa đã được triển khai đồng bộ trên cả nước.\n")
    assert analyse("Cần sớm hoàn thiện Dự thảo Quyết định thay thế", text, None).own.number != "93/2007/QĐ-TTg"


def test_a_steering_committee_issuing_a_plan_is_no_request() -> None:
    a = analyse("Tuyên truyền CCHC", "Ngày 10/3/2021, Ban Chỉ đạo CCHC tỉnh ban hành Kế hoạch số 20/KH-BCĐ về tuyên truyền.\n", None)
    assert (a.own.number, a.own.date, a.issuer, a.organ) == ("20/KH-BCĐ", "2021-03-10", "Ban Chỉ đạo CCHC tỉnh", "government")
    # an organ that directs others to issue a plan still does not state its own
    a = analyse("x", "Ngày 10/3/2021, UBND huyện chỉ đạo các xã ban hành Kế hoạch số 20/KH-UBND về tuyên truyền.\n", None)
    assert a.own.number is None


def test_more_organ_shapes_of_real_headers() -> None:
    cases = {
        # an office under its committee
        "UBND TỈNH BÌNH ĐỊNH\nVĂN PHÒNG\nSố: 12/VP-KSTT\nBình Định, ngày 05 tháng 5 năm 2023\nV/v triển khai\n":
            ("Văn phòng UBND tỉnh Bình Định", "government"),
        "HUYỆN ỦY CẨM XUYÊN\nVĂN PHÒNG\n*\nSố 12-CV/VPHU\nCẩm Xuyên, ngày 05 tháng 5 năm 2023\n":
            ("Văn phòng Huyện ủy Cẩm Xuyên", "party"),
        # a place that states its level
        "ỦY BAN NHÂN DÂN\nSố: 12/KH-UBND\nTP. Hồ Chí Minh, ngày 05 tháng 5 năm 2023\nKẾ HOẠCH\n":
            ("UBND thành phố Hồ Chí Minh", "government"),
        # a sector committee and a village cell
        "ĐẢNG BỘ TỈNH HÀ TĨNH\nĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH\n*\nSố 12-KH/ĐUK\nHà Tĩnh, ngày 05 tháng 5 năm 2023\nKẾ HOẠCH\n":
            ("Đảng ủy Khối các cơ quan tỉnh", "party"),
        "ĐẢNG BỘ XÃ SƠN LINH\nCHI BỘ THÔN 3\n*\nSố 02-NQ/CB\nSơn Linh, ngày 05 tháng 5 năm 2023\nNGHỊ QUYẾT\n":
            ("Chi bộ thôn 3", "party"),
        # a header retyped in sentence case by the web editor
        "Ủy ban nhân dân\nxã Tân Hương\nSố: 12/KH-UBND\nTân Hương, ngày 05 tháng 5 năm 2023\nKẾ HOẠCH\n":
            ("UBND xã Tân Hương", "government"),
    }
    for text, want in cases.items():
        a = analyse(None, text, None)
        assert (a.issuer, a.organ) == want, text
        assert a.own.date == "2023-05-05"


def test_headers_flattened_into_cells_or_one_line() -> None:
    for text in (
        # the date cell beside the organ cell in one row
        "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Hà Tĩnh, ngày 05 tháng 5 năm"
        " 2023 |\nTỈNH HÀ TĨNH\nSố: 12/KH-UBND\nKẾ HOẠCH\nThực hiện Quyết định số 45/QĐ-TTg ngày 10/01/2023,\n",
        # organ and number in one cell
        "| ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH Số: 12/KH-UBND | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh"
        " phúc Hà Tĩnh, ngày 05 tháng 5 năm 2023 |\nKẾ HOẠCH\n",
        # the whole block on one line
        "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH Số: 12/KH-UBND CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
        " Hà Tĩnh, ngày 05 tháng 5 năm 2023 KẾ HOẠCH Cải cách hành chính năm 2023\n",
    ):
        a = analyse(None, text, None)
        assert (a.own.number, a.own.date, a.issuer, a.organ) == ("12/KH-UBND", "2023-05-05", "UBND tỉnh Hà Tĩnh",
                                                                 "government"), text
    # in a sentence, "Số:" after an organ's abbreviation is no header
    assert parse_header("Theo Văn bản của UBND Số: 12/KH-UBND đã được triển khai.\n") is None


def test_chairman_signs_for_the_peoples_committee_and_the_level_is_lower_case() -> None:
    # news of a city's reform plan (sonoivu.hochiminhcity.gov.vn): the chairman signs for the UBND
    title = "KẾ HOẠCH THỰC HIỆN CÔNG TÁC CẢI CÁCH HÀNH CHÍNH TRÊN ĐỊA BÀN THÀNH PHỐ HỒ CHÍ MINH NĂM 2023"
    text = ("Ngày 09 tháng 12 năm 2022, Chủ tịch Ủy ban nhân dân Thành phố đã ký Quyết định ban hành Kế hoạch"
            " thực hiện công tác cải cách hành chính trên địa bàn Thành phố năm 2023 với 10 chỉ tiêu đề ra:\n")
    a = analyse(title, text, None)
    assert (a.issuer, a.organ, a.own.date) == ("UBND thành phố Hồ Chí Minh", "government", "2022-12-09")
    assert complete_issuer("Phó Chủ tịch UBND tỉnh", "tỉnh Hà Tĩnh năm 2024", None) == "UBND tỉnh Hà Tĩnh"


def test_a_department_named_without_its_province_takes_the_province_the_text_names() -> None:
    # sct.dienbien.gov.vn: "Sở Công Thương xây dựng Kế hoạch" under a plan of "tỉnh Điện Biên"
    text = ("Thực hiện Kế hoạch số 4289/KH-UBND ngày 21/12/2021 của UBND tỉnh về việc ban hành Kế hoạch cải cách"
            " hành chính Nhà nước năm 2022 trên địa bàn tỉnh Điện Biên, Sở Công Thương xây dựng Kế hoạch cải cách"
            " hành chính năm 2022 với những nội dung sau\nI. MỤC ĐÍCH, YÊU CẦU\n")
    a = analyse("Kế hoạch Cải cách hành chính năm 2022", text, None)
    assert (a.issuer, a.organ) == ("Sở Công Thương tỉnh Điện Biên", "government")


def test_a_department_takes_the_portals_province_when_the_text_names_none() -> None:
    # a province portal's news ("TTĐT - Sở Nội vụ ban hành Kế hoạch … trên địa bàn tỉnh năm 2024")
    ctx = PortalContext(unit_name="Cổng thông tin điện tử tỉnh Bình Dương")
    text = ("TTĐT - Sở Nội vụ ban hành Kế hoạch đo lường sự hài lòng của người dân đối với sự phục vụ của cơ quan"
            " hành chính Nhà nước trên địa bàn tỉnh năm 2024.\n")
    a = analyse("Đo lường sự hài lòng của người dân năm 2024", text, ctx)
    assert a.issuer == "Sở Nội vụ tỉnh Bình Dương"


def test_a_department_name_holding_a_comma_is_read_whole() -> None:
    # a print view (sovhttdl.hungyen.gov.vn): "Sở Văn hóa, Thể thao và Du lịch đã ban hành Kế hoạch số …"
    text = ("Căn cứ Kế hoạch số 24/KH-BTGTU ngày 13/8/2021 của Ban Tuyên giáo Tỉnh ủy. Ngày 02/11/2021, Sở Văn hóa,"
            " Thể thao và Du lịch đã ban hành Kế hoạch số 67/KH-SVHTTDL tổ chức Hội thi xe tuyên truyền lưu động"
            " chào mừng 25 năm tái lập tỉnh Hưng Yên./.\n")
    a = analyse("Kế hoạch tổ chức Hội thi xe tuyên truyền lưu động", text, None)
    assert (a.own.number, a.own.date) == ("67/KH-SVHTTDL", "2021-11-02")
    assert a.issuer == "Sở Văn hóa, Thể thao và Du lịch tỉnh Hưng Yên"
    # a name the list knows that the clause already holds whole is kept as found
    assert department_prefix("Văn phòng UBND tỉnh Lai Châu ban hành") == "Văn phòng UBND tỉnh"


def test_a_results_write_up_opening_on_the_decision_that_announces_them_reports_that_decision() -> None:
    # sia.thuathienhue.gov.vn: a ranking write-up whose lead states the decision publishing the ranking
    title = ("Khối UBND cấp xã thuộc huyện Quảng Điền có điểm bình quân và xếp hạng chỉ số cải cách hành chính"
             " đứng đầu toàn tỉnh")
    text = ("Ngày cập nhật 12/12/2023\n\nNgày 22/11/2023, Sở Nội vụ ban hành Quyết định số 1074/QĐ-SNV về việc công bố"
            " kết quả đánh giá, xếp loại công tác cải cách hành chính của UBND các xã, phường, thị trấn năm 2023.\n"
            "Năm 2023 Hội đồng thẩm định chỉ số cải cách hành chính tỉnh đánh giá, xếp loại 141 xã, phường, thị trấn"
            " trên địa bàn tỉnh Thừa Thiên Huế.\n")
    a = analyse(title, text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("1074/QĐ-SNV", "Quyết định", "2023-11-22")
    assert a.issuer == "Sở Nội vụ tỉnh Thừa Thiên Huế"
    # a directive the write-up only recalls, further down and about something else, stays background
    recall = ("Kết quả giải quyết TTHC tính đến 15/6/2024: toàn tỉnh tiếp nhận 12.000 hồ sơ. " * 12
              + "Ngày 02/9/2021, Thủ tướng Chính phủ ban hành Chỉ thị số 23/CT-TTg về đẩy mạnh triển khai Đề án 06.\n")
    assert analyse("Kết quả giải quyết TTHC tính đến 15/6/2024", recall, None).own.number is None


def test_a_place_never_runs_onto_the_next_line() -> None:
    # "… đứng đầu toàn tỉnh" then the portal's "Ngày cập nhật" line: no province called "Ngày"
    assert places("xếp hạng đứng đầu toàn tỉnh\nNgày cập nhật 12/12/2023") == []


def test_a_doubled_number_cue_and_a_place_tag_before_the_lead_sentence() -> None:
    # phuninh.phutho.gov.vn: "( Phù Ninh) - Ngày …, Huyện ủy Phù Ninh ban hành hướng dẫn số Số 15 - HD/HU …"
    text = ("( Phù Ninh) - Ngày 17 tháng 6 năm 2019, Huyện ủy Phù Ninh ban hành hướng dẫn số Số 15 - HD/HU của ban"
            " thường vụ Huyện ủy Phù Ninh về Hướng dẫn Tuyên truyền việc sắp xếp các đơn vị hành chính cấp xã\n\n"
            "Tuyên truyền việc sắp xếp các đơn vị hành chính cấp xã với mục đích :\n")
    a = analyse("Hướng dẫn Tuyên truyền việc sắp xếp các đơn vị hành chính cấp xã", text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("15-HD/HU", "Hướng dẫn", "2019-06-17")
    assert (a.issuer, a.organ) == ("Huyện ủy Phù Ninh", "party")


def test_a_letters_number_line_as_headline_and_the_department_its_symbol_names() -> None:
    # sonoivu.sonla.gov.vn: the headline is the letter's own "Số … Ngày … V/v …" line; its symbol names the
    # department (SNV: Sở Nội vụ), the text names the province
    title = "Số 924/SNV-CCHC Ngày 07-9-2015 V/v báo cáo công tác CCHC quý III năm 2015."
    text = ("Kính gửi:\n– Thủ trưởng các Sở, Ban ngành,\nThực hiện Quyết định số 3545/QĐ-UBND ngày 24/12/2014 về việc"
            " phê duyệt Kế hoạch cải cách hành chính tỉnh Sơn La năm 2015.\n")
    a = analyse(title, text, None)
    assert (a.own.number, a.own.type, a.own.date) == ("924/SNV-CCHC", "Công văn", "2015-09-07")
    assert a.own.subject == "báo cáo công tác CCHC quý III năm 2015"
    assert (a.issuer, a.organ) == ("Sở Nội vụ tỉnh Sơn La", "government")
    assert department_of_number("67/KH-SVHTTDL") == "Sở Văn hóa, Thể thao và Du lịch"
    assert department_of_number("12/KH-UBND") is None   # a committee's symbol does not say its level


def test_a_page_titled_as_one_type_is_not_an_unnumbered_statements_document_of_another() -> None:
    # phanrangthapcham.ninhthuan.gov.vn: an outline (Đề cương) whose legal basis recalls the Government's plan
    title = ("ĐỀ CƯƠNG TUYÊN TRUYỀN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ GIAI ĐOẠN 2023-2025 TRÊN ĐỊA BÀN THÀNH PHỐ"
             " PHAN RANG - THÁP CHÀM")
    text = ("I. Căn cứ pháp lý\n\nCăn cứ Kết luận số 48-KL/TW ngày 30/01/2023 của Bộ Chính trị; Nghị quyết số"
            " 117/NQ-CP ngày 30/7/2023 của Chính phủ ban hành Kế hoạch thực hiện sắp xếp đơn vị hành chính cấp"
            " huyện, cấp xã giai đoạn 2023-2025\n")
    a = analyse(title, text, None)
    assert (a.own.type, a.own.number, a.issuer) == ("Đề cương", None, None)
    assert (a.plan_year, a.plan_period) == (None, None)   # an outline is no plan


def test_a_document_text_opening_on_its_organ_line_alone_names_its_issuer() -> None:
    # huongvinh.thuathienhue.gov.vn: an Đề án's summary whose header is cut down to the organ's line
    title = "ĐỀ ÁN ĐIỀU CHỈNH ĐỊA GIỚI HÀNH CHÍNH ĐỂ MỞ RỘNG THÀNH PHỐ HUẾ"
    text = ("ỦY BAN NHÂN DÂN TỈNH THỪA THIÊN HUẾ\nNỘI DUNG TÓM TẮT\nĐỀ ÁN ĐIỀU CHỈNH ĐỊA GIỚI HÀNH CHÍNH ĐỂ MỞ RỘNG"
            " THÀNH PHỐ HUẾ\nThừa thiên Huế, tháng 4/2020\nI. CƠ SỞ PHÁP LÝ- Hiến pháp nước Cộng hòa xã hội chủ nghĩa"
            " Việt Nam năm 2013;\n")
    a = analyse(title, text, None)
    assert (a.own.type, a.issuer, a.organ) == ("Đề án", "UBND tỉnh Thừa Thiên Huế", "government")
    # a capitals headline that opens with an organ is no organ line
    assert not organ_line("UBND TỈNH TỔ CHỨC HỘI NGHỊ TRIỂN KHAI CẢI CÁCH HÀNH CHÍNH NĂM 2024")
    assert organ_line("SỞ NỘI VỤ") and organ_line("HUYỆN ỦY CẨM GIÀNG")


def test_a_passive_statement_in_the_lead_names_the_document_and_its_organ() -> None:
    # xuanphuong.hanoi.gov.vn: "Theo đó, Kế hoạch được UBND phường xây dựng, triển khai nhằm …"
    text = ("Theo đó, Kế hoạch được UBND phường xây dựng, triển khai nhằm tiếp tục thực hiện Chương trình tổng thể"
            " CCHC nhà nước của Chính phủ giai đoạn 2021 - 2030; Kế hoạch Cải cách hành chính năm 2025 của phường"
            " Xuân Phương, với các mục tiêu chính như:\n")
    a = analyse(None, text, None)
    assert (a.own.type, a.issuer, a.organ) == ("Kế hoạch", "UBND phường Xuân Phương", "government")
    # a plan in general ("kế hoạch được giao") is no statement of the page's document
    assert analyse(None, "Các xã hoàn thành kế hoạch được UBND huyện giao năm 2024.\n", None).issuer is None


def test_an_undated_plan_takes_the_date_of_the_decision_stated_above_it_on_its_subject() -> None:
    # longphung.quangngai.gov.vn: the decision issuing the plan is dated, the plan's own statement is not
    text = ("Ngày 18 tháng 7 năm 2025 Uỷ ban nhân dân xã Long Phụng đã ban hành Quyết định số 119/QĐ-UBND về hoạch"
            " cải cách hành chính Nhà nước năm 2025 trên địa bàn xã\nUBND xã Long Phụng ban hành Kế hoạch cải cách"
            " hành chính Nhà nước năm 2025 trên địa bàn xã, cụ thể như sau:\nI. MỤC ĐÍCH, YÊU CẦU\n")
    a = analyse("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2025", text, None)
    assert (a.own.type, a.own.date, a.issuer, a.plan_year) == ("Kế hoạch", "2025-07-18", "UBND xã Long Phụng", 2025)
    # a decision on another subject does not date the plan
    other = text.replace("về hoạch cải cách hành chính Nhà nước", "về việc kiện toàn Ban Chỉ đạo")
    assert analyse("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2025", other, None).own.date is None


def test_a_statement_that_the_articles_later_events_outdate_is_background() -> None:
    # kontum.gov.vn: a home-page essay recounting a decade of reform, then an election of 2021
    text = ("Thứ hai, Ngày 17/05/2021 -\n\nTrên cơ sở đánh giá những kết quả đạt được của Chương trình tổng thể giai"
            " đoạn 2001-2010, Chính phủ đã ban hành Nghị quyết số 30c/NQ-CP ngày 08/11/2011 phê duyệt Chương trình"
            " tổng thể cải cách hành chính nhà nước giai đoạn 2011-2020.\nLà một trong 14 tỉnh, thành phố được phép"
            " bỏ phiếu sớm so với Ngày Bầu cử 23/5/2021 đã được Quốc hội ấn định.\n")
    a = analyse(None, text, None)
    assert a.own.number is None and "30c/NQ-CP" in [c.number for c in a.citations]
    # a fresh statement (its events follow within the year) stays the page's own
    fresh = text.replace("ngày 08/11/2011", "ngày 08/11/2020")
    assert analyse(None, fresh, None).own.number == "30c/NQ-CP"
