"""The one xlsx writer of every report, export and template: a workbook an official can forward.

Why its own module: staff who score reform live in Excel, so a workbook must open ready to use —
bold headers in their language (``--lang``, Vietnamese by default), real date cells shown dd/mm/yyyy,
percentages as percent cells, clickable links, fitted column widths, filter buttons and a frozen header,
one sheet per report part — while holding exactly what the CSV holds (a cell's value equals the CSV
value after its format: 99.41 in the CSV is 0.9941 shown as 99.41%; an ISO date is a date cell; a UTC
instant is shown in Asia/Ho_Chi_Minh; a coded value such as ``province`` is its label, "tỉnh").

Rows are streamed: openpyxl's write-only mode supports every feature used here (styles, number formats,
hyperlinks, column widths, freeze panes, autofilter), with one constraint — column widths are written
before the first row, so widths are fitted to the first ``SAMPLE_ROWS`` rows, which are held in memory;
the rest stream straight to the file.

Scraped text is never a formula: a cell starting with ``=``, ``+``, ``-`` or ``@`` is written as text
(openpyxl would otherwise store ``=…`` as a formula, and Excel runs it), and control characters that
the xlsx format cannot hold are dropped.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink

from reports import labels
from reports.cells import csv_cell, plain

#: rows used to fit column widths before streaming the rest
SAMPLE_ROWS = 500
MIN_WIDTH, MAX_WIDTH = 6, 60
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
PCT_FORMAT = "0.00%"
COUNT_FORMAT = "#,##0"

#: row key -> how its cells are typed. Every key not listed is text (or a plain number if it is one).
DATE_KEYS = frozenset({
    "doc_date", "first_seen_on", "last_seen_on", "removed_on", "observed_on", "deadline", "judged_on",
    "superior_date", "valid_from", "valid_to",
})
#: instants we produced (stored UTC): shown in Asia/Ho_Chi_Minh
DATETIME_KEYS = frozenset({"started_at", "finished_at", "fetched_at", "created_at"})
#: the portal's own timestamp: a date, or a local time with its offset
LOCAL_STAMP_KEYS = frozenset({"published_at"})
#: machine values in percent (99.41), written as fractions (0.9941) in a percent cell
PCT_KEYS = frozenset({"late_rate", "on_time_rate", "processed_pct", "found_pct", "widget_on_time_rate"})
URL_KEYS = frozenset({"url", "base_url", "widget_url", "document_url", "evidence_url", "attachment"})
COUNT_KEYS = frozenset({
    "total", "on_time", "late", "units", "found_count", "missing", "documents", "widget_total", "widget_late",
    "increase", "late_from", "late_to", "portals", "propaganda_plan", "plan", "days_late", "plan_found", "plan_on_time",
    "days_since_superior_plan", "widget_age_days", "widget_late_count", "plans_found", "plans_on_time",
})
_FORMULA_START = ("=", "+", "-", "@")


@dataclass
class Sheet:
    """One report part: its machine name (sheet title via labels), its keys, its rows (any iterable,
    consumed once), and an optional totals row written bold under them."""

    part: str
    keys: Sequence[str]
    rows: Iterable[Mapping[str, Any]]
    totals: Mapping[str, Any] | None = None


#: Excel refuses a workbook whose cell holds more characters than this (a run's stats can be long)
MAX_CELL_CHARS = 32767


def _text(value: str) -> str:
    """Text an xlsx cell can hold: no control characters, at most Excel's cell length (cut with "…")."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS - 1] + "…"


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _local_naive(value: Any) -> dt.datetime | None:
    """An instant as Excel can hold it: local (Asia/Ho_Chi_Minh) wall time without an offset."""
    local = labels.local_time(value) if isinstance(value, (str, dt.datetime)) else None
    return local.replace(tzinfo=None) if local is not None else None


def cell_value(key: str, value: Any, lang: str = labels.DEFAULT_LANG,
               part: str | None = None) -> tuple[Any, str | None, str | None]:
    """(value, number format, hyperlink) of one cell of row key `key`.

    The value is what the CSV holds, typed: dates as dates, percents as fractions, coded values as
    their labels in `lang`, lists joined as in the CSV. Unparsable dates stay as written (text).
    """
    if value is None:
        return None, None, None
    if isinstance(value, bool):
        return labels.label("bool", value, lang), None, None
    if key in DATE_KEYS:
        day = _date(value)
        return (day, DATE_FORMAT, None) if day is not None else (_text(str(value)), None, None)
    if key in DATETIME_KEYS:
        stamp = _local_naive(value)
        return (stamp, DATETIME_FORMAT, None) if stamp is not None else (_text(str(value)), None, None)
    if key in LOCAL_STAMP_KEYS and isinstance(value, str):
        if len(value) == 10:
            day = _date(value)
            return (day, DATE_FORMAT, None) if day is not None else (_text(value), None, None)
        try:
            stamp = dt.datetime.fromisoformat(value)
        except ValueError:
            return _text(value), None, None
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(labels.TZ).replace(tzinfo=None)
        return stamp, DATETIME_FORMAT, None
    if key in PCT_KEYS and isinstance(value, (int, float)):
        return value / 100.0, PCT_FORMAT, None
    if isinstance(value, (int, float)):
        return value, (COUNT_FORMAT if key in COUNT_KEYS and isinstance(value, int) else None), None
    if isinstance(value, (list, tuple)):
        return _text(csv_cell(plain(labels.value_label(key, list(value), lang)))), None, None
    if isinstance(value, dict):
        return _text(csv_cell(plain(value))), None, None
    if isinstance(value, (dt.date, dt.datetime)):
        return value, DATE_FORMAT if not isinstance(value, dt.datetime) else DATETIME_FORMAT, None
    text = _text(str(labels.value_label(key, value, lang, part)))
    link = text if key in URL_KEYS and text.startswith(("http://", "https://")) else None
    return text, None, link


def _display_width(value: Any, fmt: str | None) -> int:
    if value is None:
        return 0
    if fmt in (DATE_FORMAT,):
        return 10
    if fmt == DATETIME_FORMAT:
        return 19
    if fmt == PCT_FORMAT:
        return 8
    return max((len(line) for line in str(value).splitlines()), default=0)


class _Writer:
    """Cells for one write-only sheet (a new WriteOnlyCell per styled value, as openpyxl requires)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.bold = Font(bold=True)
        self.link_font = Font(color="0563C1", underline="single")

    def cell(self, value: Any, fmt: str | None = None, link: str | None = None, bold: bool = False) -> Any:
        c = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula, whatever the text starts with
        if fmt:
            c.number_format = fmt
        if link:
            c.hyperlink = Hyperlink(ref="", target=link)
            c.font = Font(bold=True, color="0563C1", underline="single") if bold else self.link_font
        elif bold:
            c.font = self.bold
        return c


def _row_cells(keys: Sequence[str], row: Mapping[str, Any], lang: str,
               part: str | None = None) -> list[tuple[Any, str | None, str | None]]:
    return [cell_value(k, row.get(k), lang, part) for k in keys]


def write_sheet(wb: Workbook, sheet: Sheet, lang: str, part_headers: bool = True) -> int:
    """Append one sheet to a write-only workbook; returns how many data rows were written."""
    ws = wb.create_sheet(title=labels.sheet_title(sheet.part, lang))
    w = _Writer(ws)
    headers = [labels.header(k, lang, sheet.part) if part_headers else k for k in sheet.keys]
    source: Iterator[Mapping[str, Any]] = iter(sheet.rows)
    sample = [_row_cells(sheet.keys, r, lang, sheet.part) for r in itertools.islice(source, SAMPLE_ROWS)]
    totals = _row_cells(sheet.keys, sheet.totals, lang, sheet.part) if sheet.totals is not None else None
    for i, head in enumerate(headers):
        width = max([len(head) + 2] + [_display_width(r[i][0], r[i][1]) + 1 for r in sample])
        ws.column_dimensions[get_column_letter(i + 1)].width = max(MIN_WIDTH, min(MAX_WIDTH, width))
    ws.freeze_panes = "A2"
    ws.append([w.cell(h, bold=True) for h in headers])
    count = 0
    for cells in itertools.chain(sample, (_row_cells(sheet.keys, r, lang, sheet.part) for r in source)):
        ws.append([w.cell(v, f, link) for v, f, link in cells])
        count += 1
    last_col = get_column_letter(max(1, len(headers)))
    ws.auto_filter.ref = f"A1:{last_col}{count + 1}"
    if totals is not None:
        ws.append([w.cell(v, f, link, bold=True) for v, f, link in totals])
    return count


def write_workbook(sheets: Sequence[Sheet], path: str | Path, lang: str | None = labels.DEFAULT_LANG) -> None:
    """Write `sheets` (one per report part) to `path` as a streamed (write-only) workbook."""
    lang = labels.check_lang(lang)
    wb = Workbook(write_only=True)
    for sheet in sheets:
        write_sheet(wb, sheet, lang)
    wb.save(str(path))


def export_workbook(engine: Any, kind: str, path: str | Path, lang: str | None = labels.DEFAULT_LANG) -> int:
    """``cchc export KIND --format xlsx``: every stored record of `kind`, streamed from the export's own
    query (the same rows and key order as the CSV), one sheet; returns how many rows were written."""
    from sqlalchemy.orm import Session

    from storage import exports

    lang = labels.check_lang(lang)
    wb = Workbook(write_only=True)
    with Session(engine) as session:
        count = write_sheet(wb, Sheet(kind, exports.KEYS[kind], exports.rows(session, kind)), lang)
    wb.save(str(path))
    return count


def export_csv_for_excel(engine: Any, kind: str, out: Any) -> int:
    """``cchc export KIND --format csv --excel``: the CSV contract's exact rows, with CRLF line ends
    (the caller writes the byte-order mark, which belongs to the file); returns the row count."""
    import csv

    from sqlalchemy.orm import Session

    from storage import exports

    keys = exports.KEYS[kind]
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(keys)
    count = 0
    with Session(engine) as session:
        for row in exports.rows(session, kind):
            writer.writerow([exports.csv_cell(row[k]) for k in keys])
            count += 1
    return count
