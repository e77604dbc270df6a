"""TTHC widgets in three ways: inline home-page blocks, an iframe page with its one-door API, a JSON API."""
from __future__ import annotations

import json
import re
from collections import Counter

from parsel import Selector
from sim_client import Client

from sim.network import SimNetwork
from sim.textfmt import fmt_int, fmt_pct


def test_inline_markups_show_the_days_figures(net: SimNetwork, client: Client) -> None:
    w = net.world
    inline = {pid: w.widget(pid) for pid in w.portals if w.widget(pid) is not None and w.widget(pid).how == "inline"}
    assert set(Counter(x.markup for x in inline.values())) == {"table", "list", "divs"}
    for pid in sorted(inline)[:8]:
        fig = inline[pid]
        if w.fault(pid) is not None:
            continue
        page = client.get(fig.url)
        text = re.sub(r"<[^>]+>", "", page.text).replace("&amp;", "&")
        assert "Kết quả giải quyết TTHC" in text
        assert f"Đến tháng {fig.month:02d} đã giải quyết:" in text
        assert re.search(rf"Số hồ sơ xử lý:\s*{re.escape(fmt_int(fig.processed))}(?![\d.])", text)
        assert re.search(rf"Trễ hạn:\s*{re.escape(fmt_int(fig.late))}(?![\d.])", text)
        assert f"{fmt_pct(fig.rate_late)}%" in text
        assert f"( Cập nhật lúc:{fig.updated_at:%d/%m/%Y %H:%M:%S})" in text
        assert fig.on_time + fig.late == fig.processed


def test_iframe_page_and_one_door_api(net: SimNetwork, client: Client) -> None:
    fig = net.world.widget("p-hatinh")
    assert fig is not None and fig.how == "iframe"
    assert "dichvucong.hatinh.gov.vn" in net.world.portals["p-hatinh"].hosts
    home = Selector(text=client.get("https://hatinh.gov.vn/").text)
    assert home.css("iframe::attr(src)").get() == fig.url
    assert fig.url == "https://dichvucong.hatinh.gov.vn/portaldvc/chi-so-tien-do-giai-quyet?MaDinhDanh=000.00.00.H25&Type=1"
    page = client.get(fig.url).text
    expected = fmt_pct(max(fig.rate_on_time, 99.5), 1)
    assert f">{expected}%</p>" in page
    assert f"(Tự động cập nhật vào lúc 00:00 ngày {fig.updated_at:%d/%m/%Y})" in page
    api = json.loads(client.get(fig.api_url or "").body)
    assert api["succeeded"] is True and api["data"]["tyLeXuLyDungHan"] == expected
    assert api["data"]["tenDonVi"] == "UBND tỉnh Hà Tĩnh"
    raw = json.loads(client.get(fig.api_url.replace("type=0", "type=1")).body)  # type: ignore[union-attr]
    assert raw["data"]["tyLeXuLyDungHan"] == fmt_pct(fig.rate_on_time, 1)


def test_json_only_widget(net: SimNetwork, client: Client) -> None:
    fig = net.world.widget("p-camau")
    assert fig is not None and fig.how == "json"
    assert fig.url == "https://dvctt.camau.gov.vn/api/thongke/getthongketoantinh?nam=2026"
    assert "dvctt.camau.gov.vn" in net.world.portals["p-camau"].hosts
    home = Selector(text=client.get("https://camau.gov.vn/").text)
    assert home.css("#thongke-hoso-toantinh::attr(data-api)").get() == fig.url
    data = json.loads(client.get(fig.url).body)
    assert set(data) == {"nam_sltiepnhanmoi", "nam_xltruochan", "nam_xldunghan", "nam_xltrehan",
                         "nam_dangxlconhan", "nam_dangxltrehan"}
    assert data["nam_xltruochan"] + data["nam_xldunghan"] == fig.on_time and data["nam_xltrehan"] == fig.late


def test_registry_rows_name_widget_hosts(net: SimNetwork, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "portals.csv"
    net.write_registry(out)
    text = out.read_text(encoding="utf-8")
    rows = {line.split(",", 1)[0]: line for line in text.splitlines() if not line.startswith("#")}
    assert "dvctt.camau.gov.vn" in rows["p-camau"]
    assert "https://dichvucong.hatinh.gov.vn/portaldvc/chi-so-tien-do-giai-quyet" in rows["p-hatinh"]
    assert "thuathienhue.gov.vn" in rows["p-hue"]
    assert "u-xuanhoa-hcm" not in rows  # unlisted hosts stay unlisted


def test_benchmark_registry_of_extra_portals(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sim.registry import read_registry

    with SimNetwork(extra_portals=20) as big:
        big.write_registry(tmp_path / "all.csv")
        big.write_registry(tmp_path / "extra.csv", only_extra=True)
        first_extra = next(p for p in big.world.portals.values() if p.extra)
        assert Client(big).get(first_extra.base_url).status == 200
    extra = read_registry(tmp_path / "extra.csv")
    assert len(extra) == 20 and all(r["id"].startswith("b-") for r in extra)
    assert Counter(r["cms"] for r in extra) == Counter({f: 4 for f in ("tandan_sp", "sharepoint_vn", "liferay62", "vnportal", "nukeviet")})
    assert all(r["listings"].startswith("https://") and r["parent"] == "" for r in extra)
    assert len(read_registry(tmp_path / "all.csv")) == len(read_registry()) + 20
