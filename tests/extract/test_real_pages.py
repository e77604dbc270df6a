"""Real markup (80 pages of a Liferay 6.2 department portal, ../shared/portal-evidence): every page
extracts without an exception, and what a person reads off the home page comes out.
Skipped when the shared evidence is not available (it is not copied into the project)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract import RECORD_KEYS, extract

REAL = Path(__file__).resolve().parents[3] / "shared" / "portal-evidence" / "sotttt_hanoi_liferay_pages"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="shared portal evidence not available")


def test_every_real_page_gives_a_record() -> None:
    pages = sorted(REAL.glob("*.html"))
    assert len(pages) >= 50
    for page in pages:
        rec = extract(page.read_bytes(), f"https://sotttt.hanoi.gov.vn/{page.name}").to_dict()
        assert tuple(rec) == RECORD_KEYS, page.name


def test_real_home_page_counter() -> None:
    rec = extract((REAL / "index.html").read_bytes(), "https://sotttt.hanoi.gov.vn/").to_dict()
    assert rec["visitors"] == {"online": 27, "today": None, "week": None, "month": None, "total": 4798809}
    assert rec["widget"] is None and rec["is_cchc"] is False


def test_real_article_date_and_own_document() -> None:
    rec = extract((REAL / "phong-chong-dich-benh-covid-1917b6.html").read_bytes(), "https://sotttt.hanoi.gov.vn/x").to_dict()
    assert rec["title"] == "Tuyên truyền phòng, chống dịch bệnh viêm đường hô hấp cấp do chủng mới của vi rút Corona gây ra."
    assert rec["published_at"] == "2020-02-12T11:03:00+07:00"       # "Publish date 12/02/2020 | 11:03 AM"
    assert rec["doc_number"] == "230/STTTT-BCXBTT" and rec["doc_date"] == "2020-02-11"
    assert rec["issuer"] == "Sở Thông tin và Truyền thông" and rec["organ"] == "government"
    assert rec["text"].startswith("Ngày 11/02/2020, Sở Thông tin và Truyền thông ban hành Công văn số 230/STTTT-BCXBTT")
    assert rec["is_cchc"] is False   # a COVID-19 campaign, not administrative reform
