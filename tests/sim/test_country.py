"""The simulated country: served lazily, each fate as the table says, registry hosts unchanged."""
from __future__ import annotations

import ast
import urllib.error
from pathlib import Path

import pytest

from sim.country import Country
from sim.network import SimNetwork
from tests.sim.sim_client import Client

SIM = Path(__file__).resolve().parents[2] / "sim"


def test_country_fates_and_registry_hosts_byte_identical() -> None:
    with SimNetwork(day=1, seed=0) as plain, SimNetwork(day=1, seed=0, country=True) as country:
        units = country.country.units
        assert len(units) == 4004  # 34 provinces, 649 departments and province-wide portals, 3,321 communes
        assert {u.level for u in units} == {"province", "department", "commune"}
        a, b = Client(plain), Client(country, follow=False)
        # registry portals (the province portals among them) serve the same bytes with the country on
        for p in list(plain.world.portals.values())[:25]:
            if p.faults:
                continue
            assert Client(plain).get(p.base_url).body == Client(country).get(p.base_url).body, p.id
        ok = next(u for u in units if u.fate == "ok" and not u.fault and u.level == "commune" and "/xa/" not in u.url)
        got = b.get(ok.url)
        assert got.status == 200 and ok.name.removeprefix("UBND ") in got.text
        assert a.get(ok.url).status == 502  # the plain network does not serve the country
        moved = next(u for u in units if u.fate == "moved" and not u.fault)
        got = b.get(moved.url)
        assert got.status == 301 and got.headers["location"] == moved.new_url
        assert b.get(moved.new_url).status == 200
        parked = next(u for u in units if u.fate == "not_portal")
        got = b.get(parked.url)
        assert got.status == 200 and "xây dựng" in got.text and parked.name.removeprefix("UBND ") not in got.text
        absent = next(u for u in units if u.fate == "absent" and "/xa/" not in u.url and u.level == "commune")
        assert b.get(absent.url).status == 502
        absent_sub = next(u for u in units if u.fate == "absent" and "/xa/" in u.url)
        assert b.get(absent_sub.url).status == 404
        # each site's handshake got a certificate of its own (two names), which the client verified
        host = ok.url.split("/")[2]
        assert any(host == k or host.endswith("." + k) for k in country._site_contexts)
        # lazily: only the sites asked for were built
        assert len(country.country._sites) <= 4


def test_country_faults_as_the_table_says() -> None:
    """About one served unit in five carries one of the simulator's faults; each behaves as on the
    registry portals (page faults in the page, host faults at the proxy)."""
    with SimNetwork(day=1, seed=0, country=True) as net:
        units = net.country.units
        served = [u for u in units if u.fate in ("ok", "moved")]
        share = sum(1 for u in served if u.fault) / len(served)
        assert 0.15 < share < 0.25
        # host faults only on a unit with a host of its own (a sub-site shares its province's host)
        assert not [u for u in units if u.fault in ("timeout", "slow", "broken_tls", "flaky_503", "down_day2")
                    and "/xa/" in u.url and not u.new_url]
        c = Client(net, follow=False)

        def first(fault: str) -> str:
            u = next(u for u in served if u.fault == fault and u.fate == "ok" and net.world.portal_for_host(u.url.split("/")[2]) is None)
            return u.url

        assert c.get(first("error_500")).status == 500
        waf = c.get(first("waf_block"))
        assert waf.status == 200 and "The requested URL was rejected" in waf.text
        flaky = first("flaky_503")
        assert [c.get(flaky).status for _ in range(3)] == [503, 503, 200]
        with pytest.raises(urllib.error.URLError):
            c.get(first("broken_tls"))
        down = first("down_day2")
        assert c.get(down).status == 200
        net.set_day(2)
        assert c.get(down).status == 502
        ok = next(u for u in served if not u.fault and u.fate == "ok" and "/xa/" not in u.url)
        assert c.get(ok.url).status == 200


def test_country_steady_day_changes_few_sites() -> None:
    """A unit's site changes only on its own change days (about 4 % of units a day), so day 2 is steady."""
    country = Country(seed=0)
    changed = [u for u in country.units if 2 in country.change_days(u, 2)]
    assert 0.02 < len(changed) / len(country.units) < 0.06
    quiet = next(u for u in country.units if u.fate == "ok" and not u.fault and 2 not in country.change_days(u, 2))
    busy = next(u for u in changed if u.fate == "ok" and not u.fault)

    def docs(u: object, day: int) -> set[tuple[str, bool]]:
        w = country._site(u, day)  # type: ignore[arg-type]
        return {(a.title, a.removed) for arts in w._articles.values() for a in arts}

    assert docs(quiet, 1) == docs(quiet, 2)
    assert docs(busy, 1) != docs(busy, 2)


def test_sim_imports_no_product_code() -> None:
    for f in SIM.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top = node.module.split(".")[0]
                assert top not in {"crawler", "pipelines", "storage", "cli", "reports", "units", "alerts"}, (f, top)
