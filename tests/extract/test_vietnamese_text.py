"""Misspellings, run-together words, abbreviations, NFD: the keyword layer must still match."""
from __future__ import annotations

import unicodedata

import pytest

from core.vntext import fold_aligned
from pipelines.extract.channels import find_channels
from pipelines.extract.classify import category, is_cchc
from pipelines.extract.sections import find_sections


def key(s: str) -> str:
    return fold_aligned(unicodedata.normalize("NFC", s))


@pytest.mark.parametrize("title", [
    "Kế hoạch tuyên truyên công tác cải cách hành chính năm 2022",   # seed 000
    "Kế hoạch tuyên tuyền cải cách hành chính năm 2022",             # seed 002
    "Kế hoạch truyên truyền CCHC năm 2022",
    "KẾ HOẠCH TUYÊN TRUYỀN CCHC NĂM 2024",
    unicodedata.normalize("NFD", "Kế hoạch tuyên truyền cải cách hành chính"),
])
def test_propaganda_plan_despite_spelling(title: str) -> None:
    k = key(title)
    assert is_cchc(k, "", "") and category("Kế hoạch", k, "", True) == "propaganda_plan"


def test_subject_decides_over_title() -> None:
    title = key("Kế hoạch cải cách hành chính nhà nước thành phố Hải Phòng năm 2022")
    subject = key("tuyên truyền cải cách hành chính nhà nước thành phố Hải Phòng năm 2022")
    assert category("Kế hoạch", title, "", True) == "plan"
    assert category("Kế hoạch", title, subject, True) == "propaganda_plan"


def test_run_together_term_in_title() -> None:
    assert is_cchc(key("Công khai, minh bạch các thủtục hành chính tại xã"), "", "")


@pytest.mark.parametrize("text, expected", [
    ("Tuyên truyền về TTHC và CCHC tại UBND xã. Cải cách hành chính là nhiệm vụ trọng tâm.", True),
    ("Chiều 13/8, tại sân vận động trung tâm hành chính xã, Đoàn Thanh niên tổ chức giải bóng đá.", False),
])
def test_is_cchc_from_body(text: str, expected: bool) -> None:
    assert is_cchc("", "", key(text)) is expected


def test_run_together_label_starts_a_section() -> None:
    text = ("Mục đích: - Nâng cao vai trò của người đứng đầu trên địa bàn xã.Yêu cầu:\n- Công tác tuyên truyền CCHC thường xuyên.\n"
            "Yêu cầu các cấp, các ngành cần nêu cao vai trò trách nhiệm.")
    secs = find_sections(text, key(text))
    assert [s["name"] for s in secs] == ["purpose", "requirements"]
    assert secs[1]["text"].startswith("- Công tác tuyên truyền CCHC")
    assert "Yêu cầu các cấp" in secs[1]["text"]   # a verb, not a new section


def test_roman_headings() -> None:
    text = "I. MỤC ĐÍCH, YÊU CẦU\nNâng cao nhận thức.\nII. NỘI DUNG, HÌNH THỨC TUYÊN TRUYỀN\nTrên Cổng thông tin.\nIII. KINH PHÍ\nNgân sách.\nIV. TỔ CHỨC THỰC HIỆN\nCác phòng báo cáo."
    secs = find_sections(text, key(text))
    assert [s["name"] for s in secs] == ["purpose", "requirements", "content", "forms", "funding", "organisation"]
    assert secs[0]["text"] == secs[1]["text"] == "Nâng cao nhận thức."


def test_channels_vocabulary() -> None:
    text = ("Đẩy mạnh tuyên truyền trên mạng xã hội, Zalo, qua Cổng thông tin điện tử xã; đài truyền thanh xã; "
            "Pano, áp phích, khẩu hiệu; sân khấu hóa, xuất bản tờ rơi; niêm yết công khai; hội thi; tập huấn; Truyền hình; báo chí")
    assert find_channels(key(text)) == ["portal", "social_media", "zalo", "radio", "tv", "press", "training", "contest",
                                        "theatre", "poster", "leaflet", "public_posting"]
    assert find_channels(key("Các loại hình thông tin")) == []   # "loại" is not "loa"
