"""A damaged SQLite file is named in one sentence wherever it is met, and nothing is written into it;
`cchc db check` runs the full checks (issue 9, "nothing lost silently")."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from storage_factories import NL, REGISTRY_ROWS, page, widget

from cli.db import db_group
from storage import DatabaseCorruptError, Store, migrate, upgrade_database
from storage.check import check_database


def filled(path: Path) -> None:
    with Store.open(str(path)) as store:
        store.sync_portals(REGISTRY_ROWS)
        run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
        store.save_items(run, [page(f"https://tuyenquang.gov.vn/a{i}", "Kế hoạch " * 300) for i in range(30)]
                         + [widget(NL)])
        store.finish_run(run, status="complete", stats={})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def root_page(path: Path, table: str) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        conn.close()
    return root, page_size


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "cchc.sqlite"
    filled(path)
    return path


@pytest.fixture
def damaged(good: Path) -> Path:
    """The `documents` table's root page overwritten (its b-tree header is garbage)."""
    root, size = root_page(good, "documents")
    with good.open("r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(b"\xff" * 64)
    return good


@pytest.fixture
def truncated(good: Path) -> Path:
    size = good.stat().st_size
    page_size = int.from_bytes(good.read_bytes()[16:18], "big")
    with good.open("r+b") as fh:  # cut at a page boundary: a whole number of pages, fewer than the header counts
        fh.truncate(size // 2 // page_size * page_size)
    return good


def test_header_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.sqlite"
    notes.write_bytes(b"PK\x03\x04 a zip file, not a database" * 40)
    before = digest(notes)
    for read_only in (True, False):
        with pytest.raises(DatabaseCorruptError) as info:
            Store.open(str(notes), read_only=read_only)
        assert "is not a SQLite database" in str(info.value)
    assert digest(notes) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite"]


def test_truncated_file_is_refused_on_open_by_every_kind_of_command(truncated: Path) -> None:
    before = digest(truncated)
    for opener in (lambda: Store.open(str(truncated), read_only=True), lambda: Store.open(str(truncated)),
                   lambda: upgrade_database(str(truncated))):
        with pytest.raises(DatabaseCorruptError) as info:
            opener()
        message = str(info.value)
        assert "is damaged (" in message and "truncated" in message and "nothing was written" in message
        assert f"cchc db check --db sqlite:///{truncated}" in message
    assert digest(truncated) == before


def test_a_damaged_page_stops_a_writer_before_it_writes(damaged: Path) -> None:
    before = digest(damaged)
    with pytest.raises(DatabaseCorruptError) as info:
        Store.open(str(damaged))  # quick_check on a read-only connection, before any write
    assert "database disk image is malformed" in str(info.value)
    assert digest(damaged) == before


def test_a_damaged_page_met_by_a_query_is_one_sentence(damaged: Path) -> None:
    """The cheap open check passes (header fine); the query that reads the page gets the sentence."""
    with Store.open(str(damaged), read_only=True) as store:
        assert store.export("runs", "jsonl", io.StringIO()) == 1  # undamaged tables still read
        with pytest.raises(DatabaseCorruptError) as info:
            store.export("documents", "jsonl", io.StringIO())
        assert "is damaged (database disk image is malformed)" in str(info.value)
        # a report's own SELECT through the engine, too
        with pytest.raises(DatabaseCorruptError), store.engine.connect() as conn:
            conn.exec_driver_sql("SELECT * FROM documents").fetchall()


def test_db_check_on_a_sound_database(good: Path) -> None:
    result = CliRunner().invoke(db_group, ["check", "--db", str(good)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"sqlite:///{good} (SQLite)"
    assert any(line.split() == ["integrity_check:", "ok"] for line in lines)
    assert any(line.split() == ["foreign_key_check:", "ok"] for line in lines)
    assert any(line.split() == ["schema:", migrate.head_revision(), "(head)"] for line in lines)
    assert "documents 30," in result.stdout and "widget_readings 1" in result.stdout
    assert lines[-1] == "ok: no problem found"
    assert result.stderr == ""


def test_db_check_names_damage_and_exits_1(damaged: Path) -> None:
    before = digest(damaged)
    result = CliRunner().invoke(db_group, ["check", "--db", str(damaged)])
    assert result.exit_code == 1
    assert "integrity_check:   DAMAGED" in result.stdout
    errors = result.stderr.splitlines()
    expected = (f"error: sqlite:///{damaged}: 2 problem(s): "
                "integrity_check: the file is damaged (database disk image is malformed); "
                "foreign_key_check: the file is damaged (database disk image is malformed)")
    assert errors == [expected]
    assert digest(damaged) == before


def test_db_check_names_a_truncated_file(truncated: Path) -> None:
    header = truncated.read_bytes()[:100]
    page_size, pages = int.from_bytes(header[16:18], "big"), int.from_bytes(header[28:32], "big")
    report = check_database(str(truncated))
    assert not report.ok
    expected = (f"the file is damaged: the header counts {pages} pages of {page_size} bytes but "
                f"the file holds {truncated.stat().st_size // page_size}: truncated")
    assert report.problems == [expected]


def test_db_check_finds_rows_pointing_at_missing_parents(good: Path) -> None:
    conn = sqlite3.connect(good)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DELETE FROM crawl_runs")
    conn.commit()
    conn.close()
    report = check_database(str(good))
    assert not report.ok
    assert len(report.problems) == 1
    assert report.problems[0].startswith("foreign_key_check found ")
    assert "widget_readings 1" in report.problems[0]
    assert report.rows["crawl_runs"] == 0 and report.rows["documents"] == 30


def test_db_check_names_a_table_missing_at_head(good: Path) -> None:
    """The check knows every model table (the watching tables too): one dropped is named."""
    conn = sqlite3.connect(good)
    conn.execute("DROP TABLE alerts")
    conn.execute("DROP TABLE index766_readings")
    conn.commit()
    conn.close()
    report = check_database(str(good))
    assert report.problems == ["table(s) missing at schema head: alerts, index766_readings (restore a backup)"]
    assert "portal_yields" in report.rows and "raw_fetches" in report.rows and "blobs" in report.rows


def test_db_check_on_postgresql(pg_url: str) -> None:
    runner = CliRunner()
    result = runner.invoke(db_group, ["check", "--db", pg_url])
    assert result.exit_code == 1  # an empty database is not at the schema head
    assert result.stderr.startswith("error: ") and "cchc db upgrade" in result.stderr
    with Store.open(pg_url) as store:
        store.sync_portals(REGISTRY_ROWS)
    result = runner.invoke(db_group, ["check", "--db", pg_url])
    assert result.exit_code == 0, result.output
    assert "indexes:" in result.stdout and "portals 2" in result.stdout
    assert result.stdout.splitlines()[-1] == "ok: no problem found"
