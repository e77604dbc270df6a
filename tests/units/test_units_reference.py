"""The reference data as loaded from the two packages and the curated files: counts, codes, mapping."""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from units.catalog import UnitCatalog
from units.reference import LEGACY_LAST_DAY, REORG_DATE, ReferenceData

D2020 = dt.date(2020, 6, 1)


def test_34_current_and_63_former_provinces(catalog: UnitCatalog) -> None:
    current = catalog.provinces(at=dt.date(2026, 1, 1))
    former = [u for u in catalog.provinces() if u.valid_to == LEGACY_LAST_DAY]
    assert len(current) == 34
    assert len(former) == 63
    assert all(u.valid_from == REORG_DATE for u in current)
    assert {u.name for u in current} >= {"Hà Nội", "Huế", "Hải Phòng", "Tuyên Quang", "Quảng Trị", "Hồ Chí Minh"}
    assert "Hải Dương" in {u.name for u in former} and "Hải Dương" not in {u.name for u in current}


def test_every_former_province_maps_to_exactly_one_current_province(catalog: UnitCatalog) -> None:
    former = [u for u in catalog.provinces() if u.valid_to == LEGACY_LAST_DAY]
    into: dict[str, list[str]] = defaultdict(list)
    for province in former:
        current = catalog.current_units(province, on=dt.date(2026, 1, 1))
        assert len(current) == 1 and current[0].whole, province
        assert current[0].unit.level == "province"
        into[current[0].unit.name].append(province.name)
    assert len(into) == 34
    assert sorted(into["Tuyên Quang"]) == ["Hà Giang", "Tuyên Quang"]
    assert sorted(into["Hải Phòng"]) == ["Hải Dương", "Hải Phòng"]
    assert sorted(into["Quảng Trị"]) == ["Quảng Bình", "Quảng Trị"]
    assert sorted(into["Ninh Bình"]) == ["Hà Nam", "Nam Định", "Ninh Bình"]
    # Eleven provinces were unchanged: each maps from itself alone.
    unchanged = sorted(name for name, olds in into.items() if olds == [name])
    assert unchanged == sorted(["Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh",
                                "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng"])


def test_unit_counts_and_levels(reference: ReferenceData) -> None:
    counts = Counter((u.level, u.valid_to is None) for u in reference.units)
    assert counts[("commune", True)] == 3321          # current communes, wards, special zones
    assert counts[("commune", False)] == 10035        # communes of 30 June 2025
    assert counts[("district", False)] == 696
    assert counts[("province", True)] == 34
    assert counts[("province", False)] == 64          # 63 former + Thừa Thiên Huế (until 2024-12-31)
    types = {(u.level, u.type) for u in reference.units}
    assert ("commune", "đặc khu") in types and ("district", "thị xã") in types and ("province", "thành phố") in types


def test_split_communes_are_part_successions(reference: ReferenceData, catalog: UnitCatalog) -> None:
    commune_parts = {s.predecessor_key for s in reference.successions
                     if not s.whole and s.predecessor_key.startswith("commune:")}
    assert len(commune_parts) == 471
    # Each split commune names exactly one main successor.
    for key in commune_parts:
        mains = [e for e in catalog.successors[key] if e.main]
        assert len(mains) == 1, key
    # Every former commune became part of at least one current commune.
    former = [u for u in catalog.units.values() if u.level == "commune" and u.valid_to == LEGACY_LAST_DAY]
    assert all(catalog.successors.get(u.key) for u in former)


def test_commune_mapping_stays_within_the_merged_province(catalog: UnitCatalog) -> None:
    for unit in catalog.units.values():
        if unit.level != "commune" or unit.valid_to != LEGACY_LAST_DAY:
            continue
        new_province = catalog.current_units(catalog.province_of(unit), on=dt.date(2026, 1, 1))[0].unit
        for succ, _ in catalog.successors_of(unit):
            assert catalog.province_of(succ) == new_province, (unit.key, succ.key)


def test_codes_are_reused_so_units_are_keyed_by_code_and_start(catalog: UnitCatalog) -> None:
    # The new Xã Cẩm Giàng (Hải Phòng) carries 10903, the code of the former Xã Ngọc Liên.
    versions = catalog.by_code("10903")
    assert [(u.full_name, u.valid_from, u.valid_to) for u in versions] == [
        ("Xã Ngọc Liên", None, LEGACY_LAST_DAY),
        ("Xã Cẩm Giàng", REORG_DATE, None),
    ]
    # Province 46: Thừa Thiên Huế, then Huế as a centrally-run city (2025-01-01), then the 2025 Huế.
    hue = catalog.by_code("46")
    assert [(u.full_name, u.valid_from, u.valid_to) for u in hue] == [
        ("Tỉnh Thừa Thiên Huế", None, dt.date(2024, 12, 31)),
        ("Thành phố Huế", dt.date(2025, 1, 1), LEGACY_LAST_DAY),
        ("Thành phố Huế", REORG_DATE, None),
    ]
    assert [u.full_name for u in catalog.by_code("46", at=D2020)] == ["Tỉnh Thừa Thiên Huế"]
    # The merged Lào Cai took Yên Bái's code 15.
    assert [u.full_name for u in catalog.by_code("15", level="province", at=D2020)] == ["Tỉnh Yên Bái"]
    assert [u.full_name for u in catalog.by_code("15", level="province", at=dt.date(2026, 1, 1))] == ["Tỉnh Lào Cai"]


def test_current_codes_come_from_vietnam_provinces(catalog: UnitCatalog) -> None:
    # The two packages disagree on some new codes (e.g. Phường Cửa Nam, Hà Nội: 73 vs 82); we use
    # vietnam-provinces' register codes.
    [cua_nam] = [u for u in catalog.by_name_key("cua nam") if u.valid_to is None and u.province_key == "province:01:2025-07-01"]
    assert cua_nam.code == "00073"
    assert cua_nam.type == "phường"


def test_departments_and_their_2025_merges(catalog: UnitCatalog) -> None:
    [ldtbxh] = catalog.by_code("11-SLDTBXH")
    assert ldtbxh.level == "department" and ldtbxh.type == "sở"
    assert ldtbxh.full_name == "Sở Lao động - Thương binh và Xã hội tỉnh Điện Biên"
    assert ldtbxh.valid_to == dt.date(2025, 2, 28)
    assert catalog.province_of(ldtbxh).key == "province:11:before"
    succ = {(u.name, e.whole, e.main) for u, e in catalog.successors_of(ldtbxh)}
    assert succ == {("Sở Nội vụ", False, True), ("Sở Y tế", False, False), ("Sở Giáo dục và Đào tạo", False, False)}
    [stttt] = catalog.by_code("11-STTTT")
    assert [(u.name, e.main) for u, e in catalog.successors_of(stttt)][0] == ("Sở Khoa học và Công nghệ", True)
    # A department of a merged province went to the merged province's department.
    [snv_hg] = catalog.by_code("02-SNV")
    assert [u.full_name for u, _ in catalog.successors_of(snv_hg)] == ["Sở Nội vụ tỉnh Tuyên Quang"]
