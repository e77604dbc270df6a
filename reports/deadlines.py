"""Deadlines the user enters from a spreadsheet, stored where the user owns them.

Why: the deadline for issuing a year's CCHC plans is set by each province's letter (a Công văn of the
UBND tỉnh or the Sở Nội vụ) and Home Affairs staff keep them in a spreadsheet. The bundled
``reports/data/deadlines.yaml`` ships empty (no deadline is invented) and belongs to the installed
package, which an upgrade replaces; so ``cchc deadlines import`` validates the user's sheet and writes
``deadlines.yaml`` in the user's configuration folder:

    $CCHC_CONFIG_DIR/deadlines.yaml, else $XDG_CONFIG_HOME/cchc/deadlines.yaml, else ~/.config/cchc/deadlines.yaml

Not the database: a deadline is the user's reference data, true of every database they open (a SQLite
test copy, the shared PostgreSQL), and needs no schema migration. ``reports.compliance.load_config``
reads it over the bundled file: a user entry wins over a bundled one of the same specificity.

A sheet is imported whole or not at all: every problem is reported with its row and column, in one
``error:`` line, and nothing is written.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from core.vntext import clean_space, fold
from reports import labels
from reports.base import KINDS, ReportError

COLUMNS = ("province", "level", "year", "kind", "deadline", "source")
REQUIRED = ("province", "level", "year", "kind", "deadline")
#: folded header text -> column (machine names, Vietnamese and English headers people write)
HEADER_WORDS: dict[str, str] = {
    "province": "province", "tinh": "province", "tinh/thanh pho": "province", "tinh, thanh pho": "province",
    "level": "level", "cap": "level", "cap don vi": "level",
    "year": "year", "nam": "year", "nam ke hoach": "year",
    "kind": "kind", "loai": "kind", "loai ke hoach": "kind", "plan kind": "kind",
    "deadline": "deadline", "han": "deadline", "han ban hanh": "deadline", "thoi han": "deadline",
    "source": "source", "can cu": "source", "nguon": "source", "can cu han": "source",
}
#: folded kind text -> stored kind
KIND_WORDS: dict[str, str] = {
    "propaganda_plan": "propaganda_plan", "plan": "plan",
    "ke hoach tuyen truyen cchc": "propaganda_plan", "ke hoach tuyen truyen": "propaganda_plan",
    "tuyen truyen": "propaganda_plan", "tuyen truyen cchc": "propaganda_plan", "kh tuyen truyen": "propaganda_plan",
    "cchc propaganda plan": "propaganda_plan", "propaganda plan": "propaganda_plan",
    "ke hoach cchc": "plan", "ke hoach": "plan", "kh cchc": "plan", "cchc plan": "plan",
}


def deadline_entry(e: Any, p: Path, i: int, origin: str, hint: str, *, default_source: str | None) -> dict[str, Any]:
    """One deadline entry of a YAML file (the bundled configuration or the user's imported sheet), typed;
    a malformed one is an error naming the file, the entry and `hint` (what the reader should do)."""
    try:
        deadline = e["deadline"] if isinstance(e["deadline"], dt.date) else dt.date.fromisoformat(str(e["deadline"]))
        source = e.get("source") or default_source
        if source is None:
            raise KeyError("source")
        return {"province": str(e.get("province", "*")), "level": str(e.get("level", "*")), "year": int(e["year"]),
                "kind": str(e.get("kind", "propaganda_plan")), "deadline": deadline, "source": str(source),
                "origin": origin}
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportError(f"{p}: deadline entry {i} is incomplete or malformed ({exc}); {hint}") from None


def config_dir() -> Path:
    """The user's configuration folder for CCHC Watch (see the module docstring)."""
    explicit = os.environ.get("CCHC_CONFIG_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".config"
    return base / "cchc"


def user_deadlines_path() -> Path:
    """Where `cchc deadlines import` stores the user's deadlines."""
    return config_dir() / "deadlines.yaml"


def load_user_entries(path: Path | None = None) -> list[dict[str, Any]]:
    """The user's stored deadlines (an absent file is none); a damaged file is an error naming it."""
    p = path or user_deadlines_path()
    if not p.exists():
        return []
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ReportError(f"cannot read the user's deadlines {p}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ReportError(f"the user's deadlines {p} are not valid YAML: {exc}") from None

    return [deadline_entry(e, p, i, "user", "re-import the sheet with `cchc deadlines import`",
                           default_source=f"{p.name}, entry {i}")
            for i, e in enumerate(data.get("deadlines") or [], 1)]


def _key(e: dict[str, Any]) -> tuple[str, str, int, str]:
    return (fold(e["province"]), e["level"], int(e["year"]), e["kind"])


def save_user_entries(entries: Sequence[dict[str, Any]], path: Path | None = None) -> Path:
    """Write the user's deadlines atomically (a crash never leaves half a file)."""
    p = path or user_deadlines_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    body = {"deadlines": [{"province": e["province"], "level": e["level"], "year": int(e["year"]), "kind": e["kind"],
                           "deadline": e["deadline"].isoformat(), "source": e["source"]} for e in entries]}
    head = ("# Deadlines entered with `cchc deadlines import` (CCHC Watch). Re-import a sheet to change them;\n"
            "# `cchc report compliance` and `cchc report scorecard` read this file over the bundled one.\n")
    fd, tmp = tempfile.mkstemp(prefix=".deadlines-", suffix=".yaml", dir=str(p.parent))
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False))
    os.replace(tmp, p)
    return p


def merge(stored: Iterable[dict[str, Any]], imported: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored entries with the imported ones replacing any of the same province, level, year and kind."""
    out = {_key(e): e for e in stored}
    for e in imported:
        out[_key(e)] = e
    return sorted(out.values(), key=lambda e: (e["year"], labels.vn_sort_key(e["province"]), e["level"], e["kind"]))


# --- reading a sheet ----------------------------------------------------------------------------
def _read_rows(path: Path) -> list[list[Any]]:
    """Every row of the first sheet (xlsx) or of the CSV (comma, semicolon or tab; a BOM is fine)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, OSError, KeyError, ValueError) as exc:
            raise ReportError(f"{path.name}: cannot read it as an xlsx workbook ({exc})") from None
        try:
            ws = wb.worksheets[0]
            return [list(r) for r in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    if suffix in (".csv", ".txt"):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ReportError(f"cannot read {path}: {exc.strerror}") from None
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ReportError(f"{path.name}: not UTF-8 text: save it from Excel as \"CSV UTF-8\"") from None
        first = content.split("\n", 1)[0]
        delimiter = max(",;\t", key=first.count)
        return [row for row in csv.reader(io.StringIO(content), delimiter=delimiter)]
    raise ReportError(f"{path.name}: give a .xlsx or .csv file")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _year(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def parse_sheet(path: str | Path, known_provinces: set[str] | None = None) -> list[dict[str, Any]]:
    """The entries of a deadline sheet, validated; every problem (row, column, value, why) in one
    ReportError. `known_provinces` holds folded names ("*" is always allowed)."""
    from cli.params import parse_date, parse_level

    p = Path(path)
    rows = _read_rows(p)
    name = str(path)
    header_at = next((i for i, r in enumerate(rows) if any(not _blank(v) for v in r)), None)
    if header_at is None:
        raise ReportError(f"{name}: the sheet is empty: it needs a header row ({', '.join(COLUMNS)}) and one row a deadline")
    columns: dict[str, int] = {}
    for i, head in enumerate(rows[header_at]):
        key = HEADER_WORDS.get(fold(str(head or "")).strip())
        if key and key not in columns:
            columns[key] = i
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise ReportError(f"{name}: row {header_at + 1}: missing column(s) {', '.join(repr(c) for c in missing)} "
                          f"(the header row needs {', '.join(REQUIRED)}; source is optional)")
    problems: list[str] = []
    entries: list[dict[str, Any]] = []
    for offset, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = {c: (row[i] if i < len(row) else None) for c, i in columns.items()}
        if all(_blank(v) for v in cells.values()):
            continue

        def bad(column: str, why: str) -> None:
            value = cells.get(column)
            shown = "" if value is None else (value.isoformat() if isinstance(value, dt.date) else str(value))
            problems.append(f"row {offset}, column '{column}': {shown!r} {why}")

        entry: dict[str, Any] = {}
        province = clean_space(str(cells["province"] or ""))
        if not province:
            bad("province", "is empty: give the province (or * for every province)")
        elif province != "*" and known_provinces is not None and fold(province) not in known_provinces:
            bad("province", "is not a known province")
        entry["province"] = province
        level = parse_level(str(cells["level"] or ""), allow_all=True)
        if level is None:
            bad("level", "is not a level: write tỉnh, sở, huyện, xã/phường (or province, department, district, "
                         "commune, or * for every level)")
        entry["level"] = level
        year = _year(cells["year"]) if not _blank(cells["year"]) else None
        if year is None or not 2000 <= year <= 2100:
            bad("year", "is not a year (2000–2100)")
        entry["year"] = year
        kind = KIND_WORDS.get(fold(str(cells["kind"] or "")).strip())
        if kind not in KINDS:
            bad("kind", "is not a kind of plan: write propaganda_plan (Kế hoạch tuyên truyền CCHC) or plan "
                        "(Kế hoạch CCHC)")
        entry["kind"] = kind
        raw = cells["deadline"]
        day = None if _blank(raw) else parse_date(raw if isinstance(raw, dt.date) else str(raw))
        if day is None:
            bad("deadline", "is not a date (write dd/mm/yyyy, e.g. 15/02/2026, or YYYY-MM-DD)")
        elif year is not None and day.year not in (year - 1, year):
            bad("deadline", f"is not in {year - 1} or {year}, the plan year {year} or the year before")
        entry["deadline"] = day
        source = clean_space(str(cells.get("source") or ""))
        entry["source"] = source or f"{name}, row {offset} (no source given)"
        entries.append(entry)
    if problems:
        more = f" ({len(problems)} problems)" if len(problems) > 1 else ""
        raise ReportError(f"{name}{more}: " + "; ".join(problems))
    if not entries:
        raise ReportError(f"{name}: no deadline rows under the header row")
    seen: dict[tuple, int] = {}
    for i, e in enumerate(entries):
        k = _key(e)
        if k in seen:
            raise ReportError(f"{name}: two rows give a deadline for {e['province']}, {e['level']}, {e['year']}, "
                              f"{e['kind']}: keep one")
        seen[k] = i
    return entries


def known_provinces(engine: Any | None = None) -> set[str]:
    """Folded province names a deadline may name: the registry's and, given a database, its portals'
    and units tables' (former and current names, so a pre-2025 province still validates)."""
    from crawler.registry import load_registry

    names: set[str] = set()
    try:
        names |= {fold(p.province) for p in load_registry() if p.province}
    except Exception:  # noqa: BLE001 - a broken registry must not stop a deadline import; the db may know
        pass
    if engine is not None:
        from sqlalchemy import select

        from reports.base import _province_names
        from storage.models import Portal

        names |= _province_names(engine)
        with engine.connect() as conn:
            names |= {fold(n) for n in conn.execute(select(Portal.province).distinct()).scalars() if n}
    return names


# --- the template -------------------------------------------------------------------------------
def write_template(path: str | Path, lang: str | None = labels.DEFAULT_LANG) -> Path:
    """A sheet to fill: the header row (the import's column names), drop-down lists for level and kind,
    date cells for the deadline, and a second sheet saying what each column takes."""
    lang = labels.check_lang(lang)
    p = Path(path)
    guide = [
        ("province", "Tên tỉnh như trong danh mục cổng (không dấu cũng được), hoặc * cho mọi tỉnh",
         "Province as in the portal registry (diacritics optional), or * for every province"),
        ("level", "tỉnh, sở, huyện, xã/phường (hoặc province, department, district, commune), hoặc *",
         "tỉnh, sở, huyện, xã/phường (or province, department, district, commune), or *"),
        ("year", "Năm kế hoạch, ví dụ 2026", "Plan year, e.g. 2026"),
        ("kind", "propaganda_plan (Kế hoạch tuyên truyền CCHC) hoặc plan (Kế hoạch CCHC)",
         "propaganda_plan (CCHC propaganda plan) or plan (CCHC plan)"),
        ("deadline", "Hạn ban hành kế hoạch, dd/mm/yyyy (15/02/2026)", "Plan-issuing deadline, dd/mm/yyyy (15/02/2026)"),
        ("source", "Văn bản quy định hạn (số, ngày, cơ quan) — nên ghi", "The document setting it (number, date, issuer)"),
    ]
    idx = labels.LANGS.index(lang)
    if p.suffix.lower() == ".csv":
        with open(p, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh, lineterminator="\r\n").writerow(COLUMNS)
        return p
    if p.suffix.lower() != ".xlsx":
        raise ReportError(f"{p.name}: the template is written as .xlsx or .csv")
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.worksheets[0]  # the sheet a new workbook opens with (its `active`, typed optional)
    ws.title = labels.sheet_title("deadlines", lang)
    ws.append(list(COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEF", (22, 14, 8, 20, 14, 60), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    levels = DataValidation(type="list", formula1='"tỉnh,sở,huyện,xã/phường,*"', allow_blank=True)
    kinds = DataValidation(type="list", formula1='"propaganda_plan,plan"', allow_blank=True)
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)  # after 2000-01-01
    for v, rng in ((levels, "B2:B1000"), (kinds, "D2:D1000"), (dates, "E2:E1000")):
        ws.add_data_validation(v)
        v.add(rng)
    ws.column_dimensions["E"].number_format = "dd/mm/yyyy"  # a column style: no pre-filled rows
    help_ws = wb.create_sheet("Hướng dẫn" if lang == "vi" else "Help")
    help_ws.append(["Cột" if lang == "vi" else "Column", "Ghi gì" if lang == "vi" else "What to write"])
    for cell in help_ws[1]:
        cell.font = Font(bold=True)
    for key, vi, en in guide:
        help_ws.append([key, (vi, en)[idx]])
    help_ws.column_dimensions["A"].width = 12
    help_ws.column_dimensions["B"].width = 90
    wb.save(str(p))
    return p
