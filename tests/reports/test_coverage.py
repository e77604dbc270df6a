"""Coverage on the crawled simulator days, against the simulator's ground truth, on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import json

import pytest
from builddb import cchc
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from truth import first_day, plans, subset

YEARS = (2024, 2025, 2026)


def run_json(db: str, *args: str) -> list[dict]:
    proc = cchc("report", "coverage", "--db", db, "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def first_sighting(db: str, url: str) -> int:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT MIN(s.first_run_id) FROM sighting_intervals s JOIN documents d ON d.id = s.document_id "
                "WHERE d.url = :u"), {"u": url}).scalar_one()
    finally:
        engine.dispose()


def check_rows(db: str, rows: list[dict], world, worlds, year: int, kind: str, upto_day: int) -> None:
    assert {r["portal"] for r in rows} == set(subset())
    for r in rows:
        pid = r["portal"]
        expected = plans(world, pid, year, kind)
        assert r["found"] is bool(expected), (pid, year, kind, expected)
        assert r["unit"] == world.portals[pid].name
        assert r["level"] == world.portals[pid].level and r["province"] == world.portals[pid].province
        if not expected:
            assert r["doc_number"] is None and r["url"] is None and r["first_seen_run"] is None
            continue
        by_url = {a.url: a for a in expected}
        assert r["url"] in by_url, (pid, r["url"], list(by_url))
        art = by_url[r["url"]]
        assert r["doc_number"] == art.doc_number
        if art.section == "register":  # a register row shows the issue date (Ngày ban hành), no publication time
            assert r["doc_date"] == art.published.date().isoformat()
        else:
            assert r["published_at"][:10] == art.published.date().isoformat()
        # first run that holds a sighting of it (read straight from the snapshot table), never before the
        # simulator published it (the crawler may find an article a day late: d-svhttdl-backan's listing)
        assert r["first_seen_run"] == first_sighting(db, r["url"])
        assert r["first_seen_run"] >= first_day({d: w for d, w in worlds.items() if d <= upto_day}, pid, art.url)
        # the earliest-published plan is the evidence when a unit has several
        assert art.published == min(a.published for a in expected)
        assert r["organ"] == "government" and len(r["content_hash"]) == 64
        assert r["documents"] >= 1


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("kind", ["propaganda_plan", "plan"])
def test_coverage_matches_ground_truth(db, worlds, year, kind):
    rows = run_json(db, "--year", str(year), "--kind", kind)
    check_rows(db, rows, worlds[3], worlds, year, kind, 3)


def test_coverage_exact_2026_counts(db, worlds):
    """2026 propaganda plans: the exact units (day-3 additions included) and their count."""
    rows = run_json(db, "--year", "2026")
    expected = sorted(pid for pid in subset() if plans(worlds[3], pid, 2026, "propaganda_plan"))
    assert sorted(r["portal"] for r in rows if r["found"]) == expected
    assert "p-hatinh" in expected and "h-giolinh-quangtri" in expected  # both added on day 3


@pytest.mark.parametrize("day", [1, 2])
def test_coverage_as_of(db, worlds, day):
    """--as-of answers from the snapshots up to that day: day-3 plans are not yet known."""
    on = worlds[day].observed.isoformat()
    rows = run_json(db, "--year", "2026", "--as-of", on)
    check_rows(db, rows, worlds[day], worlds, 2026, "propaganda_plan", day)
    found = {r["portal"] for r in rows if r["found"]}
    assert "p-hatinh" not in found and "h-giolinh-quangtri" not in found


def test_party_plans_are_apart(db, worlds):
    """Seed 000's commune: the Đảng ủy plan counts only with --organ party."""
    pid = "x-ngoclien-camgiang-haiduong"
    for year in (2022, 2023, 2024):
        gov = {r["portal"]: r for r in run_json(db, "--year", str(year), "--level", "commune")}[pid]
        party = {r["portal"]: r for r in run_json(db, "--year", str(year), "--level", "commune", "--organ", "party")}[pid]
        assert gov["found"] is bool(plans(worlds[3], pid, year, "propaganda_plan", "government"))
        expected_party = plans(worlds[3], pid, year, "propaganda_plan", "party")
        assert party["found"] is bool(expected_party)
        if expected_party:
            assert party["organ"] == "party" and party["doc_number"] in {a.doc_number for a in expected_party}


def test_filters_and_totals(db, worlds):
    rows = run_json(db, "--year", "2026", "--province", "dien bien")
    assert {r["portal"] for r in rows} == {p for p in subset() if worlds[3].portals[p].province == "Điện Biên"}
    rows = run_json(db, "--year", "2026", "--level", "province")
    assert {r["portal"] for r in rows} == {p for p in subset() if worlds[3].portals[p].level == "province"}
    proc = cchc("report", "coverage", "--db", db, "--year", "2026")
    assert proc.returncode == 0
    found = sum(1 for p in subset() if plans(worlds[3], p, 2026, "propaganda_plan"))
    n = len(subset())
    total_line = [line for line in proc.stdout.splitlines() if line.startswith("Tất cả")][-1].split()
    assert total_line[-4:] == [str(n), str(found), str(n - found),
                               f"{100 * found / n:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"]


def test_csv_and_xlsx_hold_the_same_numbers(db, tmp_path):
    """The xlsx shows the CSV's values for people: Vietnamese headers, labels, typed cells (issue 15)."""
    from reports.labels import header, value_label

    proc = cchc("report", "coverage", "--db", db, "--year", "2024", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    csv_rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    out = tmp_path / "c.xlsx"
    proc = cchc("report", "coverage", "--db", db, "--year", "2024", "--format", "xlsx", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    ws = load_workbook(out)["Độ phủ"]
    values = list(ws.iter_rows(values_only=True))
    keys = list(csv_rows[0].keys())
    assert list(values[0]) == [header(k, "vi", "coverage") for k in keys]
    for xrow, crow in zip(values[1:], csv_rows, strict=True):
        for key, cell in zip(keys, xrow):
            want = crow[key]
            if key == "found":
                assert cell == ("Có" if want == "true" else "Không")
            elif key in ("doc_date", "first_seen_on"):
                assert (cell.date().isoformat() if cell else "") == want
            elif key == "published_at":
                assert (cell.date().isoformat() if cell else "") == want[:10]
            else:
                shown = "" if cell is None else str(cell)
                assert shown == ("" if want == "" else str(value_label(key, want, "vi"))), (key, cell, want)
    totals = list(load_workbook(out)["Tổng hợp"].iter_rows(values_only=True))
    assert totals[0][:3] == ("Tỉnh", "Cấp", "Số đơn vị")
    assert totals[-1][2] == len(csv_rows) and totals[-1][3] == sum(r["found"] == "true" for r in csv_rows)


def test_as_units_current(db):
    """The Hải Dương commune is shown under its current province with its registered name kept."""
    rows = run_json(db, "--year", "2024", "--as-units", "current")
    row = {r["portal"]: r for r in rows}["x-ngoclien-camgiang-haiduong"]
    assert row["province"] == "Hải Phòng"
    assert row["former_names"] == ["UBND xã Ngọc Liên"]
    assert run_json(db, "--year", "2024", "--as-units", "current", "--province", "Hai Phong")


@pytest.mark.parametrize("args, message", [
    (["--year", "2024", "--province", "Atlantis"], "unknown province"),
    (["--year", "2024", "--level", "village"], "unknown level"),
    (["--year", "1890"], "out of range"),
    (["--year", "2024", "--as-of", "2999-01-01"], "in the future"),
    (["--year", "2024", "--as-of", "2020-01-01"], "before the first run"),
    (["--year", "2024", "--as-of", "yesterday"], "not a date"),
    (["--year", "2024", "--format", "xlsx"], "needs --out"),
])
def test_bad_input_exits_2(db, args, message):
    proc = cchc("report", "coverage", "--db", db, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_empty_database_exits_2(tmp_path):
    from storage import upgrade_database

    empty = f"sqlite:///{tmp_path}/empty.sqlite"
    upgrade_database(empty)
    proc = cchc("report", "coverage", "--db", empty, "--year", "2024")
    assert proc.returncode == 2 and "no crawl run" in proc.stderr
    proc = cchc("report", "coverage", "--db", str(tmp_path / "missing.sqlite"), "--year", "2024")
    assert proc.returncode == 2 and "no database" in proc.stderr
