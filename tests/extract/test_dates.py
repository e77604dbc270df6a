"""Vietnamese date grammar: every form the seeds and the portal evidence show."""
from __future__ import annotations

import pytest

from pipelines.extract.dates import find_dates, parse_date, parse_iso


@pytest.mark.parametrize("text, iso", [
    ("27/04/2022 09:46:55", "2022-04-27T09:46:55+07:00"),
    ("03/02/2020 15:50:00 Xem cỡ chữ: A+ A-", "2020-02-03T15:50:00+07:00"),
    ("Đăng ngày 29 - 01 - 2022", "2022-01-29"),
    ("Print Thứ Ba, 01/03/2022 13:20 Gốc", "2022-03-01T13:20:00+07:00"),
    ("Thứ ba - 01/03/2022 13:20", "2022-03-01T13:20:00+07:00"),
    ("(27/01/2023 5:35 CH)", "2023-01-27T17:35:00+07:00"),
    ("(29/01/2022 12:48 SA)", "2022-01-29T00:48:00+07:00"),
    ("(01/03/2021 12:44 CH)", "2021-03-01T12:44:00+07:00"),
    ("01/03/2022 01:20:00 PM", "2022-03-01T13:20:00+07:00"),
    ("21/07/2022 | 10:00 AM", "2022-07-21T10:00:00+07:00"),
    ("5:35:12 CH 27/1/2023", "2023-01-27T17:35:12+07:00"),
    ("(Tự động cập nhật vào lúc 00:00 ngày 12/08/2022)", "2022-08-12T00:00:00+07:00"),
    ("( Cập nhật lúc:12/08/2022 13:15:32)", "2022-08-12T13:15:32+07:00"),
    ("ngày 18 tháng 4 năm 2022", "2022-04-18"),
    ("Cần Thơ, ngày 05 tháng 02 năm 2022", "2022-02-05"),
    ("Đề án số 08-ĐA/HU, ngày 5/01/2021 của Huyện ủy", "2021-01-05"),
    ("(24/08/2022)", "2022-08-24"),
    ("(29/06/2026, 14:49)", "2026-06-29T14:49:00+07:00"),
    ("Cập nhật lúc 09:15, Thứ hai, 18/04/2022", "2022-04-18T09:15:00+07:00"),
    ("Thứ Hai, 18 Tháng Tư 2022", "2022-04-18"),
    ("18 tháng Mười Hai, 2021", "2021-12-18"),
])
def test_forms(text: str, iso: str) -> None:
    d = parse_date(text)
    assert d is not None and d.iso() == iso


def test_nfd_and_capitals_do_not_matter() -> None:
    import unicodedata
    assert parse_date(unicodedata.normalize("NFD", "NGÀY 18 THÁNG 4 NĂM 2022")).iso() == "2022-04-18"


@pytest.mark.parametrize("text", ["giai đoạn 2021-2030", "Cổng/trang", "mức độ 3, 4", "31/02/2022", "Số 38/KH-UBND", "1.254 hồ sơ"])
def test_not_dates(text: str) -> None:
    assert find_dates(text) == []


def test_all_dates_in_order() -> None:
    text = "Thực hiện Kế hoạch số 11-KH/BTGHU ngày 06/4/2022 …; Công văn số 209/UBND-VP, ngày 23/3/2022"
    assert [d.iso() for d in find_dates(text)] == ["2022-04-06", "2022-03-23"]


def test_iso_meta_converted_to_vietnam_time() -> None:
    assert parse_iso("2022-03-01T06:20:00Z").iso() == "2022-03-01T13:20:00+07:00"
    assert parse_iso("2022-04-27T09:46:55+07:00").iso() == "2022-04-27T09:46:55+07:00"
    assert parse_iso("2022-04-27").iso() == "2022-04-27"


_BODY = ("<p>UBND huyện Hàm Yên vừa ban hành Kế hoạch số 112/KH-UBND về cải cách hành chính năm 2022 nhằm nâng "
         "cao chất lượng phục vụ người dân, doanh nghiệp trên địa bàn huyện.</p>") * 3
_LATEST = ("<div><h3>Tin mới nhất</h3><ul><li><a href='/a'>Tin A</a> (20/05/2022)</li>"
           "<li><a href='/b'>Tin B</a> 19/05/2022 10:00</li></ul></div>")


def _published(meta: str) -> str | None:
    from pipelines.extract import extract
    html = (f"<html><body><h1>Hàm Yên ban hành kế hoạch CCHC năm 2022</h1>{meta}{_BODY}{_LATEST}</body></html>")
    return extract(html, "https://hamyen.tuyenquang.gov.vn/tin-tuc/ke-hoach-cchc-2022-123.html").published_at


@pytest.mark.parametrize("meta, iso", [
    ("<span>Cập nhật lúc 09:15, Thứ hai, 18/04/2022</span>", "2022-04-18T09:15:00+07:00"),
    ("<time datetime='2022-04-18T09:15:00+07:00'>18/04/2022</time>", "2022-04-18T09:15:00+07:00"),
    ("<p>Thứ Hai, 18 Tháng Tư 2022</p>", "2022-04-18"),
    ("", None),   # no date of its own: never a date from the "Tin mới nhất" list below
])
def test_published_is_the_page_own_date_never_the_latest_news_list(meta: str, iso: str | None) -> None:
    assert _published(meta) == iso


@pytest.mark.parametrize("text, dates", [
    ("Các đơn vị gửi báo cáo về UBND huyện trước ngày 15/11/2022.", ["2022-11-15"]),
    ("Báo cáo kết quả chậm nhất là ngày 20/12/2023.", ["2023-12-20"]),
    ("Gửi kế hoạch về Sở Nội vụ trước ngày 15 tháng 01 năm 2024 để tổng hợp.", ["2024-01-15"]),
    ("Báo cáo trước 05/12/2022.", ["2022-12-05"]),
    ("Rà soát trước khi ban hành, ngày 5/1/2022 họp.", []),     # "trước" not followed by its date
])
def test_deadlines_in_every_date_form(text: str, dates: list[str]) -> None:
    from core.vntext import fold_aligned
    from pipelines.extract.deadlines import find_deadlines
    assert [d["date"] for d in find_deadlines(text, fold_aligned(text))] == dates
