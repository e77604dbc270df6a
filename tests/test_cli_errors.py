"""The CLI error matrix (issue 9): every bad input of "nothing lost silently" through the real `cchc`.

For each case: the exit code, exactly ONE line on stderr and it starts with ``error:`` (no traceback,
no click usage block), the words that name the problem, and every table's row count unchanged (for a
damaged file, its bytes unchanged; for a URL naming no file, no file or folder created anywhere).
Commands run in-process through click's CliRunner on the `cchc` group, as the CLI tests of each area
do; PostgreSQL cases use the real server of the suite (`pgtest`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import os
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pgtest import pg_server_url
from sqlalchemy import create_engine, inspect, text

from cli import main
from storage import Store, migrate
from storage.engine import build_engine, resolve_url, write_engine

_spec = importlib.util.spec_from_file_location(
    "storage_factories", Path(__file__).resolve().parent / "storage" / "storage_factories.py")
assert _spec is not None and _spec.loader is not None
factories = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(factories)

DOC_URL = "https://tuyenquang.gov.vn/ke-hoach-cchc-2022"
OFFLINE = ["review", "add-offline", "--unit", factories.TQ, "--doc-date", "2022-01-05", "--evidence", "công văn 12"]


@dataclass
class Case:
    """One bad input. `args` may name {db} (a sound filled database), {tmp}, {ro} (a folder nobody can
    write), {pg_down}, {pg_nodb}, {pg_norole}; `target` picks the database whose state must not change."""

    id: str
    args: list[str]
    code: int
    says: str
    target: str = "db"  # db | none | empty | old | truncated | damaged | ro_db
    env: dict[str, str | None] = field(default_factory=dict)
    holds_lock: bool = False


CASES = [
    # URLs that name no file: an unset shell variable, an empty --db, an in-memory database.
    Case("export-sqlite:///", ["export", "runs", "--db", "sqlite:///"], 2, "names no file", "none"),
    Case("export-empty-db", ["export", "runs", "--db", ""], 2, "--db is empty", "none"),
    Case("crawl-sqlite:///", ["crawl", "--source", factories.TQ, "--db", "sqlite:///"], 2, "names no file", "none"),
    Case("crawl-memory", ["crawl", "--source", factories.TQ, "--db", "sqlite:///:memory:"], 2,
         "in-memory database", "none"),
    Case("demo-empty-db", ["demo", "--db", ""], 2, "--db is empty", "none"),
    Case("demo-sqlite:///", ["demo", "--db", "sqlite:///"], 2, "names no file", "none"),
    Case("upgrade-memory", ["db", "upgrade", "--db", "sqlite:///:memory:"], 2, "in-memory database", "none"),
    Case("once-sqlite:///", ["schedule", "--once", "--db", "sqlite:///"], 2, "names no file", "none"),
    Case("env-empty-report", ["report", "coverage", "--year", "2022"], 2, "CCHC_DB is set but empty", "none",
         env={"CCHC_DB": ""}),
    Case("env-sqlite:///-units-sync", ["units", "sync"], 2, "names no file", "none", env={"CCHC_DB": "sqlite:///"}),
    Case("env-memory-crawl", ["crawl", "--source", factories.TQ], 2, "in-memory database", "none",
         env={"CCHC_DB": "sqlite:///:memory:"}),
    # Read-only commands create nothing, convert nothing, migrate nothing.
    Case("export-zero-byte", ["export", "documents", "--db", "{empty}"], 2, "is an empty file (0 bytes)", "empty"),
    Case("serve-zero-byte", ["serve", "--db", "{empty}"], 2, "is an empty file (0 bytes)", "empty"),
    Case("current-zero-byte", ["db", "current", "--db", "{empty}"], 2, "is an empty file (0 bytes)", "empty"),
    Case("export-missing", ["export", "runs", "--db", "{tmp}/none/cchc.sqlite"], 2, "there is no database at", "none"),
    Case("report-missing", ["report", "trend", "--db", "{tmp}/none/cchc.sqlite"], 2, "there is no database at", "none"),
    Case("units-show-missing", ["units", "show", "Tuyên Quang", "--db", "{tmp}/none/cchc.sqlite"], 2,
         "there is no database at", "none"),
    Case("export-older-schema", ["export", "runs", "--db", "{old}"], 2, "run `cchc db upgrade --db", "old"),
    Case("report-older-schema", ["report", "coverage", "--year", "2022", "--db", "{old}"], 2,
         "run `cchc db upgrade --db", "old"),
    # A damaged file: named in one line wherever it is met; nothing written into it.
    Case("export-truncated", ["export", "runs", "--db", "{truncated}"], 2, "truncated", "truncated"),
    Case("crawl-truncated", ["crawl", "--source", factories.TQ, "--db", "{truncated}"], 2, "is damaged", "truncated"),
    Case("upgrade-truncated", ["db", "upgrade", "--db", "{truncated}"], 2, "is damaged", "truncated"),
    Case("check-truncated", ["db", "check", "--db", "{truncated}"], 1, "the file is damaged", "truncated"),
    Case("export-damaged-page", ["export", "documents", "--db", "{damaged}"], 2,
         "is damaged (database disk image is malformed)", "damaged"),
    Case("coverage-damaged-page", ["report", "coverage", "--year", "2022", "--db", "{damaged}"], 2,
         "is damaged (database disk image is malformed)", "damaged"),
    Case("search-damaged-page", ["report", "search", "kế hoạch", "--db", "{damaged}"], 2,
         "database disk image is malformed", "damaged"),
    Case("units-sync-damaged-page", ["units", "sync", "--db", "{damaged}"], 2, "is damaged (",
         "damaged"),
    Case("review-damaged-page", [*OFFLINE, "--year", "2022", "--db", "{damaged}"], 2,
         "is damaged (", "damaged"),
    Case("check-damaged-page", ["db", "check", "--db", "{damaged}"], 1, "integrity_check: the file is damaged",
         "damaged"),
    # Crawl arguments refused before any run is recorded (issue 9: bounds and the address guard).
    Case("crawl-max-pages-negative", ["crawl", "--source", factories.TQ, "--max-pages", "-5", "--db", "{db}"], 2,
         "--max-pages must be a whole number of pages, 1 or more (got -5)"),
    Case("crawl-max-pages-zero", ["crawl", "--source", factories.TQ, "--max-pages", "0", "--db", "{db}"], 2,
         "--max-pages must be a whole number of pages, 1 or more (got 0)"),
    Case("crawl-level-unknown", ["crawl", "--level", "bogus", "--db", "{db}"], 2,
         "unknown level 'bogus' for --level: choose one of province (tỉnh)"),
    Case("demo-lang-unknown", ["demo", "--lang", "fr", "--db", "{tmp}/demo.sqlite"], 2, "--lang", "none"),
    Case("crawl-url-decimal-loopback", ["crawl", "--url", "http://2130706433/", "--db", "{db}"], 2,
         "loopback address 127.0.0.1, written '2130706433'"),
    Case("crawl-url-octal-loopback", ["crawl", "--url", "http://0177.0.0.1/", "--db", "{db}"], 2,
         "loopback address 127.0.0.1, written '0177.0.0.1'"),
    Case("crawl-url-short-loopback", ["crawl", "--url", "http://127.1/", "--db", "{db}"], 2,
         "loopback address 127.0.0.1, written '127.1'"),
    Case("crawl-url-hex-private", ["crawl", "--url", "http://0x0a000001/", "--db", "{db}"], 2, "private address 10.0.0.1"),
    Case("extract-url-zero", ["extract", "http://0/"], 2, "unspecified address (connects to this machine) 0.0.0.0"),
    Case("extract-url-hex-loopback", ["extract", "http://0x7f000001/x"], 2, "loopback address 127.0.0.1"),
    # schedule --once when the database cannot be used: one line, not a traceback.
    Case("once-pg-down", ["schedule", "--once", "--db", "{pg_down}"], 2, "Connection refused", "none"),
    Case("once-pg-no-database", ["schedule", "--once", "--db", "{pg_nodb}"], 2,
         'database "cchc_matrix_no_such_db" does not exist', "none"),
    Case("once-pg-no-role", ["schedule", "--once", "--db", "{pg_norole}"], 2,
         'role "cchc_matrix_no_such_role" does not exist', "none"),
    Case("once-read-only-folder", ["schedule", "--once", "--db", "{ro}/cchc.sqlite"], 2, "cannot be written", "ro_db"),
    Case("daemon-read-only-folder", ["schedule", "--db", "{ro}/cchc.sqlite"], 2, "cannot be written", "ro_db"),
    # Scheduler options, all validated before anything starts.
    Case("grace-negative", ["schedule", "--grace-hours", "-5", "--db", "{db}"], 2, "--grace-hours -5 is out of range"),
    Case("grace-negative-once", ["schedule", "--once", "--grace-hours", "-5", "--db", "{db}"], 2,
         "--grace-hours -5 is out of range"),
    Case("widgets-negative", ["schedule", "--widgets-every", "-1", "--db", "{db}"], 2,
         "--widgets-every -1 is out of range"),
    Case("widgets-huge", ["schedule", "--widgets-every", "1e12", "--db", "{db}"], 2, "--widgets-every 1e+12 is out"),
    Case("widgets-nan", ["schedule", "--widgets-every", "nan", "--db", "{db}"], 2, "--widgets-every nan is out"),
    Case("at-25h", ["schedule", "--at", "25:00", "--db", "{db}"], 2, "--at '25:00' is not a time of day"),
    Case("max-runs-0", ["schedule", "--max-runs", "0", "--db", "{db}"], 2, "--max-runs 0 is out of range"),
    # Writes by a person while a crawl holds the SQLite write lock: bounded wait, then who holds it.
    Case("units-sync-locked", ["units", "sync", "--db", "{db}", "--wait", "0.5"], 2,
         "is locked by run 2 (manual crawl, pid {pid} on this host", holds_lock=True),
    Case("review-add-offline-locked", [*OFFLINE, "--year", "2022", "--db", "{db}", "--wait", "0.5"], 2,
         "is locked by run 2 (manual crawl, pid {pid} on this host", holds_lock=True),
    Case("review-withdraw-locked", ["review", "withdraw", "1", "--db", "{db}", "--wait", "0"], 2,
         "is locked by run 2", holds_lock=True),
    # --out that cannot be written: refused before any work, for every command with --out.
    Case("export-out-read-only", ["export", "runs", "--db", "{db}", "--out", "{ro}/runs.jsonl"], 2,
         "--out {ro}/runs.jsonl: the folder {ro} cannot be written"),
    Case("export-out-no-folder", ["export", "runs", "--db", "{db}", "--out", "{tmp}/nofolder/runs.csv"], 2,
         "the folder {tmp}/nofolder does not exist"),
    Case("export-out-is-folder", ["export", "runs", "--db", "{db}", "--out", "{tmp}"], 2, "is a folder"),
    Case("export-out-is-the-db", ["export", "runs", "--db", "{db}", "--out", "{db}"], 2, "is the database itself"),
    Case("coverage-out-read-only", ["report", "coverage", "--year", "2022", "--db", "{db}", "--format", "csv",
                                    "--out", "{ro}/c.csv"], 2, "cannot be written"),
    Case("coverage-xlsx-read-only", ["report", "coverage", "--year", "2022", "--db", "{db}", "--format", "xlsx",
                                     "--out", "{ro}/c.xlsx"], 2, "cannot be written"),
    Case("compliance-out-read-only", ["report", "compliance", "--year", "2022", "--db", "{db}", "--out",
                                      "{ro}/c.txt"], 2, "cannot be written"),
    Case("trend-out-read-only", ["report", "trend", "--db", "{db}", "--out", "{ro}/t.json", "--format", "json"], 2,
         "cannot be written"),
    Case("diff-out-read-only", ["report", "diff", "--from", "1", "--to", "1", "--db", "{db}", "--out",
                                "{ro}/d.txt"], 2, "cannot be written"),
    Case("search-out-read-only", ["report", "search", "kế hoạch", "--db", "{db}", "--out", "{ro}/s.txt"], 2,
         "cannot be written"),
    Case("html-out-read-only", ["report", "html", "--db", "{db}", "--out", "{ro}/site"], 2,
         "cannot create it, {ro} cannot be written"),
    Case("review-list-out-read-only", ["review", "list", "--db", "{db}", "--out", "{ro}/r.csv"], 2,
         "cannot be written"),
    Case("serve-export-read-only", ["serve", "--db", "{db}", "--export-sqlite", "{ro}/copy.sqlite"], 2,
         "--export-sqlite {ro}/copy.sqlite: the folder {ro} cannot be written"),
    # Usage errors (wrong type, unknown option, missing argument): one line too, not click's usage block.
    Case("grace-not-a-number", ["schedule", "--grace-hours", "abc", "--db", "{db}"], 2,
         "Invalid value for '--grace-hours': 'abc' is not a valid float. (see `cchc schedule --help`)"),
    Case("wait-negative", ["units", "sync", "--wait", "-1", "--db", "{db}"], 2, "Invalid value for '--wait'"),
    Case("export-no-kind", ["export", "--db", "{db}"], 2,
         "Missing argument '{{documents|widgets|runs|portals}}'. Choose from: documents, widgets, runs, portals"),
    Case("unknown-option", ["export", "runs", "--db", "{db}", "--bogus"], 2, "No such option '--bogus'"),
    # Plan years out of range, refused by review as the reports refuse them.
    Case("review-offline-year-1800", [*OFFLINE, "--year", "1800", "--db", "{db}"], 2,
         "year 1800 is out of range: plans are looked for from 2000 to 2023"),
    Case("review-category-year-1800", ["review", "category", DOC_URL, "plan", "--year", "1800", "--db", "{db}"], 2,
         "year 1800 is out of range"),
]


def fill(path: Path) -> None:
    """Two registry portals, one complete run (a plan and a widget reading), one correction."""
    with Store.open(str(path)) as store:
        store.sync_portals(factories.REGISTRY_ROWS)
        run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
        store.save_items(run, [factories.page(DOC_URL, "Kế hoạch cải cách hành chính năm 2022"),
                               factories.widget(factories.NL)])
        store.finish_run(run, status="complete", stats={})
    result = CliRunner().invoke(main, [*OFFLINE, "--year", "2022", "--db", str(path)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("matrix") / "template.sqlite"
    fill(path)
    return path


def copy_db(template: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    return target


def sqlite_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_unwritable(folder: Path) -> Callable[[], None]:
    """A folder nobody can create files in, root included (tests may run as root): chattr +i."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    subprocess.run(["chattr", "+i", str(folder)], check=True)
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.fixture
def world(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Every database and folder a case may name, created fresh for the test."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    db = copy_db(template, tmp_path / "cchc.sqlite")
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    old = tmp_path / "old.sqlite"
    engine = write_engine(build_engine(resolve_url(str(old))))
    migrate.upgrade(engine, "old", migrate.first_revision())
    engine.dispose()
    truncated = copy_db(template, tmp_path / "truncated.sqlite")
    with truncated.open("r+b") as fh:
        fh.truncate(truncated.stat().st_size // 2)
    damaged = copy_db(template, tmp_path / "damaged.sqlite")
    conn = sqlite3.connect(damaged)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    # the root pages of the documents and their versions, tables and indexes: every command that
    # reads documents meets one of them (coverage answers from indexes of both alone: migration 0018)
    roots = [r for (r,) in conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE tbl_name IN ('documents', 'document_versions') AND rootpage > 0")]
    conn.close()
    assert len(roots) > 2
    with damaged.open("r+b") as fh:
        for root in roots:
            fh.seek((root - 1) * page_size)
            fh.write(b"\xff" * 64)
    ro = tmp_path / "ro"
    ro.mkdir()
    ro_db = copy_db(template, ro / "cchc.sqlite")
    undo = make_unwritable(ro)
    server = pg_server_url()
    names = {
        "db": db, "tmp": tmp_path, "ro": ro, "empty": empty, "old": old, "truncated": truncated,
        "damaged": damaged, "ro_db": ro_db, "cwd": cwd, "pid": os.getpid(),
        "pg_down": server.set(port=_unused_port(), database="cchc").render_as_string(hide_password=False),
        "pg_nodb": server.set(database="cchc_matrix_no_such_db").render_as_string(hide_password=False),
        "pg_norole": server.set(username="cchc_matrix_no_such_role", password=None, database="postgres")
        .render_as_string(hide_password=False),
    }
    try:
        yield names
    finally:
        undo()


def _unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def state(case: Case, world: dict[str, Any]) -> Any:
    """What must not change: row counts of every table, or the file's bytes, or an empty folder."""
    if case.target == "none":
        return sorted(str(p.relative_to(world["tmp"])) for p in world["tmp"].rglob("*"))
    path: Path = world[case.target]
    if case.target in ("empty", "truncated", "damaged", "ro_db"):
        # The file's bytes and time, and nothing beside it: no -wal, -shm or -journal left behind.
        siblings = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))
        return digest(path), path.stat().st_mtime_ns, siblings
    return sqlite_counts(path)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_one_error_line_and_changes_nothing(case: Case, world: dict[str, Any]) -> None:
    fmt = {k: str(v) for k, v in world.items()}
    args = [a.format(**fmt) for a in case.args]
    holder = _hold_write_lock(world["db"]) if case.holds_lock else None
    before = state(case, world)  # the crawl's committed "running" row included, its open write not
    try:
        result = CliRunner().invoke(main, args, env={"CCHC_DB": None, **case.env}, prog_name="cchc")
    finally:
        if holder is not None:
            holder.execute("ROLLBACK")
            holder.close()
    lines = result.stderr.splitlines()
    assert result.exit_code == case.code, (args, result.output)
    assert len(lines) == 1 and lines[0].startswith("error: "), (args, result.stderr)
    assert case.says.format(**fmt) in lines[0]
    assert "Traceback" not in result.output
    assert state(case, world) == before
    if case.target == "none":  # nothing created: no default database in the working folder either
        assert list(world["cwd"].iterdir()) == []


def _hold_write_lock(db: Path) -> sqlite3.Connection:
    """What a crawl looks like to another writer: its run recorded as running (committed), then a
    write transaction held open."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute(
        "INSERT INTO crawl_runs (\"trigger\", status, started_at, observed_on, host, pid, args) "
        "VALUES ('manual', 'running', '2022-08-13 01:00:00.000000', '2022-08-13', ?, ?, '{}')",
        (socket.gethostname(), os.getpid()))
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE portals SET notes = 'being written by a crawl'")
    return holder


def test_the_matrix_covers_real_postgresql_errors(pg_admin: Any) -> None:
    """The PostgreSQL cases above name a database and a role that really are absent on the server."""
    with pg_admin.connect() as conn:
        assert conn.execute(text("SELECT 1 FROM pg_database WHERE datname = 'cchc_matrix_no_such_db'")).first() is None
        assert conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = 'cchc_matrix_no_such_role'")).first() is None


def test_state_counts_every_table(template: Path) -> None:
    """The row-count check sees every table of the schema, not a chosen few."""
    counts = sqlite_counts(template)
    engine = create_engine(f"sqlite:///{template}")
    try:
        assert set(inspect(engine).get_table_names()) == set(counts)
    finally:
        engine.dispose()
    assert counts["crawl_runs"] == 1 and counts["documents"] == 1 and counts["review_corrections"] == 1


def test_an_export_that_fails_half_way_leaves_no_file_and_keeps_the_old_one(world: dict[str, Any]) -> None:
    """`--out` is written beside its name and renamed when complete: a failure leaves nothing half-written."""
    out = world["tmp"] / "documents.jsonl"
    out.write_text("the previous export\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "documents", "--db", str(world["damaged"]), "--out", str(out)],
                                env={"CCHC_DB": None}, prog_name="cchc")
    assert result.exit_code == 2 and result.stderr.startswith("error: the SQLite database")
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert not [p.name for p in world["tmp"].iterdir() if p.name.endswith(".part")]


def test_out_is_written_whole_with_ordinary_permissions(world: dict[str, Any]) -> None:
    out = world["tmp"] / "runs.csv"
    result = CliRunner().invoke(main, ["export", "runs", "--db", str(world["db"]), "--format", "csv", "--out", str(out)],
                                env={"CCHC_DB": None}, prog_name="cchc")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"1 runs written to {out}\n"
    assert out.read_text(encoding="utf-8").splitlines()[0] == "id,trigger,status,started_at,finished_at,observed_on,stats,args"
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


PG_CASES = [
    Case("pg-review-year-1800", [*OFFLINE, "--year", "1800", "--db", "{pg}"], 2, "year 1800 is out of range"),
    Case("pg-export-out-read-only", ["export", "documents", "--db", "{pg}", "--out", "{ro}/d.jsonl"], 2,
         "cannot be written"),
    Case("pg-report-out-no-folder", ["report", "coverage", "--year", "2022", "--db", "{pg}", "--out",
                                     "{tmp}/nofolder/c.csv"], 2, "does not exist"),
    Case("pg-schedule-grace", ["schedule", "--once", "--grace-hours", "-5", "--db", "{pg}"], 2,
         "--grace-hours -5 is out of range"),
    Case("pg-serve-needs-a-copy", ["serve", "--db", "{pg}"], 2, "Datasette reads SQLite only"),
]


def pg_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {n: int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar() or 0) for n in names}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def pg_filled(pg_admin: Any) -> Iterator[str]:
    from pgtest import temporary_database

    with temporary_database(pg_admin, "cchc_matrix") as url:
        with Store.open(url) as store:
            store.sync_portals(factories.REGISTRY_ROWS)
            run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
            store.save_items(run, [factories.page(DOC_URL, "Kế hoạch cải cách hành chính năm 2022"),
                                   factories.widget(factories.NL)])
            store.finish_run(run, status="complete", stats={})
        result = CliRunner().invoke(main, [*OFFLINE, "--year", "2022", "--db", url])
        assert result.exit_code == 0, result.output
        yield url


@pytest.mark.parametrize("case", PG_CASES, ids=[c.id for c in PG_CASES])
def test_bad_input_on_postgresql_changes_no_row(case: Case, pg_filled: str, world: dict[str, Any]) -> None:
    fmt = {k: str(v) for k, v in world.items()} | {"pg": pg_filled}
    args = [a.format(**fmt) for a in case.args]
    before = pg_counts(pg_filled)
    assert before["crawl_runs"] == 1 and before["review_corrections"] == 1
    result = CliRunner().invoke(main, args, env={"CCHC_DB": None}, prog_name="cchc")
    lines = result.stderr.splitlines()
    assert result.exit_code == case.code, (args, result.output)
    assert len(lines) == 1 and lines[0].startswith("error: ") and case.says.format(**fmt) in lines[0], result.stderr
    assert "Traceback" not in result.output
    assert pg_counts(pg_filled) == before
