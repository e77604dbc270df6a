"""Bad reference data is refused with a clear error: unknown codes, mapping cycles, malformed rows."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from units.catalog import Unit, UnitCatalog
from units.errors import MappingCycleError, UnitDataError, UnknownUnitCodeError
from units.reference import DEPARTMENTS_PATH, EARLIER_UNITS_PATH, build_reference

D = dt.date(2025, 7, 1)


def unit(key: str, valid_to: dt.date | None = None) -> Unit:
    return Unit(key, key, "commune", "xã", key, f"Xã {key}", None, None, None, valid_to)


def test_a_mapping_cycle_is_refused() -> None:
    with pytest.raises(MappingCycleError, match="a -> b -> c -> a"):
        UnitCatalog.build([unit("a", D), unit("b", D), unit("c", D)],
                          [("a", "b", D, True, True), ("b", "c", D, True, True), ("c", "a", D, True, True)])


def test_an_unknown_code_is_refused(catalog: UnitCatalog) -> None:
    with pytest.raises(UnknownUnitCodeError, match="unit code '99999' does not exist"):
        catalog.require_code("99999")
    with pytest.raises(UnknownUnitCodeError, match="does not exist at level district"):
        catalog.require_code("10903", level="district")
    with pytest.raises(UnknownUnitCodeError):
        catalog.current_units("99999")


def test_a_code_carried_by_two_units_is_settled_by_the_date(catalog: UnitCatalog) -> None:
    # 10903: the former Xã Ngọc Liên in 2022, then the new Xã Cẩm Giàng; either way it is Cẩm Giàng now.
    assert catalog.current_units("10903", at=dt.date(2022, 1, 1), on=dt.date(2026, 1, 1))[0].unit.full_name == "Xã Cẩm Giàng"


def _with_rows(tmp_path: Path, source: Path, *rows: str) -> Path:
    target = tmp_path / source.name
    target.write_text(source.read_text(encoding="utf-8") + "".join(r + "\n" for r in rows), encoding="utf-8")
    return target


def test_department_with_unknown_successor(tmp_path: Path) -> None:
    bad = _with_rows(tmp_path, DEPARTMENTS_PATH, "11,SXYZ,Sở Xyz,,,2025-02-28,11-SNOPE,")
    with pytest.raises(UnitDataError, match=r"departments.csv:\d+: successor department '11-SNOPE' does not exist"):
        build_reference(departments=bad)


def test_department_of_unknown_province(tmp_path: Path) -> None:
    bad = _with_rows(tmp_path, DEPARTMENTS_PATH, "77,SNV,Sở Nội vụ,,,,,")
    with pytest.raises(UnitDataError, match="province code '77' does not exist today"):
        build_reference(departments=bad)


def test_curated_department_cycle(tmp_path: Path) -> None:
    bad = _with_rows(tmp_path, DEPARTMENTS_PATH,
                     "12,SA,Sở A,,2020-01-01,2020-12-31,12-SB,",
                     "12,SB,Sở B,,2021-01-01,2021-12-31,12-SA,")
    # Sở A -> Sở B is fine, but Sở B -> Sở A refers to a department not valid on 2022-01-01.
    with pytest.raises(UnitDataError, match="successor department '12-SA' does not exist on 2022-01-01"):
        build_reference(departments=bad)


def test_earlier_unit_with_unknown_successor_code(tmp_path: Path) -> None:
    bad = _with_rows(tmp_path, EARLIER_UNITS_PATH, "commune,99998,xã,Đã Nhập,295,,2019-12-31,99997,,test")
    with pytest.raises(UnitDataError, match="successor code '99997' does not exist on 2020-01-01"):
        build_reference(earlier=bad)


def test_malformed_curated_rows(tmp_path: Path) -> None:
    bad = _with_rows(tmp_path, DEPARTMENTS_PATH, "11,SX,Sở X,,not-a-date,,,")
    with pytest.raises(UnitDataError, match="valid_from 'not-a-date' is not an ISO date"):
        build_reference(departments=bad)
    bad = _with_rows(tmp_path, DEPARTMENTS_PATH, "11,SX,Sở X")
    with pytest.raises(UnitDataError, match="wrong number of cells"):
        build_reference(departments=bad)
