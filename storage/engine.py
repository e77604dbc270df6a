"""Database URL resolution and engine set-up for SQLite (embedded default) and PostgreSQL.

SQLite is tuned for one writer (the crawl) and concurrent readers (reports, Datasette): WAL journal,
foreign keys on, a busy timeout, and write transactions that start with ``BEGIN IMMEDIATE`` so a
writer waits for the lock up front instead of failing half-way when a read transaction tries to
upgrade to a write (pysqlite's default deferred BEGIN does that, and the busy handler cannot help).
Read-only work uses a plain deferred ``BEGIN`` and so never blocks behind a crawl.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from storage.errors import DatabaseUnreachableError, DatabaseURLError

ENV_VAR = "CCHC_DB"
DEFAULT_SQLITE_PATH = Path("data") / "cchc.sqlite"
DEFAULT_BUSY_TIMEOUT_MS = 30_000
#: Execution option the SQLite ``begin`` listener reads: "DEFERRED" (default) or "IMMEDIATE".
SQLITE_BEGIN_OPTION = "cchc_sqlite_begin"


def resolve_url(url: str | None = None) -> URL:
    """Turn ``--db`` / ``CCHC_DB`` / the default into a SQLAlchemy URL.

    Accepts full URLs (``sqlite:///x.sqlite``, ``postgresql://user@host/db``) and plain file paths
    (``x.sqlite``, ``/tmp/a.db``), which mean SQLite. ``postgresql://`` and ``postgres://`` get the
    psycopg 3 driver because that is the one the project installs. The SQLite file's folder is created.
    """
    raw = url if url not in (None, "") else os.environ.get(ENV_VAR) or None
    if raw is None:
        raw = f"sqlite:///{DEFAULT_SQLITE_PATH.as_posix()}"
    raw = raw.strip()
    if "://" not in raw:
        if raw.startswith(("sqlite:", "postgresql:", "postgres:")):
            raise DatabaseURLError(
                f"database URL {raw!r} does not parse: write it as sqlite:///PATH or "
                "postgresql://USER@HOST:PORT/DBNAME (or give a plain file path for SQLite)"
            )
        raw = f"sqlite:///{raw}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    try:
        parsed = make_url(raw)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseURLError(
            f"database URL {raw!r} does not parse ({exc}); write it as sqlite:///PATH or "
            "postgresql://USER@HOST:PORT/DBNAME (set --db or CCHC_DB)"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseURLError(
            f"database URL {raw!r} names the unsupported backend {backend!r}; "
            "CCHC Watch supports sqlite:///PATH and postgresql://USER@HOST/DBNAME"
        )
    if backend == "postgresql" and not parsed.database:
        raise DatabaseURLError(
            f"database URL {parsed.render_as_string(hide_password=True)!r} names no database; "
            "add /DBNAME at the end (e.g. postgresql://postgres@127.0.0.1:5432/cchc)"
        )
    if backend == "sqlite" and parsed.database not in (None, "", ":memory:"):
        assert parsed.database is not None
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnreachableError(
                f"cannot create the folder {folder} for the SQLite database ({exc.strerror}); "
                "check the path and its permissions, or give another --db / CCHC_DB"
            ) from None
    return parsed


def _install_sqlite_listeners(engine: Engine, busy_timeout_ms: int) -> None:
    """Per-connection pragmas and explicit BEGIN handling for SQLite (see module docstring)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so our BEGIN (and SAVEPOINTs) are what runs.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"unknown SQLite begin mode {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")


def build_engine(url: URL, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> Engine:
    """Create the engine for a resolved URL; an unknown driver is a `DatabaseURLError`."""
    kwargs: dict[str, Any] = {"future": True}
    if url.get_backend_name() == "sqlite":
        # check_same_thread off: the pool hands a connection to one thread at a time, and item
        # pipelines may write from a worker thread (deferToThread) to keep the reactor free.
        kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000.0, "check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseURLError(
            f"database URL {url.render_as_string(hide_password=True)!r} cannot be used ({exc}); "
            "use sqlite:///PATH or postgresql://USER@HOST/DBNAME"
        ) from None
    if url.get_backend_name() == "sqlite":
        _install_sqlite_listeners(engine, busy_timeout_ms)
    return engine


def write_engine(engine: Engine) -> Engine:
    """The same engine (same pool) whose SQLite transactions start with BEGIN IMMEDIATE."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    return engine


def display_url(url: URL) -> str:
    """The URL as it may be printed (password hidden)."""
    return url.render_as_string(hide_password=True)
