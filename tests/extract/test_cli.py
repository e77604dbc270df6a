"""`cchc extract`: one JSON object on stdout; clear errors with exit code 2, never a traceback."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from click.testing import CliRunner

from cli.extract_cmd import extract_cmd
from pipelines.extract import RECORD_KEYS

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


def test_url_fetched_with_stdlib(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    body = (PAGES / "seed003_nukeviet.html").read_bytes()

    class H(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/missing":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a) -> None:  # type: ignore[no-untyped-def]
            pass

    srv = HTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(var, raising=False)
    try:
        base = f"http://127.0.0.1:{srv.server_port}"
        res = CliRunner().invoke(extract_cmd, [f"{base}/page.html"])
        assert res.exit_code == 0, res.output
        assert json.loads(res.output)["doc_number"] == "38/KH-UBND"
        res = CliRunner().invoke(extract_cmd, [f"{base}/missing"])
        assert res.exit_code == 2 and "HTTP 404" in res.output
    finally:
        srv.shutdown()


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
