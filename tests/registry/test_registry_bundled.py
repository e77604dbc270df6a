"""The bundled registry: the rows other engineers rely on are there, complete and consistent."""
from __future__ import annotations

from collections import Counter

from core.vntext import fold
from crawler.registry import CMS_FAMILIES, DEFAULT_REGISTRY_PATH, load_registry, validate_file

SEED_IDS = {
    "x-ngoclien-camgiang-haiduong": "seed 000",
    "p-tuyenquang": "seed 001",
    "d-sldtbxh-dienbien": "seed 002",
    "p-haiphong": "seed 003",
    "x-linhtruong-giolinh-quangtri": "seed 004",
}


def test_bundled_registry_is_valid():
    assert validate_file() == []
    assert DEFAULT_REGISTRY_PATH.name == "portals.csv"
    assert DEFAULT_REGISTRY_PATH.parent.name == "data"


def test_34_distinct_provinces():
    reg = load_registry()
    provinces = reg.select(level="province")
    assert len(provinces) == 34
    assert len({fold(p.province) for p in provinces}) == 34
    assert all(p.id.startswith("p-") and p.parent is None for p in provinces)
    assert {"Hà Nội", "Huế", "Hồ Chí Minh", "Hải Phòng", "Tuyên Quang", "Quảng Trị"} <= {p.province for p in provinces}


def test_level_counts():
    counts = Counter(p.level for p in load_registry())
    # commune: 8, plus 11 whose layout matches no family profile (cms=unknown, issue 11)
    assert counts == {"province": 34, "department": 13, "district": 6, "commune": 19}
    assert len(load_registry()) == 72


def test_seed_ids_present_with_their_seed_notes():
    reg = load_registry()
    for pid, seed in SEED_IDS.items():
        assert seed in reg[pid].notes, pid


def test_seed_rows_unchanged():
    reg = load_registry()
    ngoclien = reg["x-ngoclien-camgiang-haiduong"]
    assert (ngoclien.level, ngoclien.province, ngoclien.parent, ngoclien.base_url, ngoclien.cms, ngoclien.unverified) == (
        "commune", "Hải Dương", "p-haiphong", "http://ngoclien.camgiang.haiduong.gov.vn/", "sharepoint_vn", True)
    sld = reg["d-sldtbxh-dienbien"]
    assert (sld.level, sld.parent, sld.host, sld.cms) == ("department", "p-dienbien", "sldtbxh.dienbien.gov.vn", "tandan_sp")
    assert reg["p-tuyenquang"].base_url == "https://tuyenquang.gov.vn/"
    assert reg["p-haiphong"].cms == "nukeviet"
    assert reg["x-linhtruong-giolinh-quangtri"].host == "linhtruong.giolinh.quangtri.gov.vn"


def test_every_non_province_row_has_a_parent_and_uses_known_family():
    reg = load_registry()
    for p in reg:
        assert p.cms in CMS_FAMILIES
        if p.level != "province":
            assert p.parent in reg, p.id


def test_pre_2025_rows_hang_under_the_current_province():
    reg = load_registry()
    camgiang = reg["h-camgiang-haiduong"]
    assert camgiang.province == "Hải Dương" and camgiang.parent == "p-haiphong"
    assert camgiang.allowed_hosts == ("camgiang.haiduong.gov.vn", "thutuchanhchinh.haiduong.gov.vn")
    assert reg["d-svhttdl-backan"].parent == "p-thainguyen"
    assert reg["h-ninhphuoc-ninhthuan"].parent == "p-khanhhoa"


def test_cms_families_agree_with_families_module():
    from crawler import families  # the family profiles are another engineer's data; the ids must agree

    assert set(families.FAMILIES) == set(CMS_FAMILIES)
