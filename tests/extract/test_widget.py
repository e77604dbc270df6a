"""The TTHC widget by its visible labels: spans, table (row and column layouts), list, iframe text, JSON APIs."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipelines.extract import extract_widget, widget_from_api, widget_source_urls
from pipelines.extract.dates import VN_OFFSET

API = Path(__file__).resolve().parent.parent / "fixtures" / "api"
NOW = dt.datetime(2022, 9, 1, 12, 0, tzinfo=VN_OFFSET)

SEED000 = """<div class="box"><div class="title">Kết quả giải quyết TTHC</div><div>Đến tháng 08 đã giải quyết:</div>
<div class="big">100%</div><div>Số hồ sơ xử lý: 2142</div><div>Trước &amp; đúng hạn: 2142</div><div>Trễ hạn: 0</div>
<div>Tỉ lệ trễ hạn: 0%</div><a href="#">Chi tiết</a><div>( Cập nhật lúc:12/08/2022 13:15:32)</div></div>"""


def test_seed000_widget() -> None:
    w, issues = extract_widget(SEED000, "https://x.gov.vn/", now=NOW)
    assert w == {"period": "2022-08", "processed_pct": 100, "total": 2142, "on_time": 2142, "late": 0,
                 "late_rate": 0, "on_time_rate": None, "updated_at": "2022-08-12T13:15:32+07:00"}
    assert issues == []


def test_labels_in_a_table_row_by_row() -> None:
    html = """<table><caption>Kết quả giải quyết hồ sơ</caption>
    <tr><td>Số hồ sơ đã giải quyết</td><td>3.410</td></tr><tr><td>Đúng hạn và trước hạn</td><td>3.401</td></tr>
    <tr><td>Quá hạn</td><td>9</td></tr><tr><td>Tỷ lệ đúng hạn</td><td>99,74%</td></tr></table>
    <p>Cập nhật ngày 02/05/2023 07:30</p>"""
    w, issues = extract_widget(html, "https://x.gov.vn/", now=NOW.replace(year=2023, month=6))
    assert (w["total"], w["on_time"], w["late"], w["on_time_rate"], w["updated_at"]) == (3410, 3401, 9, 99.74, "2023-05-02T07:30:00+07:00")
    assert issues == []


def test_separate_early_and_on_time_are_summed() -> None:
    html = "<ul><li>Kết quả giải quyết TTHC</li><li>Tổng số hồ sơ: 100</li><li>Trước hạn: 60</li><li>Đúng hạn: 35</li><li>Trễ hạn: 5</li></ul>"
    w, _ = extract_widget(html, "https://x.gov.vn/", now=NOW)
    assert (w["total"], w["on_time"], w["late"]) == (100, 95, 5)


def test_inconsistent_figures_are_reported() -> None:
    html = SEED000.replace("Trễ hạn: 0<", "Trễ hạn: 30<").replace("12/08/2022 13:15:32", "12/09/2023 13:15:32")
    w, issues = extract_widget(html, "https://x.gov.vn/", now=NOW)
    assert w["late"] == 30 and w["period"] == "2023-08"
    assert "on_time + late = 2172 but total = 2142" in issues
    assert any(i.startswith("late_rate shown 0%") for i in issues)
    assert any("in the future" in i for i in issues)


def test_rounded_rate_is_not_an_issue() -> None:
    # 7 / 2142 = 0.33 %, shown as "0%" by a widget that rounds to whole percent
    html = SEED000.replace("Trễ hạn: 0<", "Trễ hạn: 7<").replace("Trước &amp; đúng hạn: 2142", "Trước &amp; đúng hạn: 2135")
    _, issues = extract_widget(html, "https://x.gov.vn/", now=NOW)
    assert issues == []


def test_updated_before_the_period_is_reported() -> None:
    html = SEED000.replace("Đến tháng 08", "Đến tháng 08/2022").replace("12/08/2022 13:15:32", "30/07/2022 10:00:00")
    _, issues = extract_widget(html, "https://x.gov.vn/", now=NOW)
    assert issues == ["updated_at 2022-07-30T10:00:00+07:00 is older than the period 2022-08"]


def test_onedoor_iframe_text_is_an_on_time_rate_at_most() -> None:
    html = """<div class="containerChiSoTienDoGiaiQuyet"><p>Đến tháng 8 tỉnh Thanh Hóa đã giải quyết</p>
    <a href="https://dichvucong.thanhhoa.gov.vn/portaldvc/thong-ke"><p>99,5%</p></a><p>hồ sơ đúng hạn</p>
    <p><i>(Tự động cập nhật vào lúc 00:00 ngày 12/08/2022)</i></p></div>"""
    w, issues = extract_widget(html, "https://dichvucong.thanhhoa.gov.vn/portaldvc/chi-so-tien-do-giai-quyet", now=NOW)
    assert (w["on_time_rate"], w["processed_pct"], w["total"], w["period"], w["updated_at"]) == (
        99.5, None, None, "2022-08", "2022-08-12T00:00:00+07:00")
    assert any("at most" in i for i in issues)


@pytest.mark.parametrize("html", [
    "<div>Đăng ngày 29 - 01 - 2022</div><div class='font-size'>100%</div>",
    "<p>công khai kết quả giải quyết TTHC, kết quả tiếp nhận, xử lý phản ánh trên Cổng thông tin điện tử; dịch vụ công mức độ 3, mức độ 4</p>",
])
def test_a_percentage_alone_is_not_a_widget(html: str) -> None:
    assert extract_widget(html, "https://x.gov.vn/", now=NOW) == (None, [])


def test_widget_source_urls() -> None:
    html = """<iframe src="https://dichvucong.thanhhoa.gov.vn/portaldvc/chi-so-tien-do-giai-quyet?MaDinhDanh=H56&amp;Type=1"></iframe>
    <iframe src="map/du_lich2.html"></iframe><div data-api="/api/thongke/getthongketoantinh?nam=2022"></div>
    <script>fetch("/api/v1/thongkehosotructuyens/ThongKeTyLeXuLyDungHan?maDinhDanh=H56&type=0")</script>"""
    assert widget_source_urls(html, "https://quangnham.thanhhoa.gov.vn/") == [
        "https://dichvucong.thanhhoa.gov.vn/portaldvc/chi-so-tien-do-giai-quyet?MaDinhDanh=H56&Type=1",
        "https://quangnham.thanhhoa.gov.vn/api/thongke/getthongketoantinh?nam=2022",
        "https://quangnham.thanhhoa.gov.vn/api/v1/thongkehosotructuyens/ThongKeTyLeXuLyDungHan?maDinhDanh=H56&type=0",
    ]


def test_api_tandan_rate() -> None:
    w, issues = widget_from_api((API / "tandan_tyle_xu_ly_dung_han.json").read_bytes(),
                                "https://dvc.example.gov.vn/api/v1/thongkehosotructuyens/ThongKeTyLeXuLyDungHan?maDinhDanh=X&type=0&tuNgay=2022-01-01&denNgay=2022-08-12",
                                now=NOW)
    assert (w["on_time_rate"], w["period"], w["total"]) == (99.5, "2022-08", None)
    assert any("at most" in i for i in issues)


def test_api_tandan_counts() -> None:
    w, issues = widget_from_api({"data": {"daHoanThanhDungHan": 1870, "daHoanThanhQuaHan": 12, "daGiaiQuyet": 1882}},
                                "https://dvc.example.gov.vn/api/v1/thongkehosotructuyens/HoSo?tuNgay=2022-01-01&denNgay=2022-07-31", now=NOW)
    assert (w["total"], w["on_time"], w["late"], w["late_rate"], w["period"]) == (1882, 1870, 12, 0.64, "2022-07")
    assert issues == []


def test_api_camau_keys() -> None:
    w, issues = widget_from_api((API / "camau_getthongketoantinh.json").read_text(), "http://dvctt.camau.gov.vn/api/thongke/getthongketoantinh?nam=2022", now=NOW)
    assert (w["on_time"], w["late"], w["total"], w["period"]) == (14762, 148, 14910, None)
    assert issues == ["period given as a year only (nam=2022): period left null"]


def test_api_garbage() -> None:
    assert widget_from_api(b"<html>", "https://x/")[0] is None
    w, issues = widget_from_api({"foo": 1}, "https://x/")
    assert w is None and "no known keys" in issues[0]


def test_now_is_the_observed_day(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # under the simulator the crawl observes a simulated day: an update after it is "in the future"
    monkeypatch.setenv("CCHC_OBSERVED_ON", "2022-08-10")
    _, issues = extract_widget(SEED000, "https://x.gov.vn/")
    assert issues == ["updated_at 2022-08-12T13:15:32+07:00 is in the future"]
    monkeypatch.setenv("CCHC_OBSERVED_ON", "2022-08-12")
    assert extract_widget(SEED000, "https://x.gov.vn/")[1] == []


def test_received_is_not_processed_and_a_processed_count_is_the_total() -> None:
    html = ("<div><h4>KẾT QUẢ GIẢI QUYẾT HỒ SƠ</h4><p>Tổng số hồ sơ tiếp nhận: 3.512</p><p>Đã giải quyết: 3.400</p>"
            "<p>Giải quyết đúng hạn: 3.390</p><p>Quá hạn: 10</p><p>Tỷ lệ giải quyết đúng hạn: 99,71%</p></div>")
    w, issues = extract_widget(html, "https://x.gov.vn/", now=NOW)
    assert (w["total"], w["on_time"], w["late"], w["on_time_rate"], w["processed_pct"]) == (3400, 3390, 10, 99.71, None)
    assert issues == []


def test_header_row_after_a_caption_that_ends_in_a_year() -> None:
    html = ("<table><caption>Thống kê giải quyết hồ sơ TTHC năm 2026</caption><tr><th>Tiếp nhận</th><th>Đã giải quyết</th>"
            "<th>Đúng hạn</th><th>Trễ hạn</th></tr><tr><td>1,020</td><td>1,000</td><td>990</td><td>10</td></tr></table>")
    w, issues = extract_widget(html, "https://x.gov.vn/", now=NOW)
    assert (w["total"], w["on_time"], w["late"], w["period"]) == (1000, 990, 10, None)
    assert issues == []
