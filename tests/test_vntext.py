import unicodedata

from core.vntext import clean_space, contains_folded, fold, nfc


def test_fold_handles_d_stroke_and_tones():
    assert fold("Đảng ủy xã Ngọc Liên") == "dang uy xa ngoc lien"


def test_fold_is_same_for_nfd_and_nfc():
    s = "Tuyên truyền cải cách hành chính"
    assert fold(unicodedata.normalize("NFD", s)) == fold(s) == "tuyen truyen cai cach hanh chinh"


def test_nfc_composes_decomposed_text():
    decomposed = unicodedata.normalize("NFD", "Kế hoạch")
    assert decomposed != "Kế hoạch"
    assert nfc(decomposed) == "Kế hoạch"


def test_clean_space_collapses_nbsp():
    assert clean_space("Tuyên\u00a0 truyền\n\n CCHC ") == "Tuyên truyền CCHC"


def test_contains_folded():
    assert contains_folded("KẾ HOẠCH TUYÊN TRUYỀN CCHC", "tuyen truyen")
    assert not contains_folded("Tin thể thao", "tuyen truyen")


def _fold_by_definition(text: str) -> str:
    """fold as first written: NFD, every combining mark (Mn) dropped one character at a time, lower case."""
    import re

    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", stripped.lower()).strip()


def test_fold_equals_its_definition_on_every_code_point():
    """The table-driven fold (a regex for U+0300..U+036F, a lazy translate table for the rest) drops
    exactly the marks the per-character definition drops, on ASCII-only, Vietnamese and any text."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert fold(every) == _fold_by_definition(every)
    for text in ("Kế hoạch số 25/KH-UBND", unicodedata.normalize("NFD", "Ủy ban nhân dân"), "İstanbul ǅ ﬁ",
                 "a\u0483b\u1ab0c", "x\u0301\u0301", "Ωμέγα 東京 €", ""):
        assert fold(text) == _fold_by_definition(text)
