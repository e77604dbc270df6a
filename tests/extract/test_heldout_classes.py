"""Classes of real pages met when the old held-out part (b-*, c-*) of the real-text corpus was opened
for study: one test per class, each on a short snippet of real portal text of that class.
"""
from __future__ import annotations

from pipelines.extract import extract
from pipelines.extract.document import analyse
from pipelines.extract.maintext import clean_text

PLAN_BODY_ONLY = (
    "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\n"
    "a) Tăng cường nâng cao nhận thức, trách nhiệm tổ chức thực hiện kế hoạch CCHC hàng năm của xã đối với cán bộ, "
    "công chức, viên chức trong quá trình thực thi công vụ, nhiệm vụ.\n"
    "b) Nâng cao hiệu quả tuyên truyền CCHC trên các phương tiện thông tin đại chúng kết hợp với việc đưa tuyên "
    "truyền CCHC vào hoạt động thường xuyên trên các trang thông tin điện tử của xã.\n"
    "c) Đẩy mạnh tăng cường tuyên truyền trên mạng xã hội, thông qua Zalo, Fanpage của UBND xã.\n"
    "2. Yêu cầu\na) Triển khai công tác tuyên truyền thiết thực, hiệu quả theo tiến độ thời gian đề ra.\n"
    "II. NỘI DUNG TUYÊN TRUYỀN\n1. Tuyên truyền các chủ trương của Đảng về cải cách hành chính.\n")


def test_headerless_plan_body_is_a_plan_by_its_skeleton() -> None:
    """A copy that opens at "I. MỤC ĐÍCH, YÊU CẦU" is a plan; its purpose part says which kind."""
    a = analyse(None, PLAN_BODY_ONLY, None)
    assert a.own.type == "Kế hoạch" and a.category == "propaganda_plan"
    reform = PLAN_BODY_ONLY.replace("tuyên truyền", "thực hiện").replace("Tuyên truyền", "Thực hiện")
    reform = reform.replace("truyền", "thực hiện")
    b = analyse(None, reform.replace("TUYÊN TRUYỀN", "THỰC HIỆN"), None)
    assert b.own.type == "Kế hoạch" and b.category == "plan"


def test_text_naming_itself_this_plan_is_the_plan() -> None:
    body = ("Theo đó, Kế hoạch được UBND phường xây dựng, triển khai nhằm tiếp tục thực hiện Chương trình tổng thể CCHC "
            "nhà nước của Chính phủ giai đoạn 2021 - 2030; Kế hoạch Cải cách hành chính năm 2025 của phường Xuân Phương, "
            "với các mục tiêu chính như: cải thiện các chỉ số thành phần của Chỉ số PAR INDEX, SIPAS, PAPI.\nUBND phường giao các phòng, ban đơn vị căn cứ Kế hoạch này "
            "triển khai thực hiện.")
    a = analyse(None, body, None)
    assert a.own.type == "Kế hoạch" and a.category == "plan"
    # a common noun "kế hoạch này" in running text names no document
    assert analyse(None, "Các đơn vị đã hoàn thành kế hoạch này trong quý.", None).own.type is None


def test_news_retelling_a_reform_communication_plan_is_that_propaganda_plan() -> None:
    title = "Đổi mới hình thức, nội dung công tác truyền thông cải cách hành chính"
    body = (f"{title}\nKế hoạch nêu rõ 7 nhóm nội dung cần tập trung truyền thông cùng các hình thức truyền thông cụ thể.\n"
            "UBND tỉnh yêu cầu các cơ quan, đơn vị định kỳ 1 lần/quý gửi tin, bài về kết quả thực hiện nhiệm vụ CCHC.")
    a = analyse(title, body, None)
    assert a.own.type == "Kế hoạch" and a.category == "propaganda_plan"
    # "truyền thống" (tradition) folds like "truyền thông" and is no propaganda
    b = analyse("Kế hoạch tổ chức kỷ niệm ngày truyền thống ngành cải cách hành chính", "Kế hoạch nêu rõ các hoạt động.", None)
    assert b.category == "plan"


def test_report_in_its_own_voice_outweighs_the_plan_it_recalls() -> None:
    body = ("Thực hiện Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ, UBND tỉnh ban hành Kế hoạch cải cách hành "
            "chính năm 2012 theo Quyết định số 310/QĐ-UBND ngày 21/02/2012. Qua một năm tổ chức triển khai, UBND tỉnh "
            "Tây Ninh báo cáo kết quả chủ yếu của công tác cải cách hành chính năm 2012 (CCHC) trên địa bàn tỉnh như sau:\n"
            "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH\n")
    a = analyse(None, body, None)
    assert a.own.type == "Báo cáo" and a.category == "report" and a.plan_year is None


def test_outline_titled_page_is_not_the_unnumbered_plan_its_grounds_recall() -> None:
    title = "ĐỀ CƯƠNG TUYÊN TRUYỀN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ GIAI ĐOẠN 2023-2025 TRÊN ĐỊA BÀN THÀNH PHỐ PHAN RANG - THÁP CHÀM"
    body = ("I. Căn cứ pháp lý\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;\n"
            "Ngày 30/7/2023, Chính phủ ban hành Kế hoạch thực hiện sắp xếp đơn vị hành chính cấp huyện, cấp xã "
            "giai đoạn 2023-2025.\nII. Nội dung tuyên truyền\n")
    a = analyse(title, body, None)
    assert a.own.type == "Đề cương" and a.plan_period is None


def test_results_lead_makes_a_write_up_whose_recalled_decision_is_background() -> None:
    title = "Thành phố Cần Thơ đẩy mạnh công tác cải cách hành chính phát triển kinh tế xã hội"
    body = ("Sau hơn 10 năm thực hiện Chương trình tổng thể cải cách hành chính (CCHC) nhà nước (2004 – 2015) trên địa bàn "
            "thành phố Cần Thơ, chính quyền các cấp ngày càng gần dân hơn.\n1. Công tác chỉ đạo, điều hành\n"
            "Thực hiện Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Thủ tướng Chính phủ, Ủy ban nhân dân (UBND) thành phố "
            "Cần Thơ đã ban hành Quyết định số 3362/QĐ-UBND ngày 29/12/2011 về Chương trình CCHC thành phố Cần Thơ giai "
            "đoạn 2011-2020.")
    a = analyse(title, body, None)
    assert a.own.number is None and a.category == "report"


def test_untitled_text_opening_on_a_years_results_is_a_report() -> None:
    body = ("Năm 2023, công tác cải cách hành chính của huyện tiếp tục được lãnh đạo, chỉ đạo quyết liệt. Kết quả thực "
            "hiện công tác CCHC năm 2023 của huyện có sự chuyển biến so với năm 2022; chỉ số cải cách hành chính của "
            "huyện là 69,37%, xếp loại Khá.")
    assert analyse(None, body, None).category == "report"
    # a plan's purpose that will assess results is no write-up
    plan = ("Nhằm đánh giá thực chất kết quả thực hiện công tác cải cách hành chính tại các cơ quan, đơn vị, địa "
            "phương. Kế hoạch kiểm tra công tác CCHC năm 2016 được ban hành nhằm chấn chỉnh công tác CCHC.")
    assert analyse(None, plan, None).category != "report"


def test_results_titled_news_whose_first_sentence_issues_a_decision_is_that_decision() -> None:
    title = "Khối UBND cấp xã thuộc huyện Quảng Điền có điểm bình quân và xếp hạng chỉ số cải cách hành chính đứng đầu toàn tỉnh"
    body = ("Ngày 22/11/2023, Sở Nội vụ ban hành Quyết định số 1074/QĐ-SNV về việc công bố kết quả đánh giá, xếp loại "
            "công tác cải cách hành chính của UBND các xã, phường, thị trấn năm 2023.\nNăm 2023 Hội đồng thẩm định chỉ "
            "số cải cách hành chính tỉnh đánh giá, xếp loại 141 xã, phường, thị trấn trên địa bàn tỉnh.")
    a = analyse(title, body, None)
    assert (a.own.type, a.own.number, a.own.date) == ("Quyết định", "1074/QĐ-SNV", "2023-11-22")


def test_decision_publishing_an_index_is_a_report() -> None:
    title = "Công bố Chỉ số cải cách hành chính năm 2018"
    body = ("Mới đây, Ủy ban nhân dân tỉnh Kiên Giang vừa ban hành Quyết định công bố Chỉ số cải cách hành chính các "
            "sở, ban, ngành cấp tỉnh, Ủy ban nhân dân các huyện, thành phố năm 2018. Kết quả, Văn phòng Ủy ban nhân "
            "dân tỉnh có số điểm cao nhất đạt 98 điểm, xếp loại xuất sắc.")
    a = analyse(title, body, None)
    assert a.own.type == "Quyết định" and a.category == "report"


def test_letter_posted_under_its_number_line_is_a_cong_van() -> None:
    title = "Số 924/SNV-CCHC Ngày 07-9-2015 V/v báo cáo công tác CCHC quý III năm 2015."
    body = ("Kính gửi:\n– Thủ trưởng các Sở, Ban ngành,\n– Uỷ ban nhân dân các huyện, thành phố.\n"
            "Thực hiện Chỉ thị số 33-CT/TU ngày 01/12/2014 của Ban Thường vụ Tỉnh ủy về tăng cường công tác lãnh đạo, "
            "chỉ đạo cải cách hành chính.")
    a = analyse(title, body, None)
    assert (a.own.type, a.own.number, a.own.date) == ("Công văn", "924/SNV-CCHC", "2015-09-07")
    # without its number line, "V/v" and "Kính gửi:" still make it a letter
    b = analyse("V/v báo cáo công tác CCHC quý III năm 2015", body, None)
    assert b.own.type == "Công văn" and b.category == "other"


def test_text_ends_at_comment_forms_back_to_top_links_and_dated_archive_lists() -> None:
    body = ("Ngày 19/01/2023 UBND phường Sông Cầu ban hành kế hoạch thực hiện công tác cải cách hành chính năm 2023.\n"
            "Giao Công chức Văn phòng-Thống kê theo dõi việc thực hiện kế hoạch.")
    for chrome in ("LEAVE A REPLY\nPlease enter your comment!\nPlease enter your name here",
                   "Back To Top", "Các tin đã đưa ngày:\n20/08/2021"):
        text = clean_text(f"{body}\n{chrome}")
        assert text == body, chrome


def test_bulleted_view_counter_above_the_text_is_no_text() -> None:
    lead = ("( Phù Ninh) - Ngày 17 tháng 6 năm 2019, Huyện ủy Phù Ninh ban hành hướng dẫn số Số 15 - HD/HU của ban "
            "thường vụ Huyện ủy Phù Ninh về Hướng dẫn Tuyên truyền việc sắp xếp các đơn vị hành chính cấp xã.")
    assert clean_text(f"  • Cập nhật: 18/06/2019\n  • Lượt xem: 15695 lượt xem\n{lead}") == lead


def test_short_headline_confirmed_by_the_title_tag_and_its_posting_line() -> None:
    """A table-layout portal's headline "Báo cáo" (shorter than any news headline) with "<title>Báo cáo ::
    site</title>" and its date line glued to a view count ("10.03.2025 15:0211 đã xem")."""
    site = "Trang thông tin điện tử xã Đưng K’Nớ"
    html = (f"<html><head><meta charset='utf-8'><title>Báo cáo :: {site}</title></head><body><table><tr><td>"
            "<table><tr><td class='path'><a href='/'>Trang chủ</a> &gt;&gt; Văn bản chỉ đạo điều hành</td></tr>"
            "<tr><td class='title_news'><b>Báo cáo</b></td></tr><tr><td class='date_news'>10.03.2025 15:0211 đã xem</td></tr>"
            "<tr><td><p>ỦY BAN NHÂN DÂN</p><p>XÃ ĐƯNG K’NỚ</p><p>Số: 31  /BC-UBND</p><p>BÁO CÁO</p>"
            "<p>Kết quả công tác cải cách hành chính Quý I năm 2025</p><p>Thực hiện Kế hoạch số 11/KH-UBND ngày "
            "21/01/2025 của Ủy ban nhân dân xã Đưng K’Nớ về việc thực hiện công tác cải cách hành chính năm 2025, Ủy "
            "ban nhân dân xã báo cáo kết quả thực hiện công tác cải cách hành chính Quý I năm 2025, cụ thể như sau:</p>"
            "</td></tr></table></td></tr></table></body></html>")
    rec = extract(html, "http://dungkno.lacduong.lamdong.gov.vn/chi-tiet-tin-tuc/?param=bao-cao")
    assert rec.title == "Báo cáo"
    assert rec.published_at == "2025-03-10T15:02:00+07:00"


def test_english_satisfaction_survey_page_is_reform() -> None:
    """A portal's English page on the SIPAS survey: no headline; its first sentence is its subject."""
    body = ("To have a basis for assessing the level of satisfaction of organizations and individuals with the services "
            "of state administrative agencies, public health, education and training units in the province.\n"
            "1. Time: from September 2023 to November 2023 (during and outside office hours).\n"
            "2. Location: At the office, home and directly at the hospital, clinic, medical facility.")
    a = analyse(None, body, None)
    assert a.is_cchc is True and a.category == "other"
    # an English text on something else is not
    assert analyse(None, "To have a basis for assessing the quality of rice seeds in the province.\n"
                         "1. Time: from September 2023.", None).is_cchc is False


def test_one_stop_office_written_with_a_digit_is_reform_vocabulary() -> None:
    body = ("Tiếp nhận hồ sơ tại Bộ phận 1 cửa cấp huyện; trả kết quả giải quyết thủ tục hành chính qua Bộ phận 1 cửa "
            "và cơ chế 1 cửa liên thông.")
    assert analyse("Hồ sơ tiếp nhận trong tháng", body, None).is_cchc is True


def test_headline_that_is_only_a_type_keeps_the_header_above_the_documents_heading() -> None:
    raw = ("| ỦY BAN NHÂN DÂN XÃ ĐƯNG K’NỚ | Số: 31 /BC-UBND |\n"
           "| CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc | Đưng K’Nớ, ngày 07 tháng 3 năm 2025 |\n"
           "BÁO CÁO\nKết quả công tác cải cách hành chính Quý I năm 2025\n"
           "Căn cứ Quyết định số 65/QĐ-UBND ngày 16/01/2025 của Ủy ban nhân dân huyện Lạc Dương về việc ban hành Kế "
           "hoạch Cải cách hành chính năm 2025;")
    text = clean_text(raw, "Báo cáo")
    assert text is not None and text.startswith("| ỦY BAN NHÂN DÂN XÃ ĐƯNG K’NỚ | Số: 31 /BC-UBND |")
    # a real headline repeated by trafilatura still cuts the banner above it
    assert clean_text("Cổng thông tin\nKết quả CCHC quý I năm 2025\nNội dung bài viết dài về kết quả.",
                      "Kết quả CCHC quý I năm 2025") == "Nội dung bài viết dài về kết quả."
