"""Opening a database: URLs that name no file are refused; read-only opens create, convert and write nothing.

Issue 9, "nothing lost silently": `--db sqlite:///` (an unset shell variable) and in-memory databases
used to crawl, report "complete" and keep nothing; exporting from a zero-byte file turned it into a
database with -wal and -shm files.
"""
from __future__ import annotations

import datetime as dt
import io
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from storage_factories import NL, REGISTRY_ROWS, page, widget

from storage import (
    DatabaseReadOnlyError,
    DatabaseUnreachableError,
    DatabaseURLError,
    SchemaOutdatedError,
    StorageError,
    Store,
    migrate,
    schema_status,
)
from storage.engine import resolve_url


def filled(url: str) -> None:
    with Store.open(url) as store:
        store.sync_portals(REGISTRY_ROWS)
        run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
        store.save_items(run, [page("https://tuyenquang.gov.vn/a", "Kế hoạch"), widget(NL)])
        store.finish_run(run, status="complete", stats={})


@pytest.mark.parametrize("url, fragment", [
    ("sqlite:///", "names no file (an unset shell variable"),
    ("sqlite://", "names no file"),
    ("sqlite:///:memory:", "in-memory database, which is lost"),
    ("sqlite:///file::memory:?cache=shared", "in-memory database"),
    ("sqlite:///x.sqlite?mode=memory", "in-memory database"),
    ("", "--db is empty (an unset shell variable?)"),
    ("   ", "--db is empty"),
])
def test_urls_naming_no_file_are_refused(url: str, fragment: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CCHC_DB", raising=False)
    with pytest.raises(DatabaseURLError) as info:
        Store.open(url)
    assert fragment in str(info.value)
    assert list(tmp_path.iterdir()) == []  # not even the default data/ folder


@pytest.mark.parametrize("value, fragment", [
    ("", "CCHC_DB is set but empty"),
    ("sqlite:///", "names no file"),
    ("sqlite:///:memory:", "in-memory"),
])
def test_the_same_refusals_through_cchc_db(value: str, fragment: str, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CCHC_DB", value)
    with pytest.raises(DatabaseURLError) as info:
        Store.open()
    assert fragment in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_unset_cchc_db_still_means_the_default_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CCHC_DB", raising=False)
    assert resolve_url(None).render_as_string() == "sqlite:///data/cchc.sqlite"


def test_read_only_open_of_a_missing_path_creates_neither_file_nor_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "cchc.sqlite"
    for opener in (lambda: Store.open(str(missing), read_only=True), lambda: schema_status(str(missing))):
        with pytest.raises(DatabaseUnreachableError) as info:
            opener()
        assert f"there is no database at {missing}" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_zero_byte_file_is_refused_and_stays_zero_bytes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with pytest.raises(DatabaseUnreachableError) as info:
        Store.open(str(empty), read_only=True)
    assert "is an empty file (0 bytes)" in str(info.value)
    assert empty.stat().st_size == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.sqlite"]  # no -wal, no -shm


def test_read_only_store_reads_but_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite"
    filled(str(path))
    before = path.read_bytes()
    with Store.open(str(path), read_only=True) as store:
        assert store.run_summary(1)["run"]["status"] == "complete"
        with pytest.raises(DatabaseReadOnlyError) as info:
            store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 13), args={})
        assert "cannot be written" in str(info.value) and "Nothing was changed" in str(info.value)
    assert path.read_bytes() == before


def test_read_only_commands_leave_the_folder_as_they_found_it(tmp_path: Path) -> None:
    """mode=ro readers of a WAL database create -wal/-shm; the store removes them again when it had
    found none, without writing a byte of the database (its contents and time unchanged)."""
    path = tmp_path / "wal.sqlite"
    filled(str(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wal.sqlite"]
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    with Store.open(str(path), read_only=True) as store:
        assert store.export("documents", "jsonl", io.StringIO()) == 1
        assert (tmp_path / "wal.sqlite-shm").exists()  # SQLite's while reading
    assert schema_status(str(path))["state"] == "current"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wal.sqlite"]
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    # While another connection has the database open, its companions are left to it.
    other = sqlite3.connect(path)
    other.execute("SELECT count(*) FROM documents").fetchone()
    with Store.open(str(path), read_only=True) as store:
        store.export("runs", "jsonl", io.StringIO())
    assert (tmp_path / "wal.sqlite-wal").exists() and (tmp_path / "wal.sqlite-shm").exists()
    other.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wal.sqlite"]


def test_read_only_open_never_converts_the_journal_mode(tmp_path: Path) -> None:
    """A rollback-journal database stays one: a writing open would switch it to WAL."""
    path = tmp_path / "journal.sqlite"
    filled(str(path))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = path.read_bytes()
    with Store.open(str(path), read_only=True) as store, store.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
        assert c.execute(text("SELECT count(*) FROM documents")).scalar() == 1
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.sqlite"]


def test_read_only_open_of_an_older_schema_names_the_upgrade_and_migrates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    from storage.engine import build_engine, write_engine

    engine = write_engine(build_engine(resolve_url(str(path))))
    migrate.upgrade(engine, "old", migrate.first_revision())
    engine.dispose()
    with pytest.raises(SchemaOutdatedError) as info:
        Store.open(str(path), read_only=True)
    assert f"`cchc db upgrade --db sqlite:///{path}`" in str(info.value)
    assert schema_status(str(path))["current"] == [migrate.first_revision()]


def test_postgresql_read_only_sessions_refuse_writes(pg_url: str) -> None:
    filled(pg_url)
    with Store.open(pg_url, read_only=True) as store:
        assert store.run_summary(1)["run"]["status"] == "complete"
        with pytest.raises(StorageError) as info:
            store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 13), args={})
        assert "opened read-only" in str(info.value)
    with Store.open(pg_url) as store, store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM crawl_runs")).scalar() == 1
