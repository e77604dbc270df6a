"""Document-number grammar (state and party forms) and citations with type, date and issuer."""
from __future__ import annotations

import pytest

from core.vntext import fold_aligned
from pipelines.extract.document import analyse
from pipelines.extract.numbers import dedupe, find_citations, find_numbers, number_from_filename


@pytest.mark.parametrize("number", [
    "38/KH-UBND", "61/2018/NĐ-CP", "30c/NQ-CP", "209/UBND-VP", "766/QĐ-TTg", "136/KH-SLĐTBXH", "42/KH-STTTT",
    "41-KH/ĐU", "08-ĐA/HU", "600-TB/TU", "11-KH/BTGHU", "57-NQ/TW",
])
def test_numbers_by_grammar(number: str) -> None:
    found = find_numbers(f"theo văn bản số {number}, ngày 5/01/2021")
    assert [n.number for n in found] == [number]


@pytest.mark.parametrize("text", ["giai đoạn 2021-2030", "ngày 18/4/2022", "Cổng/trang thông tin", "1.254/1.240", "A4/B5"])
def test_not_numbers(text: str) -> None:
    assert find_numbers(text) == []


def test_citation_parts() -> None:
    text = ("Thông báo số 600-TB/TU, ngày 28/02/2022 của Ban Thường vụ Tỉnh ủy Hải Dương về kết quả đánh giá;"
            "Kế hoạch số 135/KH-UBND ngày 28/12/2021 về thực hiện cải cách thủ tục hành chính năm 2022;"
            "theo Nghị định 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ.")
    cits = [c.to_dict() for c in find_citations(text, fold_aligned(text))]
    assert cits == [
        {"type": "Thông báo", "number": "600-TB/TU", "date": "2022-02-28", "issuer": "Ban Thường vụ Tỉnh ủy Hải Dương"},
        {"type": "Kế hoạch", "number": "135/KH-UBND", "date": "2021-12-28", "issuer": None},
        {"type": "Nghị định", "number": "61/2018/NĐ-CP", "date": "2018-04-23", "issuer": "Chính phủ"},
    ]


def test_dedupe_keeps_first_mention() -> None:
    text = "Kế hoạch số 4289/KH-UBND ngày 21/12/2021 của UBND tỉnh Điện Biên; kế hoạch số 4289/KH-UBND ngày 21/12/2021"
    cits = dedupe(find_citations(text, fold_aligned(text)))
    assert [(c.type, c.number) for c in cits] == [("Kế hoạch", "4289/KH-UBND")]


@pytest.mark.parametrize("text, own, cited", [
    ("Ngày 18/4/2022 Đảng ủy xã Ngọc Liên xây dựng Kế hoạch số 41-KH/ĐU Tuyên truyền công tác cải cách hành chính.",
     "41-KH/ĐU", []),
    ("Thực hiện Kế hoạch số 11-KH/BTGHU ngày 06/4/2022 của Ban Tuyên giáo Huyện ủy Cẩm Giàng về tuyên truyền cải cách hành chính.",
     None, ["11-KH/BTGHU"]),
    ("Thực hiện Kế hoạch số 4289/KH-UBND ngày 21/12/2021 của UBND tỉnh Điện Biên về việc ban hành Kế hoạch Cải cách hành chính năm 2022.",
     None, ["4289/KH-UBND"]),
    ("UBND tỉnh vừa ban hành Kế hoạch số 06/KH-UBND về tuyên truyền cải cách hành chính tỉnh Tuyên Quang năm 2020.",
     "06/KH-UBND", []),
    ("Căn cứ Quyết định số 618/QĐ-UBND ngày 07/3/2022 của UBND tỉnh Hải Dương, UBND xã ban hành Kế hoạch số 20/KH-UBND về cải cách hành chính.",
     "20/KH-UBND", ["618/QĐ-UBND"]),
])
def test_own_document_told_from_cited_by_the_sentence(text: str, own: str | None, cited: list[str]) -> None:
    a = analyse("", text, None)
    assert a.own.number == own
    assert [c.number for c in a.citations] == cited


def test_own_statement_date_and_issuer() -> None:
    a = analyse("", "UBND thành phố vừa ban hành Kế hoạch số 38/KH-UBND, ngày 23/02/2022 về việc tuyên truyền cải cách "
                    "hành chính nhà nước thành phố Hải Phòng năm 2022.", None)
    assert (a.own.number, a.own.date, a.own.issuer_as_written, a.issuer, a.plan_year, a.category) == (
        "38/KH-UBND", "2022-02-23", "UBND thành phố", "UBND thành phố Hải Phòng", 2022, "propaganda_plan")


def test_issuer_completed_from_portal_context() -> None:
    from pipelines.extract import PortalContext
    ctx = PortalContext("p-tuyenquang", "UBND tỉnh Tuyên Quang", "province", "Tuyên Quang")
    a = analyse("", "UBND tỉnh vừa ban hành Kế hoạch số 06/KH-UBND về cải cách hành chính năm 2020.", ctx)
    assert (a.issuer, a.own.issuer_as_written, a.organ) == ("UBND tỉnh Tuyên Quang", "UBND tỉnh", "government")


@pytest.mark.parametrize("name, cand", [
    ("KH-18-UBND-2023.pdf", "18/KH-UBND"), ("38_KH-UBND.pdf", "38/KH-UBND"), ("224.pdf", "224"),
    ("Ke-hoach-38-KH-UBND.pdf", "38/KH-UBND"), ("bao-cao.pdf", None),
])
def test_number_candidates_in_file_names(name: str, cand: str | None) -> None:
    assert number_from_filename(name) == cand


@pytest.mark.parametrize("text, numbers", [
    ("Số: 25 /KH-UBND        Tân Lập, ngày 04 tháng 3 năm 2024", ["25/KH-UBND"]),
    ("Số: 125/ KH-UBND", ["125/KH-UBND"]),
    ("Số:   /KH-UBND (chưa vào số)", []),            # a blank left for the number: not a number
    ("giai đoạn 2021 / 2025 và trang 3 / KH", []),
])
def test_padded_header_numbers_are_read_and_stored_without_padding(text: str, numbers: list[str]) -> None:
    assert [n.number for n in find_numbers(text)] == numbers


def test_flattened_capitals_header_gives_the_running_text_spelling() -> None:
    text = ("ỦY BAN NHÂN DÂN XÃ TÂN LẬP CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "Số: 25 /KH-UBND Tân Lập, ngày 04 tháng 3 năm 2024\nKẾ HOẠCH\n"
            "Tuyên truyền công tác cải cách hành chính năm 2024\n")
    a = analyse("", text, None)
    assert (a.own.number, a.own.date, a.own.issuer_as_written, a.issuer, a.organ) == (
        "25/KH-UBND", "2024-03-04", "ỦY BAN NHÂN DÂN XÃ TÂN LẬP", "UBND xã Tân Lập", "government")


@pytest.mark.parametrize("written, conventional", [
    ("ĐẢNG ỦY XÃ NGỌC LIÊN", "Đảng ủy xã Ngọc Liên"),
    ("HUYỆN ỦY CẨM GIÀNG", "Huyện ủy Cẩm Giàng"),
    ("UBND THÀNH PHỐ HẢI PHÒNG", "UBND thành phố Hải Phòng"),
    ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"),    # the legal name
    ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH ĐIỆN BIÊN", "Sở Thông tin và Truyền thông tỉnh Điện Biên"),
    # an agency the lists do not know: its head word and the next capitalised (issue 11)
    ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG", "Trung tâm Phục vụ hành chính công"),
    ("PHÒNG VĂN HÓA - THÔNG TIN HUYỆN MỸ ĐỨC", "Phòng Văn hóa - Thông tin huyện Mỹ Đức"),
    ("BỘ KẾ HOẠCH VÀ ĐẦU TƯ", "Bộ Kế hoạch và Đầu tư"),
    ("UBND tỉnh Tuyên Quang", "UBND tỉnh Tuyên Quang"),
])
def test_conventional_name_of_a_capitals_organ(written: str, conventional: str) -> None:
    from pipelines.extract.issuer import conventional_name
    assert conventional_name(written) == conventional


def test_a_signed_decision_is_the_page_own_and_its_signer_the_issuer() -> None:
    a = analyse("Quyết định ban hành Kế hoạch cải cách hành chính năm 2024",
                "Chủ tịch UBND huyện ký Quyết định số 150/QĐ-UBND ngày 05/01/2024 ban hành Kế hoạch cải cách "
                "hành chính năm 2024 của huyện.", None)
    assert (a.own.number, a.own.type, a.own.date, a.issuer, a.category, a.plan_year) == (
        # the chairman signs for the People's Committee (issue 11: "Bộ trưởng Bộ Nội vụ" signs for "Bộ Nội vụ")
        "150/QĐ-UBND", "Quyết định", "2024-01-05", "UBND huyện", "plan", 2024)


def test_news_not_about_reform_is_category_other() -> None:
    a = analyse("Kế hoạch tuyên truyền phổ biến, giáo dục pháp luật năm 2024",
                "UBND xã ban hành Kế hoạch số 10/KH-UBND về tuyên truyền phổ biến, giáo dục pháp luật năm 2024.", None)
    # not about reform: category "other"; still a plan, for the year it names (issue 11: plan_year is
    # the year any plan is for, as plan_period is any plan's period)
    assert (a.is_cchc, a.category, a.plan_year, a.own.number) == (False, "other", 2024, "10/KH-UBND")


@pytest.mark.parametrize("header, number, date, as_written, issuer, organ", [
    ("ĐẢNG BỘ HUYỆN CẨM GIÀNG\nĐẢNG ỦY XÃ NGỌC LIÊN\n*\nSố 41-KH/ĐU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
     "Ngọc Liên, ngày 18 tháng 4 năm 2022\n",
     "41-KH/ĐU", "2022-04-18", "ĐẢNG ỦY XÃ NGỌC LIÊN", "Đảng ủy xã Ngọc Liên", "party"),
    ("ỦY BAN NHÂN DÂN\nXÃ NGỌC LIÊN\nSố: 12/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
     "Độc lập - Tự do - Hạnh phúc\nNgọc Liên, ngày 10 tháng 01 năm 2023\n",
     "12/KH-UBND", "2023-01-10", "ỦY BAN NHÂN DÂN XÃ NGỌC LIÊN", "UBND xã Ngọc Liên", "government"),
    ("UBND TỈNH ĐIỆN BIÊN\nSỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nSố: 136/KH-SLĐTBXH\n"
     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐiện Biên, ngày 25 tháng 01 năm 2022\n",
     "136/KH-SLĐTBXH", "2022-01-25", "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI",
     "Sở Lao động - Thương binh và Xã hội tỉnh Điện Biên", "government"),
    ("UBND HUYỆN HÀM YÊN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nUBND XÃ TÂN THÀNH Độc lập - Tự do - Hạnh phúc\n"
     "Số: 05/KH-UBND Tân Thành, ngày 05 tháng 01 năm 2024\n",
     "05/KH-UBND", "2024-01-05", "UBND XÃ TÂN THÀNH", "UBND xã Tân Thành", "government"),
])
def test_document_headers_superior_first_issuer_last(header: str, number: str, date: str, as_written: str,
                                                     issuer: str, organ: str) -> None:
    a = analyse("", header + "KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2023\n", None)
    assert (a.own.number, a.own.date, a.own.issuer_as_written, a.issuer, a.organ) == (number, date, as_written, issuer, organ)


def test_a_wrapped_sentence_line_starting_with_so_is_not_a_header() -> None:
    # PDF text wraps lines anywhere: "… ban hành Kế hoạch\nsố 4/KH-SKHVCN về …" is the sentence, not a header
    text = ("Kế hoạch tuyên truyền công tác cải cách hành chính nhà\n nước năm 2025\n"
            "Ngày 4/2/2025, Sở Khoa học và Công nghệ tỉnh Điện Biên ban hành Kế hoạch\n"
            "số 4/KH-SKHVCN về tuyên truyền công tác cải cách hành chính nhà nước năm\n2025.\n"
            "Căn cứ Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ ban hành\n"
            "Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2011-2020.\n")
    a = analyse("Kế hoạch số 4/KH-SKHVCN về tuyên truyền cải cách hành chính năm 2025", text, None)
    assert (a.own.number, a.own.type, a.own.date, a.category) == ("4/KH-SKHVCN", "Kế hoạch", "2025-02-04", "propaganda_plan")
