"""`cchc extract`: one JSON object on stdout; clear errors with exit code 2, never a traceback."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.extract_cmd import extract_cmd
from pipelines.extract import RECORD_KEYS
from sim.network import SimNetwork

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def test_file_gives_the_contract_json() -> None:
    res = CliRunner().invoke(extract_cmd, [str(PAGES / "seed000_sharepoint_vn.html"),
                                           "--url", "https://ngoclien.camgiang.haiduong.gov.vn/Trang/ChiTietTinTuc.aspx?nid=33277",
                                           "--fetched-at", "2026-11-22T12:00:00+07:00"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)
    assert tuple(rec) == RECORD_KEYS
    assert (rec["doc_number"], rec["issuer"], rec["published_at"]) == ("41-KH/ĐU", "Đảng ủy xã Ngọc Liên", "2022-04-27T09:46:55+07:00")
    assert "Đảng ủy" in res.output   # ensure_ascii=False


def test_registry_context_completes_issuer() -> None:
    res = CliRunner().invoke(extract_cmd, [str(PAGES / "seed001_vnportal.html"), "--url", "https://tuyenquang.gov.vn/x"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["issuer"] == "UBND tỉnh Tuyên Quang"


def test_missing_file(tmp_path: Path) -> None:
    res = CliRunner().invoke(extract_cmd, [str(tmp_path / "nope.html")])
    assert res.exit_code == 2 and "no such file" in res.output and "Traceback" not in res.output


def test_directory_and_empty_and_binary(tmp_path: Path) -> None:
    assert CliRunner().invoke(extract_cmd, [str(tmp_path)]).exit_code == 2
    empty = tmp_path / "e.html"
    empty.write_bytes(b"")
    res = CliRunner().invoke(extract_cmd, [str(empty)])
    assert res.exit_code == 2 and "empty" in res.output
    binary = tmp_path / "b.html"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    assert CliRunner().invoke(extract_cmd, [str(binary)]).exit_code == 2


@pytest.fixture(scope="module")
def sim_net() -> Iterator[SimNetwork]:
    with SimNetwork(day=1, seed=0) as net:
        yield net


def test_url_fetched_through_the_crawl_downloader(sim_net: SimNetwork, monkeypatch: pytest.MonkeyPatch) -> None:
    """A URL is fetched through the simulator's proxy by the crawl's own downloader stack."""
    for key, value in sim_net.env().items():
        monkeypatch.setenv(key, value)
    art = next(a for a in sim_net.world.articles("p-tuyenquang") if a.doc_number and not a.register_only)
    res = CliRunner().invoke(extract_cmd, [art.url])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output)
    assert (rec["url"], rec["title"], rec["doc_number"]) == (art.url, art.title, art.doc_number)
    res = CliRunner().invoke(extract_cmd, ["https://tuyenquang.gov.vn/khong-co-trang-nay"])
    assert res.exit_code == 2 and "error: https://tuyenquang.gov.vn/khong-co-trang-nay: HTTP 404 Not Found" in res.output


@pytest.mark.parametrize("url", ["http://0x7f000001/", "http://2130706433:8080/x", "http://127.1/", "http://[::ffff:10.0.0.1]/"])
def test_url_to_an_internal_address_is_refused(url: str) -> None:
    res = CliRunner().invoke(extract_cmd, [url])
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {url}: cannot fetch (refused: ") and "Traceback" not in res.output


def test_propose_expectations_prints_a_checkable_proposal() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    res = subprocess.run([sys.executable, str(root / "scripts" / "propose_expectations.py"),
                          str(PAGES / "seed004_vnportal.html"), "--url", "https://linhtruong.giolinh.quangtri.gov.vn/x",
                          "--captured", "2026-11-22"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    prop = json.loads(res.stdout)
    assert "PROPOSED" in prop["note"] and "PROPOSAL ONLY" in res.stderr
    assert prop["title"] == "Kế hoạch tuyên truyền CCHC xã Linh trường năm 2024"
    assert prop["text"]["contains"] == [] and prop["sections"] == ["purpose", "requirements"]
