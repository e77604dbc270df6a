"""Rows spooled to disk read back as `sorted` orders them, and the streamed writers write what the
whole-string ones wrote (issue 12: a diff over the year held 1.3 GB as rows and strings)."""
from __future__ import annotations

import datetime as dt
import io
import json
import random

import pytest

from reports import spool
from reports.formatting import Column, Table, dumps_json, render_text, write_json, write_text_table
from reports.rows import KeyedRow
from reports.spool import RowSpool
from reports.vocab import ReportError


class Row(KeyedRow):
    KEYS = ("portal", "url", "n", "title")
    __slots__ = ()


TEXTS = ["", "a", "ab", "a\x00", "a\x00b", "a\x01", "a\x01\x02", "a\x02", "Ấp", "ấp", "Ă", "z", "đ", "ư", "👍",
         "https://x.gov.vn/tin-tuc/ke-hoach-1", "https://x.gov.vn/tin-tuc/ke-hoach-10", "https://x.gov.vn/tin-tuc/ke-hoach-2"]


def rows(n: int, seed: int = 1) -> list[Row]:
    rng = random.Random(seed)
    return [Row([rng.choice(TEXTS), rng.choice(TEXTS), i, rng.choice(["Kế hoạch", None, "x" * 40])]) for i in range(n)]


@pytest.mark.parametrize("memory_rows", [10_000, 0, 7])
def test_rows_come_back_as_sorted_orders_them_ties_in_arrival_order(memory_rows):
    given = rows(500)
    s: RowSpool[Row] = RowSpool(Row, ("portal", "url"), memory_rows=memory_rows)
    for r in given:
        s.append(r)
    expected = [dict(r) for r in sorted(given, key=lambda r: (r["portal"], r["url"]))]  # stable: ties by arrival
    assert len(s) == 500 and s
    assert [dict(r) for r in s] == expected
    assert [dict(r) for r in s] == expected  # read twice, the same
    assert ("disk" in repr(s)) == (memory_rows < 500)
    s.close()


def test_integer_keys_sort_as_numbers_negative_first():
    s: RowSpool[Row] = RowSpool(Row, ("n",), memory_rows=0)
    for n in [5, -3, 10**12, 0, -(10**12), 7]:
        s.append(Row(["p", "u", n, None]))
    assert [r["n"] for r in s] == [-(10**12), -3, 0, 5, 7, 10**12]


def test_an_empty_spool_is_empty_and_false():
    s: RowSpool[Row] = RowSpool(Row, ("portal",))
    assert len(s) == 0 and not s and list(s) == []


def test_the_spool_file_has_no_name_while_it_is_read(tmp_path, monkeypatch):
    """The file is unlinked as soon as it is open: a killed report leaves nothing in the temporary
    folder, and the rows are still read back (twice) from the open file."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(spool.tempfile, "tempdir", None)  # read TMPDIR again
    given = rows(10)
    s: RowSpool[Row] = RowSpool(Row, ("portal", "url"), memory_rows=3)
    for r in given:
        s.append(r)
    assert "disk" in repr(s)
    assert list(tmp_path.iterdir()) == []
    expected = [dict(r) for r in sorted(given, key=lambda r: (r["portal"], r["url"]))]
    assert [dict(r) for r in s] == expected == [dict(r) for r in s]
    s.close()
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_temporary_folder_is_one_report_error(tmp_path, monkeypatch):
    gone = tmp_path / "missing"
    monkeypatch.setenv("TMPDIR", str(gone))
    monkeypatch.setattr(spool.tempfile, "tempdir", str(gone))
    s: RowSpool[Row] = RowSpool(Row, ("portal",), memory_rows=1)
    s.append(rows(1)[0])
    with pytest.raises(ReportError, match="cannot keep the report's rows in a temporary file"):
        s.append(rows(1)[0])


def spooled(given: list[Row], memory_rows: int) -> RowSpool[Row]:
    s: RowSpool[Row] = RowSpool(Row, ("portal", "url"), memory_rows=memory_rows)
    for r in given:
        s.append(r)
    return s


@pytest.mark.parametrize("memory_rows", [10_000, 3])
def test_write_json_writes_what_dumps_json_writes(memory_rows):
    given = rows(40)
    value = {"from": {"run": 1, "observed_on": dt.date(2026, 3, 1)}, "year": 2026, "kind": "propaganda_plan",
             "new": spooled(given, memory_rows), "empty": spooled([], memory_rows), "plain": [{"a": [1, {"b": None}]}],
             "none": None, "text": "Kế hoạch \"số 1\"\n", "nested": {"x": [], "y": {}}}
    expected = dumps_json({**value, "new": sorted(given, key=lambda r: (r["portal"], r["url"])), "empty": []})
    out = io.StringIO()
    write_json(value, out)
    assert out.getvalue() == expected
    assert json.loads(out.getvalue())["new"][0].keys() == set(Row.KEYS)


def test_write_json_of_an_empty_mapping():
    out = io.StringIO()
    write_json({}, out)
    assert out.getvalue() == dumps_json({})


TABLES = [
    Table("Văn bản mới (3)", [Column("portal", "Cổng"), Column("n", "Số", "int"), Column("title", "Tiêu đề")],
          [{"portal": "p-đ", "n": 1200, "title": "Kế hoạch"}, {"portal": "p", "n": None, "title": None},
           {"portal": "ｗｉｄｅ", "n": -3, "title": "x" * 30}]),
    Table("Không cột", [], [{"a": 1}, {"a": 2}]),
    Table("Trống", [Column("portal", "Cổng")], []),
    Table("Có tổng", [Column("portal", "Cổng"), Column("n", "Số", "pct")], [{"portal": "a", "n": 12.5}],
          totals=Table("Tổng", [Column("n", "Số", "int")], [{"n": 4}]), notes=["ghi chú 1", "ghi chú 2"]),
]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.title)
def test_write_text_table_writes_what_render_text_writes(table):
    out = io.StringIO()
    write_text_table(table, out)
    assert out.getvalue() == render_text(table)


def test_write_text_table_reads_spooled_rows_from_disk():
    given = rows(60)
    cols = [Column("portal", "Cổng"), Column("url", "URL"), Column("n", "Số", "int"), Column("title", "Tiêu đề")]
    out = io.StringIO()
    write_text_table(Table("t", cols, spooled(given, 5)), out)
    assert out.getvalue() == render_text(Table("t", cols, sorted(given, key=lambda r: (r["portal"], r["url"]))))
