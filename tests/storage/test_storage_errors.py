"""Bad input: an unparsable or unreachable URL, a database newer than the code, a locked SQLite file.
Each is a StorageError subclass with a message saying what to do; the CLI prints it and exits 2; no
stored row changes."""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from storage_factories import NL, REGISTRY_ROWS, TQ, page, widget

from cli.db import db_group
from cli.export import export_cmd
from storage import (
    DatabaseLockedError,
    DatabaseUnreachableError,
    DatabaseURLError,
    SchemaOutdatedError,
    SchemaTooNewError,
    Store,
    migrate,
    schema_status,
    upgrade_database,
)
from storage.models import Base


def all_rows(store: Store) -> dict[str, list[tuple]]:
    with store.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for t in Base.metadata.sorted_tables}


def filled(url: str) -> Store:
    store = Store.open(url)
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
    store.save_items(run, [page("https://tuyenquang.gov.vn/a", "Kế hoạch"), widget(NL)])
    store.finish_run(run, status="complete", stats={})
    return store


@pytest.mark.parametrize("url, fragment", [
    ("sqlite:", "does not parse"),
    ("postgresql://u@127.0.0.1:notaport/x", "does not parse"),
    ("mysql://u@127.0.0.1/x", "unsupported backend 'mysql'"),
    ("postgresql://postgres@127.0.0.1:5432", "names no database"),
    ("postgresql+nosuchdriver://u@h/x", "cannot be used"),
])
def test_unparsable_urls(url: str, fragment: str) -> None:
    with pytest.raises(DatabaseURLError) as info:
        Store.open(url)
    assert fragment in str(info.value)
    result = CliRunner().invoke(db_group, ["upgrade", "--db", url])
    assert result.exit_code == 2
    assert result.output.startswith("error: database URL") and fragment in result.output
    assert "Traceback" not in result.output


def test_unreachable_server_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnreachableError) as info:
        Store.open("postgresql://postgres@127.0.0.1:1/cchc")
    assert "Connection refused" in str(info.value) and "server is running" in str(info.value)
    # A SQLite path that cannot be created (its parent is a file).
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseUnreachableError) as info:
        Store.open(str(blocker / "sub" / "db.sqlite"))
    assert "cannot create the folder" in str(info.value)
    # A SQLite path that is a directory.
    with pytest.raises(DatabaseUnreachableError) as info:
        Store.open(str(tmp_path))
    assert "check the path and its permissions" in str(info.value)
    # A file that is not a database is refused untouched.
    notes = tmp_path / "notes.txt"
    notes.write_text("không phải cơ sở dữ liệu " * 100, encoding="utf-8")
    with pytest.raises(DatabaseUnreachableError) as info:
        Store.open(str(notes))
    assert "is not a SQLite database" in str(info.value)
    assert notes.read_text(encoding="utf-8") == "không phải cơ sở dữ liệu " * 100
    # Exports never create a database: a missing file is reported.
    missing = tmp_path / "none.sqlite"
    result = CliRunner().invoke(export_cmd, ["runs", "--db", str(missing)])
    assert result.exit_code == 2 and f"there is no database at {missing}" in result.output
    assert not missing.exists()


def test_database_newer_than_the_code_is_refused_untouched(db_url: str) -> None:
    store = filled(db_url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    before = all_rows(store)
    store.close()
    with pytest.raises(SchemaTooNewError) as info:
        Store.open(db_url)
    message = str(info.value)
    assert "9999_from_the_future" in message and "newer CCHC Watch" in message and "Nothing was changed" in message
    with pytest.raises(SchemaTooNewError):
        upgrade_database(db_url)
    assert schema_status(db_url)["state"] == "newer"
    runner = CliRunner()
    for args in (["upgrade", "--db", db_url], ["current", "--db", db_url]):
        result = runner.invoke(db_group, args)
        assert result.exit_code == 2 and "error:" in result.output and "Traceback" not in result.output
    result = runner.invoke(export_cmd, ["documents", "--db", db_url])
    assert result.exit_code == 2 and "9999_from_the_future" in result.output
    check = Store.__new__(Store)  # read the rows back without Store.open's checks
    from storage.engine import build_engine, resolve_url
    check.engine = build_engine(resolve_url(db_url))
    try:
        assert all_rows(check) == before
        with check.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999_from_the_future"
    finally:
        check.engine.dispose()


def test_outdated_database_is_reported_when_not_upgrading(db_url: str) -> None:
    with pytest.raises(SchemaOutdatedError) as info:
        Store.open(db_url, upgrade=False)
    assert "cchc db upgrade" in str(info.value)
    status = schema_status(db_url)
    assert (status["current"], status["head"], status["state"]) == ([], migrate.head_revision(), "outdated")
    result = CliRunner().invoke(db_group, ["upgrade", "--db", db_url])
    head = migrate.head_revision()
    assert result.exit_code == 0 and f"upgraded from (empty) to {head} (head)" in result.output
    result = CliRunner().invoke(db_group, ["current", "--db", db_url])
    assert result.exit_code == 0 and result.output.rstrip().endswith(f": {head} (head)")


def test_locked_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite"
    store = filled(str(path))
    before = all_rows(store)
    store.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("UPDATE portals SET notes = 'uncommitted' WHERE id = ?", (TQ,))
    try:
        # Readers are not blocked (WAL): opening at head and exporting work while the lock is held.
        reader = Store.open(str(path), busy_timeout_ms=200)
        import io
        assert reader.export("documents", "jsonl", io.StringIO()) == 1
        run = 1
        with pytest.raises(DatabaseLockedError) as info:
            reader.save_items(run, [widget(NL, total=1)])
        assert "locked by another process" in str(info.value) and "Nothing was changed" in str(info.value)
        with pytest.raises(DatabaseLockedError):
            reader.start_run(trigger="manual", observed_on=dt.date(2022, 8, 13), args={})
        reader.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    after = Store.open(str(path))
    try:
        assert all_rows(after) == before
    finally:
        after.close()


def test_locked_sqlite_file_during_upgrade_cli(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE keep (x INTEGER)")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO keep VALUES (1)")
    try:
        with pytest.raises(DatabaseLockedError):
            upgrade_database(str(path), busy_timeout_ms=200)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall() == [("keep",)]
    finally:
        conn.close()


def test_sqlite_pragmas_and_reader_during_write(tmp_path: Path) -> None:
    store = filled(str(tmp_path / "w.sqlite"))
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        # A writer holds an open write transaction; a separate reader still sees committed data.
        writer = sqlite3.connect(tmp_path / "w.sqlite", isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM widget_readings")
        reader = sqlite3.connect(tmp_path / "w.sqlite", timeout=0.1)
        assert reader.execute("SELECT count(*) FROM widget_readings").fetchone() == (1,)
        writer.execute("ROLLBACK")
        writer.close()
        reader.close()
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Base.metadata.tables["widget_readings"])).scalar() == 1
    finally:
        store.close()


def test_url_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storage.engine import resolve_url

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CCHC_DB", raising=False)
    default = Store.open()
    try:
        assert default.url == "sqlite:///data/cchc.sqlite"
        assert (tmp_path / "data" / "cchc.sqlite").exists()
    finally:
        default.close()
    monkeypatch.setenv("CCHC_DB", "env.sqlite")
    assert resolve_url(None).render_as_string() == "sqlite:///env.sqlite"
    assert resolve_url("x/y.sqlite").render_as_string() == "sqlite:///x/y.sqlite" and (tmp_path / "x").is_dir()
    assert resolve_url("postgres://u:secret@h:5433/db").render_as_string(hide_password=False) == \
        "postgresql+psycopg://u:secret@h:5433/db"
    with Store.open("plain.sqlite") as store:
        assert store.url == "sqlite:///plain.sqlite"
        assert store.display_url == "sqlite:///plain.sqlite"
    assert (tmp_path / "plain.sqlite").exists()
