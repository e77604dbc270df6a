"""The static HTML report opened in a real headless Chromium (Debian's chromium + chromium-driver,
driven by selenium with an explicit driver path: nothing downloads a browser)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from selenium.webdriver.common.by import By

from builddb import cchc
from truth import plans, subset

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1800")


@pytest.fixture
def browser(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.fail("chromium and chromium-driver are required (scripts/system-deps.sh installs them)", pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def widget_days(worlds, pid: str) -> list[int]:
    """Days (= runs) on which the simulator served a readable widget for the portal."""
    return [day for day, world in sorted(worlds.items()) if world.widget(pid) is not None
            and not any(c.kind == "down" and c.day == day and c.portal_id == pid for c in world.changes)]


def test_html_report_in_chromium(db, worlds, browser, tmp_path):
    out = tmp_path / "site"
    proc = cchc("report", "html", "--db", db, "--out", str(out), "--year", "2026")
    assert proc.returncode == 0, proc.stderr
    index = out / "index.html"
    assert index.exists()
    page = index.read_text(encoding="utf-8")
    assert "http://" not in page.split("<body>")[0] and "https://cdn" not in page  # nothing loaded from outside
    browser.get(index.as_uri())
    assert browser.execute_script("return document.body.dataset.ready") == "1"  # inline script ran
    # tables are there, with Vietnamese text as written
    by = By
    matrix = browser.find_element(by.ID, "coverage-matrix")
    assert "Tỉnh" in matrix.text and "Điện Biên" in matrix.text
    coverage_rows = browser.find_elements(by.CSS_SELECTOR, "#coverage tbody tr")
    assert len(coverage_rows) == len(subset())
    found = sum(1 for p in subset() if plans(worlds[3], p, 2026, "propaganda_plan"))
    assert sum(1 for r in coverage_rows if r.find_elements(by.CSS_SELECTOR, "td.yes")) == found
    assert len(browser.find_elements(by.CSS_SELECTOR, "#compliance tbody tr")) == len(subset())
    assert "UBND phường Điện Biên Phủ" in browser.find_element(by.ID, "compliance").text
    # one trend chart per unit with a widget, one point per run that read it
    charts = {c.get_attribute("data-portal"): c for c in browser.find_elements(by.CSS_SELECTOR, "svg.trend")}
    expected = {p: widget_days(worlds, p) for p in subset() if widget_days(worlds, p)}
    assert set(charts) == set(expected)
    for pid, chart in charts.items():
        runs = [int(c.get_attribute("data-run")) for c in chart.find_elements(by.CSS_SELECTOR, "circle.point")]
        assert runs == expected[pid], pid
    assert "p-lamdong" in browser.find_element(by.ID, "diff").text or "Lâm Đồng" in browser.find_element(by.ID, "diff").text
    # sorting works (click a header) and the console shows no error
    browser.find_element(by.CSS_SELECTOR, "#coverage th").click()
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def test_scraped_text_is_escaped(writable_db, browser, tmp_path):
    """A title with markup (here from a reviewer's offline plan) is shown as text, never run."""
    evil = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>Kế hoạch'
    proc = cchc("review", "add-offline", "--db", writable_db, "--unit", "p-lamdong", "--year", "2026",
                "--kind", "propaganda_plan", "--doc-number", "9/KH-UBND", "--doc-date", "2026-02-01",
                "--title", evil, "--evidence", "javascript:alert(1)")
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "site"
    assert cchc("report", "html", "--db", writable_db, "--out", str(out), "--year", "2026").returncode == 0
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>document.title" not in page and 'href="javascript:' not in page
    browser.get((out / "index.html").as_uri())
    assert browser.title != "pwned" and "CCHC Watch" in browser.title
    assert "javascript:alert(1)" in browser.find_element(
        By.ID, "coverage").text


def test_html_bad_input(db, tmp_path):
    proc = cchc("report", "html", "--db", db, "--out", str(tmp_path / "x"), "--year", "1999")
    assert proc.returncode == 2 and "out of range" in proc.stderr
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = cchc("report", "html", "--db", db, "--out", str(blocker))
    assert proc.returncode == 2

