"""`cchc demo`, the README's first command, end to end (two simulated days into a fresh database)."""
from __future__ import annotations

import collections
import os
import subprocess
import sys

import pytest
from simcrawl import FAST, ROOT, Crawl, summary_parts

pytestmark = pytest.mark.slow


def test_demo_two_days(tmp_path):
    db = tmp_path / "demo.sqlite"
    env = {**os.environ, **FAST, "CCHC_FILES_STORE": str(tmp_path / "files"), "CCHC_LOG_DIR": str(tmp_path / "logs")}
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "CCHC_DB", "CCHC_OBSERVED_ON"):
        env.pop(k, None)
    proc = subprocess.run([sys.executable, "-m", "cli", "demo", "--days", "2", "--db", str(db)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    # Vietnamese by default: days, the faulty portals and their problem, counts per portal
    day1, day2 = out.split("== Ngày 2: ngày quét 03/03/2026 ==")
    assert "== Ngày 1: ngày quét 02/03/2026 ==" in day1
    for fault in ("p-quangninh (UBND tỉnh Quảng Ninh): Lỗi HTTP 500",
                  "p-thanhhoa (UBND tỉnh Thanh Hóa): Bị tường lửa chặn (HTTP 200)"):
        assert fault in day1 and fault in day2
    first, second = summary_parts(day1, "vi"), summary_parts(day2, "vi")
    assert first["problems"]["p-sonla"].startswith("Quá thời gian chờ (DownloadTimeoutError")
    assert "p-lamdong" in second["problems"]  # down on day 2 only
    assert "p-lamdong" not in first["problems"]
    documents = Crawl.export(db, "documents")
    day1_docs = collections.Counter(d["portal"] for d in documents if d["first_seen_run"] == 1)
    assert day1_docs and {pid: row["documents"] for pid, row in first["rows"].items() if row["documents"]} == day1_docs
    assert "Kết quả quét nằm trong" in out and "What was found" not in out
    runs = Crawl.export(db, "runs")
    assert [(r["id"], r["trigger"], r["observed_on"], r["status"]) for r in runs] == [
        (1, "demo", "2026-03-02", "complete"), (2, "demo", "2026-03-03", "complete"),
    ]
    assert f"cchc report html --out report --db {db}" in out
    # the national 766 index is read once per run (day 2: one province absent from the index)
    assert "Chỉ số 766 quốc gia vn-dvcqg-766 (2026): đọc được 34 tỉnh" in day1
    assert "Chỉ số 766 quốc gia vn-dvcqg-766 (2026): đọc được 33 tỉnh" in day2
    assert f"cchc report reconcile --year 2026 --db {db}" in out


def test_demo_in_english(tmp_path):
    """`cchc demo --lang en`: the demo's own lines and the crawl's summary in English."""
    db = tmp_path / "demo-en.sqlite"
    env = {**os.environ, **FAST, "CCHC_FILES_STORE": str(tmp_path / "files"), "CCHC_LOG_DIR": str(tmp_path / "logs")}
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "CCHC_DB", "CCHC_OBSERVED_ON"):
        env.pop(k, None)
    proc = subprocess.run([sys.executable, "-m", "cli", "demo", "--lang", "en", "--db", str(db)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "== Day 1: observed 02/03/2026 ==" in out and "What was found is in" in out
    parts = summary_parts(out, "en")
    assert parts["problems"]["p-quangninh"] == "HTTP error 500"
    assert parts["problems"]["p-thanhhoa"] == "Blocked by a firewall (HTTP 200)"
    assert parts["problems"]["p-sonla"].startswith("Timed out (DownloadTimeoutError")
    per_portal = collections.Counter(d["portal"] for d in Crawl.export(db, "documents"))
    assert {pid: row["documents"] for pid, row in parts["rows"].items() if row["documents"]} == per_portal
    assert "Cổng có vấn đề" not in out and "Ngày 1" not in out
