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
