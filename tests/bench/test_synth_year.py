"""Smoke test of the report benchmark's database: `bench/synth_year.py` at 20 portals x 10 days, then every
report command on it, each answer checked against the synthesised rows read back with plain SQL.

Why: the benchmark is only worth its figures if the database it times is one the reports read as
they read a crawled one (same schema, same meanings), and the synthesiser is run by hand outside CI;
this keeps both honest at a size CI can afford.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
END = "2026-03-31"
PORTALS, DAYS = 20, 10


def cchc(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CCHC_DB"}
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def synth_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("synth") / "year.sqlite"
    url = f"sqlite:///{path}"
    proc = subprocess.run([sys.executable, "bench/synth_year.py", "--db", url, "--portals", str(PORTALS), "--days",
                           str(DAYS), "--end", END], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "bytes per portal-day" in proc.stdout
    return url


def sql(url: str, query: str, **params: object) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(query), params)]
    finally:
        engine.dispose()


def report(url: str, *args: str) -> object:
    proc = cchc("report", *args, "--format", "json", "--db", url)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_shape_of_the_synthesised_year(synth_db: str) -> None:
    assert sql(synth_db, "SELECT count(*), min(observed_on), max(observed_on) FROM crawl_runs WHERE status = 'complete'") \
        == [(DAYS, "2026-03-22", END)]
    assert sql(synth_db, "SELECT count(*) FROM portals WHERE in_registry") == [(PORTALS,)]
    # every run: a health row and two page fetches per portal, a yields row per portal
    assert sql(synth_db, "SELECT count(*) FROM portal_health") == [(PORTALS * DAYS,)]
    assert sql(synth_db, "SELECT count(*) FROM portal_yields") == [(PORTALS * DAYS,)]
    # one sighting interval per version, covering exactly the runs the version was live, no more
    assert sql(synth_db, "SELECT count(*) FROM sighting_intervals s JOIN document_versions v ON v.document_id = "
                         "s.document_id AND v.version = s.version WHERE s.first_run_id <> v.first_seen_run_id "
                         "OR s.last_run_id <> v.last_seen_run_id") == [(0,)]
    assert sql(synth_db, "SELECT count(*) FROM sighting_intervals") == sql(synth_db, "SELECT count(*) FROM document_versions")
    (docs, live), = sql(synth_db, "SELECT count(*), sum(CASE WHEN removed_run_id IS NULL THEN 1 ELSE 0 END) FROM documents")
    assert docs > PORTALS * 10 and live <= docs
    # the search index is complete (a reader would otherwise note a lagging index)
    assert sql(synth_db, "SELECT count(*) FROM search_entries WHERE source = 'version'") == [(docs,)]


def test_coverage_counts_the_plans_in_the_database(synth_db: str) -> None:
    rows = report(synth_db, "coverage", "--year", "2026")
    assert isinstance(rows, list) and len(rows) == PORTALS
    expected = {pid for (pid,) in sql(synth_db, """
        SELECT DISTINCT d.portal_id FROM documents d JOIN document_versions v ON v.document_id = d.id
        AND v.version = d.version WHERE d.removed_run_id IS NULL AND v.is_cchc AND v.category = 'propaganda_plan'
        AND v.plan_year = 2026 AND coalesce(v.organ, 'government') = 'government'""")}
    assert expected and {r["portal"] for r in rows if r["found"]} == expected


def test_diff_lists_the_documents_first_seen_between_the_runs(synth_db: str) -> None:
    data = report(synth_db, "diff", "--from", "3", "--to", "7")
    new = {(r["portal"], r["url"]) for r in data["new"]}
    expected = set(sql(synth_db, "SELECT portal_id, url FROM documents WHERE first_seen_run_id BETWEEN 4 AND 7 "
                                 "AND (removed_run_id IS NULL OR removed_run_id > 7)"))
    assert new == expected
    changed = {(r["url"], r["version_to"]) for r in data["changed"]}
    assert changed == set(sql(synth_db, """
        SELECT d.url, max(v.version) FROM documents d JOIN document_versions v ON v.document_id = d.id
        WHERE v.first_seen_run_id <= 7 AND d.first_seen_run_id <= 3 AND (d.removed_run_id IS NULL OR d.removed_run_id > 7)
        GROUP BY d.id, d.url HAVING max(CASE WHEN v.first_seen_run_id <= 3 THEN v.version END) < max(v.version)"""))


def test_trend_sums_a_provinces_widget_readings(synth_db: str) -> None:
    (province,), = sql(synth_db, "SELECT province FROM portals ORDER BY id LIMIT 1")
    data = report(synth_db, "trend", "--province", province)
    expected = sql(synth_db, "SELECT w.run_id, sum(w.total), sum(w.late) FROM widget_readings w JOIN portals p ON "
                             "p.id = w.portal_id WHERE p.province = :p GROUP BY w.run_id ORDER BY w.run_id", p=province)
    assert [(c["run"], c["total"], c["late"]) for c in data["combined"]] == expected


def test_search_finds_a_document_by_its_number(synth_db: str) -> None:
    (number, url), = sql(synth_db, "SELECT v.doc_number, d.url FROM documents d JOIN document_versions v ON "
                                   "v.document_id = d.id AND v.version = d.version WHERE v.doc_number IS NOT NULL "
                                   "ORDER BY d.id LIMIT 1")
    rows = report(synth_db, "search", f'"{number}"', "--limit", "200")
    assert url in {r["url"] for r in rows}


def test_health_scorecard_compliance_and_html_answer(synth_db: str, tmp_path: Path) -> None:
    rows = report(synth_db, "health", "--days", "3")
    assert len(rows) == PORTALS * 3 and {r["run"] for r in rows} == {8, 9, 10}
    (province,), = sql(synth_db, "SELECT province FROM portals ORDER BY id LIMIT 1")
    card = report(synth_db, "scorecard", "--province", province, "--year", "2026")
    assert card["totals"]["units"] == len(sql(synth_db, "SELECT id FROM portals WHERE province = :p", p=province))
    comp = report(synth_db, "compliance", "--year", "2026")
    assert len(comp) == PORTALS
    proc = cchc("report", "html", "--out", str(tmp_path / "html"), "--db", synth_db)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    assert province in page


def test_refuses_a_database_that_already_holds_runs(synth_db: str) -> None:
    proc = subprocess.run([sys.executable, "bench/synth_year.py", "--db", synth_db, "--portals", "3", "--days", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "already holds runs" in proc.stderr
    assert sql(synth_db, "SELECT count(*) FROM crawl_runs") == [(DAYS,)]
