"""Building blocks of the HTML report: escaping, safe links (http(s) only), the page's formatter in the
reader's language (`Fmt`), sortable tables whose rows carry the filter attributes report.js reads,
summary cards, and the text diff of changed documents.
"""
from __future__ import annotations

import builtins
import datetime as dt
import html
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from reports.formatting import vn_date, vn_int, vn_number
from reports.labels import header, label, vn_sort_key
from reports.labels import text as sentence


def esc(value: Any) -> str:
    """Any value as HTML text (scraped titles, unit names, errors may hold markup).

    Most cells hold none of the five characters escaped (names, numbers, dates): they are returned as
    they are, which halves the cost of a page that escapes over a million cells."""
    text = "" if value is None else value if value.__class__ is str else str(value)
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return html.escape(text, quote=True)
    return text


def text_diffs_html(changed: Sequence[dict[str, Any]], heading: str) -> str:
    """What changed in each changed document's main text: its bounded unified diff (reports.diff),
    every line escaped, added lines in <ins>, removed lines in <del>, one <details> per document."""
    blocks = []
    for r in changed:
        if not r.get("text_diff"):
            continue
        lines = []
        for line in r["text_diff"].split("\n"):
            if line.startswith(("+++", "---", "@@")):
                lines.append(f'<span class="hunk">{esc(line)}</span>')
            elif line.startswith("+"):
                lines.append(f"<ins>{esc(line)}</ins>")
            elif line.startswith("-"):
                lines.append(f"<del>{esc(line)}</del>")
            else:
                lines.append(esc(line))
        blocks.append(f'<details class="text-diff" data-portal="{esc(r["portal"])}"><summary>{esc(r["unit"])}: '
                      f'{link(r["url"], r["title"] or r["url"])}</summary><pre>{chr(10).join(lines)}</pre></details>')
    if not blocks:
        return ""
    return f'<h3 id="text-diffs">{esc(heading)} ({len(blocks)})</h3>' + "".join(blocks)


def link(url: str | None, text: str | None = None) -> str:
    """An anchor only for http(s) URLs (a scraped javascript: URL is shown as text, never linked)."""
    if not url:
        return ""
    if not url.strip().lower().startswith(("http://", "https://")):
        return esc(url)
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text or url)}</a>'


@dataclass(frozen=True)
class Fmt:
    """Numbers, dates and labels in the page's language (Vietnamese: "2.142", "99,41%", 04/03/2026)."""

    lang: str

    def t(self, key: str, **kw: Any) -> str:
        """One of the page's own sentences, from the project's one vocabulary (``html.`` keys)."""
        return sentence(f"html.{key}", self.lang, **kw)

    def int(self, value: int | float | None) -> str:
        text = vn_int(value)
        return text if self.lang == "vi" or value is None else text.replace(".", ",")

    def pct(self, value: float | None, decimals: builtins.int = 2) -> str:  # `int` here is the method above
        if value is None:
            return "–"
        text = vn_number(value, decimals)
        if self.lang == "en":
            text = text.replace(".", "\0").replace(",", ".").replace("\0", ",")
        return text + "%"

    def date(self, value: dt.date | str | None) -> str:
        """The reports' one date format (`reports.formatting.vn_date`)."""
        return vn_date(value)

    def level(self, level: str | None) -> str:
        return label("level", level, self.lang)

    def kind(self, kind: str) -> str:
        return label("category", kind, self.lang)

    def organ(self, organ: str | None) -> str:
        return label("organ", organ, self.lang)

    def status(self, status: str) -> str:
        return label("status", status, self.lang)

    def yes_no(self, value: bool | None) -> str:
        return "–" if value is None else label("bool", bool(value), self.lang)

    def h(self, key: str) -> str:
        """A column header from the project's one vocabulary (reports/labels.py)."""
        return header(key, self.lang)


Cell = tuple[str, str, str]  # (html, css class, sort value)


def _table(table_id: str, headers: Sequence[str], rows: Sequence[tuple[dict[str, str], Sequence[Cell]]],
           *, sortable: bool = True, empty: str = "") -> str:
    """A table whose rows carry filter attributes (``data-province``, ``data-level``, …; class ``f``);
    with no row, the sentence `empty` instead of a header over nothing (when one is given)."""
    return "".join(_table_chunks(table_id, headers, rows, sortable=sortable, empty=empty))


def _table_chunks(table_id: str, headers: Sequence[str], rows: Iterable[tuple[dict[str, str], Sequence[Cell]]],
                  *, sortable: bool = True, empty: str = "") -> Iterator[str]:
    """`_table` a row at a time, for rows given one at a time: the page's big tables (15,000 units) are
    written to the file as they are made, never held whole beside their cells."""
    it = iter(rows)
    first = next(it, None)
    if first is None and empty:
        yield f'<p class="empty" id="{table_id}-empty">{esc(empty)}</p>'
        return
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    sort_cls = ' class="sortable"' if sortable else ""
    yield f'<div class="scroll"><table id="{table_id}"{sort_cls}><thead><tr>{head}</tr></thead><tbody>'
    if first is not None:
        for attrs, cells in itertools.chain((first,), it):
            attr = "".join(f' data-{k}="{esc(v)}"' for k, v in attrs.items())
            tds = "".join(f'<td class="{cls}" data-v="{esc(v)}">{content}</td>' for content, cls, v in cells)
            yield f'<tr class="f"{attr}>{tds}</tr>'
    yield "</tbody></table></div>"


def _txt(value: Any, cls: str = "") -> Cell:
    return esc(value), cls, ""


def _sorted_provinces(names: Sequence[str]) -> list[str]:
    """Vietnamese order (Cà Mau before Cao Bằng, Đà Nẵng after every D…)."""
    return sorted(set(names), key=vn_sort_key)


def _kpi(value: str, label: str, *, count: str, cls: str = "", of: bool = False, pct_text: str = "",
         kpi_id: str = "") -> str:
    """A summary card; `count` is the CSS selector of the rows report.js recounts when filtering."""
    extra = f'<span class="pct">{esc(pct_text)}</span>' if of else ""
    of_attr = ' data-of="1"' if of else ""
    return (f'<div class="kpi {cls}" id="{kpi_id}" data-count="{esc(count)}"{of_attr}>'
            f'<div class="value">{esc(value)}</div><div class="label">{extra} {esc(label)}</div></div>')
