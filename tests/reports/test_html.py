"""The static HTML report opened in a real headless Chromium (Debian's chromium + chromium-driver,
driven by selenium with an explicit driver path: nothing downloads a browser).

The summary's numbers are checked against the JSON reports (`cchc report coverage|compliance|diff
--format json`) on the same database, and against the simulator's ground truth where it speaks; the
trend charts against `cchc report trend --format json` and against each other (one shared scale).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from builddb import cchc
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
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


def report_json(db: str, *args: str) -> Any:
    proc = cchc("report", *args, "--db", db, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def build(db: str, out: Path, *args: str) -> Path:
    proc = cchc("report", "html", "--db", db, "--out", str(out), *args)
    assert proc.returncode == 0, proc.stderr
    return out / "index.html"


def console_errors(browser) -> list[dict]:
    return [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def shown(elements) -> list:
    return [e for e in elements if e.is_displayed()]


def deadlines_file(tmp_path: Path) -> str:
    """Every unit's 2026 propaganda plan due on 1 February 2026 (a test configuration, not a real rule),
    so some plans are on time, some late and some missing past the deadline."""
    path = tmp_path / "deadlines.yaml"
    path.write_text("deadlines:\n  - {province: '*', level: '*', year: 2026, kind: propaganda_plan, "
                    "deadline: 2026-02-01, source: 'test: Công văn số 1/UBND-NC'}\n", encoding="utf-8")
    return str(path)


def test_html_report_in_chromium(db, worlds, browser, tmp_path):
    deadlines = deadlines_file(tmp_path)
    index = build(db, tmp_path / "site", "--year", "2026", "--deadlines", deadlines)
    page = index.read_text(encoding="utf-8")
    head = page.split("<body>")[0]
    assert "http://" not in head and "https://" not in head  # nothing loaded from outside
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    browser.get(index.as_uri())
    assert browser.execute_script("return document.body.dataset.ready") == "1"  # report.js ran
    assert browser.execute_script("return document.documentElement.lang") == "vi"
    by = By

    # --- summary first: it is the first section, before the matrices and the tables
    sections = [s.get_attribute("id") for s in browser.find_elements(by.CSS_SELECTOR, "main > section")]
    assert sections[0] == "summary" and sections.index("matrices") < sections.index("coverage-section")
    assert "Tóm tắt" in browser.find_element(by.ID, "summary").text

    # found per province: the bars equal `cchc report coverage --format json`, ranked by share
    cov = report_json(db, "coverage", "--year", "2026")
    per: dict[str, list[int]] = {}
    for r in cov:
        per.setdefault(r["province"], [0, 0])
        per[r["province"]][0] += r["found"]
        per[r["province"]][1] += 1
    bars = browser.find_elements(by.CSS_SELECTOR, "#found-by-province g.bar")
    got = {b.get_attribute("data-province"): [int(b.get_attribute("data-found")), int(b.get_attribute("data-units"))]
           for b in bars}
    assert got == per
    shares = [100.0 * f / n for f, n in (got[b.get_attribute("data-province")] for b in bars)]
    assert shares == sorted(shares, reverse=True)
    for b in bars:
        f, n = per[b.get_attribute("data-province")]
        assert b.find_element(by.CSS_SELECTOR, "text.val").text.startswith(f"{f}/{n} (")
    found_total = sum(r["found"] for r in cov)
    truth_found = sum(1 for p in subset() if plans(worlds[3], p, 2026, "propaganda_plan"))
    assert found_total == truth_found
    assert browser.find_element(by.CSS_SELECTOR, "#kpi-found .value").text == f"{found_total}/{len(cov)}"

    # who is late: exactly the compliance report's late / missing-past-deadline units
    comp = report_json(db, "compliance", "--year", "2026", "--deadlines", deadlines)
    late = {r["portal"]: r for r in comp if r["status"] in ("late", "missing_past_deadline")}
    assert late and len(late) < len(comp)  # the configuration makes some units late, not all
    rows = browser.find_elements(by.CSS_SELECTOR, "#late tbody tr")
    assert {r.get_attribute("data-portal") for r in rows} == set(late)
    for r in rows:
        days = late[r.get_attribute("data-portal")]["days_late"]
        assert r.find_elements(by.TAG_NAME, "td")[5].text == str(days)
    assert browser.find_element(by.CSS_SELECTOR, "#kpi-late .value").text == str(len(late))
    unknown = sum(1 for r in comp if r["status"] == "no_deadline_known")
    assert f"{unknown} đơn vị chưa biết hạn" in browser.find_element(by.ID, "summary").text

    # what changed since the previous run: the diff report's documents, each in its list
    dif = report_json(db, "diff", "--from", "2", "--to", "3", "--year", "2026")
    rows = browser.find_elements(by.CSS_SELECTOR, "#changes tbody tr")
    for kind in ("new", "changed", "removed"):
        assert sorted(r.get_attribute("data-portal") for r in rows if r.get_attribute("data-change") == kind) == \
            sorted(d["portal"] for d in dif[kind]), kind
    counts = [c.text for c in browser.find_elements(by.CSS_SELECTOR, "#changes-counts span.count")]
    assert counts == [str(len(dif[k])) for k in ("new", "changed", "removed")]
    n_changes = sum(len(dif[k]) for k in ("new", "changed", "removed"))
    assert n_changes > 0 and browser.find_element(by.CSS_SELECTOR, "#kpi-changes .value").text == str(n_changes)
    # portals down in run 3: none in the simulator's day 3 (p-lamdong was down on day 2 only, back now)
    assert browser.find_elements(by.CSS_SELECTOR, "#down tbody tr") == [] and dif["portals_down"] == []
    assert browser.find_element(by.CSS_SELECTOR, "#kpi-down .value").text == "0"
    assert [r["portal"] for r in dif["portals_up"]] == ["p-lamdong"]
    assert "Hoạt động trở lại" in browser.find_element(by.ID, "summary").text

    # the matrices and tables, with Vietnamese text as written
    matrix = browser.find_element(by.ID, "coverage-matrix")
    assert "Tỉnh" in matrix.text and "Điện Biên" in matrix.text
    coverage_rows = browser.find_elements(by.CSS_SELECTOR, "#coverage tbody tr")
    assert len(coverage_rows) == len(subset())
    assert sum(1 for r in coverage_rows if r.find_elements(by.CSS_SELECTOR, "td.yes")) == found_total
    assert len(browser.find_elements(by.CSS_SELECTOR, "#unit-kind tbody tr")) == len(subset())
    assert "Kế hoạch tuyên truyền CCHC" in browser.find_element(by.ID, "unit-kind").text
    assert len(browser.find_elements(by.CSS_SELECTOR, "#compliance tbody tr")) == len(subset())
    assert "UBND phường Điện Biên Phủ" in browser.find_element(by.ID, "compliance").text
    assert "p-lamdong" in browser.find_element(by.ID, "diff").text or "Lâm Đồng" in browser.find_element(by.ID, "diff").text

    # --- trends: one chart per province, each unit a series, one point per run that read its widget
    trend = report_json(db, "trend")
    charts = browser.find_elements(by.CSS_SELECTOR, "svg.trend")
    expected = {p: widget_days(worlds, p) for p in subset() if widget_days(worlds, p)}
    provinces = {s["province"] for s in trend["series"] if s["points"]}
    assert sorted(c.get_attribute("data-province") for c in charts) == sorted(provinces)
    series = {g.get_attribute("data-portal"): g for g in browser.find_elements(by.CSS_SELECTOR, "svg.trend g.series")}
    assert set(series) == set(expected)
    rates = {s["portal"]: {p["run"]: p["on_time_rate"] for p in s["points"]} for s in trend["series"]}
    for pid, g in series.items():
        points = g.find_elements(by.CSS_SELECTOR, "circle.point")
        assert [int(c.get_attribute("data-run")) for c in points] == expected[pid], pid
        for c in points:  # the value drawn is the trend report's, and it is in the hover text
            assert float(c.get_attribute("data-v")) == rates[pid][int(c.get_attribute("data-run"))]
            assert "đúng hạn" in c.find_element(by.TAG_NAME, "title").get_attribute("textContent")
    # ...on ONE shared scale: same axis labels and geometry everywhere, every point placed by it
    y_labels = {tuple(t.text for t in c.find_elements(by.CSS_SELECTOR, "text.axis-y")) for c in charts}
    x_labels = {tuple(t.text for t in c.find_elements(by.CSS_SELECTOR, "text.axis-x")) for c in charts}
    grids = {tuple(g.get_attribute("y1") for g in c.find_elements(by.CSS_SELECTOR, "line.grid")) for c in charts}
    assert len(y_labels) == 1 and len(x_labels) == 1 and len(grids) == 1
    ymin, ymax = {(float(c.get_attribute("data-ymin")), float(c.get_attribute("data-ymax"))) for c in charts}.pop()
    assert ymax == 100.0 and y_labels.pop()[-1] == "100%"
    all_rates = [r for pts in rates.values() for r in pts.values() if r is not None]
    assert ymin <= min(all_rates)
    grid = [float(v) for v in grids.pop()]
    y_lo, y_hi = grid[0], grid[-1]  # the ymin and ymax lines
    for g in series.values():
        for c in g.find_elements(by.CSS_SELECTOR, "circle.point"):
            v = float(c.get_attribute("data-v"))
            assert abs(float(c.get_attribute("cy")) - (y_hi + (y_lo - y_hi) * (ymax - v) / (ymax - ymin))) < 0.6
    # the values also in a table beside each chart
    figure = browser.find_element(by.CSS_SELECTOR, 'figure.trend-province[data-province="Hà Tĩnh"]')
    assert figure.find_element(by.TAG_NAME, "table").text.count("%") >= len(expected["p-hatinh"])

    # --- sorting works (click a header); the console shows no error
    browser.find_element(by.CSS_SELECTOR, "#coverage th").click()
    assert console_errors(browser) == []
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000


def test_filters_and_print_layout(db, browser, tmp_path):
    """A province filter hides every other province's rows and charts and recounts the summary; a click
    on a bar filters too; the level filter narrows it; the print layout drops the filter bar."""
    index = build(db, tmp_path / "site", "--year", "2026")
    cov = report_json(db, "coverage", "--year", "2026", "--province", "Điện Biên")
    browser.get(index.as_uri())
    by = By
    Select(browser.find_element(by.ID, "filter-province")).select_by_value("Điện Biên")
    rows = browser.find_elements(by.CSS_SELECTOR, "#coverage tbody tr")
    assert sorted(r.get_attribute("data-portal") for r in shown(rows)) == sorted(r["portal"] for r in cov)
    for table in ("coverage", "compliance", "unit-kind", "changes", "diff", "late"):
        for r in browser.find_elements(by.CSS_SELECTOR, f"#{table} tbody tr"):
            assert r.is_displayed() == (r.get_attribute("data-province") == "Điện Biên"), (table, r.text)
    matrix = shown(browser.find_elements(by.CSS_SELECTOR, "#coverage-matrix tbody tr"))
    assert [r.get_attribute("data-province") for r in matrix] == ["Điện Biên"]
    figures = shown(browser.find_elements(by.CSS_SELECTOR, "figure.trend-province"))
    assert [f.get_attribute("data-province") for f in figures] == ["Điện Biên"]
    found = sum(r["found"] for r in cov)
    assert browser.find_element(by.CSS_SELECTOR, "#kpi-found .value").text == f"{found}/{len(cov)}"
    assert "Điện Biên" in browser.find_element(by.ID, "filter-state").text
    changes = shown(browser.find_elements(by.CSS_SELECTOR, "#changes tbody tr"))
    counts = [c.text for c in browser.find_elements(by.CSS_SELECTOR, "#changes-counts span.count")]
    assert counts == [str(sum(1 for r in changes if r.get_attribute("data-change") == k))
                      for k in ("new", "changed", "removed")]
    assert "#province=" in browser.current_url

    # a click on another province's bar filters to that province
    bar = browser.find_element(by.CSS_SELECTOR, '#found-by-province g.bar[data-province="Hà Tĩnh"]')
    bar.click()
    assert Select(browser.find_element(by.ID, "filter-province")).first_selected_option.get_attribute("value") == "Hà Tĩnh"
    assert {r.get_attribute("data-province") for r in shown(browser.find_elements(by.CSS_SELECTOR, "#coverage tbody tr"))} == {"Hà Tĩnh"}

    # level: departments only, every province; the bars recount for the level
    browser.find_element(by.ID, "filter-reset").click()
    Select(browser.find_element(by.ID, "filter-level")).select_by_value("department")
    deps = report_json(db, "coverage", "--year", "2026", "--level", "department")
    visible = shown(browser.find_elements(by.CSS_SELECTOR, "#coverage tbody tr"))
    assert sorted(r.get_attribute("data-portal") for r in visible) == sorted(r["portal"] for r in deps)
    db_bar = browser.find_element(by.CSS_SELECTOR, '#found-by-province g.bar[data-province="Điện Biên"]')
    dep_db = [r for r in deps if r["province"] == "Điện Biên"]
    assert db_bar.get_attribute("data-units") == str(len(dep_db))
    assert db_bar.get_attribute("data-found") == str(sum(r["found"] for r in dep_db))

    # print/PDF: no filter bar, every section on a new page
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert not browser.find_element(by.CSS_SELECTOR, "nav.filters").is_displayed()
    assert browser.execute_script(
        "return getComputedStyle(document.getElementById('coverage-section')).breakBefore") == "page"
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert console_errors(browser) == []


def test_as_of_shows_that_days_portals_down_and_english_labels(db, worlds, browser, tmp_path):
    """`--as-of` day 2: p-lamdong (down that day in the simulator) is listed down and newly down, as the
    diff report says; `--lang en` speaks English, the scraped names stay as written."""
    day2 = report_json(db, "diff", "--from", "1", "--to", "2", "--year", "2026")
    down_truth = sorted(c.portal_id for c in worlds[2].changes if c.kind == "down" and c.day == 2)
    assert [r["portal"] for r in day2["portals_down"]] == down_truth == ["p-lamdong"]
    index = build(db, tmp_path / "site", "--year", "2026", "--as-of", day2["to"]["observed_on"], "--lang", "en")
    browser.get(index.as_uri())
    by = By
    assert browser.execute_script("return document.documentElement.lang") == "en"
    summary = browser.find_element(by.ID, "summary").text
    assert "Summary" in summary and "Tóm tắt" not in summary
    assert "Data up to run 2" in summary
    rows = browser.find_elements(by.CSS_SELECTOR, "#down tbody tr")
    assert [r.get_attribute("data-portal") for r in rows] == ["p-lamdong"]
    assert "newly down" in rows[0].text and "Lâm Đồng" in rows[0].text
    assert browser.find_element(by.CSS_SELECTOR, "#kpi-down .value").text == "1"
    cov2 = report_json(db, "coverage", "--year", "2026", "--as-of", day2["to"]["observed_on"])
    assert browser.find_element(by.CSS_SELECTOR, "#kpi-found .value").text == \
        f"{sum(r['found'] for r in cov2)}/{len(cov2)}"
    levels = browser.find_element(by.ID, "filter-level").text
    assert "department" in levels.lower() and "sở" not in levels.lower()
    # the charts stop at run 2
    runs = {int(c.get_attribute("data-run")) for c in browser.find_elements(by.CSS_SELECTOR, "circle.point")}
    assert runs and max(runs) == 2
    assert console_errors(browser) == []


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
    for args, message in ((["--year", "1999"], "out of range"), (["--lang", "fr"], "unknown --lang"),
                          (["--as-of", "2001-01-01"], "before the first run"),
                          (["--as-of", "yesterday"], "not a date")):
        out = tmp_path / "x"
        proc = cchc("report", "html", "--db", db, "--out", str(out), *args)
        assert proc.returncode == 2 and proc.stdout == "", args
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], proc.stderr
        assert not out.exists()  # nothing written for bad input
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = cchc("report", "html", "--db", db, "--out", str(blocker))
    assert proc.returncode == 2


def test_html_failure_while_writing_leaves_the_old_page(db, tmp_path, monkeypatch):
    """The page is written a piece at a time; a failure part-way leaves no half page: a new folder is
    not created, and a folder holding last week's page keeps it as it was."""
    from sqlalchemy import create_engine

    import reports.html as H

    engine = create_engine(db)
    good = H.write_html(engine, tmp_path / "old")
    page = good.read_text(encoding="utf-8")
    assert page.rstrip().endswith("</html>") and 'id="diff-section"' in page

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(H, "text_diffs_html", broken)  # the page's last part
    with pytest.raises(RuntimeError, match="disk full"):
        H.write_html(engine, tmp_path / "new")
    assert not (tmp_path / "new").exists()
    with pytest.raises(RuntimeError, match="disk full"):
        H.write_html(engine, tmp_path / "old")
    assert [p.name for p in (tmp_path / "old").iterdir()] == ["index.html"]
    assert good.read_text(encoding="utf-8") == page
    engine.dispose()


@pytest.mark.parametrize("path", ["index_seeks", "window"])
def test_trend_aggregate_by_month_matches_trend_report(db, monkeypatch, path):
    """Past MAX_RUN_POINTS runs the charts read one point per unit and month, chosen in SQL (one index
    seek per unit and month, or a window function when a month's runs are not one range of ids; on
    SQLite and PostgreSQL): the same readings as `cchc report trend --by month`."""
    from sqlalchemy import create_engine

    import reports.html_trends as report_html
    from reports.base import load_runs

    by_month = report_json(db, "trend", "--by", "month")
    expected = {s["portal"]: [(p["month"], p["run"], p["on_time_rate"]) for p in s["points"]]
                for s in by_month["series"] if s["points"]}
    monkeypatch.setattr(report_html, "MAX_RUN_POINTS", 1)
    if path == "window":
        monkeypatch.setattr(report_html, "_month_ranges", lambda runs: None)
    engine = create_engine(db)
    try:
        runs = load_runs(engine)
        trends = report_html.load_trends(engine, runs, list(expected), report_html.Fmt("vi"))
    finally:
        engine.dispose()
    assert trends.by == "month" and [b.key for b in trends.buckets] == sorted({m for v in expected.values() for m, _, _ in v})
    got = {pid: [(p.bucket, p.run, p.rate) for p in pts] for pid, pts in trends.points.items()}
    assert got == expected
