"""`cchc sources probe` and `review` on the simulated network: each outcome recorded, only found rows promoted."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.network import SimNetwork

ROOT = Path(__file__).resolve().parents[2]
HEADER = "id,name,level,province,base_url,cms,unit_code,unverified,notes\n"


@pytest.fixture(scope="module")
def net():
    with SimNetwork(day=1, seed=0) as n:
        yield n


def _run(net: SimNetwork, *args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **net.env(), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "cli", "sources", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def _probe_one(net: SimNetwork, tmp: Path, name: str, row: str) -> tuple[Path, subprocess.CompletedProcess]:
    """`cchc sources probe` over a candidates folder holding one file `name` with one `row`."""
    cand = tmp / "cand"
    cand.mkdir()
    (cand / name).write_text(HEADER + row + "\n", encoding="utf-8")
    return cand, _run(net, "probe", "--registry", str(cand), "--delay", "0")


def test_probe_records_each_outcome_and_review_promotes_only_found(net: SimNetwork, tmp_path: Path) -> None:
    cand = tmp_path / "cand"
    cand.mkdir()
    (cand / "44-quangtri.csv").write_text(HEADER + "\n".join([
        # the province portal of Lai Châu, named on its home page
        "p-laichau,UBND tỉnh Lai Châu,province,Lai Châu,https://laichau.gov.vn/,unknown,12,1,generated",
        # the old Huế host answers 301 to hue.gov.vn: the portal moved
        "p-thuathienhue,UBND tỉnh Thừa Thiên Huế,province,Huế,https://thuathienhue.gov.vn/,unknown,46,1,generated",
        # no such host on the network
        "x-khongco-quangtri,UBND xã Không Có,commune,Quảng Trị,https://khongco.quangtri.gov.vn/,unknown,19999,1,generated",
        # a live portal that is some other unit's: not this candidate's portal
        "x-giolinh-quangtri,UBND xã Gio Linh Mới,commune,Quảng Trị,https://dienbien.gov.vn/,unknown,19998,1,generated",
    ]) + "\n", encoding="utf-8")
    res = _run(net, "probe", "--registry", str(cand), "--delay", "0")
    assert res.returncode == 0, res.stderr[-2000:]
    rows = {r["id"]: r for r in csv.DictReader((cand / "probe" / "results.csv").open(encoding="utf-8"))}
    assert rows["p-laichau"]["outcome"] == "found" and rows["p-laichau"]["cms"] == "vnportal"
    assert rows["p-thuathienhue"]["outcome"] == "moved" and rows["p-thuathienhue"]["new_host"] == "hue.gov.vn"
    assert rows["x-khongco-quangtri"]["outcome"] == "not_found"
    assert rows["x-giolinh-quangtri"]["outcome"] == "not_portal"
    assert "does not name" in rows["x-giolinh-quangtri"]["why"]
    assert "1 found, 1 moved" in res.stdout

    into = tmp_path / "mine.csv"
    into.write_text(HEADER + "p-hanoi,UBND thành phố Hà Nội,province,Hà Nội,https://hanoi.gov.vn/,liferay62,,,\n",
                    encoding="utf-8")
    res = _run(net, "review", "--registry", str(cand), "--into", str(into), "--accept-all-found")
    assert res.returncode == 0, res.stderr
    promoted = [r for r in csv.DictReader(ln for ln in into.open(encoding="utf-8") if not ln.startswith("#"))]
    assert [r["id"] for r in promoted] == ["p-hanoi", "p-laichau"]
    assert promoted[1]["cms"] == "vnportal" and promoted[1]["unverified"] == "" and promoted[1]["unit_code"] == "12"

    # a human row of that id with other cells: refused with its line, file unchanged
    human = HEADER + "p-laichau,UBND tỉnh Lai Châu,province,Lai Châu,https://laichau.gov.vn/,nukeviet,12,,typed\n"
    into.write_text(human, encoding="utf-8")
    res = _run(net, "review", "--registry", str(cand), "--into", str(into), "--accept-all-found")
    assert res.returncode == 1
    assert f"{into}:2: 'p-laichau' is a human-entered row; promoting the candidate would change cms" in res.stderr
    assert into.read_text(encoding="utf-8") == human
    # the same unit under another id (line 3): promoting would register it twice; refused, file unchanged
    human = HEADER + ("p-hanoi,UBND thành phố Hà Nội,province,Hà Nội,https://hanoi.gov.vn/,liferay62,,,\n"
                      "p-laichau-cu,UBND tỉnh Lai Châu,province,Lai Châu,https://laichau.gov.vn/,vnportal,12,,typed\n")
    into.write_text(human, encoding="utf-8")
    res = _run(net, "review", "--registry", str(cand), "--into", str(into), "--accept-all-found")
    assert res.returncode == 1
    assert [ln for ln in res.stderr.splitlines() if ln.startswith("error:")] == [
        f"error: {into}:3: 'p-laichau-cu' is a human-entered row for the same unit or home page as candidate "
        "'p-laichau'; promoting it would register the unit twice; nothing written"]
    assert into.read_text(encoding="utf-8") == human


def test_probe_reads_utf8_declared_as_latin1_like_the_crawl(net: SimNetwork, tmp_path: Path) -> None:
    """Thái Nguyên's portal serves UTF-8 bytes as ``charset=iso-8859-1`` (sim fault charset_misdeclared):
    the probe must decode it as the crawl's spiders do, or the unit's name reads as mojibake and a live
    portal is recorded as not a portal."""
    cand, res = _probe_one(net, tmp_path, "19-thainguyen.csv",
                           "p-thainguyen,UBND tỉnh Thái Nguyên,province,Thái Nguyên,https://thainguyen.gov.vn/,unknown,19,1,g")
    assert res.returncode == 0, res.stderr[-2000:]
    rows = {r["id"]: r for r in csv.DictReader((cand / "probe" / "results.csv").open(encoding="utf-8"))}
    assert rows["p-thainguyen"]["outcome"] == "found", rows["p-thainguyen"]
    assert rows["p-thainguyen"]["cms"] == "liferay62"


def test_probe_refuses_a_loopback_candidate(net: SimNetwork, tmp_path: Path) -> None:
    cand, res = _probe_one(net, tmp_path, "44-quangtri.csv", "x-local-quangtri,UBND xã Nội Bộ,commune,Quảng Trị,"
                           "https://localhost.gov.vn.localhost/,unknown,19997,1,g")
    assert res.returncode == 1
    assert "44-quangtri.csv:2: field 'base_url'" in res.stderr and "is this machine (loopback)" in res.stderr
    assert not (cand / "probe").exists()


def test_probe_a_province_of_the_simulated_country(tmp_path: Path) -> None:
    """Every Lai Châu candidate (generated from the unit data) probed against the simulated country:
    the recorded outcome is the simulator's truth for that URL, and found rows carry the served family."""
    from urllib.parse import urlsplit

    from crawler.registry import load_registry

    with SimNetwork(day=1, seed=0, country=True) as country:
        cand = tmp_path / "cand"
        res = _run(country, "generate", "--province", "Lai Châu", "--include-registered", "--out", str(cand))
        assert res.returncode == 0, res.stderr
        candidates = load_registry(cand)
        truth = {u.url: u for u in country.country.units if u.province == "Lai Châu"}
        assert {p.base_url for p in candidates} == set(truth)  # the simulator serves what generation guesses
        res = _run(country, "probe", "--registry", str(cand), "--delay", "0", "--concurrency", "16")
        assert res.returncode == 0, res.stderr[-2000:]
    rows = {r["base_url"]: r for r in csv.DictReader((cand / "probe" / "results.csv").open(encoding="utf-8"))}
    assert len(rows) == len(candidates) == 58
    want = {"ok": "found", "absent": "not_found", "moved": "moved", "not_portal": "not_portal"}
    # a faulty home page: a 500, a broken TLS handshake, a timeout and a 503 past the one retry are
    # not found; a WAF block page is not a portal; the other faults still serve a page naming the unit
    by_fault = {"error_500": "not_found", "broken_tls": "not_found", "timeout": "not_found",
                "flaky_503": "not_found", "waf_block": "not_portal"}
    for url, unit in truth.items():
        row = rows[url]
        expected = by_fault.get(unit.fault, "found") if unit.fate == "ok" else want[unit.fate]
        assert row["outcome"] == expected, (url, unit.fate, unit.fault, row)
        if unit.fate == "moved":
            assert row["new_host"] == urlsplit(unit.new_url).hostname
        if expected == "found" and unit.level != "province":  # the province host is the registry's portal
            assert row["cms"] == unit.family, (url, row)
    counts = {o: sum(1 for r in rows.values() if r["outcome"] == o) for o in ("found", "moved", "not_found", "not_portal")}
    assert counts == {"found": 43, "moved": 5, "not_found": 8, "not_portal": 2}
    assert "43 found, 5 moved, 8 not_found, 2 not_portal, 0 refused" in res.stdout


def test_probe_refuses_a_name_resolving_to_loopback(tmp_path: Path) -> None:
    """Without a proxy the crawl's guarded resolver answers: this machine's own name is loopback."""
    import socket

    name = socket.gethostname().lower()
    try:
        addr = socket.gethostbyname(name)
    except OSError:
        pytest.skip("this machine's name does not resolve")
    if not addr.startswith("127.") or "." in name:
        pytest.skip("this machine's name is not a loopback name")
    cand = tmp_path / "cand"
    cand.mkdir()
    (cand / "12-laichau.csv").write_text(HEADER + f"x-self-laichau,UBND xã Tự Thân,commune,Lai Châu,https://{name}/,unknown,19996,1,g\n",
                                         encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    proc = subprocess.run([sys.executable, "-m", "cli", "sources", "probe", "--registry", str(cand), "--delay", "0"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    row = next(csv.DictReader((cand / "probe" / "results.csv").open(encoding="utf-8")))
    assert row["outcome"] == "refused" and f"{name} resolves to loopback address {addr}" in row["why"]
    assert "0 found, 0 moved, 0 not_found, 0 not_portal, 1 refused" in proc.stdout


def test_probe_refuses_a_candidate_resolving_to_a_private_address(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    """The simulator is reached through the proxy (which resolves names itself), so here there is no
    proxy and the crawl's guarded resolver answers with the test's addresses: a candidate host that
    resolves to 10.0.0.5 (or to loopback) is refused like any crawl, and the server listening on
    loopback (the canary) is never reached."""
    import json

    sys.path.insert(0, str(ROOT / "tests" / "crawler"))
    from guardnet import ANSWERS_ENV, Canary

    from crawler.probe import probe
    from crawler.registry import load_registry

    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(var, raising=False)
    with Canary() as canary:
        (tmp_path / "44-quangtri.csv").write_text(HEADER + "\n".join([
            f"x-noibo-quangtri,UBND xã Nội Bộ,commune,Quảng Trị,http://noibo.quangtri.gov.vn:{canary.port}/,unknown,19995,1,g",
            f"x-tuthan-quangtri,UBND xã Tự Thân,commune,Quảng Trị,http://tuthan.quangtri.gov.vn:{canary.port}/,unknown,19994,1,g",
        ]) + "\n", encoding="utf-8")
        monkeypatch.setenv(ANSWERS_ENV, json.dumps({"noibo.quangtri.gov.vn": "10.0.0.5",
                                                    "tuthan.quangtri.gov.vn": "127.0.0.1"}))
        results = [r for chunk in probe(list(load_registry(tmp_path)), delay=0,
                                        settings={"TWISTED_DNS_RESOLVER": "guardnet.FixedResolver",
                                                  "RETRY_TIMES": 0, "ROBOTSTXT_OBEY": False})
                   for r in chunk]
        assert canary.count == 0
    got = {r.id: r for r in results}
    assert got["x-noibo-quangtri"].outcome == "refused"
    assert "noibo.quangtri.gov.vn resolves to private address 10.0.0.5" in got["x-noibo-quangtri"].why
    assert got["x-tuthan-quangtri"].outcome == "refused"
    assert "tuthan.quangtri.gov.vn resolves to loopback address 127.0.0.1" in got["x-tuthan-quangtri"].why
