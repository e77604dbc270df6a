"""The national 766 index answer read robustly: decimal commas, silent components, bad objects and
bad answers (a fault, never a crash). Pure functions, no network."""
from __future__ import annotations

import json

import pytest

from crawler.registry import load_registry
from crawler.registry import province_key as registry_key
from pipelines.extract.index766 import COMPONENTS, parse_index766, province_key, score


def answer(*rows: dict) -> bytes:
    return json.dumps(list(rows), ensure_ascii=False).encode("utf-8")


def test_values_in_every_notation_the_portal_sends() -> None:
    parsed = parse_index766(answer(
        {"ID": "398126", "ROW_STT": "1", "TEN": "Tỉnh An Giang", "CKMB": "17.5", "TDGQ": "19,2", "TTTT": 8.1,
         "CLGQ": 2, "MDHL": " 17,90 ", "MDSH": "19.0", "TONG_SCORE": "84,6"}))
    assert parsed.error is None and parsed.issues == []
    (r,) = parsed.readings
    assert (r.province, r.province_key, r.api_id, r.rank) == ("Tỉnh An Giang", "an giang", "398126", 1)
    assert r.scores == {"CKMB": 17.5, "TDGQ": 19.2, "TTTT": 8.1, "CLGQ": 2.0, "MDHL": 17.9, "MDSH": 19.0}
    assert r.total == 84.6 and r.issues == []


@pytest.mark.parametrize("value, expected", [
    ("17,5", 17.5), ("17.5", 17.5), (17.5, 17.5), ("0,05", 0.05), ("1.000,5", None), ("abc", None),
    ("-3", None), ("", None), ("-", None), (None, None), (True, None), ("99,41", 99.41), ("\u00a019,2", 19.2),
])
def test_one_score(value, expected) -> None:
    assert score(value)[0] == expected


def test_silent_components_are_none_never_zero() -> None:
    parsed = parse_index766(answer(
        {"TEN": "Thành phố Hà Nội", "CKMB": None, "TDGQ": "", "TTTT": "-", "MDHL": "18", "TONG_SCORE": "18"}))
    (r,) = parsed.readings
    assert r.scores == {"CKMB": None, "TDGQ": None, "TTTT": None, "CLGQ": None, "MDHL": 18.0, "MDSH": None}
    assert r.issues == []  # silence is not a problem to report, it is a blank
    assert r.province_key == "ha noi"


def test_unreadable_values_are_recorded_as_issues() -> None:
    parsed = parse_index766(answer({"TEN": "Tỉnh Cà Mau", "CKMB": "mười bảy", "TDGQ": "140", "TONG_SCORE": [1]}))
    (r,) = parsed.readings
    assert r.scores["CKMB"] is None and r.scores["TDGQ"] is None and r.total is None
    assert r.issues == ["CKMB: 'mười bảy' is not a number", "TDGQ: '140' is outside 0..100",
                        "TONG_SCORE: list value [1] is not a score"]


def test_objects_without_a_province_and_repeats() -> None:
    parsed = parse_index766(answer(
        {"TEN": "Tỉnh Lai Châu", "TDGQ": "15"}, {"CKMB": "3"}, "not an object", {"TEN": "  Tỉnh  Lai Châu ", "TDGQ": "1"},
        {"TEN": "Tỉnh Sơn La", "TDGQ": "16,25"}))
    assert [(r.province, r.scores["TDGQ"]) for r in parsed.readings] == [("Tỉnh Lai Châu", 15.0), ("Tỉnh Sơn La", 16.25)]
    assert parsed.issues == ["item 2: no province name (TEN); skipped", "item 3: not an object (str); skipped",
                             "item 4: Tỉnh Lai Châu given twice; the first kept"]


@pytest.mark.parametrize("body, words", [
    (b"<html>Request Rejected</html>", "did not answer JSON"),
    (b"", "did not answer JSON"),
    (b"\xff\xfe\x00", "did not answer JSON"),
    (b'{"error": "Phi\xc3\xaan l\xc3\xa0m vi\xe1\xbb\x87c h\xe1\xba\xbft h\xe1\xba\xa1n"}', "another shape"),
    (b"42", "another shape"),
])
def test_bad_answers_are_a_fault_not_a_crash(body: bytes, words: str) -> None:
    parsed = parse_index766(body)
    assert parsed.readings == [] and words in (parsed.error or "")


def test_rows_under_a_data_key() -> None:
    parsed = parse_index766(json.dumps({"data": [{"TEN": "Tỉnh Điện Biên", "TDGQ": "18,1"}]}).encode())
    assert parsed.error is None and parsed.readings[0].scores["TDGQ"] == 18.1
    assert set(parsed.readings[0].scores) == set(COMPONENTS)


def test_province_key_meets_the_registry_for_every_province() -> None:
    provinces = [p for p in load_registry().portals if p.level == "province"]
    assert len(provinces) == 34
    for p in provinces:
        as_index_names_it = p.name.replace("UBND ", "").replace("tỉnh", "Tỉnh").replace("thành phố", "Thành phố")
        assert province_key(as_index_names_it) == registry_key(p.province), p.id
    assert province_key("TP. Hồ Chí Minh") == province_key("Thành phố Hồ Chí Minh") == "ho chi minh"
