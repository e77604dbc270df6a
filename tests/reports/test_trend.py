"""Trend: widget series per run equal the simulator's widget figures of each day; plans per month."""
from __future__ import annotations

import json

import pytest
from builddb import cchc
from truth import subset

INLINE = ("p-tuyenquang", "p-phutho")


def run_trend(db: str, *args: str) -> dict:
    proc = cchc("report", "trend", "--db", db, "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("pid", INLINE)
def test_unit_series_equals_widget_figures(db, worlds, pid):
    result = run_trend(db, "--unit", pid)
    (series,) = result["series"]
    expected = [(day, worlds[day].widget(pid)) for day in sorted(worlds)]
    assert [p["run"] for p in series["points"]] == [day for day, _ in expected]
    for point, (day, w) in zip(series["points"], expected):
        assert point["observed_on"] == worlds[day].observed.isoformat()
        assert (point["total"], point["on_time"], point["late"]) == (w.processed, w.on_time, w.late)
        assert point["updated_at"] == w.updated_at.isoformat()


def test_frozen_widget_does_not_move(db, worlds):
    (series,) = run_trend(db, "--unit", "p-ninhbinh")["series"]
    w1 = worlds[1].widget("p-ninhbinh")
    assert [(p["total"], p["late"]) for p in series["points"]] == [(w1.processed, w1.late)] * 3
    assert len({p["updated_at"] for p in series["points"]}) == 1


def test_unit_by_name_and_portal_without_widget(db, worlds):
    """Found by its name, diacritics-insensitive; the simulator gives p-lamdong no widget: no points."""
    assert worlds[1].widget("p-lamdong") is None
    (series,) = run_trend(db, "--unit", "ubnd tinh lam dong")["series"]
    assert series["portal"] == "p-lamdong" and series["points"] == []


def test_province_series_sums_its_portals(db, worlds):
    result = run_trend(db, "--province", "Điện Biên")
    pids = [p for p in subset() if worlds[1].portals[p].province == "Điện Biên"]
    assert {s["portal"] for s in result["series"]} == set(pids)
    for point in result["combined"]:
        day = point["run"]
        figures = [worlds[day].widget(p) for p in pids if worlds[day].widget(p) is not None
                   and worlds[day].widget(p).how == "inline"]
        total = sum(w.processed for w in figures)
        assert point["total"] == total and point["late"] == sum(w.late for w in figures)
        assert point["on_time_rate"] == round(100 * sum(w.on_time for w in figures) / total, 2)


def test_by_month_keeps_the_last_reading(db, worlds):
    (series,) = run_trend(db, "--unit", "p-tuyenquang", "--by", "month")["series"]
    assert len(series["points"]) == 1 and series["points"][0]["month"] == "2026-03"
    assert series["points"][0]["total"] == worlds[3].widget("p-tuyenquang").processed


def test_plans_per_month(db, worlds):
    result = run_trend(db, "--unit", "p-tuyenquang")
    expected: dict[str, set] = {}
    for a in worlds[3].articles("p-tuyenquang"):
        if a.removed or a.category not in ("propaganda_plan", "plan"):
            continue
        expected.setdefault(a.published.strftime("%Y-%m"), set()).add((a.category, a.doc_number))
    got = {m["month"]: m["total"] for m in result["plans_per_month"]}
    assert got == {m: len(v) for m, v in expected.items()}


@pytest.mark.parametrize("args, message", [
    (["--unit", "x-nowhere"], "unknown unit"),
    (["--province", "Narnia"], "unknown province"),
])
def test_trend_bad_input(db, args, message):
    proc = cchc("report", "trend", "--db", db, *args)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr


def test_trend_table_has_vietnamese_numbers(db, worlds):
    proc = cchc("report", "trend", "--db", db, "--unit", "p-tuyenquang")
    w = worlds[3].widget("p-tuyenquang")
    assert f"{w.processed:,}".replace(",", ".") in proc.stdout


def test_trend_as_current_units(db, worlds):
    """The Hải Dương commune's series is found under Hải Phòng when units are named as they are now."""
    result = run_trend(db, "--province", "Hải Phòng", "--as-units", "current")
    (series,) = result["series"]
    assert series["portal"] == "x-ngoclien-camgiang-haiduong" and series["province"] == "Hải Phòng"
    w = worlds[3].widget("x-ngoclien-camgiang-haiduong")
    assert series["points"][-1]["total"] == w.processed
    assert result["combined"][-1]["total"] == w.processed


def test_a_readings_issues_reach_its_point(writable_db):
    """The issues a widget reading recorded (read as JSON text and decoded by `widget_points` on SQLite)
    come out as the list they were, on the point of that run, and the other points keep an empty list."""
    from sqlalchemy import create_engine, text

    engine = create_engine(writable_db)
    try:
        with engine.begin() as conn:
            run = conn.execute(text("SELECT min(run_id) FROM widget_readings WHERE portal_id = 'p-tuyenquang'")).scalar_one()
            value = '["tổng số không khớp", "ngày cập nhật cũ"]'
            sql = ("UPDATE widget_readings SET issues = CAST(:v AS JSONB) WHERE portal_id = 'p-tuyenquang' AND run_id = :r"
                   if engine.dialect.name == "postgresql" else
                   "UPDATE widget_readings SET issues = :v WHERE portal_id = 'p-tuyenquang' AND run_id = :r")
            conn.execute(text(sql), {"v": value, "r": run})
    finally:
        engine.dispose()
    (series,) = run_trend(writable_db, "--unit", "p-tuyenquang")["series"]
    issues = {p["run"]: p["issues"] for p in series["points"]}
    assert issues[run] == ["tổng số không khớp", "ngày cập nhật cũ"]
    assert all(v == [] for r, v in issues.items() if r != run)
