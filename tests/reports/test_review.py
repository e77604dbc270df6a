"""Review corrections: stored apart from crawled data, applied by the reports (which say where), and
still applied after a re-crawl."""
from __future__ import annotations

import json
import os

import pytest
from builddb import FAST, cchc
from sqlalchemy import create_engine, func, select
from truth import earliest, plans

from sim.network import SimNetwork


def coverage(db: str, year: int, *args: str) -> dict[str, dict]:
    proc = cchc("report", "coverage", "--db", db, "--year", str(year), "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return {r["portal"]: r for r in json.loads(proc.stdout)}


def review(db: str, *args: str) -> int:
    proc = cchc("review", *args, "--db", db)
    assert proc.returncode == 0, proc.stderr
    return int(proc.stdout.split()[1])


def count_documents(db: str) -> int:
    from storage.models import Document

    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Document)).scalar_one()
    finally:
        engine.dispose()


def test_corrections_apply_and_survive_a_recrawl(writable_db, worlds, tmp_path):
    db = writable_db
    docs_before = count_documents(db)
    # 1. not CCHC: Tuyên Quang's earliest 2026 plan stops counting; the next one becomes the evidence
    tq = sorted(plans(worlds[3], "p-tuyenquang", 2026, "propaganda_plan"), key=lambda a: a.published)
    assert len(tq) >= 2
    first = coverage(db, 2026)["p-tuyenquang"]
    assert first["url"] == earliest(tq).url
    c1 = review(db, "not-cchc", first["url"], "--note", "a test", "--reviewer", "tester")
    row = coverage(db, 2026)["p-tuyenquang"]
    assert row["found"] and row["url"] != first["url"] and row["corrections"] == []
    assert first["url"] not in {r["url"] for r in coverage(db, 2026).values() if r["url"]}
    # 2. link: that other plan belongs to Lâm Đồng (a made-up case) -> Lâm Đồng is covered, with the id
    # (the unit named as a person types it: no diacritics, any case)
    c2 = review(db, "link", row["url"], "--unit", "ubnd tinh LAM DONG")
    rows = coverage(db, 2026)
    assert rows["p-lamdong"]["found"] and rows["p-lamdong"]["corrections"] == [c2]
    # 3. an offline plan for Phú Thọ
    c3 = review(db, "add-offline", "--unit", "p-phutho", "--year", "2026", "--doc-number", "12/KH-UBND",
                "--doc-date", "2026-01-20", "--evidence", "Công văn giấy số 12, lưu tại Sở Nội vụ")
    pt = coverage(db, 2026)["p-phutho"]
    assert pt["found"] and pt["doc_number"] == "12/KH-UBND" and pt["doc_date"] == "2026-01-20"
    assert pt["corrections"] == [c3] and pt["first_seen_run"] is None and pt["url"].startswith("Công văn")
    # corrections are not crawled data
    assert count_documents(db) == docs_before
    # 4. a re-crawl of the same portals (day 3 again) keeps every correction in force
    with SimNetwork(day=3, seed=0) as net:
        env = {**os.environ, **net.env(), **FAST, "CCHC_FILES_STORE": str(tmp_path / "f"), "CCHC_LOG_DIR": str(tmp_path / "l")}
        env.pop("CCHC_DB", None)
        import subprocess
        import sys

        from builddb import ROOT

        proc = subprocess.run([sys.executable, "-m", "cli", "crawl", "--db", db, "--source", "p-tuyenquang",
                               "--source", "p-phutho"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
    rows = coverage(db, 2026)
    assert rows["p-lamdong"]["corrections"] == [c2] and rows["p-phutho"]["corrections"] == [c3]
    assert rows["p-tuyenquang"]["url"] != first["url"]
    # 5. withdrawing restores the crawled answer; the list keeps it for the record
    assert cchc("review", "withdraw", str(c1), "--db", db).returncode == 0
    assert coverage(db, 2026)["p-tuyenquang"]["url"] == first["url"]
    listed = json.loads(cchc("review", "list", "--all", "--format", "json", "--db", db).stdout)
    assert [(c["id"], c["action"], c["active"]) for c in listed] == [(c1, "not_cchc", False), (c2, "link", True),
                                                                       (c3, "offline", True)]
    # the table people read: times in Asia/Ho_Chi_Minh (stored in UTC), actions and yes/no as labels
    from reports.labels import local_time

    table = cchc("review", "list", "--all", "--db", db).stdout
    english = cchc("review", "list", "--all", "--db", db, "--lang", "en").stdout
    for c in listed:
        local = local_time(c["created_at"])
        assert local is not None and local.utcoffset().total_seconds() == 7 * 3600
        assert f"{local:%d/%m/%Y %H:%M}" in table and f"{local:%d/%m/%Y %H:%M}" in english
    assert "Không phải CCHC" in table and "Bổ sung ngoài mạng" in table and "not_cchc" not in table
    assert "Not CCHC" in english and "Found offline" in english and "Không phải CCHC" not in english


def test_category_correction(writable_db, worlds):
    """A report re-classified as a 2026 propaganda plan makes its unit covered, and says so."""
    db = writable_db
    rows = coverage(db, 2026)
    target = next(pid for pid, r in rows.items() if not r["found"] and any(
        a.category == "report" and not a.removed for a in worlds[3].articles(pid)))
    report = next(a for a in worlds[3].articles(target) if a.category == "report" and not a.removed)
    cid = review(db, "category", report.url, "propaganda_plan", "--year", "2026")
    row = coverage(db, 2026)[target]
    assert row["found"] and row["url"] == report.url and row["corrections"] == [cid]


@pytest.mark.parametrize("args, message", [
    (["not-cchc", "https://nowhere.gov.vn/x"], "no stored document"),
    (["add-offline", "--unit", "p-atlantis", "--year", "2026", "--doc-date", "2026-01-01", "--evidence", "x"], "unknown unit"),
    (["add-offline", "--unit", "ubnd tinh", "--year", "2026", "--doc-date", "2026-01-01", "--evidence", "x"], "is ambiguous"),
    (["add-offline", "--unit", "p-phutho", "--year", "2026", "--doc-date", "2999-01-01", "--evidence", "x"], "in the future"),
    (["add-offline", "--unit", "p-phutho", "--year", "2026", "--evidence", "x"], "--doc-date or --published"),
    (["withdraw", "999"], "no correction 999"),
])
def test_review_bad_input(writable_db, args, message):
    proc = cchc("review", *args, "--db", writable_db)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
