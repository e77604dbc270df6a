"""An evidence pack's index.html opened offline in a real headless Chromium (Debian's chromium and
chromium-driver through selenium, as tests/reports do): the saved page is shown as it was, inside a
sandboxed frame where none of its scripts runs and nothing it points to is requested.

The saved page is hostile on purpose: an inline script that would rewrite the title and the text, a
remote script, image, style sheet, frame, font, a meta refresh and a prefetch — all pointing at a
loopback HTTP server the test runs, which counts every request it receives. Names other than that
loopback address resolve to nothing (Chromium's host-resolver rules): networking is off.
"""
from __future__ import annotations

import datetime as dt
import http.server
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from evidence_factories import BASE, crawl_day, page_item, record
from offline_chromium import offline_chromium, requested_urls
from selenium.webdriver.common.by import By

from storage import Store

ROOT = Path(__file__).resolve().parents[2]


class Tripwire(http.server.BaseHTTPRequestHandler):
    """Records every request: any hit means the pack reached the network."""

    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        Tripwire.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"reached")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tripwire() -> Iterator[str]:
    Tripwire.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tripwire)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def browser(tmp_path: Path):
    with offline_chromium(tmp_path / "profile") as driver:
        yield driver


def hostile_page(trap: str) -> bytes:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Kế hoạch tuyên truyền CCHC năm 2026 - UBND xã Thử Nghiệm</title>
<meta http-equiv="refresh" content="1;url={trap}/refresh">
<link rel="stylesheet" href="{trap}/style.css"><link rel="prefetch" href="{trap}/prefetch">
<style>@font-face{{font-family:x;src:url({trap}/font.woff)}} body{{font-family:x}}</style>
<script src="{trap}/remote.js"></script>
</head><body>
<h1>Kế hoạch tuyên truyền cải cách hành chính năm 2026</h1>
<p id="plan">Số 12/KH-UBND ngày 01/02/2026 của UBND xã Thử Nghiệm &lt;không phải thẻ&gt;.</p>
<img src="{trap}/track.png" alt="ảnh"><iframe src="{trap}/frame"></iframe>
<form action="{trap}/form" method="get"><input name="q" value="x"></form>
<script>document.title = "SCRIPT RAN"; try {{ parent.document.title = "SCRIPT RAN"; }} catch (e) {{}}
document.getElementById("plan").textContent = "SCRIPT RAN"; new Image().src = "{trap}/beacon";
fetch("{trap}/fetch"); document.forms[0].submit();</script>
</body></html>""".encode()


def make_pack(tmp_path: Path, trap: str) -> Path:
    db = tmp_path / "cchc.sqlite"
    url = f"{BASE}/tin-tuc/ke-hoach-2026"
    store = Store.open(str(db))
    try:
        crawl_day(store, dt.date(2026, 2, 10), [page_item(url, hostile_page(trap), rec=record(url, "Nội dung kế hoạch."))])
    finally:
        store.close()
    out = tmp_path / "pack.zip"
    proc = subprocess.run([sys.executable, "-m", "cli", "evidence", "pack", "thu nghiem", "--year", "2026",
                           "--out", str(out), "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return out


def test_pack_index_opens_offline_sandboxed(tmp_path: Path, tripwire: str, browser) -> None:
    pack = make_pack(tmp_path, tripwire)
    folder = tmp_path / "opened"
    with zipfile.ZipFile(pack) as zf:
        zf.extractall(folder)
    index = folder / "index.html"
    browser.get(index.as_uri())
    browser.implicitly_wait(0)
    import time

    time.sleep(2.5)   # past the page's 1 s meta refresh, time for any load to be attempted
    assert browser.title == "Hồ sơ bằng chứng — UBND xã Thử Nghiệm — 2026"
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "Hồ sơ bằng chứng: UBND xã Thử Nghiệm — Kế hoạch tuyên truyền CCHC năm 2026"
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "12/KH-UBND" in body and "SHA-256" in body
    frames = browser.find_elements(By.CSS_SELECTOR, "iframe")
    assert len(frames) == 1 and frames[0].get_attribute("sandbox") == ""
    browser.switch_to.frame(frames[0])
    shown = browser.find_element(By.TAG_NAME, "body").text
    assert "Kế hoạch tuyên truyền cải cách hành chính năm 2026" in shown
    assert "Số 12/KH-UBND ngày 01/02/2026 của UBND xã Thử Nghiệm <không phải thẻ>." in shown
    assert "SCRIPT RAN" not in shown                     # the page's script did not run
    assert browser.find_elements(By.CSS_SELECTOR, "form")  # still the saved page: no refresh, no submit
    browser.switch_to.default_content()
    assert browser.title == "Hồ sơ bằng chứng — UBND xã Thử Nghiệm — 2026"
    assert Tripwire.hits == []                            # nothing reached the loopback server
    requested = requested_urls(browser)
    assert any(u == index.as_uri() for u in requested)   # the log does see what the page loaded
    assert [u for u in requested if not u.startswith(("file:", "data:", "about:", "chrome:"))] == []
