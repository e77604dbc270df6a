"""`cchc deadlines template|import|list`: deadlines from a spreadsheet, validated, stored in the user's
configuration folder (never the installed package), read by the compliance report (issue 15)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from builddb import cchc
from openpyxl import load_workbook

from reports.compliance import DEFAULT_CONFIG


def _env(tmp_path: Path) -> dict[str, str]:
    return {"CCHC_CONFIG_DIR": str(tmp_path / "config")}


def test_template_fill_import_list(tmp_path: Path) -> None:
    env = _env(tmp_path)
    bundled = DEFAULT_CONFIG.read_bytes()
    tpl = tmp_path / "han.xlsx"
    proc = cchc("deadlines", "template", "--out", str(tpl), env=env)
    assert proc.returncode == 0, proc.stderr
    wb = load_workbook(tpl)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["province", "level", "year", "kind", "deadline", "source"]
    assert all(c.font.b for c in ws[1]) and ws.freeze_panes == "A2"
    assert wb.sheetnames == ["Hạn ban hành", "Hướng dẫn"]
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation if v.type == "list"}
    assert "xã/phường" in lists["B2:B1000"] and "propaganda_plan" in lists["D2:D1000"]
    # a person fills it: a real date cell, Vietnamese level, a kind as its label, no diacritics
    ws.append(["Dien Bien", "xã", 2026, "Kế hoạch tuyên truyền CCHC", dt.datetime(2026, 2, 15),
               "Công văn 123/UBND-NC ngày 10/01/2026"])
    ws.append(["Tuyên Quang", "sở", "2026", "plan", "28/02/2026", None])
    ws.append([None, None, None, None, None, None])  # an empty row is skipped
    wb.save(tpl)
    proc = cchc("deadlines", "import", str(tpl), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "2 deadline(s) imported" in proc.stdout
    stored = yaml.safe_load((tmp_path / "config" / "deadlines.yaml").read_text(encoding="utf-8"))["deadlines"]
    assert stored == [
        {"province": "Dien Bien", "level": "commune", "year": 2026, "kind": "propaganda_plan",
         "deadline": "2026-02-15", "source": "Công văn 123/UBND-NC ngày 10/01/2026"},
        {"province": "Tuyên Quang", "level": "department", "year": 2026, "kind": "plan", "deadline": "2026-02-28",
         "source": f"{tpl}, row 3 (no source given)"},
    ]
    listed = cchc("deadlines", "list", "--format", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [(r["province"], r["deadline"], r["origin"]) for r in json.loads(listed.stdout)] == [
        ("Dien Bien", "2026-02-15", "user"), ("Tuyên Quang", "2026-02-28", "user")]
    table = cchc("deadlines", "list", env=env).stdout
    assert "15/02/2026" in table and "xã/phường" in table and "Người dùng nhập" in table
    # re-importing a row for the same province, level, year and kind replaces it; others stay
    again = tmp_path / "again.csv"
    again.write_bytes("\ufeffTỉnh;Cấp;Năm;Loại kế hoạch;Hạn\nĐIỆN BIÊN;xa/phuong;2026;tuyen truyen;20/02/2026\n"
                      .encode("utf-8"))
    assert cchc("deadlines", "import", str(again), env=env).returncode == 0
    stored = yaml.safe_load((tmp_path / "config" / "deadlines.yaml").read_text(encoding="utf-8"))["deadlines"]
    assert [(e["province"], e["deadline"]) for e in stored] == [("ĐIỆN BIÊN", "2026-02-20"), ("Tuyên Quang", "2026-02-28")]
    assert DEFAULT_CONFIG.read_bytes() == bundled  # the installed package is never written


def test_bad_sheet_names_row_and_column_and_changes_nothing(tmp_path: Path) -> None:
    env = _env(tmp_path)
    good = tmp_path / "good.csv"
    good.write_text("province,level,year,kind,deadline\nĐiện Biên,tinh,2026,plan,15/01/2026\n", encoding="utf-8")
    assert cchc("deadlines", "import", str(good), env=env).returncode == 0
    before = (tmp_path / "config" / "deadlines.yaml").read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("province,level,year,kind,deadline\n"
                   "Điện Biên,so,2026,plan,15/01/2026\n"
                   "Điện Biên,xa,2026,plan,14/01/2026\n"
                   "Điện Biên,huyen,2026,plan,31/13/2026\n", encoding="utf-8")
    proc = cchc("deadlines", "import", str(bad), env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [f"error: {bad}: row 4, column 'deadline': '31/13/2026' is not a date "
                                        "(write dd/mm/yyyy, e.g. 15/02/2026, or YYYY-MM-DD)"]
    worse = tmp_path / "worse.csv"
    worse.write_text("province,level,year,kind,deadline\nAtlantis,village,20x6,tt,\n", encoding="utf-8")
    proc = cchc("deadlines", "import", str(worse), env=env)
    assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1
    for part in ("(5 problems)", "row 2, column 'province': 'Atlantis' is not a known province",
                 "row 2, column 'level': 'village' is not a level", "row 2, column 'year': '20x6' is not a year",
                 "row 2, column 'kind': 'tt' is not a kind of plan", "row 2, column 'deadline': '' is not a date"):
        assert part in proc.stderr, part
    missing = tmp_path / "missing.csv"
    missing.write_text("province,year,kind\nĐiện Biên,2026,plan\n", encoding="utf-8")
    proc = cchc("deadlines", "import", str(missing), env=env)
    assert proc.returncode == 2 and "missing column(s) 'level', 'deadline'" in proc.stderr
    proc = cchc("deadlines", "import", str(tmp_path / "nope.xlsx"), env=env)
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "no such file" in proc.stderr
    assert (tmp_path / "config" / "deadlines.yaml").read_bytes() == before


def test_compliance_reads_the_users_deadlines(db: str, tmp_path: Path) -> None:
    env = _env(tmp_path)
    sheet = tmp_path / "han.csv"
    sheet.write_text("province,level,year,kind,deadline,source\n"
                     "*,*,2026,propaganda_plan,01/01/2026,Test letter 1/UBND\n"
                     "dien bien,commune,2026,propaganda_plan,2026-01-20,Letter 2/UBND-NC\n", encoding="utf-8")
    proc = cchc("deadlines", "import", str(sheet), "--db", db, env=env)
    assert proc.returncode == 0, proc.stderr
    proc = cchc("report", "compliance", "--db", db, "--year", "2026", "--province", "Điện Biên", "--format", "json",
                env=env)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    by_level = {r["level"]: r for r in rows}
    assert by_level["commune"]["deadline"] == "2026-01-20" and "Letter 2/UBND-NC" in by_level["commune"]["deadline_source"]
    assert by_level["province"]["deadline"] == "2026-01-01" and "Test letter 1/UBND" in by_level["province"]["deadline_source"]
    assert all(r["status"] != "no_deadline_known" for r in rows)
    # without the user's file, no deadline is known (the bundled file is empty)
    proc = cchc("report", "compliance", "--db", db, "--year", "2026", "--province", "Điện Biên", "--format", "json",
                env={"CCHC_CONFIG_DIR": str(tmp_path / "elsewhere")})
    assert {r["status"] for r in json.loads(proc.stdout)} == {"no_deadline_known"}
