"""Visitor counters by label, with "." or "," thousands separators and template noise around them."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract import extract_visitors

EVIDENCE = Path(__file__).resolve().parents[3] / "shared" / "portal-evidence" / "snippets"


@pytest.mark.parametrize("html, expected", [
    ("<div>Đang truy cập: 38</div><div>Hôm nay: 79</div><div>Tất cả: 24,103</div>",
     {"online": 38, "today": 79, "week": None, "month": None, "total": 24103}),
    ("<ul><li>Số người online: 314</li><li>Số lượt truy cập: 2437105</li><li>Số lượt truy cập tuần: 73813</li>"
     "<li>Số lượt truy cập tháng: 372201</li></ul>",
     {"online": 314, "today": None, "week": 73813, "month": 372201, "total": 2437105}),
    ('<div class="visitor-tracking-wraper"><div class="current-visitor-online"><span class="online-lable">Đang truy cập: </span>'
     '<span>27 </span></div><div class="total-visitor"><span class="online-lable">Tổng: </span><span>4.798.809 </span></div></div>',
     {"online": 27, "today": None, "week": None, "month": None, "total": 4798809}),
])
def test_counters(html: str, expected: dict) -> None:
    assert extract_visitors(html) == expected


def test_nukeviet_rendered_block_skips_bots_and_guests() -> None:
    html = """<ul class="counter"><li><span><em class="fa fa-bolt"></em>Đang truy cập</span><span>27</span></li>
    <li><span><em></em>Máy chủ tìm kiếm</span><span>5</span></li><li><span><em></em>Khách viếng thăm</span><span>22</span></li>
    <li><span><em></em>Hôm nay</span><span>1,482</span></li><li><span><em></em>Tháng hiện tại</span><span>35,907</span></li>
    <li><span><em></em>Tổng lượt truy cập</span><span>2,345,678</span></li></ul>"""
    assert extract_visitors(html) == {"online": 27, "today": 1482, "week": None, "month": 35907, "total": 2345678}


def test_real_liferay_snippet() -> None:
    path = EVIDENCE / "liferay_sotttt_hanoi_visitor_counter.html"
    if not path.exists():
        pytest.skip("shared portal evidence not available")
    assert extract_visitors(path.read_text(encoding="utf-8"))["total"] == 4798809


def test_no_counter() -> None:
    assert extract_visitors("<p>Hôm nay, UBND xã tổ chức hội nghị với 120 đại biểu.</p>") is None


def test_counter_inline_in_a_long_footer_line() -> None:
    html = ("<div class='footer'><p>CỔNG THÔNG TIN ĐIỆN TỬ UBND HUYỆN CẨM GIÀNG - Địa chỉ: Thị trấn Lai Cách, huyện Cẩm Giàng, "
            "tỉnh Hải Dương - Điện thoại: 0220.3786.123 - Email: ubnd@camgiang.haiduong.gov.vn - Trưởng Ban biên tập: "
            "Nguyễn Văn A - Giấy phép số 12/GP-TTĐT ngày 01/01/2020 của Sở Thông tin và Truyền thông tỉnh Hải Dương - "
            "Ghi rõ nguồn khi phát hành lại thông tin từ cổng này - <span>Đang truy cập: 12</span> <span>Tổng lượt truy cập: 1.234.567</span></p></div>")
    assert extract_visitors(html) == {"online": 12, "today": None, "week": None, "month": None, "total": 1234567}
