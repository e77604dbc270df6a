"""Workbooks people forward: typed cells equal to the CSV's, Vietnamese headers, links, filters, frozen
header, fitted widths; CSV for Excel (BOM, CRLF); exports and reports in xlsx; labels in --lang."""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from builddb import cchc
from openpyxl import load_workbook

from reports import labels
from reports.xlsx import DATE_KEYS, DATETIME_KEYS, MAX_WIDTH, PCT_KEYS, Sheet, write_workbook


def same(key: str, cell: Any, csv_value: str, lang: str = "vi", part: str | None = None) -> bool:
    """Whether the xlsx cell shows the CSV value: after its format (percent, date, local time) and, for
    coded values, as its label in `lang`."""
    if csv_value == "":
        return cell is None
    if csv_value in ("true", "false"):
        return cell == labels.label("bool", csv_value == "true", lang)
    if key in PCT_KEYS:
        return cell == pytest.approx(float(csv_value) / 100)
    if key in DATE_KEYS:
        return cell == dt.datetime.fromisoformat(csv_value[:10])
    if key in DATETIME_KEYS:
        return cell.replace(microsecond=0) == labels.local_time(csv_value).replace(tzinfo=None, microsecond=0)
    if key == "published_at":
        if len(csv_value) == 10:
            return cell == dt.datetime.fromisoformat(csv_value)
        return cell == dt.datetime.fromisoformat(csv_value).astimezone(labels.TZ).replace(tzinfo=None)
    if key in ("sections_present", "sections_missing"):
        return cell == "|".join(labels.value_label(key, csv_value.split("|"), lang))
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return cell == pytest.approx(float(csv_value))
    return cell == labels.value_label(key, csv_value, lang, part)


def compare(xlsx_rows: list[tuple], csv_rows: list[dict[str, str]], lang: str = "vi", part: str | None = None) -> None:
    keys = list(csv_rows[0].keys())
    assert len(xlsx_rows) == len(csv_rows)
    for xrow, crow in zip(xlsx_rows, csv_rows, strict=True):
        for key, cell in zip(keys, xrow, strict=True):
            assert same(key, cell, crow[key], lang, part), (key, cell, crow[key])


def test_writer_types_links_filter_freeze_and_no_formulas(tmp_path: Path) -> None:
    rows = [
        {"unit": "=HYPERLINK(\"http://evil\")", "level": "commune", "organ": "government", "found": True,
         "doc_date": "2026-03-04", "on_time_rate": 99.41, "total": 2142, "url": "https://a.gov.vn/kh-38",
         "fetched_at": "2026-03-03T20:30:00+00:00", "sections_present": ["purpose", "funding"], "title": "@cmd|' /C'"},
        {"unit": "+1 UBND xã", "level": "province", "organ": None, "found": False, "doc_date": None,
         "on_time_rate": None, "total": None, "url": None, "fetched_at": None, "sections_present": None,
         "title": "-2+3\x07"},
    ]
    out = tmp_path / "t.xlsx"
    write_workbook([Sheet("coverage", list(rows[0]), iter(rows)), Sheet("totals", ["province", "units"], [])], out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Độ phủ", "Tổng hợp"]
    ws = wb["Độ phủ"]
    assert [c.value for c in ws[1]] == ["Đơn vị", "Cấp", "Cơ quan", "Có KH", "Ngày ban hành", "Tỷ lệ đúng hạn",
                                       "Hồ sơ", "Liên kết", "Đọc lúc", "Mục có", "Tiêu đề"]
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:K3"
    a2, b2, c2, d2, e2, f2, g2, h2, i2, j2, k2 = ws[2]
    assert a2.value == "=HYPERLINK(\"http://evil\")" and a2.data_type == "s"
    assert k2.value == "@cmd|' /C'" and k2.data_type == "s"
    assert ws["A3"].data_type == "s" and ws["K3"].value == "-2+3"  # control character dropped
    assert (b2.value, c2.value, d2.value) == ("xã/phường", "Chính quyền", "Có")
    assert ws["B3"].value == "tỉnh" and ws["D3"].value == "Không" and ws["C3"].value is None
    assert e2.value == dt.datetime(2026, 3, 4) and e2.number_format == "dd/mm/yyyy" and e2.is_date
    assert f2.value == pytest.approx(0.9941) and f2.number_format == "0.00%"
    assert g2.value == 2142 and g2.number_format == "#,##0"
    assert h2.hyperlink.target == "https://a.gov.vn/kh-38" and h2.value == "https://a.gov.vn/kh-38"
    assert i2.value == dt.datetime(2026, 3, 4, 3, 30)  # 20:30 UTC is 03:30 next day in Hồ Chí Minh City
    assert j2.value == "Mục đích|Kinh phí"
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths["A"] >= len("=HYPERLINK(\"http://evil\")") and all(6 <= w <= MAX_WIDTH for w in widths.values())
    # no formula anywhere in the file: scraped text never runs
    with zipfile.ZipFile(out) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    # English on request
    write_workbook([Sheet("coverage", ["level", "found"], [{"level": "commune", "found": True}])], out, "en")
    ws = load_workbook(out)["Coverage"]
    assert [c.value for c in ws[1]] == ["Level", "Plan found"] and [c.value for c in ws[2]] == ["commune", "Yes"]


def test_writer_streams_beyond_the_width_sample(tmp_path: Path) -> None:
    """Rows after the width sample are streamed, not lost; a generator is consumed once."""
    n = 1200
    rows = ({"run": i, "unit": f"Đơn vị {i}"} for i in range(n))
    out = tmp_path / "big.xlsx"
    write_workbook([Sheet("runs", ["run", "unit"], rows)], out)
    ws = load_workbook(out, read_only=True)["Lần quét"]
    values = list(ws.iter_rows(values_only=True))
    assert len(values) == n + 1 and values[-1] == (n - 1, f"Đơn vị {n - 1}")


@pytest.mark.parametrize("kind", ["documents", "widgets", "runs", "portals"])
def test_export_xlsx_equals_csv(db: str, tmp_path: Path, kind: str) -> None:
    proc = cchc("export", kind, "--db", db, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    csv_rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    out = tmp_path / f"{kind}.xlsx"
    proc = cchc("export", kind, "--db", db, "--format", "xlsx", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    ws = load_workbook(out)[labels.sheet_title(kind)]
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == [labels.header(k) for k in csv_rows[0]]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    compare(values[1:], csv_rows, part=kind)
    if kind == "runs":
        status_col = list(csv_rows[0]).index("status")
        assert {r[status_col] for r in values[1:]} <= {"Hoàn tất", "Chưa trọn vẹn", "Thất bại", "Đang chạy"}
    if kind == "documents":
        url_col = list(csv_rows[0]).index("url") + 1
        cell = ws.cell(row=2, column=url_col)
        assert cell.hyperlink is not None and cell.hyperlink.target == cell.value


def test_export_csv_for_excel_has_bom_and_crlf_and_the_same_rows(db: str, tmp_path: Path) -> None:
    plain = cchc("export", "portals", "--db", db, "--format", "csv")
    out = tmp_path / "portals.csv"
    proc = cchc("export", "portals", "--db", db, "--format", "csv", "--excel", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert raw.count(b"\r\n") >= raw.count(b"\n") - raw[3:].decode("utf-8").count("\n\n")
    text = raw.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == list(csv.reader(io.StringIO(plain.stdout)))
    # the machine CSV itself is unchanged: no BOM, LF
    assert not plain.stdout.startswith("\ufeff") and "\r\n" not in plain.stdout


def test_report_csv_excel_and_xlsx_needs_out(db: str) -> None:
    proc = cchc("report", "coverage", "--db", db, "--year", "2026", "--format", "csv", "--excel")
    assert proc.returncode == 0 and proc.stdout.startswith("\ufeff")
    proc = cchc("export", "runs", "--db", db, "--excel")
    assert proc.returncode == 2 and proc.stdout == "" and proc.stderr.strip().splitlines() == [
        "error: --excel applies to --format csv (CSV for Excel), not to --format jsonl"]
    proc = cchc("export", "runs", "--db", db, "--format", "xlsx")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "error: --format xlsx needs --out FILE.xlsx (a spreadsheet is not written to a terminal)"]


def test_compliance_xlsx_equals_csv_in_both_languages(db: str, tmp_path: Path) -> None:
    proc = cchc("report", "compliance", "--db", db, "--year", "2026", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    csv_rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    for lang in ("vi", "en"):
        out = tmp_path / f"c-{lang}.xlsx"
        proc = cchc("report", "compliance", "--db", db, "--year", "2026", "--format", "xlsx", "--out", str(out),
                    "--lang", lang)
        assert proc.returncode == 0, proc.stderr
        ws = load_workbook(out)[labels.sheet_title("compliance", lang)]
        values = list(ws.iter_rows(values_only=True))
        assert list(values[0]) == [labels.header(k, lang, "compliance") for k in csv_rows[0]]
        compare(values[1:], csv_rows, lang)
    # --lang changes nothing in the machine outputs
    assert cchc("report", "compliance", "--db", db, "--year", "2026", "--format", "csv", "--lang", "en").stdout == \
        cchc("report", "compliance", "--db", db, "--year", "2026", "--format", "csv").stdout


def test_vietnamese_table_has_no_machine_words(db: str) -> None:
    proc = cchc("report", "coverage", "--db", db, "--year", "2024", "--organ", "any")
    assert proc.returncode == 0, proc.stderr
    words = _cells(proc.stdout)
    for word in ("government", "propaganda_plan", "province", "commune", "department", "party", "true", "false"):
        assert word not in words, word
    assert "tỉnh" in words and "Có KH" in proc.stdout
    en = cchc("report", "coverage", "--db", db, "--year", "2024", "--lang", "en")
    assert en.returncode == 0 and "Plan found" in en.stdout and "province" in _cells(en.stdout)
    assert "xã/phường" not in en.stdout and "Có KH" not in en.stdout and "Không" not in _cells(en.stdout)


def _cells(table: str) -> set[str]:
    """The words of a table outside URLs."""
    return {token for line in table.splitlines() for token in line.split() if not token.startswith("http")}


MACHINE_OUTPUTS = [
    ("report", "coverage", "--year", "2026"),
    ("report", "compliance", "--year", "2026"),
    ("report", "trend", "--province", "tuyen quang"),
    ("report", "diff", "--from", "1", "--to", "2"),
    ("report", "search", "tuyen truyen 2026"),
    ("report", "scorecard", "--province", "Tuyên Quang", "--year", "2026"),
    ("export", "runs"),
]


@pytest.mark.parametrize("args", MACHINE_OUTPUTS, ids=lambda a: " ".join(a[:2]))
def test_machine_outputs_are_the_same_in_every_language(crawled_sqlite: Path, args: tuple[str, ...]) -> None:
    """JSON and CSV keep README's contracts whatever --lang says (only human outputs are translated)."""
    db = f"sqlite:///{crawled_sqlite}"
    formats = ("jsonl", "csv") if args[0] == "export" else ("json", "csv")
    for fmt in formats:
        outs = {}
        for lang in ("vi", "en"):
            proc = cchc(*args, "--db", db, "--format", fmt, "--lang", lang)
            assert proc.returncode == 0, proc.stderr
            outs[lang] = proc.stdout
        assert outs["vi"] == outs["en"] and outs["vi"].strip(), (args, fmt)
        assert "Tổng cộng" not in outs["vi"] and "Có KH" not in outs["vi"]
