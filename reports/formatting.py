"""Numbers and tables for people (Vietnamese conventions) and for machines (plain values).

People read "2.142" and "99,41%" (dot for thousands, comma for decimals, dates dd/mm/yyyy); CSV and
JSON carry plain values (2142, 99.41, ISO dates) so a spreadsheet or a script does not have to parse
a locale. xlsx cells hold the CSV's values, typed and labelled for people (reports/xlsx.py).

Human outputs speak the language chosen by ``--lang`` (Vietnamese by default): the command line sets
it once with `use_lang`, and every table rendered in that command reads it (`current_lang`), so the
reports' own table builders need no language parameter threaded through them. Labels and headers come
from the one vocabulary, reports/labels.py.
"""
from __future__ import annotations

import contextvars
import csv
import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from typing import IO, Any

from reports import labels
from reports.cells import csv_cell, plain  # re-exported: the writers below and other modules use them
from reports.rows import Rows

FORMATS = ("table", "csv", "json", "xlsx")

_LANG: contextvars.ContextVar[str] = contextvars.ContextVar("cchc_lang", default=labels.DEFAULT_LANG)


def use_lang(lang: str | None) -> str:
    """Set the language of the human outputs rendered from here on (the command's ``--lang``)."""
    lang = labels.check_lang(lang)
    _LANG.set(lang)
    return lang


def current_lang() -> str:
    """The language human outputs are rendered in (Vietnamese unless ``--lang en`` was given)."""
    return _LANG.get()


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
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        written = value
        try:
            value = dt.date.fromisoformat(written[:10])
        except ValueError:
            return written
    return value.strftime("%d/%m/%Y")


def pct(part: int, whole: int) -> float | None:
    """part/whole in percent, rounded to 2 decimals; None when there is nothing to divide by."""
    return round(100.0 * part / whole, 2) if whole else None


@dataclass
class Column:
    """One output column: the row key, its header for people, and how people see its values."""

    key: str
    header: str
    kind: str = "text"  # text | int | pct | date | datetime | bool | number

    def human(self, value: Any, lang: str | None = None) -> str:
        """The cell as a person reads it (table, HTML): numbers the Vietnamese way, coded values
        (level, organ, category, status…) as their labels in `lang` (default: the command's ``--lang``)."""
        lang = lang or current_lang()
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
        if isinstance(value, bool):
            return labels.label("bool", value, lang)
        if self.kind == "bool":  # a count in a yes/no column (a totals row)
            return vn_int(value) if isinstance(value, (int, float)) else str(value)
        if self.kind == "datetime":
            return labels.vn_datetime(value)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in labels.value_label(self.key, list(value), lang))
        return str(labels.value_label(self.key, value, lang))

    def title(self, lang: str | None = None, part: str | None = None) -> str:
        """The header people read: the one vocabulary's when it knows the key, else this column's own."""
        lang = lang or current_lang()
        if (part, self.key) in labels.PART_HEADERS or self.key in labels.HEADERS:
            return labels.header(self.key, lang, part)
        return self.header


@dataclass
class Table:
    """Rows with their columns, optionally a totals table printed under them (people only)."""

    title: str
    columns: list[Column]
    rows: Rows
    totals: Table | None = None
    notes: list[str] = field(default_factory=list)
    part: str | None = None  # the report part (for headers whose meaning depends on it)


#: Text made only of characters one terminal column wide each, neither wide nor combining: Latin up to
#: U+02FF and Latin Extended Additional (every precomposed Vietnamese letter: ế, ạ, ữ…), checked
#: against the measure below for every character of both ranges; unit names are such text.
_ONE_COLUMN = re.compile("[\u0000-\u02ff\u1e00-\u1eff]*")


@functools.lru_cache(maxsize=1 << 16)
def _width(text: str) -> int:
    """Terminal columns of `text`. ASCII is one column a character; other text is measured a character
    at a time, once per distinct string (a table of 15,000 rows repeats its cells' texts a lot, and the
    per-character measure dominated `report health`'s time)."""
    if text.isascii() or _ONE_COLUMN.fullmatch(text):
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else (0 if unicodedata.combining(ch) else 1)
               for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _cell_text(column: Column, lang: str, limit: int | None = None) -> Callable[[Any], str]:
    """`column.human` in `lang` as a function of the value, remembering each distinct value's text
    (with `limit`, at most that many at a time: a column of 475,000 distinct URLs is not held).

    Why: a country-size table has 15,000 rows of a dozen cells (issue 12), and most cells repeat a few
    values (a level, a province, yes/no, blank), so each distinct value is formatted once. Values are
    remembered by type and value (True and 1 are equal keys, yet one reads "Có", the other "1"); a
    value that cannot be a key (a list) is formatted each time."""
    seen: dict[tuple[type, Any], str] = {}
    human = column.human

    def text(value: Any) -> str:
        key = (type(value), value)
        try:
            return seen[key]
        except KeyError:
            if limit is not None and len(seen) >= limit:
                seen.clear()
            out = seen[key] = human(value, lang)
            return out
        except TypeError:
            return human(value, lang)

    return text


def _column_texts(column: Column, values: list[Any], lang: str) -> list[str]:
    """The cells of one column as people read them, each distinct value formatted once.

    When the values are of one type (beside text and None, which equal no other type) they are
    remembered by value alone: a dictionary built and read in C, not `_cell_text`'s Python call a cell
    (the trend of a province prints ~70,000 rows of nine cells). Mixed types (True beside 1, 2 beside
    2.0: equal keys, different texts) and unhashable values (lists) take `_cell_text`."""
    types = set(map(type, values))
    types.discard(type(None))
    types.discard(str)
    if len(types) <= 1:
        try:
            texts = dict.fromkeys(values, "")
        except TypeError:
            pass
        else:
            human = column.human
            for value in texts:
                texts[value] = human(value, lang)
            return list(map(texts.__getitem__, values))
    return list(map(_cell_text(column, lang), values))


def render_text(table: Table) -> str:
    """An aligned plain-text table (numbers right-aligned), then its totals and notes."""
    headers = [c.title(part=table.part) for c in table.columns]
    lang = current_lang()
    # column by column, each distinct text measured and padded once (`_column_texts`: most repeat)
    columns = [_column_texts(c, [row.get(c.key) for row in table.rows], lang) for c in table.columns]
    distinct = [set(col) for col in columns]
    widths = [max([_width(h)] + [_width(v) for v in seen]) for h, seen in zip(headers, distinct)]
    right = [c.kind in ("int", "pct", "number") for c in table.columns]
    lines = [table.title, ""]
    lines.append("  ".join(_pad(h, widths[i], right[i]) for i, h in enumerate(headers)).rstrip())
    lines.append("  ".join("-" * w for w in widths))
    padded = []
    for i, (col, seen) in enumerate(zip(columns, distinct)):
        pads = {v: _pad(v, widths[i], right[i]) for v in seen}
        padded.append([pads[v] for v in col])
    if padded:
        lines.extend("  ".join(cells).rstrip() for cells in zip(*padded))
    else:  # no columns: an empty line a row, as before
        lines.extend("" for _ in table.rows)
    out = "\n".join(lines) + "\n"
    if table.totals is not None:
        out += "\n" + render_text(table.totals)
    for note in table.notes:
        out += f"\n{note}"
    if table.notes:
        out += "\n"
    return out


#: distinct cell texts `write_text_table` remembers per column before it starts again
_CELL_MEMO = 20_000


def write_text_table(table: Table, out: IO[str]) -> None:
    """`render_text(table)`, written to `out` with memory bounded whatever the rows hold.

    Why: a diff over the year prints ~475,000 document rows, which `render_text` holds as cell lists
    and one string. Here the rows are read twice (a list, or a `RowSpool` streamed from disk each
    time): the first pass measures each column, the second writes each line as it is made."""
    headers = [c.title(part=table.part) for c in table.columns]
    lang = current_lang()
    cells = [_cell_text(c, lang, _CELL_MEMO) for c in table.columns]
    keys = [c.key for c in table.columns]
    widths = [_width(h) for h in headers]
    count = 0
    for row in table.rows:
        count += 1
        for i, key in enumerate(keys):
            w = _width(cells[i](row.get(key)))
            if w > widths[i]:
                widths[i] = w
    right = [c.kind in ("int", "pct", "number") for c in table.columns]
    out.write(f"{table.title}\n\n")
    out.write("  ".join(_pad(h, widths[i], right[i]) for i, h in enumerate(headers)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    if keys:
        for row in table.rows:
            out.write("  ".join([_pad(cells[i](row.get(key)), widths[i], right[i])
                                 for i, key in enumerate(keys)]).rstrip() + "\n")
    else:  # no columns: an empty line a row, as render_text writes
        out.write("\n" * count)
    if table.totals is not None:
        out.write("\n")
        write_text_table(table.totals, out)
    for note in table.notes:
        out.write(f"\n{note}")
    if table.notes:
        out.write("\n")


def write_csv(rows: Iterable[Mapping[str, Any]], keys: Sequence[str], out: IO[str], excel: bool = False) -> None:
    """Header row of `keys`, then one line a row (plain values).

    ``excel``: lines end with CRLF, as Excel writes CSV (the byte-order mark that makes Excel read
    UTF-8 is the caller's, since it belongs to the file, not to the rows)."""
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n")
    writer.writerow(keys)
    for row in rows:
        writer.writerow([csv_cell(row.get(k)) for k in keys])


def write_xlsx(sheets: Sequence[tuple[Any, ...]], path: str, lang: str | None = None) -> None:
    """One worksheet per (part, keys, rows[, totals row]), through the one xlsx writer (reports/xlsx.py)."""
    from reports.xlsx import Sheet, write_workbook

    write_workbook([Sheet(*sheet) for sheet in sheets], path, lang or current_lang())


def dumps_json(value: Any) -> str:
    """Pretty JSON with Vietnamese letters kept as written."""
    return json.dumps(plain(value), ensure_ascii=False, indent=2) + "\n"


def write_json(value: Mapping[str, Any], out: IO[str]) -> None:
    """`dumps_json(value)` written to `out` piece by piece: each value of the top-level mapping that is
    a list, a tuple or other sized rows (a `RowSpool`: a diff's documents) is written item by item, so
    a diff over the year, or the trend of every unit (15,000 series), is never one string in memory.

    The text is the one `dumps_json` gives (json's indent of 2: a list's rows at depth 2 carry four
    spaces more on every line; json escapes newlines inside strings, so lines split only between
    values)."""
    if not value:
        out.write("{}\n")
        return
    out.write("{")
    for n, (key, item) in enumerate(value.items()):
        out.write(("," if n else "") + "\n  " + json.dumps(str(key), ensure_ascii=False) + ": ")
        if isinstance(item, (Mapping, str)) or not isinstance(item, Sized) or not isinstance(item, Iterable):
            out.write(json.dumps(plain(item), ensure_ascii=False, indent=2).replace("\n", "\n  "))
            continue
        if not len(item):
            out.write("[]")
            continue
        out.write("[")
        for i, row in enumerate(item):
            out.write(("," if i else "") + "\n    "
                      + json.dumps(plain(row), ensure_ascii=False, indent=2).replace("\n", "\n    "))
        out.write("\n  ]")
    out.write("\n}\n")
