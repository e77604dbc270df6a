"""Portal values: parsing of multi-valued cells, URL resolution, hosts, selection and ad-hoc portals."""
from __future__ import annotations

import pickle

import pytest

from crawler.registry import (
    Portal,
    Registry,
    RegistryError,
    RegistryInvalid,
    UnknownPortalError,
    for_url,
    load_registry,
    parse_registry,
    registry_to_csv,
)


def test_multi_valued_cells_and_relative_paths(write_registry, good_rows):
    reg = load_registry(write_registry(*good_rows))
    snv = reg.get("d-snv-dienbien")
    assert snv.feeds == ("https://sonoivu.dienbien.gov.vn/rss.aspx", "https://feeds.dienbien.gov.vn/cchc.xml")
    assert snv.hosts == ("files.dienbien.gov.vn",)
    assert snv.sitemaps == () and snv.widget_url is None and snv.unit_code is None
    assert snv.unverified is True
    assert snv.line == 4
    assert snv.host == "sonoivu.dienbien.gov.vn"
    assert snv.allowed_hosts == ("sonoivu.dienbien.gov.vn", "files.dienbien.gov.vn", "feeds.dienbien.gov.vn")
    assert reg.hosts_of("p-dienbien") == ("dienbien.gov.vn",)


def test_allowed_hosts_include_widget_and_lists(write_registry):
    row = ("p-camau,UBND tỉnh Cà Mau,province,Cà Mau,,https://camau.gov.vn/,vnportal,,/sitemap.xml,"
           "https://www.camau.gov.vn/cchc,,files-vnportal.camau.gov.vn,https://dvctt.camau.gov.vn/api/thongke,96,0,")
    p = load_registry(write_registry(row)).get("p-camau")
    assert p.sitemaps == ("https://camau.gov.vn/sitemap.xml",)
    assert p.widget_url == "https://dvctt.camau.gov.vn/api/thongke"
    assert p.unit_code == "96" and p.unverified is False
    assert p.allowed_hosts == ("camau.gov.vn", "files-vnportal.camau.gov.vn", "www.camau.gov.vn", "dvctt.camau.gov.vn")


def test_widget_url_placeholders_follow_the_observed_date(write_registry):
    import datetime as dt
    row = ("p-camau,UBND tỉnh Cà Mau,province,Cà Mau,,https://camau.gov.vn/,vnportal,,,,,,"
           "https://dvctt.camau.gov.vn/api/thongke/getthongketoantinh?nam={year}&thang={month}&den={date},96,0,")
    p = load_registry(write_registry(row)).get("p-camau")
    assert p.widget_url_on(dt.date(2027, 1, 5)) == (
        "https://dvctt.camau.gov.vn/api/thongke/getthongketoantinh?nam=2027&thang=01&den=2027-01-05")
    assert p.allowed_hosts == ("camau.gov.vn", "dvctt.camau.gov.vn")
    assert load_registry().get("p-camau").widget_url_on(dt.date(2026, 3, 2)).endswith("getthongketoantinh?nam=2026")


def test_relative_path_resolves_under_base_path(write_registry):
    row = "d-sxd-quangninh,Sở Xây dựng,department,Quảng Ninh,,https://quangninh.gov.vn/So/soxaydung/,sharepoint_vn,,,Trang/TinTuc.aspx|/Trang/Default.aspx,,,,,,"
    p = load_registry(write_registry(row)).get("d-sxd-quangninh")
    assert p.listings == ("https://quangninh.gov.vn/So/soxaydung/Trang/TinTuc.aspx", "https://quangninh.gov.vn/Trang/Default.aspx")


def test_to_row_round_trips(write_registry, good_rows):
    reg = load_registry(write_registry(*good_rows))
    row = reg.get("d-snv-dienbien").to_row()
    assert row == {
        "id": "d-snv-dienbien", "name": "Sở Nội vụ tỉnh Điện Biên", "level": "department",
        "province": "Điện Biên", "parent": "p-dienbien", "base_url": "https://sonoivu.dienbien.gov.vn/",
        "cms": "tandan_sp",
        "feeds": "https://sonoivu.dienbien.gov.vn/rss.aspx|https://feeds.dienbien.gov.vn/cchc.xml",
        "sitemaps": "", "listings": "", "registers": "", "hosts": "files.dienbien.gov.vn",
        "widget_url": "", "unit_code": "", "unverified": "1", "notes": "", "kind": "",
    }
    again = parse_registry(registry_to_csv(reg, header_comment="generated"), "gen.csv")
    assert again.portals == reg.portals


def test_bundled_round_trip_through_csv():
    reg = load_registry()
    again = parse_registry(registry_to_csv(reg), "copy.csv")
    assert again.portals == reg.portals and again.national == reg.national and len(again.national) == 1


def test_portal_is_frozen():
    p = load_registry().get("p-hanoi")
    with pytest.raises(AttributeError):
        p.base_url = "https://evil.example/"  # type: ignore[misc]


def test_select_province_is_diacritics_insensitive():
    reg = load_registry()
    ids = [p.id for p in reg.select(province="tuyen quang")]
    assert ids == ["p-tuyenquang", "d-snv-tuyenquang", "d-skhcn-tuyenquang", "h-hamyen-tuyenquang", "x-hagiang1-tuyenquang"]
    assert [p.id for p in reg.select(province="TỈNH TUYÊN QUANG", level="province")] == ["p-tuyenquang"]
    assert [p.id for p in reg.select(province="Ðien Bien", level="department")] == [
        "d-sldtbxh-dienbien", "d-snv-dienbien", "d-skhcn-dienbien", "d-stttt-dienbien", "d-svhttdl-dienbien"]


def test_select_province_finds_pre_2025_rows_under_their_current_province():
    reg = load_registry()
    assert [p.id for p in reg.select(province="Hải Dương")] == ["x-ngoclien-camgiang-haiduong", "h-camgiang-haiduong"]
    hai_phong = [p.id for p in reg.select(province="hai phong", level="commune")]
    assert hai_phong == ["x-ngoclien-camgiang-haiduong", "x-haiduong-haiphong", "x-cathai-haiphong"]


def test_select_ids_and_unknown_ids():
    reg = load_registry()
    assert [p.id for p in reg.select(ids=["p-haiphong", "p-tuyenquang"])] == ["p-tuyenquang", "p-haiphong"]
    with pytest.raises(UnknownPortalError) as exc:
        reg.select(ids=["p-tuyenquang", "p-hagiang"])
    assert str(exc.value) == "unknown portal id(s): p-hagiang"
    with pytest.raises(ValueError, match="unknown level 'huyen'"):
        reg.select(level="huyen")
    assert reg.get("p-nowhere") is None
    with pytest.raises(UnknownPortalError):
        reg.hosts_of("p-nowhere")


def test_for_url_makes_an_adhoc_portal():
    p = for_url("https://Xa-Moi.Example.gov.vn")
    assert p.id == "adhoc-xa-moi-example-gov-vn"
    assert (p.level, p.cms, p.adhoc, p.province) == (None, "unknown", True, "")
    assert p.base_url == "https://Xa-Moi.Example.gov.vn/"
    assert p.allowed_hosts == ("xa-moi.example.gov.vn",)
    assert for_url("http://a.gov.vn/portal/Pages/default.aspx").base_url == "http://a.gov.vn/portal/Pages/default.aspx"
    with pytest.raises(RegistryError) as exc:
        for_url("ftp://a.gov.vn/")
    assert str(exc.value) == "field 'url': bad URL 'ftp://a.gov.vn/' (scheme must be http or https)"


def test_level_none_only_for_adhoc():
    with pytest.raises(ValueError, match="only for ad-hoc"):
        Portal(id="p-x", name="X", level=None, province="X", base_url="https://x.gov.vn/", cms="unknown")


def test_registry_rejects_duplicate_portals():
    p = load_registry().get("p-hanoi")
    with pytest.raises(ValueError, match="duplicate portal id 'p-hanoi'"):
        Registry([p, p])


def test_errors_pickle(write_registry):
    path = write_registry("p-a,A,huyen,X,,https://a.gov.vn/,nukeviet,,,,,,,,,")
    with pytest.raises(RegistryInvalid) as exc:
        load_registry(path)
    clone = pickle.loads(pickle.dumps(exc.value))
    assert str(clone) == str(exc.value)
    assert clone.errors[0].field == "level"
