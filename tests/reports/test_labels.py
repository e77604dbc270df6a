"""The one vocabulary of human labels, Vietnamese collation and local display times (no database needed)."""
from __future__ import annotations

import datetime as dt

import pytest

from reports import labels
from reports.labels import header, label, local_time, sheet_title, vn_datetime, vn_sort_key


def test_levels_organs_kinds_in_vietnamese_by_default() -> None:
    assert label("level", "province") == "tỉnh"
    assert label("level", "department") == "sở"
    assert label("level", "district") == "huyện"
    assert label("level", "commune") == "xã/phường"
    assert label("organ", "government") == "Chính quyền"
    assert label("organ", "party") == "Đảng"
    assert label("organ", "council") == "HĐND"
    assert label("organ", "mass_organisation") == "Đoàn thể"
    assert label("category", "propaganda_plan") == "Kế hoạch tuyên truyền CCHC"
    assert label("category", "plan") == "Kế hoạch CCHC"
    assert label("category", "report") == "Báo cáo"
    assert label("category", "other") == "Khác"
    assert label("bool", True) == "Có" and label("bool", False) == "Không"
    assert label("status", "missing_past_deadline") == "Chưa có, quá hạn"
    assert label("run_status", "incomplete") == "Chưa trọn vẹn"


def test_english_on_request_and_unknowns() -> None:
    assert label("level", "commune", "en") == "commune"
    assert label("organ", "government", "en") == "Government"
    assert label("bool", True, "en") == "Yes"
    assert label("level", None) == ""
    assert label("level", "special_zone") == "special_zone"  # data, shown as stored
    with pytest.raises(labels.UnknownLanguage):
        label("level", "commune", "fr")
    with pytest.raises(KeyError):
        label("colour", "red")


def test_every_vocabulary_has_both_languages_and_no_machine_words_in_vietnamese() -> None:
    machine = {"government", "propaganda_plan", "province", "commune", "party", "on_time"}
    for kind, values in labels.VALUES.items():
        for value, (vi, en) in values.items():
            assert vi and en, (kind, value)
            assert vi not in machine, (kind, value, vi)
    for key, (vi, en) in labels.HEADERS.items():
        assert vi and en and "_" not in vi, key


def test_headers_of_reports_and_exports() -> None:
    from reports.compliance import ROW_KEYS as COMPLIANCE_KEYS
    from reports.coverage import ROW_KEYS, TOTAL_KEYS
    from storage.exports import KEYS

    every = set(ROW_KEYS) | set(TOTAL_KEYS) | set(COMPLIANCE_KEYS) | {k for ks in KEYS.values() for k in ks}
    missing = sorted(k for k in every if k not in labels.HEADERS)
    assert not missing
    assert header("doc_number") == "Số/Ký hiệu"
    assert header("doc_number", "en") == "Number"
    assert header("status_from", part="portals_down") == "Mã HTTP trước"
    assert header("no_such_key") == "no_such_key"


def test_sheet_titles_fit_excel() -> None:
    for part in labels.SHEETS:
        for lang in labels.LANGS:
            name = sheet_title(part, lang)
            assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert sheet_title("coverage") == "Độ phủ"


def test_vietnamese_collation() -> None:
    names = ["Cao Bằng", "Cà Mau", "Đà Nẵng", "Điện Biên", "Dak Lak", "Hà Nội", "Hải Phòng", "An Giang",
             "Ấp Bắc", "Ăn Ở", "Bắc Ninh", "Bạc Liêu", "Ba Vì", "Tuyên Quang", "Thanh Hóa", "Ư"]
    ordered = sorted(names, key=vn_sort_key)
    assert ordered.index("Cà Mau") < ordered.index("Cao Bằng")
    # a < ă < â as letters, before any b
    assert ordered[:3] == ["An Giang", "Ăn Ở", "Ấp Bắc"]
    # đ is a letter after d: every D… before every Đ…
    assert ordered.index("Dak Lak") < ordered.index("Đà Nẵng") < ordered.index("Điện Biên")
    # tones are secondary: Ba < Bạc (the letter c decides), Bắc (ă) after both
    assert ordered.index("Ba Vì") < ordered.index("Bạc Liêu") < ordered.index("Bắc Ninh")
    # Hà before Hải (the letter i after space? no: "Hà " vs "Hải": space sorts first)
    assert ordered.index("Hà Nội") < ordered.index("Hải Phòng")
    assert ordered.index("Thanh Hóa") < ordered.index("Tuyên Quang") < ordered.index("Ư")
    # tone order as dictionaries give it: ngang, huyền, hỏi, ngã, sắc, nặng
    assert sorted(["má", "mạ", "mà", "ma", "mã", "mả"], key=vn_sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # NFD input sorts as its NFC form; None is the empty name
    import unicodedata

    assert vn_sort_key(unicodedata.normalize("NFD", "Cà Mau"))[:3] == vn_sort_key("Cà Mau")[:3]
    assert vn_sort_key(None)[0] == ()


def test_times_shown_in_ho_chi_minh() -> None:
    instant = dt.datetime(2026, 3, 3, 20, 30, tzinfo=dt.UTC)
    assert vn_datetime(instant) == "04/03/2026 03:30"
    assert vn_datetime("2026-03-03T20:30:00+00:00", seconds=True) == "04/03/2026 03:30:00"
    assert vn_datetime(dt.datetime(2026, 3, 3, 20, 30)) == "04/03/2026 03:30"  # naive = stored UTC
    assert local_time(instant).utcoffset() == dt.timedelta(hours=7)
    assert vn_datetime(None) == "" and vn_datetime("Cập nhật lúc 12/08") == "Cập nhật lúc 12/08"


def test_row_values_labelled_by_key_and_part() -> None:
    from reports.labels import labelled_row, value_label

    assert labelled_row({"level": "commune", "organ": "party", "category": "plan", "unit": "UBND xã A", "total": 5}) == {
        "level": "xã/phường", "organ": "Đảng", "category": "Kế hoạch CCHC", "unit": "UBND xã A", "total": 5}
    assert value_label("status", "late") == "Trễ hạn"
    assert value_label("status", "complete", part="runs") == "Hoàn tất"
    assert value_label("sections_missing", ["purpose", "funding"], "en") == ["Purpose", "Funding"]
    assert value_label("found", True) is True  # yes/no is the writer's (a count may share the column)


def test_every_sentence_has_the_same_fields_in_both_languages() -> None:
    """A sentence (HTML report, crawl summary, demo, schedule…) fills the same fields in vi and en,
    and its Vietnamese is not the English left untranslated."""
    import string

    assert {k.split(".")[0] for k in labels.TEXTS if "." in k} >= {"html", "crawl", "demo", "schedule"}
    for key, (vi, en) in labels.TEXTS.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(s) if f} for s in (vi, en)]
        assert fields[0] == fields[1] and vi != en, key


def test_vn_sort_key_tables_equal_the_character_loop_on_every_code_point():
    """The translate tables give the key the per-character loop (its definition) gives, for every code
    point between letters and spaces, runs of spaces of every kind, and names past the tables' range."""
    from reports.collation import _vn_sort_key_loop

    fast = vn_sort_key.__wrapped__
    for code in range(0x110000):
        if 0xD800 <= code < 0xE000:
            continue
        name = f"a{chr(code)} \u00a0\u3000b{chr(code)}"
        assert fast(name) == _vn_sort_key_loop(name), hex(code)
    for name in ("Thành phố Hồ Chí Minh", "  Đà  Nẵng ", "\U0010ffff x", "", None):
        assert fast(name) == _vn_sort_key_loop(name)


def test_sort_texts_of_many_names_order_them_as_the_full_keys() -> None:
    """`vn_sort_texts` adds tone and case weights only where names share their letters; the order is
    `vn_sort_key`'s, ties of letters included (ma/mà/mả…, Hà/HÀ, spaces), and a name past the tables is None."""
    import itertools

    from reports.collation import vn_sort_texts

    names = ["má", "mạ", "mà", "ma", "mã", "mả", "MA", "Ma", "Hà Nội", "HÀ NỘI", "Hà  Nội", "Hải Phòng", "Ha Noi",
             "Đà Nẵng", "Da Nang", "Dà Nẵng", "Cà Mau", "Cao Bằng", "", "Xã 1", "Xã 10", "Xã 2"]
    names += [f"{a}{b}" for a, b in itertools.product(["á", "a", "ă"], ["c", "C", "ć"])]
    keys = vn_sort_texts(names)
    assert keys is not None
    assert sorted(names, key=lambda n: (keys[n], n)) == sorted(names, key=lambda n: (vn_sort_key(n)[:3], n))
    assert len(keys["Cao Bằng"]) == 1 and len(keys["ma"]) == 3  # letters alone where they decide
    assert vn_sort_texts(["a", "\U0010ffff"]) is None
