"""`cchc serve`: Datasette on a loopback port, checked through its JSON API as a script would use it:
Vietnamese labels, facets on province/level/category/plan_year/organ, unaccented full-text search on
documents and attachments, and the canned queries' values against the simulator's figures. On
PostgreSQL it refuses unless asked for a SQLite copy, then serves the copy."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from builddb import ROOT, cchc
from truth import subset

from core.vntext import fold


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, deadline: float) -> bytes:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # loopback only
                return resp.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def get_json(url: str, deadline: float) -> object:
    return json.loads(get(url, deadline).decode("utf-8"))


def q(value: str) -> str:
    return urllib.parse.quote(value)


@pytest.fixture
def served(db, tmp_path):
    """(base URL of the database, its name) of a running `cchc serve` (a SQLite copy on PostgreSQL)."""
    port = free_port()
    args = [sys.executable, "-m", "cli", "serve", "--db", db, "--port", str(port)]
    name = Path(db.split("///")[-1]).stem
    if not db.startswith("sqlite"):
        proc = cchc("serve", "--db", db, "--port", str(port))
        assert proc.returncode == 2 and "Datasette reads SQLite only" in proc.stderr and "--export-sqlite" in proc.stderr
        copy = tmp_path / "copy.sqlite"
        args += ["--export-sqlite", str(copy)]
        name = copy.stem
    env = {**os.environ, "no_proxy": "*"}
    env.pop("CCHC_DB", None)
    server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}/{name}"
        get(f"{base}.json", time.monotonic() + 90)
        yield base, name
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_canned_queries(served, worlds):
    base, _ = served
    rows = get_json(f"{base}/late_widgets.json?_shape=array", time.monotonic() + 30)
    expected = {}
    for pid in subset():
        w = worlds[3].widget(pid)
        if w is not None and w.how != "iframe" and w.late > 0:
            expected[pid] = w
    assert {r["portal"]: r["late"] for r in rows} == {pid: w.late for pid, w in expected.items()}
    assert [r["late"] for r in rows] == sorted((w.late for w in expected.values()), reverse=True)
    for r in rows:  # the bug: blank on-time rates for widgets that show counts and a late rate only
        w = expected[r["portal"]]
        assert r["on_time_rate"] is not None and abs(r["on_time_rate"] - w.rate_on_time) <= 0.011, r
        assert abs(r["late_rate"] - w.rate_late) <= 0.011 and r["total"] == w.processed and r["on_time"] == w.on_time
    cov = get_json(f"{base}/coverage.json?year=2024&_shape=array", time.monotonic() + 10)
    assert {r["portal"] for r in cov} == set(subset())
    recent = get_json(f"{base}/recent_plans.json?days=30&_shape=array", time.monotonic() + 10)
    assert recent and all(r["category"] in ("propaganda_plan", "plan") for r in recent)


def test_vietnamese_labels(served):
    base, name = served
    root = base.rsplit("/", 1)[0]
    meta = get_json(f"{root}/-/metadata.json", time.monotonic() + 10)
    assert meta["title"].startswith("CCHC Watch")
    tables = meta["databases"][name]["tables"]
    assert tables["widget_readings"]["title"] == "Widget kết quả giải quyết TTHC"
    assert tables["browse_documents"]["columns"]["province"] == "Tỉnh"
    assert tables["documents"]["description"].startswith("Một văn bản")
    assert set(meta["databases"][name]["queries"]) == {"coverage", "late_widgets", "recent_plans"}
    assert meta["databases"][name]["queries"]["late_widgets"]["title"].startswith("Widget có hồ sơ trễ hạn")
    page = get(f"{base}/browse_documents?_facet_size=50", time.monotonic() + 10).decode("utf-8")
    assert "Văn bản (tra cứu)" in page and "Năm kế hoạch" in page and "Tỉnh" in page
    assert "xã/phường" in page and "Kế hoạch tuyên truyền CCHC" in page  # coded facet values by label
    # the watching tables (issue 14): titled, every column in Vietnamese, a name that means another thing
    # in one table labelled for that table, words shared with the reports taken from reports.labels
    from reports.labels import HEADERS, VALUES

    assert tables["alerts"]["title"] == "Cảnh báo" and tables["portal_yields"]["title"] == "Kết quả trích xuất theo cổng"
    assert tables["raw_fetches"]["title"] == "Thông tin tải bản gốc" and tables["blobs"]["title"] == "Bản gốc"
    assert tables["index766_readings"]["title"] == "Chỉ số 766 theo tỉnh"
    assert tables["alerts"]["columns"]["kind"] == "Loại cảnh báo" and tables["attachments"]["columns"]["kind"] == "Loại tệp"
    assert tables["alerts"]["columns"]["state"] == HEADERS["state"][0]
    assert tables["index766_readings"]["columns"]["total"] == HEADERS["index_total"][0]  # not the widget's "Hồ sơ"
    assert tables["index766_readings"]["columns"]["tdgq"] == HEADERS["tdgq"][0]
    assert tables["portal_yields"]["columns"]["pages_extracted"] == HEADERS["pages_extracted"][0]
    for table in ("alerts", "portal_yields", "raw_fetches", "blobs", "version_evidence", "widget_evidence",
                  "index766_fetches", "index766_readings"):
        entry = tables[table]
        assert entry["description"], table
        assert [c for c, label in entry["columns"].items() if label == c and c != "etag"] == [], table
    yields = get(f"{base}/portal_yields", time.monotonic() + 10).decode("utf-8")
    assert "Kết quả trích xuất theo cổng" in yields and "Trang có tiêu đề" in yields and "with_title" in yields
    from reports.serve import value_labels

    assert value_labels("alerts")["kind"]["layout_changed"] == VALUES["alert_kind"]["layout_changed"][0]
    assert value_labels("alerts")["state"]["failed"] == VALUES["alert_state"]["failed"][0]
    assert "layout_changed" not in value_labels("attachments").get("kind", {})


def test_facets(served, db):
    from sqlalchemy import create_engine, text

    base, _ = served
    data = get_json(f"{base}/browse_documents.json?_facet_size=max", time.monotonic() + 10)
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # Datasette 0.65 nests them under "results" in some shapes
    assert {"province", "level", "category", "plan_year", "organ"} <= set(facets)
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            truth = Counter(dict(conn.execute(text(
                "SELECT p.province, count(*) FROM documents d JOIN portals p ON p.id = d.portal_id GROUP BY p.province")).all()))
            years = Counter(dict(conn.execute(text(
                "SELECT v.plan_year, count(*) FROM documents d JOIN document_versions v ON v.document_id = d.id "
                "AND v.version = d.version WHERE v.plan_year IS NOT NULL GROUP BY v.plan_year")).all()))
    finally:
        engine.dispose()
    assert {f["value"]: f["count"] for f in facets["province"]["results"]} == dict(truth)
    assert {f["value"]: f["count"] for f in facets["plan_year"]["results"] if f["value"] is not None} == dict(years)
    levels = {f["value"] for f in facets["level"]["results"]}
    assert {"province", "commune"} <= levels
    one = get_json(f"{base}/browse_documents.json?province={q('Điện Biên')}&category=propaganda_plan&_shape=array",
                   time.monotonic() + 10)
    assert one and all(r["province"] == "Điện Biên" and r["category"] == "propaganda_plan" for r in one)


def test_full_text_search_without_diacritics(served, worlds):
    base, _ = served
    plain = get_json(f"{base}/browse_documents.json?_search={q('dang uy')}&_shape=array&_size=max", time.monotonic() + 10)
    accented = get_json(f"{base}/browse_documents.json?_search={q('Đảng ủy')}&_shape=array&_size=max",
                        time.monotonic() + 10)
    titles = [r["title"] for r in plain]
    assert any("Đảng ủy" in (t or "") or "ĐẢNG ỦY" in (t or "") for t in titles)  # an accented title found
    assert {r["document_id"] for r in plain} == {r["document_id"] for r in accented}
    in_title = {a.url for pid in subset() for a in worlds[3].articles(pid) if not a.removed and "dang uy" in fold(a.title)}
    assert in_title and in_title <= {r["url"] for r in plain}
    phrase = get_json(f"{base}/browse_documents.json?_search={q('tuyen truyen 2026')}&_shape=array&_size=max",
                      time.monotonic() + 10)
    assert phrase and any("2026" in (r["title"] or "") and fold("tuyên truyền") in fold(r["title"] or "") for r in phrase)
    files = get_json(f"{base}/browse_attachments.json?_search={q('ke hoach')}&_shape=array&_size=max",
                     time.monotonic() + 10)
    assert files and all(r["attachment_id"] and r["document_url"] for r in files)


def test_serve_missing_database(tmp_path):
    proc = cchc("serve", "--db", str(tmp_path / "none.sqlite"))
    assert proc.returncode == 2 and "no database" in proc.stderr
