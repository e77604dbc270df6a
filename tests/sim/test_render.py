"""render_seed_page: every seed in every family, text unchanged, seed-specific blocks kept."""
from __future__ import annotations

import html
import re

import pytest

from sim.families import FAMILIES
from sim.render import render_seed_page
from sim.seeds import load_seeds

FAMS = sorted(FAMILIES)

URL_PATTERNS = {
    "tandan_sp": r"/portal/Pages/\d{4}-\d{1,2}-\d{1,2}/[A-Z][a-z0-9-]+-[0-9a-z]{6}\.aspx$",
    "sharepoint_vn": r"/Trang/ChiTietTinTuc\.aspx\?nid=\d+$",
    "liferay62": r"/cai-cach-hanh-chinh/-/view_content/\d+-[a-z0-9-]+$",
    "vnportal": r"/cai-cach-hanh-chinh/[a-z0-9-]+-\d+$",
    "nukeviet": r"/vi/news/cai-cach-hanh-chinh/[a-z0-9-]+-\d+\.html$",
}


def visible(page: str) -> str:
    """Text of a page as a reader sees it (tags out, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize("family", FAMS)
@pytest.mark.parametrize("seed_no", range(5))
def test_seed_text_is_served_unchanged(seed_no: int, family: str) -> None:
    page, url = render_seed_page(seed_no, family)
    doc = load_seeds()[seed_no]
    assert re.search(URL_PATTERNS[family], url), url
    text = visible(page)
    assert doc.title in text
    for para in doc.body:
        assert para in text, para[:60]
    # the body lines are in the page source exactly (only <, >, & escaped)
    assert html.escape(doc.body[-1], quote=False) in page


def test_seed_specific_blocks_are_kept() -> None:
    p0 = visible(render_seed_page(0, "sharepoint_vn")[0])
    assert "Kết quả giải quyết TTHC" in p0 and "Số hồ sơ xử lý: 2142" in p0
    assert "( Cập nhật lúc:12/08/2022 13:15:32)" in p0 and "Tất cả: 24,103" in p0
    assert "27/04/2022 09:46:55" in p0  # its own date line in its native family
    p1 = visible(render_seed_page(1, "vnportal")[0])
    assert "Số lượt truy cập: 2437105" in p1 and "Số người online: 314" in p1
    assert "03/02/2020 15:50:00 Xem cỡ chữ: A+ A-" in p1
    page2, url2 = render_seed_page(2, "tandan_sp")
    p2 = visible(page2)
    assert "Đăng ngày 29 - 01 - 2022" in p2 and "100%" in p2
    assert "Tải Kế hoạch tại đây: 224.pdf" in p2
    assert re.search(r'href="https://sldtbxh\.dienbien\.gov\.vn/[^"]+/224\.pdf"', page2)
    assert "Tin mới nhất" in p2
    assert "Kế hoạch cải cách hành chính Nhà nước năm 2023 trên địa bàn tỉnh Điện Biên(30/12/2022 5:27 CH)" in p2
    p3 = visible(render_seed_page(3, "nukeviet")[0])
    assert "QR CODE: Kế hoạch cải cách hành chính nhà nước thành phố Hải Phòng năm 2022" in p3
    assert "Tài liệu đính kèm: Kế hoạch số 38/KH-UBND" in p3
    assert "Print Thứ Ba, 01/03/2022 13:20 Gốc" in p3
    page4, _ = render_seed_page(4, "liferay62")
    m = re.search(r'<a href="([^"]+)">Tải file</a>', page4)
    assert m and "/c/document_library/get_file?uuid=" in m.group(1)
    assert not re.search(r"\.(pdf|docx?)$", m.group(1).split("?")[0])
    assert "<title>Chi tiết bài viết - Xã Linh Trường - Gio Linh</title>" in page4


def test_family_date_formats_for_a_foreign_family() -> None:
    assert "Thứ tư - 27/04/2022 09:46" in visible(render_seed_page(0, "nukeviet")[0])
    assert "27/04/2022 | 09:46 AM" in visible(render_seed_page(0, "liferay62")[0])
    assert "Đăng ngày 27 - 04 - 2022" in visible(render_seed_page(0, "tandan_sp")[0])


def test_render_is_deterministic_and_rejects_unknown_family() -> None:
    assert render_seed_page(3, "vnportal") == render_seed_page(3, "vnportal")
    with pytest.raises(ValueError):
        render_seed_page(0, "wordpress")
