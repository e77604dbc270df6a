"""Register tables are read by their header labels, whatever the column order or markup."""
from parsel import Selector

from crawler.spiders.registers import column_map, register_rows

TABLE = """
<table class="vanban"><tr><th>STT</th><th>Trích yếu</th><th>Số/Ký hiệu</th><th>Ngày ban hành</th><th>Tệp đính kèm</th></tr>
<tr><td>1</td><td><a href="/van-ban/chi-tiet?id=77">Kế hoạch tuyên truyền cải cách hành chính năm 2023</a></td>
<td>15/KH-UBND</td><td>12/01/2023</td><td><a href="/files/15-KH-UBND.pdf">Tải về</a></td></tr>
<tr><td>2</td><td>Quyết định về việc khen thưởng</td><td>99/QĐ-UBND</td><td>03/02/2023</td><td><a href="/files/dl?id=9">Tải file</a></td></tr>
</table>"""


def test_columns_found_by_label():
    assert column_map(["STT", "Trích yếu", "Số/Ký hiệu", "Ngày ban hành", "Tệp đính kèm"]) == {
        1: "summary", 2: "number", 3: "date", 4: "file",
    }


def test_rows_with_file_and_detail_links():
    rows = register_rows(Selector(TABLE), "https://xa.example.gov.vn/van-ban")
    assert len(rows) == 2
    first = rows[0]
    assert first["number"] == "15/KH-UBND"
    assert first["date"] == "12/01/2023"
    assert first["summary"] == "Kế hoạch tuyên truyền cải cách hành chính năm 2023"
    assert first["file_url"] == "https://xa.example.gov.vn/files/15-KH-UBND.pdf"
    assert first["detail_url"] == "https://xa.example.gov.vn/van-ban/chi-tiet?id=77"
    assert rows[1]["file_url"] == "https://xa.example.gov.vn/files/dl?id=9"
    assert rows[1]["detail_url"] is None


def test_tables_without_number_and_summary_are_not_registers():
    assert register_rows(Selector("<table><tr><th>Tên</th><th>Điện thoại</th></tr><tr><td>A</td><td>1</td></tr></table>"), "https://a.gov.vn/") == []
