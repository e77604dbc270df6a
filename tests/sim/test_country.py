"""The simulated country: served lazily, each fate as the table says, registry hosts unchanged."""
from __future__ import annotations

import ast
from pathlib import Path

from sim.network import SimNetwork
from tests.sim.sim_client import Client

SIM = Path(__file__).resolve().parents[2] / "sim"


def test_country_fates_and_registry_hosts_byte_identical() -> None:
    with SimNetwork(day=1, seed=0) as plain, SimNetwork(day=1, seed=0, country=True) as country:
        units = country.country.units
        assert len(units) == 3763
        assert {u.level for u in units} == {"province", "department", "commune"}
        a, b = Client(plain), Client(country, follow=False)
        # registry portals (the province portals among them) serve the same bytes with the country on
        for p in list(plain.world.portals.values())[:25]:
            if p.faults:
                continue
            assert Client(plain).get(p.base_url).body == Client(country).get(p.base_url).body, p.id
        ok = next(u for u in units if u.fate == "ok" and u.level == "commune" and "/xa/" not in u.url)
        got = b.get(ok.url)
        assert got.status == 200 and ok.name.removeprefix("UBND ") in got.text
        assert a.get(ok.url).status == 502  # the plain network does not serve the country
        moved = next(u for u in units if u.fate == "moved")
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
        # lazily: only the sites asked for were built
        assert len(country.country._sites) <= 4


def test_sim_imports_no_product_code() -> None:
    for f in SIM.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top = node.module.split(".")[0]
                assert top not in {"crawler", "pipelines", "storage", "cli", "reports", "units", "alerts"}, (f, top)
