"""Numbers and tables for people (Vietnamese conventions) and for machines (plain values).

People read "2.142" and "99,41%" (dot for thousands, comma for decimals, dates dd/mm/yyyy); CSV and
JSON carry plain values (2142, 99.41, ISO dates) so a spreadsheet or a script does not have to parse
a locale. xlsx cells hold the plain values too (so the xlsx and the CSV hold the same numbers); only
the number format shown in Excel is Vietnamese-looking.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from storage import exports

FORMATS = ("table", "csv", "json", "xlsx")


def vn_int(value: int | float | None) -> str:
    """2142 -> "2.142" (thousands with a dot, as Vietnamese tables write them)."""
    if value is None:
        return "–"
    sign = "-" if value < 0 else ""
    return sign + f"{abs(int(round(value))):,}".replace(",", ".")


def vn_number(value: float | None, decimals: int = 2) -> str:
    """99.4123 -> "99,41" (dot thousands, comma decimals); trailing zero decimals dropped ("100")."""
    if value is None:
        return "–"
    text = f"{abs(value):,.{decimals}f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    out = whole.replace(",", ".") + ("," + frac if frac else "")
    return ("-" if value < 0 and out.strip("0,.") else "") + out


def vn_pct(value: float | None, decimals: int = 2) -> str:
    """99.41 -> "99,41%"; None -> "–" (unknown, never shown as 0%)."""
    return "–" if value is None else vn_number(value, decimals) + "%"


def vn_date(value: dt.date | str | None) -> str:
    """ISO date (or the date part of an ISO instant) -> "02/03/2026"; None -> ""."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


def pct(part: int, whole: int) -> float | None:
    """part/whole in percent, rounded to 2 decimals; None when there is nothing to divide by."""
    return round(100.0 * part / whole, 2) if whole else None


@dataclass
class Column:
    """One output column: the row key, its header for people, and how people see its values."""

    key: str
    header: str
    kind: str = "text"  # text | int | pct | date | bool | number

    def human(self, value: Any) -> str:
        """The cell as a person reads it (table, HTML)."""
        if value is None:
            return "" if self.kind in ("text", "date") else "–"
        if self.kind == "int":
            return vn_int(value)
        if self.kind == "pct":
            return vn_pct(value)
        if self.kind == "number":
            return vn_number(value)
        if self.kind == "date":
            return vn_date(value)
        if self.kind == "bool":
            return "có" if value else "không"
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return str(value)


@dataclass
class Table:
    """Rows with their columns, optionally a totals table printed under them (people only)."""

    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: Table | None = None
    notes: list[str] = field(default_factory=list)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else (0 if unicodedata.combining(ch) else 1)
               for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def render_text(table: Table) -> str:
    """An aligned plain-text table (numbers right-aligned), then its totals and notes."""
    headers = [c.header for c in table.columns]
    cells = [[c.human(row.get(c.key)) for c in table.columns] for row in table.rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    right = [c.kind in ("int", "pct", "number") for c in table.columns]
    lines = [table.title, ""]
    lines.append("  ".join(_pad(h, widths[i], right[i]) for i, h in enumerate(headers)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    for r in cells:
        lines.append("  ".join(_pad(v, widths[i], right[i]) for i, v in enumerate(r)).rstrip())
    out = "\n".join(lines) + "\n"
    if table.totals is not None:
        out += "\n" + render_text(table.totals)
    for note in table.notes:
        out += f"\n{note}"
    if table.notes:
        out += "\n"
    return out


def plain(value: Any) -> Any:
    """A JSON-safe plain value (dates as ISO text)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def csv_cell(value: Any) -> str:
    """CSV text of a report value: made plain (dates, decimals), then the exports' CSV rule."""
    return exports.csv_cell(plain(value))


def write_csv(rows: Iterable[Mapping[str, Any]], keys: Sequence[str], out: IO[str]) -> None:
    """Header row of `keys`, then one line a row (plain values)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([csv_cell(row.get(k)) for k in keys])


def _xlsx_value(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, (list, dict)):
        return csv_cell(value)
    return value


def write_xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[Mapping[str, Any]]]], path: str) -> None:
    """One worksheet per (name, keys, rows): header row then plain values, so it matches the CSV."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, keys, rows in sheets:
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(keys))
        for row in rows:
            ws.append([_xlsx_value(row.get(k)) for k in keys])
        ws.freeze_panes = "A2"
    wb.save(path)


def dumps_json(value: Any) -> str:
    """Pretty JSON with Vietnamese letters kept as written."""
    return json.dumps(plain(value), ensure_ascii=False, indent=2) + "\n"

