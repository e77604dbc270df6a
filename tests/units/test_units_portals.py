"""Registry portals -> units: every bundled portal links to exactly one unit; bad rows are refused."""
from __future__ import annotations

import datetime as dt

import pytest

from crawler.registry import load_registry, parse_registry
from units.catalog import UnitCatalog
from units.checks import check_portal_units
from units.portals import PortalUnitError, link_portal, link_portals

HEADER = "id,name,level,province,parent,base_url,cms,unit_code\n"


def registry_of(*rows: str):
    return parse_registry(HEADER + "\n".join(rows) + "\n", "test.csv")


def test_every_registry_portal_resolves_to_one_unit(catalog: UnitCatalog) -> None:
    registry = load_registry()
    links, problems = link_portals(registry, catalog)
    assert problems == []
    assert len(links) == len(registry)
    assert all(link.unit.level == portal.level for portal in registry for link in [links[portal.id]])
    assert links["x-ngoclien-camgiang-haiduong"].unit.key == "commune:10903:before"
    assert links["x-ngoclien-camgiang-haiduong"].method == "code"
    assert links["p-tuyenquang"].unit.key == "province:08:2025-07-01"
    assert links["d-sldtbxh-dienbien"].unit.code == "11-SLDTBXH"
    assert links["h-camgiang-haiduong"].unit.key == "district:295:before"
    assert links["x-hagiang1-tuyenquang"].unit.full_name == "Phường Hà Giang 1"
    # Every province row is one of the 34 current provinces, each exactly once.
    provinces = [links[p.id].unit for p in registry if p.level == "province"]
    assert len(provinces) == len(set(provinces)) == 34
    assert all(u.valid_to is None for u in provinces)


def test_check_reports_gone_units_with_successors(catalog: UnitCatalog) -> None:
    messages = check_portal_units(load_registry(), catalog, on=dt.date(2026, 1, 1))
    assert not [m for m in messages if m.startswith("error:")]
    [ngoc_lien] = [m for m in messages if "x-ngoclien-camgiang-haiduong" in m]
    assert ngoc_lien == (
        "notice: x-ngoclien-camgiang-haiduong: unit Xã Ngọc Liên (10903; Huyện Cẩm Giàng, Tỉnh Hải Dương; "
        "until 2025-06-30) no longer exists; successor: Xã Cẩm Giàng (10903; Thành phố Hải Phòng; from 2025-07-01)")
    [dept] = [m for m in messages if "d-sldtbxh-dienbien" in m]
    assert "Sở Nội vụ tỉnh Điện Biên" in dept and "(in part)" in dept
    assert not [m for m in messages if "p-tuyenquang" in m]  # current: nothing to say


def test_unknown_code_is_refused(catalog: UnitCatalog) -> None:
    reg = registry_of("x-a,UBND xã Ngọc Liên,commune,Hải Dương,,https://a.gov.vn/,unknown,99999")
    with pytest.raises(PortalUnitError, match="unit code '99999' does not exist at level commune") as exc:
        link_portal(reg["x-a"], catalog)
    assert exc.value.kind == "unknown_code"
    messages = check_portal_units(reg, catalog)
    assert messages == ["error: x-a: unit code '99999' does not exist at level commune"]


def test_code_and_name_pointing_at_two_units_is_refused(catalog: UnitCatalog) -> None:
    # 15091 is Ngọc Liên in Thanh Hóa; the row says Hải Dương.
    reg = registry_of("x-a,UBND xã Ngọc Liên,commune,Hải Dương,,https://a.gov.vn/,unknown,15091")
    with pytest.raises(PortalUnitError, match="points at two units") as exc:
        link_portal(reg["x-a"], catalog)
    assert exc.value.kind == "two_units"


def test_ambiguous_name_without_code_lists_candidates(catalog: UnitCatalog) -> None:
    reg = registry_of("x-a,UBND xã Đông Phương,commune,Việt Nam,,https://a.gov.vn/,unknown,")
    with pytest.raises(PortalUnitError, match="fits 2 units") as exc:
        link_portal(reg["x-a"], catalog)
    assert exc.value.kind == "ambiguous" and len(exc.value.candidates) == 2


def test_code_carried_by_two_versions_is_settled_by_the_name(catalog: UnitCatalog) -> None:
    reg = registry_of("x-a,UBND xã Cẩm Giàng,commune,Hải Phòng,,https://a.gov.vn/,unknown,10903",
                      "x-b,UBND xã Ngọc Liên,commune,Hải Dương,,https://b.gov.vn/,unknown,10903")
    assert link_portal(reg["x-a"], catalog).unit.key == "commune:10903:2025-07-01"
    assert link_portal(reg["x-b"], catalog).unit.key == "commune:10903:before"
