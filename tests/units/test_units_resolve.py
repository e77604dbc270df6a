"""Issuer names as written on pages, resolved to units (or refused with candidates)."""
from __future__ import annotations

import datetime as dt

import pytest

from units.catalog import UnitCatalog
from units.resolve import Ambiguous, Resolved, Unresolved, resolve_issuer

ON_2022 = dt.date(2022, 4, 18)
ON_2026 = dt.date(2026, 3, 1)


def resolved(name: str, catalog: UnitCatalog, **kw: object) -> Resolved:
    result = resolve_issuer(name, catalog=catalog, **kw)  # type: ignore[arg-type]
    assert isinstance(result, Resolved), result
    return result


def test_seed_commune_ngoc_lien_resolves_to_its_old_units_and_its_2025_successor(catalog: UnitCatalog) -> None:
    for written in ("UBND xã Ngọc Liên", "Đảng ủy xã Ngọc Liên", "ĐẢNG ỦY XÃ NGỌC LIÊN", "ubnd xa ngoc lien"):
        r = resolved(written, catalog, context_province="Hải Dương", at=ON_2022)
        assert r.unit.key == "commune:10903:before"
    party = resolved("Đảng ủy xã Ngọc Liên", catalog, context_province="Hải Dương")
    assert party.organ == "party"
    unit = party.unit
    assert [(a.level, a.full_name) for a in catalog.ancestors(unit)] == [
        ("district", "Huyện Cẩm Giàng"), ("province", "Tỉnh Hải Dương")]
    [now] = catalog.current_units(unit, on=ON_2026)
    assert (now.unit.full_name, now.unit.code, now.whole) == ("Xã Cẩm Giàng", "10903", True)
    assert catalog.province_of(now.unit).full_name == "Thành phố Hải Phòng"
    # The province as now constituted also finds it: Hải Dương's communes lie in Hải Phòng today.
    assert resolved("UBND xã Ngọc Liên", catalog, context_province="thành phố Hải Phòng").unit.key == unit.key
    # Written qualifiers work without any context.
    assert resolved("UBND xã Ngọc Liên, huyện Cẩm Giàng, tỉnh Hải Dương", catalog).unit.key == unit.key


def test_namesakes_without_context_are_ambiguous_never_guessed(catalog: UnitCatalog) -> None:
    result = resolve_issuer("UBND xã Ngọc Liên", catalog=catalog)
    assert isinstance(result, Ambiguous)
    assert sorted((u.code, catalog.province_of(u).name) for u in result.candidates) == [
        ("10903", "Hải Dương"), ("15091", "Thanh Hóa")]
    # The Thanh Hóa one is a single unit over time (former and current versions collapse).
    thanh_hoa = resolved("UBND xã Ngọc Liên", catalog, context_province="Thanh Hóa")
    assert thanh_hoa.unit.key == "commune:15091:2025-07-01"
    assert resolved("UBND xã Ngọc Liên", catalog, context_province="Thanh Hóa", at=ON_2022).unit.key == "commune:15091:before"


def test_province_by_date(catalog: UnitCatalog) -> None:
    assert resolved("UBND tỉnh Điện Biên", catalog, at=ON_2022).unit.key == "province:11:before"
    assert resolved("UBND tỉnh Điện Biên", catalog).unit.key == "province:11:2025-07-01"
    hp = resolved("UBND thành phố Hải Phòng", catalog)
    assert (hp.unit.key, hp.unit.type, hp.organ) == ("province:31:2025-07-01", "thành phố", "ubnd")
    # "thành phố Hải Dương" is the former provincial city, not the province of the same name.
    hd = resolved("UBND thành phố Hải Dương", catalog)
    assert (hd.unit.level, hd.unit.code) == ("district", "288")


def test_tuyen_quang_2020_and_merged_2026_map_to_the_same_current_province(catalog: UnitCatalog) -> None:
    plan_2020 = resolved("UBND tỉnh Tuyên Quang", catalog, at=dt.date(2020, 3, 2))
    plan_2026 = resolved("UBND tỉnh Tuyên Quang", catalog, at=ON_2026)
    assert plan_2020.unit.key == "province:08:before"
    assert plan_2026.unit.key == "province:08:2025-07-01"
    now_2020 = catalog.current_units(plan_2020.unit, on=ON_2026)
    now_2026 = catalog.current_units(plan_2026.unit, on=ON_2026)
    assert [c.unit.key for c in now_2020] == [c.unit.key for c in now_2026] == ["province:08:2025-07-01"]
    # Hà Giang's 2020 plans count for the same current province.
    ha_giang = resolved("UBND tỉnh Hà Giang", catalog, at=dt.date(2020, 3, 2))
    assert [c.unit.key for c in catalog.current_units(ha_giang.unit, on=ON_2026)] == ["province:08:2025-07-01"]
    # By code, the date picks the version.
    assert [c.unit.key for c in catalog.current_units("08", at=dt.date(2020, 3, 2), on=ON_2026)] == ["province:08:2025-07-01"]


def test_departments(catalog: UnitCatalog) -> None:
    r = resolved("Sở Lao động - Thương binh và Xã hội tỉnh Điện Biên", catalog)
    assert r.unit.code == "11-SLDTBXH"
    assert resolved("Sở LĐ-TB&XH tỉnh Điện Biên", catalog).unit.code == "11-SLDTBXH"
    assert resolved("Sở TT&TT Hà Nội", catalog).unit.code == "01-STTTT"
    assert resolved("Sở Văn hóa, Thể thao và Du lịch tỉnh Điện Biên", catalog).unit.code == "11-SVHTTDL"
    # The written province decides between Tuyên Quang's department and Hà Giang's that merged into it.
    assert resolved("Sở Nội vụ tỉnh Tuyên Quang", catalog).unit.code == "08-SNV"
    many = resolve_issuer("Sở Nội vụ", catalog=catalog)
    assert isinstance(many, Ambiguous) and len(many.candidates) >= 4


def test_party_committee_words_carry_the_level(catalog: UnitCatalog) -> None:
    r = resolved("Huyện ủy Cẩm Giàng", catalog)
    assert (r.unit.level, r.unit.code, r.organ) == ("district", "295", "party")
    assert resolved("Tỉnh ủy Tuyên Quang", catalog, at=dt.date(2020, 3, 2)).unit.key == "province:08:before"


def test_diacritics_insensitive_and_a_name_containing_a_type_word(catalog: UnitCatalog) -> None:
    # The registry writes "Sơn Linh"; the unit is Xã Sơn Lĩnh (Hương Sơn, Hà Tĩnh).
    r = resolved("UBND xã Sơn Linh", catalog, context_province="Hà Tĩnh")
    assert (r.unit.full_name, r.unit.code) == ("Xã Sơn Lĩnh", "18160")
    # "Đông Phương" folds to "dong phuong": "phuong" is not taken for a ward here.
    result = resolve_issuer("UBND xã Đông Phương", catalog=catalog)
    assert isinstance(result, Ambiguous) and {u.name for u in result.candidates} == {"Đông Phương"}


def test_spelling_as_written_breaks_a_diacritics_only_tie(catalog: UnitCatalog) -> None:
    # "Hải Dương" and "Hải Đường" fold alike; the spelling on the page decides when nothing else does.
    r = resolved("UBND xã Hải Dương", catalog, at=dt.date(2022, 1, 1))
    assert (r.unit.full_name, r.unit.code) == ("Xã Hải Dương", "19711")
    folded = resolve_issuer("UBND xa Hai Duong", catalog=catalog, at=dt.date(2022, 1, 1))
    assert isinstance(folded, Ambiguous) and {u.name for u in folded.candidates} == {"Hải Dương", "Hải Đường"}


@pytest.mark.parametrize("written", ["UBND xã Không Có Thật", "Sở Không Có tỉnh Điện Biên", "UBND", ""])
def test_unknown_names_are_unresolved(written: str, catalog: UnitCatalog) -> None:
    result = resolve_issuer(written, catalog=catalog)
    assert isinstance(result, Unresolved)
    assert result.name_as_written == written and not result.ok


def test_context_portal_unit(catalog: UnitCatalog) -> None:
    ngoc_lien = catalog.get("commune:10903:before")
    # On Ngọc Liên's own portal, its own name is itself; a namesake elsewhere is not chosen.
    assert resolved("UBND xã Ngọc Liên", catalog, context_portal_unit=ngoc_lien).unit == ngoc_lien
    # The portal's province narrows other names: Cẩm Giàng district's town.
    r = resolved("UBND thị trấn Lai Cách", catalog, context_portal_unit=ngoc_lien)
    assert catalog.parent(r.unit).full_name == "Huyện Cẩm Giàng"
