"""`cchc report scorecard`: one province's units as Home Affairs staff score them (issue 15)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from builddb import cchc
from openpyxl import load_workbook
from test_xlsx import compare

from reports import labels
from reports.base import LEVELS
from reports.scorecard import ROW_KEYS


def _json(db: str, *args: str, env: dict[str, str] | None = None) -> dict:
    proc = cchc("report", "scorecard", "--db", db, "--year", "2026", "--province", "dien bien", *args,
                "--format", "json", env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_rows_follow_compliance_grouped_by_level_in_vietnamese_order(db: str, tmp_path: Path) -> None:
    env = {"CCHC_CONFIG_DIR": str(tmp_path)}
    card = _json(db, env=env)
    proc = cchc("report", "compliance", "--db", db, "--year", "2026", "--province", "Điện Biên", "--format", "json",
                env=env)
    comp = {r["portal"]: r for r in json.loads(proc.stdout)}
    rows = card["rows"]
    assert card["province"] == "Điện Biên" and card["year"] == 2026 and card["kind"] == "propaganda_plan"
    assert [list(r) for r in rows] == [list(ROW_KEYS)] * len(rows)
    assert {r["portal"] for r in rows} == set(comp) and [r["stt"] for r in rows] == list(range(1, len(rows) + 1))
    order = [(LEVELS.index(r["level"]), labels.vn_sort_key(r["unit"])) for r in rows]
    assert order == sorted(order)
    for r in rows:
        c = comp[r["portal"]]
        assert r["plan_found"] == c["found"] and r["doc_number"] == c["doc_number"] and r["url"] == c["url"]
        assert r["widget_on_time_rate"] == c["widget_on_time_rate"] and r["widget_late"] == c["widget_late"]
        assert r["sections_present"] == c["sections_present"] and r["status"] == c["status"]
        assert r["plan_on_time"] is None  # no deadline is known without one entered
    t = card["totals"]
    assert t["units"] == len(rows) and t["plan_found"] == sum(r["plan_found"] for r in rows)
    assert t["plan_found"] >= 1
    counted = [r for r in rows if r["widget_total"] is not None and r["widget_late"] is not None]
    assert t["widget_late"] == (sum(r["widget_late"] for r in counted) if counted else None)


def test_deadline_entered_by_the_user_judges_on_time(db: str, tmp_path: Path) -> None:
    """A deadline imported from a sheet is what the scorecard's "on time" is judged against."""
    env = {"CCHC_CONFIG_DIR": str(tmp_path)}
    found = [r for r in _json(db, env=env)["rows"] if r["plan_found"] and r["doc_date"]]
    assert found
    unit = found[0]
    issued = unit["doc_date"]
    day, month, year = issued[8:10], issued[5:7], issued[:4]
    sheet = tmp_path / "han.csv"
    sheet.write_text("province,level,year,kind,deadline,source\n"
                     f"dien bien,{unit['level']},2026,propaganda_plan,{day}/{month}/{year},CV 12/UBND-NC\n",
                     encoding="utf-8")
    proc = cchc("deadlines", "import", str(sheet), env=env)
    assert proc.returncode == 0, proc.stderr
    row = {r["portal"]: r for r in _json(db, env=env)["rows"]}[unit["portal"]]
    assert row["deadline"] == issued and row["plan_on_time"] is True and row["status"] == "on_time"
    # a day earlier: late
    prev = f"{int(day) - 1:02d}" if int(day) > 1 else day
    if prev != day:
        sheet.write_text("province,level,year,kind,deadline\n"
                         f"Điện Biên,{unit['level']},2026,propaganda_plan,{prev}/{month}/{year}\n", encoding="utf-8")
        assert cchc("deadlines", "import", str(sheet), env=env).returncode == 0
        row = {r["portal"]: r for r in _json(db, env=env)["rows"]}[unit["portal"]]
        assert row["plan_on_time"] is False and row["status"] == "late"
        assert _json(db, env=env)["totals"]["plan_on_time"] == 0


def test_workbook_ready_to_paste(db: str, tmp_path: Path) -> None:
    env = {"CCHC_CONFIG_DIR": str(tmp_path)}
    out = tmp_path / "dienbien.xlsx"
    proc = cchc("report", "scorecard", "--db", db, "--year", "2026", "--province", "DIEN BIEN", "--format", "xlsx",
                "--out", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    csv_proc = cchc("report", "scorecard", "--db", db, "--year", "2026", "--province", "DIEN BIEN", "--format", "csv",
                    env=env)
    assert csv_proc.returncode == 0, csv_proc.stderr
    csv_rows = list(csv.DictReader(io.StringIO(csv_proc.stdout)))
    ws = load_workbook(out)["Chấm điểm"]
    values = list(ws.iter_rows(values_only=True))
    assert values[0][:5] == ("STT", "Đơn vị", "Cổng", "Cấp", "Có kế hoạch")
    assert "Tỷ lệ giải quyết đúng hạn" in values[0] and "Minh chứng" in values[0] and "Ban hành đúng hạn" in values[0]
    compare(values[1:-1], csv_rows)
    total = dict(zip(ROW_KEYS, values[-1], strict=True))
    assert total["unit"] == f"Tổng cộng ({len(csv_rows)} đơn vị)"
    assert total["plan_found"] == sum(r["plan_found"] == "true" for r in csv_rows)
    assert all(c.font.b for c in ws[ws.max_row] if c.value is not None)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:P{len(csv_rows) + 1}"
    links = [c for c in ws["P"][1:] if c.value]
    assert links and all(c.hyperlink is not None and c.hyperlink.target == c.value for c in links)
    assert {ws.cell(row=i, column=4).value for i in range(2, ws.max_row)} <= {"tỉnh", "sở", "huyện", "xã/phường"}


def test_table_and_bad_input(db: str, tmp_path: Path) -> None:
    env = {"CCHC_CONFIG_DIR": str(tmp_path)}
    proc = cchc("report", "scorecard", "--db", db, "--year", "2026", "--province", "Điện Biên", env=env)
    assert proc.returncode == 0 and proc.stdout.startswith("Chấm điểm CCHC — Điện Biên — năm 2026")
    assert "Tổng cộng (" in proc.stdout and "propaganda_plan" not in proc.stdout
    proc = cchc("report", "scorecard", "--db", db, "--year", "2026", "--province", "Atlantis", env=env)
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.startswith("error: unknown province")
    proc = cchc("report", "scorecard", "--db", db, "--year", "2026", "--province", "Điện Biên", "--format", "xlsx",
                env=env)
    assert proc.returncode == 2 and "needs --out" in proc.stderr
