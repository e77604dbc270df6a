"""Compliance: deadlines only when known (configuration), judged on the issue date; the superior's plan;
widget freshness and figures — against the simulator's ground truth."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from builddb import cchc
from truth import earliest, issued, plans, subset

DEPTS = ("d-skhcn-dienbien", "d-svhttdl-dienbien")


def run_compliance(db: str, *args: str) -> dict[str, dict]:
    proc = cchc("report", "compliance", "--db", db, "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return {r["portal"]: r for r in json.loads(proc.stdout)}


@pytest.mark.parametrize("year", [2020, 2021])
def test_no_deadline_is_invented(db, worlds, year):
    """The simulator's plans state only REPORTING deadlines ("báo cáo kết quả … trước ngày"): no unit
    gets a deadline from them; the days since the superior's (p-dienbien's) plan are given instead."""
    rows = run_compliance(db, "--year", str(year))
    assert set(rows) == set(subset())
    assert {r["status"] for r in rows.values()} == {"no_deadline_known"}
    assert all(r["deadline"] is None for r in rows.values())
    sup = earliest(plans(worlds[3], "p-dienbien", year, "propaganda_plan"))
    for pid in (*DEPTS, "x-dienbienphu-dienbien"):
        r = rows[pid]
        assert r["superior_portal"] == "p-dienbien" and r["superior_doc_number"] == sup.doc_number
        assert r["superior_date"] == issued(sup).isoformat()
        assert r["days_since_superior_plan"] == (worlds[3].observed - issued(sup)).days
    assert rows["p-tuyenquang"]["superior_portal"] is None  # a province has none in the registry


def write_config(tmp_path: Path, deadline: str) -> Path:
    path = tmp_path / "deadlines.yaml"
    path.write_text(
        "deadlines:\n"
        f"  - {{province: 'Điện Biên', level: department, year: 2026, kind: propaganda_plan, deadline: {deadline},"
        " source: 'test: Công văn số 1/UBND-NC'}\n"
        "required_sections:\n  propaganda_plan: [purpose, content, forms, organisation]\nwidget_fresh_days: 1\n",
        encoding="utf-8")
    return path


@pytest.mark.parametrize("deadline", ["2026-02-01", "2026-02-20"])
def test_configured_deadline(db, worlds, tmp_path, deadline):
    import datetime as dt

    due = dt.date.fromisoformat(deadline)
    rows = run_compliance(db, "--year", "2026", "--deadlines", str(write_config(tmp_path, deadline)))
    for pid in DEPTS:
        r, found = rows[pid], plans(worlds[3], pid, 2026, "propaganda_plan")
        assert r["deadline"] == deadline and "Công văn số 1/UBND-NC" in r["deadline_source"]
        if found:
            on = issued(earliest(found))
            assert r["judged_on"] == on.isoformat() and r["judged_by"] == "doc_date"
            assert r["status"] == ("on_time" if on <= due else "late")
            assert r["days_late"] == ((on - due).days if on > due else None)
        else:
            assert r["status"] == "missing_past_deadline"
            assert r["days_late"] == (worlds[3].observed - due).days
    # the entry names departments of Điện Biên only
    assert rows["x-dienbienphu-dienbien"]["status"] == "no_deadline_known"
    assert rows["p-tuyenquang"]["deadline"] is None


def test_widget_fields(db, worlds, tmp_path):
    rows = run_compliance(db, "--year", "2026", "--fresh-days", "1")
    for pid in subset():
        r, w = rows[pid], worlds[3].widget(pid)
        if w is None:
            assert r["widget_present"] is False and r["widget_fresh"] is None
            continue
        assert r["widget_present"] is True
        assert r["widget_updated_at"] == w.updated_at.isoformat()
        assert r["widget_frozen"] is (pid == "p-ninhbinh")
        assert r["widget_fresh"] is (pid != "p-ninhbinh")
        if w.how != "iframe":
            assert (r["widget_total"], r["widget_late"]) == (w.processed, w.late)
            assert r["widget_problems"] == []
    assert rows["p-ninhbinh"]["widget_age_days"] == (worlds[3].observed - worlds[1].observed).days


def test_found_plans_have_their_sections(db, worlds):
    rows = run_compliance(db, "--year", "2026")
    assert any(rows[pid]["found"] for pid in subset())
    for pid in subset():
        r = rows[pid]
        assert r["found"] is bool(plans(worlds[3], pid, 2026, "propaganda_plan"))
        if r["found"]:
            # every simulated propaganda plan has I. MỤC ĐÍCH, II. NỘI DUNG, HÌNH THỨC, IV. TỔ CHỨC
            assert r["sections_missing"] == [], (pid, r["sections_missing"])
        else:
            assert r["sections_missing"] is None and r["cites_superior"] is None


@pytest.mark.parametrize("args, message", [
    (["--year", "2026", "--deadlines", "/nonexistent/deadlines.yaml"], "cannot read the deadline configuration"),
    (["--year", "2026", "--level", "hamlet"], "unknown level"),
    (["--year", "3000"], "out of range"),
])
def test_compliance_bad_input(db, args, message):
    proc = cchc("report", "compliance", "--db", db, *args)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr


def test_compliance_as_current_units(db):
    rows = run_compliance(db, "--year", "2024", "--as-units", "current", "--province", "Hai Phong")
    assert set(rows) == {"x-ngoclien-camgiang-haiduong"}
    assert rows["x-ngoclien-camgiang-haiduong"]["province"] == "Hải Phòng"
