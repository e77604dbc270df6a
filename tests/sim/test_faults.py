"""Each named fault behaves as real portals do (mapping in sim/README.md)."""
from __future__ import annotations

import time
import unicodedata

from sim_client import Client

from sim.network import SimNetwork
from sim.world import FAULTS


def test_fault_mapping_is_on_named_registry_portals(net: SimNetwork) -> None:
    w = net.world
    seeds = {"x-ngoclien-camgiang-haiduong", "p-tuyenquang", "d-sldtbxh-dienbien", "p-haiphong",
             "x-linhtruong-giolinh-quangtri"}
    for pid, fault in FAULTS.items():
        assert pid in w.portals and w.portals[pid].in_registry
        if pid in seeds:
            assert fault == "http_to_https" and w.portals[pid].base_url.startswith("http://")
    assert w.fault("p-sonla") == "timeout"
    assert w.fault("p-lamdong") is None  # down on day 2 only


def test_unknown_host_is_502_quickly(client: Client) -> None:
    t = time.monotonic()
    assert client.get("https://khong-ton-tai.gov.vn/").status == 502
    assert client.get("http://khong-ton-tai.gov.vn/").status == 502
    assert time.monotonic() - t < 1.0


def test_timeout_delays_beyond_the_crawl_timeout(net: SimNetwork, client: Client) -> None:
    assert net.slow_seconds == 3.0
    t = time.monotonic()
    got = client.get("https://sonla.gov.vn/robots.txt", timeout=10)
    assert got.status == 200 and time.monotonic() - t >= 3.0


def test_default_slow_seconds_come_from_env(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("CCHC_SIM_SLOW_SECONDS", "7.5")
    assert SimNetwork().slow_seconds == 7.5
    monkeypatch.delenv("CCHC_SIM_SLOW_SECONDS")
    assert SimNetwork().slow_seconds == 40.0


def test_503_twice_then_ok(client: Client) -> None:
    url = "https://langson.gov.vn/robots.txt"
    statuses = [client.get(url).status for _ in range(4)]
    assert statuses == [503, 503, 200, 200]


def test_permanent_500(client: Client) -> None:
    assert [client.get("https://quangninh.gov.vn/").status for _ in range(3)] == [500, 500, 500]
    # the department sub-site on the same host is healthy
    assert client.get("https://quangninh.gov.vn/So/soxaydung/").status == 200


def test_waf_block_page_with_status_200(client: Client) -> None:
    got = client.get("https://thanhhoa.gov.vn/portal/Pages/Cai-cach-hanh-chinh.aspx")
    assert got.status == 200
    assert "The requested URL was rejected. Please consult with your administrator." in got.text
    assert "Your support ID is: " in got.text


def test_windows_1258_page_without_header_charset(client: Client) -> None:
    got = client.get("https://nghean.gov.vn/")
    assert got.headers["content-type"] == "text/html"
    assert b'charset=windows-1258' in got.body
    decoded = got.body.decode("cp1258")
    assert "UBND tỉnh Nghệ An" in unicodedata.normalize("NFC", decoded)
    assert "UBND tỉnh Nghệ An".encode() not in got.body


def test_misdeclared_charset(client: Client) -> None:
    got = client.get("https://thainguyen.gov.vn/")
    assert got.headers["content-type"] == "text/html; charset=iso-8859-1"
    assert "UBND tỉnh Thái Nguyên" in got.body.decode("utf-8")


def test_nfd_text(client: Client) -> None:
    text = client.get("https://caobang.gov.vn/").text
    assert unicodedata.normalize("NFD", "UBND tỉnh Cao Bằng") in text
    assert "UBND tỉnh Cao Bằng" not in text
    assert unicodedata.normalize("NFC", text).count("UBND tỉnh Cao Bằng") >= 1


def test_http_to_https_redirect(net: SimNetwork, raw_client: Client) -> None:
    seed0 = next(a for a in net.world.articles("x-ngoclien-camgiang-haiduong") if a.seed == 0)
    assert seed0.url.startswith("https://ngoclien.camgiang.haiduong.gov.vn/")
    http_url = seed0.url.replace("https://", "http://")
    got = raw_client.get(http_url)
    assert got.status == 301 and got.headers["location"] == seed0.url


def test_old_domain_redirects(raw_client: Client) -> None:
    got = raw_client.get("https://thuathienhue.gov.vn/Trang/Tin-tuc-su-kien.aspx?Cat=82")
    assert got.status == 301
    assert got.headers["location"] == "https://hue.gov.vn/Trang/Tin-tuc-su-kien.aspx?Cat=82"
    got = raw_client.get("http://haiduong.gov.vn/")
    assert got.status == 301 and got.headers["location"] == "https://haiphong.gov.vn/"


def test_endless_calendar(client: Client) -> None:
    home = client.get("https://gialai.gov.vn/").text
    assert 'href="/lich-cong-tac?ngay=2026-03-02"' in home
    url = "https://gialai.gov.vn/lich-cong-tac?ngay=2026-03-02"
    for _ in range(30):
        page = client.get(url)
        assert page.status == 200
        nxt = page.text.split('">Ngày sau »</a>')[0].rsplit('href="', 1)[1]
        url = "https://gialai.gov.vn" + nxt
    assert url.endswith("ngay=2026-04-01")
    assert "Disallow: /lich" not in client.get("https://gialai.gov.vn/robots.txt").text


def test_stale_widget_does_not_move(net: SimNetwork) -> None:
    from sim.world import World

    w2, w5 = World(day=2), World(day=5)
    assert w2.widget("p-ninhbinh") == w5.widget("p-ninhbinh")
    assert w2.widget("p-danang") is None or w2.widget("p-danang") != w5.widget("p-danang")
