"""Where a run keeps its files: beside its SQLite database or under a folder keyed by the PostgreSQL
server and database, never relative to the current directory; and where the user's registry lives."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.paths import registry_to_read, user_data_dir, user_registry_path
from storage.datadir import data_dir, data_dir_for, run_paths
from storage.engine import resolve_url
from storage.errors import DatabaseURLError


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A current directory and a user data folder that are not the repository's."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    for var in ("CCHC_DATA_DIR", "CCHC_REGISTRY", "CCHC_FILES_STORE", "CCHC_DB", "XDG_DATA_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_sqlite_runs_live_beside_the_database_file(elsewhere: Path) -> None:
    db = elsewhere / "dbs" / "a.sqlite"
    paths = run_paths(resolve_url(str(db)), 7)
    folder = elsewhere / "dbs" / "a.sqlite.d"
    assert (paths.folder, paths.log, paths.known, paths.files) == (
        folder, folder / "logs" / "run-7.log", folder / "runs" / "run-7.known.json", folder / "files")
    # a relative path means beside the file as seen from here, made absolute once
    assert run_paths(resolve_url("data/x.sqlite"), 1).log == elsewhere / "cwd" / "data" / "x.sqlite.d" / "logs" / "run-1.log"


def test_two_databases_started_from_one_folder_never_share_a_run_file(elsewhere: Path) -> None:
    a = run_paths(resolve_url("one.sqlite"), 1)
    b = run_paths(resolve_url("two.sqlite"), 1)
    assert a.known != b.known and a.log != b.log and a.files != b.files
    pg1 = run_paths(resolve_url("postgresql://u@127.0.0.1:5432/cchc"), 1)
    pg2 = run_paths(resolve_url("postgresql://u@127.0.0.1:5433/cchc"), 1)
    pg3 = run_paths(resolve_url("postgresql://u@127.0.0.1:5432/other"), 1)
    assert len({pg1.known, pg2.known, pg3.known, a.known}) == 4


def test_postgresql_runs_live_under_the_user_data_folder_keyed_by_host_port_and_database(
        elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = resolve_url("postgresql://cchc:secret@db.example.org/cchc_prod")
    assert data_dir(url) == elsewhere / "home" / ".local" / "share" / "cchc-watch" / "postgresql-db.example.org-5432-cchc_prod"
    monkeypatch.setenv("XDG_DATA_HOME", str(elsewhere / "xdg"))
    assert data_dir(url) == elsewhere / "xdg" / "cchc-watch" / "postgresql-db.example.org-5432-cchc_prod"
    monkeypatch.setenv("CCHC_DATA_DIR", str(elsewhere / "mine"))
    assert data_dir(url) == elsewhere / "mine" / "postgresql-db.example.org-5432-cchc_prod"
    assert "secret" not in str(data_dir(url))
    # a database name cannot walk out of the folder
    assert data_dir(resolve_url("postgresql://u@h:1/../../etc")).parent == elsewhere / "mine"


def test_files_store_override_and_a_database_without_a_file(elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_FILES_STORE", str(elsewhere / "shared-files"))
    paths = run_paths(resolve_url("a.sqlite"), 2)
    assert paths.files == elsewhere / "shared-files"
    assert paths.known.parent == elsewhere / "cwd" / "a.sqlite.d" / "runs"  # run files stay with the database
    with pytest.raises(DatabaseURLError, match="in-memory SQLite database: nothing stored would outlive"):
        data_dir_for("sqlite:///:memory:")


def test_data_dir_for_touches_no_disk(elsewhere: Path) -> None:
    """Settings compute FILES_STORE at import; that must create nothing where the command was started."""
    assert data_dir_for(None) == elsewhere / "cwd" / "data" / "cchc.sqlite.d"
    assert data_dir_for("nested/deeper/x.sqlite") == elsewhere / "cwd" / "nested" / "deeper" / "x.sqlite.d"
    assert list((elsewhere / "cwd").iterdir()) == []


def test_user_registry_location(elsewhere: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert user_data_dir() == elsewhere / "home" / ".local" / "share" / "cchc-watch"
    assert user_registry_path() == user_data_dir() / "portals.csv"
    assert registry_to_read() is None  # nothing of the user's yet: the bundled registry
    user_registry_path().parent.mkdir(parents=True)
    user_registry_path().write_text("id\n", encoding="utf-8")
    assert registry_to_read() == user_registry_path()
    monkeypatch.setenv("CCHC_REGISTRY", str(elsewhere / "missing.csv"))
    assert registry_to_read() == elsewhere / "missing.csv"  # named, so a reader reports it missing
