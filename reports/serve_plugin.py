"""Datasette plugin for `cchc serve` (registered in-process by the command, not installed globally).

- ``escape_fts``: Datasette wraps what is typed in a table's search box in ``escape_fts(:search)``
  (its "escaped" search mode). The index holds FOLDED words (`storage.search_index`), so the query is
  folded and parsed here exactly as ``cchc report search`` parses it: every word must occur, "quoted
  text" is a phrase, "25/KH-UBND" is the phrase 25 kh ubnd, and "Đảng ủy" equals "dang uy". Registered
  ``trylast`` so it replaces Datasette's own function of that name on every connection.
- ``extra_template_vars``: the Vietnamese column labels and coded-value labels the two templates in
  ``serve_templates/`` show (machine names stay visible beside them: the JSON API uses them).
"""
from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl
from datasette.utils import escape_fts as datasette_escape_fts

from core.vntext import fold, nfc


def fts_query(query: str | None) -> str:
    """An FTS5 MATCH expression over the folded index for what a person typed."""
    from reports.base import ReportError
    from reports.search import parse_query

    try:
        return parse_query(query or "").fts5()
    except ReportError:  # unbalanced quote, no words: Datasette's lenient escaping of the folded text
        return datasette_escape_fts(fold(nfc(query or ""))) or '""'


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection) -> None:
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)


@hookimpl
def extra_template_vars(template: str, database: str | None, table: str | None, columns: Any,
                        view_name: str, request: Any, datasette: Any) -> dict[str, Any]:
    from reports.serve import column_label, value_labels

    def label(name: str) -> str:
        return column_label(name, table)

    return {"cchc_column_label": label, "cchc_value_labels": value_labels(table)}
