"""The national portal's 766 index in the simulated network: its own host, the real request shape,
every registry province, values that move by day in the portal's number styles, holes on some days."""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from sim_client import Client

from sim.national import API_PATH, COMPONENTS, NATIONAL_HOST, PAGE_PATH
from sim.network import SimNetwork
from sim.registry import read_registry

URL = f"https://{NATIONAL_HOST}{API_PATH}"


def params(year: int = 2026, **over: object) -> dict[str, object]:
    p: dict[str, object] = {"type": "ref", "p_nam": str(year), "p_6thang": 0, "p_tinh_id": 0, "pageIndex": 1,
                            "pageSize": 100, "p_loaidonvi": 1, "loaichitieu": 0,
                            "service": "report_tinh_766_service", "p_quy": 0, "p_thang": 0}
    p.update(over)
    return p


def post(net: SimNetwork, body: bytes, url: str = URL) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": net.proxy_url, "https": net.proxy_url}),
        urllib.request.HTTPSHandler(context=net.client_ssl_context()))
    req = urllib.request.Request(url, data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8", "X-Requested-With": "XMLHttpRequest"})
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def form(p: dict[str, object]) -> bytes:
    return urllib.parse.urlencode({"params": json.dumps(p)}).encode()


def test_every_registry_province_on_day_one(net: SimNetwork) -> None:
    status, body = post(net, form(params()))
    rows = json.loads(body)
    provinces = [r for r in read_registry() if r["level"] == "province"]
    assert status == 200 and len(rows) == len(provinces) == 34
    assert {r["TEN"] for r in rows} == {p["name"].replace("UBND t", "T") for p in provinces}
    assert [r["ROW_STT"] for r in rows] == [str(n) for n in range(1, 35)]
    assert set(rows[0]) == {"ID", "ROW_STT", "TEN", *(c for c, _ in COMPONENTS), "TONG_SCORE"}
    styles = {type(r["TONG_SCORE"]).__name__ + ("," if "," in str(r["TONG_SCORE"]) else "") for r in rows}
    assert styles >= {"str,", "float"}  # decimal commas and numbers both occur
    truth = net.world.index766()
    holes = [r for r in rows if any(r.get(c) in (None, "") for c, _ in COMPONENTS) or len(r) < 10]
    assert [r["TEN"] for r in holes] == [truth.row(pid).name for pid in truth.missing]


def test_days_move_values_and_drop_provinces(net: SimNetwork) -> None:
    day1 = net.world.index766()
    net.set_day(3)
    try:
        rows = json.loads(post(net, form(params()))[1])
        day3 = net.world.index766()
    finally:
        net.set_day(1)
    assert len(day3.absent) == 2 and len(rows) == 32
    assert not {r["TEN"] for r in rows} & {day1.row(pid).name for pid in day3.absent}
    moved = [r.portal_id for r in day3.rows if r.scores["TDGQ"] != day1.row(r.portal_id).scores["TDGQ"]
             and None not in (r.scores["TDGQ"], day1.row(r.portal_id).scores["TDGQ"])]
    assert len(moved) > 20
    assert all(abs(r.scores["TDGQ"] - day1.row(r.portal_id).scores["TDGQ"]) <= 0.5 for r in day3.rows
               if None not in (r.scores["TDGQ"], day1.row(r.portal_id).scores["TDGQ"]))  # plausibly small


def test_same_seed_and_day_same_bytes(net: SimNetwork) -> None:
    assert post(net, form(params()))[1] == post(net, form(params()))[1]
    with SimNetwork(day=1, seed=0) as other:
        assert post(other, form(params()))[1] == post(net, form(params()))[1]


def test_paging_years_services_and_bad_requests(net: SimNetwork) -> None:
    page2 = json.loads(post(net, form(params(pageIndex=2, pageSize=20)))[1])
    assert [r["ROW_STT"] for r in page2] == [str(n) for n in range(21, 35)]
    one = json.loads(post(net, form(params(p_tinh_id=int(page2[0]["ID"]))))[1])
    assert [r["TEN"] for r in one] == [page2[0]["TEN"]]
    assert json.loads(post(net, form(params(2027)))[1]) == []
    assert len(json.loads(post(net, form(params(2025)))[1])) == 34
    assert json.loads(post(net, form(params(service="report_by_year_service_part2")))[1]) == []
    assert post(net, b"params=not-json")[0] == 400
    assert post(net, b"x=1", url="https://hanoi.gov.vn/")[0] == 405  # other hosts answer POST as before


def test_the_summary_page_and_robots(client: Client) -> None:
    page = client.get(f"https://{NATIONAL_HOST}{PAGE_PATH}")
    assert page.status == 200 and "Tiến độ giải quyết" in page.text and "table-container" in page.text
    assert client.get(f"https://{NATIONAL_HOST}/robots.txt").status == 200
    assert client.get(f"https://{NATIONAL_HOST}/nothing").status == 404
