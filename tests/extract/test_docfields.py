"""A register's detail page is read by its labels in any of the layouts templates use."""
from __future__ import annotations

import pytest
from lxml import html as lxml_html

from pipelines.extract import extract
from pipelines.extract.docfields import detail_fields

LAYOUTS = {
    "table": "<table><tr><td>Số ký hiệu</td><td>45/KH-UBND</td></tr><tr><td>Ngày ban hành</td><td>15/02/2023</td></tr>"
             "<tr><td>Trích yếu</td><td>Kế hoạch tuyên truyền CCHC năm 2023</td></tr></table>",
    "dl": "<dl><dt>Số/Ký hiệu:</dt><dd>45/KH-UBND</dd><dt>Ngày ban hành:</dt><dd>15/02/2023</dd>"
          "<dt>Trích yếu nội dung:</dt><dd>Kế hoạch tuyên truyền CCHC năm 2023</dd></dl>",
    "bold_then_tail": "<ul><li><b>Số hiệu văn bản:</b> 45/KH-UBND</li><li><b>Ngày ban hành:</b> 15/02/2023</li>"
                      "<li><b>Trích yếu:</b> Kế hoạch tuyên truyền CCHC năm 2023</li></ul>",
    "one_line_each": "<p>Số ký hiệu: 45/KH-UBND</p><p>Ngày ban hành: 15/02/2023</p><p>Trích yếu: Kế hoạch tuyên truyền CCHC năm 2023</p>",
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_fields_by_label_whatever_the_markup(layout: str) -> None:
    tree = lxml_html.fromstring(f"<html><body>{LAYOUTS[layout]}</body></html>")
    f = detail_fields(tree)
    assert (f["number"], f["date"], f["summary"]) == ("45/KH-UBND", "15/02/2023", "Kế hoạch tuyên truyền CCHC năm 2023")


def test_a_register_listing_header_row_is_not_a_detail_page() -> None:
    html = ("<html><body><h1>Văn bản chỉ đạo điều hành</h1><table><tr><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th></tr>"
            "<tr><td>45/KH-UBND</td><td>15/02/2023</td><td>Kế hoạch tuyên truyền CCHC năm 2023</td></tr>"
            "<tr><td>12/QĐ-UBND</td><td>10/01/2023</td><td>Quyết định về việc khác</td></tr></table></body></html>")
    rec = extract(html, "https://x.gov.vn/van-ban")
    assert rec.doc_number is None and rec.title == "Văn bản chỉ đạo điều hành"


def test_detail_page_with_the_type_only_in_its_label() -> None:
    html = ("<html><body><h1>Chi tiết văn bản</h1><table><tr><td>Số ký hiệu</td><td>08/KH-UBND</td></tr>"
            "<tr><td>Loại văn bản</td><td>KẾ HOẠCH</td></tr><tr><td>Cơ quan ban hành</td><td>UBND xã Linh Trường</td></tr>"
            "<tr><td>Ngày ban hành</td><td>20/01/2024</td></tr>"
            "<tr><td>Trích yếu</td><td>Tuyên truyền cải cách hành chính năm 2024</td></tr></table></body></html>")
    r = extract(html, "https://linhtruong.giolinh.quangtri.gov.vn/van-ban/8").to_dict()
    assert (r["doc_number"], r["doc_type"], r["doc_date"], r["issuer"], r["category"], r["plan_year"], r["published_at"]) == (
        "08/KH-UBND", "Kế hoạch", "2024-01-20", "UBND xã Linh Trường", "propaganda_plan", 2024, None)
