"""`cchc demo`, the README's first command, end to end (two simulated days into a fresh database)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from simcrawl import FAST, ROOT, Crawl

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
    day1, day2 = out.split("== Day 2: observed 2026-03-03 ==")
    assert "== Day 1: observed 2026-03-02 ==" in day1
    for fault in ("p-quangninh (UBND tỉnh Quảng Ninh): HTTP 500", "p-thanhhoa (UBND tỉnh Thanh Hóa): WAF block page (status 200)"):
        assert fault in day1 and fault in day2
    assert "p-sonla (UBND tỉnh Sơn La): DownloadTimeoutError" in day1
    problems2 = day2.split("Portals with problems:")[1].split("Totals:")[0]
    assert "p-lamdong" in problems2  # down on day 2 only
    assert "p-lamdong" not in day1.split("Portals with problems:")[1].split("Totals:")[0]
    runs = Crawl.export(db, "runs")
    assert [(r["id"], r["trigger"], r["observed_on"], r["status"]) for r in runs] == [
        (1, "demo", "2026-03-02", "complete"), (2, "demo", "2026-03-03", "complete"),
    ]
    assert f"cchc report html --out report --db {db}" in out
    # the national 766 index is read once per run (day 2: one province absent from the index)
    assert "National index vn-dvcqg-766 (2026): 34 province(s) read" in day1
    assert "National index vn-dvcqg-766 (2026): 33 province(s) read" in day2
    assert f"cchc report reconcile --year 2026 --db {db}" in out
