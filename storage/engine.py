"""Database URL resolution and engine set-up for SQLite (embedded default) and PostgreSQL.

SQLite is tuned for one writer (the crawl) and concurrent readers (reports, Datasette): WAL journal,
foreign keys on, a busy timeout, and write transactions that start with ``BEGIN IMMEDIATE`` so a
writer waits for the lock up front instead of failing half-way when a read transaction tries to
upgrade to a write (pysqlite's default deferred BEGIN does that, and the busy handler cannot help).
Read-only work uses a plain deferred ``BEGIN`` and so never blocks behind a crawl.

Nothing is lost silently: a URL that names no file (``sqlite:///`` from an unset shell variable,
``--db ''``, an in-memory database) is refused, because a crawl into it would report "complete" and
keep nothing. Read-only commands (exports, reports, ``units show``, ``serve``, ``db current``) open a
SQLite file with the URI ``mode=ro`` (the file is never opened for writing, so it can be neither
created, converted to WAL nor written) and never create its folder; `dispose` removes the empty -wal
and -shm files such a reader needed, when it found none. Every SQLite open first reads the
file's 100-byte header (`check_sqlite_file`): the magic string, a sane page size, and a file at least
as long as the header says. That costs one small read whatever the database's size; deeper damage is
met by the first query that reads a bad page, and the engine's ``handle_error`` hook turns SQLite's
corruption and lock errors into the one-line `StorageError` for them wherever that happens.
`cchc db check` runs the full ``PRAGMA integrity_check``.
"""
from __future__ import annotations

import os
import sqlite3
import stat
import time
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from storage.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    DatabaseUnreachableError,
    DatabaseURLError,
    corrupt_error,
    locked_error,
    sqlite_problem,
)
from storage.locks import sqlite_lock_holders

ENV_VAR = "CCHC_DB"
DEFAULT_SQLITE_PATH = Path("data") / "cchc.sqlite"
DEFAULT_BUSY_TIMEOUT_MS = 30_000
#: Execution option the SQLite ``begin`` listener reads: "DEFERRED" (default) or "IMMEDIATE".
SQLITE_BEGIN_OPTION = "cchc_sqlite_begin"
#: Read-only SQLite engines that found no -wal/-shm beside their file: `dispose` tidies what they made.
_TIDY_AFTER: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()
#: The first 16 bytes of every SQLite 3 database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
SQLITE_HEADER_SIZE = 100


def resolve_url(url: str | None = None, *, create_folder: bool = True) -> URL:
    """Turn ``--db`` / ``CCHC_DB`` / the default into a SQLAlchemy URL.

    Accepts full URLs (``sqlite:///x.sqlite``, ``postgresql://user@host/db``) and plain file paths
    (``x.sqlite``, ``/tmp/a.db``), which mean SQLite. ``postgresql://`` and ``postgres://`` get the
    psycopg 3 driver because that is the one the project installs. ``url=None`` means "not given":
    ``$CCHC_DB``, else the default file. An empty ``--db``, an empty ``CCHC_DB`` (set, but to nothing)
    and a SQLite URL without a file are refused: each is what an unset shell variable produces, and
    a crawl into it would store nothing. With `create_folder` (writing commands) the SQLite file's
    folder is created; read-only commands pass False and never create anything.
    """
    if url is None:
        env = os.environ.get(ENV_VAR)
        if env is not None and not env.strip():
            raise DatabaseURLError(
                f"{ENV_VAR} is set but empty (an unset shell variable?): set it to a database URL or "
                f"SQLite path, or unset it to use the default ./{DEFAULT_SQLITE_PATH.as_posix()}"
            )
        raw = env if env is not None else f"sqlite:///{DEFAULT_SQLITE_PATH.as_posix()}"
    elif not url.strip():
        raise DatabaseURLError(
            "--db is empty (an unset shell variable?): give a database URL or SQLite path, or leave "
            f"--db out to use ${ENV_VAR} or ./{DEFAULT_SQLITE_PATH.as_posix()}"
        )
    else:
        raw = url
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
    if backend == "sqlite":
        _refuse_fileless_sqlite(parsed, raw)
    if backend == "sqlite" and create_folder:
        folder = sqlite_path(parsed).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnreachableError(
                f"cannot create the folder {folder} for the SQLite database ({exc.strerror}); "
                "check the path and its permissions, or give another --db / CCHC_DB"
            ) from None
    return parsed


def _refuse_fileless_sqlite(parsed: URL, raw: str) -> None:
    """A SQLite URL must name a file: an in-memory database vanishes with the command, silently."""
    database = (parsed.database or "").strip()
    in_memory = (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or str(parsed.query.get("mode", "")).lower() == "memory"
    )
    if not in_memory:
        return
    if database == "":
        why = "names no file (an unset shell variable in sqlite:///$VAR?)"
    else:
        why = "is an in-memory database, which is lost when the command ends"
    raise DatabaseURLError(
        f"database URL {raw!r} {why}: nothing would be kept. Give a file, e.g. sqlite:///data/cchc.sqlite "
        "or a plain path (set --db or CCHC_DB)"
    )


def sqlite_path(url: URL) -> Path:
    """The SQLite file a resolved URL names, exactly as SQLite will open it (`resolve_url` refuses URLs
    without one)."""
    return Path(url.database or "")


def check_sqlite_file(path: Path, where: str, *, read_only: bool) -> None:
    """The cheap check every SQLite open makes before SQLite touches the file (see module docstring).

    Reads at most the 100-byte header: constant cost whatever the database's size. A read-only open
    also refuses a missing or empty file (SQLite would treat either as a new, empty database and a
    read-only command must not create one); a writing open accepts both (it creates the schema).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        if read_only:
            raise DatabaseUnreachableError(
                f"there is no database at {path}: crawl first (cchc crawl / cchc demo) or point "
                "--db / CCHC_DB at an existing database"
            ) from None
        return
    except OSError as exc:
        raise DatabaseUnreachableError(
            f"cannot read {path} ({exc.strerror}): check the path and its permissions"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseUnreachableError(
            f"{path} is a folder, not a SQLite database: check the path and its permissions "
            "(give a file such as data/cchc.sqlite)"
        )
    if info.st_size == 0:
        if read_only:
            raise DatabaseUnreachableError(
                f"{path} is an empty file (0 bytes), not a CCHC Watch database: nothing to read. Point "
                "--db / CCHC_DB at a database (crawl first), or create one with `cchc db upgrade`"
            )
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(SQLITE_HEADER_SIZE)
    except OSError as exc:
        raise DatabaseUnreachableError(
            f"cannot read {path} ({exc.strerror}): check the path and its permissions"
        ) from None
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseCorruptError(
            f"{path} is not a SQLite database (its first bytes are not SQLite's header, or it is "
            "damaged): point --db / CCHC_DB at a CCHC Watch database or at a new file name. "
            "Nothing was written to it.",
            "the first 16 bytes are not SQLite's header: not a SQLite database, or overwritten",
        )
    detail = _header_problem(header, info.st_size)
    if detail:
        raise corrupt_error(where, detail)


def _header_problem(header: bytes, file_size: int) -> str | None:
    """What is wrong with a SQLite header next to the file's size (format: sqlite.org/fileformat.html)."""
    if len(header) < SQLITE_HEADER_SIZE:
        return f"the file is {file_size} bytes, shorter than SQLite's {SQLITE_HEADER_SIZE}-byte header"
    raw_page = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw_page == 1 else raw_page
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return f"the header's page size {raw_page} is impossible"
    if file_size % page_size:
        return f"the file is {file_size} bytes, not a whole number of {page_size}-byte pages: truncated or overwritten"
    # The in-header page count is valid when the change counter equals "version-valid-for".
    if header[24:28] == header[92:96]:
        pages = int.from_bytes(header[28:32], "big")
        if pages * page_size > file_size:
            return (f"the header counts {pages} pages of {page_size} bytes but the file holds "
                    f"{file_size // page_size}: truncated")
    return None


def _set_wal(cur: sqlite3.Cursor, timeout_s: float) -> None:
    """Put the database in WAL mode, waiting up to `timeout_s` as any other statement would.

    Why a loop: while another connection is creating a new database's schema, SQLite can answer this
    pragma "database is locked" at once, without waiting out the busy timeout (in the lock states of a
    journal-mode change the busy handler is not always called). Two processes opening a new database
    at the same moment (two `schedule --once`) then failed in the second one's first statement:
    tests/storage/test_storage_migrations.py (test_concurrent_first_opens_create_the_schema_once)
    failed in 3 of 14 runs of its file, and in none of 20 with this loop. Once the mode is WAL the
    pragma changes nothing, so the retry succeeds as soon as the first connection is done."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _install_sqlite_listeners(engine: Engine, busy_timeout_ms: int, *, read_only: bool, where: str,
                              path: Path) -> None:
    """Per-connection pragmas, explicit BEGIN handling and error translation for SQLite (module docstring)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so our BEGIN (and SAVEPOINTs) are what runs.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys = ON")
            if read_only:
                # Never convert the journal mode from a reader; refuse any write at the statement too.
                cur.execute("PRAGMA query_only = ON")
            else:
                _set_wal(cur, busy_timeout_ms / 1000.0)
                cur.execute("PRAGMA synchronous = NORMAL")
        finally:
            cur.close()

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        # One sentence for a damaged or locked file wherever a query meets it (a report's own SELECT
        # included), instead of a driver traceback. Raising here replaces SQLAlchemy's exception.
        original = context.original_exception
        if isinstance(original, sqlite3.Error):
            problem = sqlite_problem(str(original), where, busy_timeout_ms)
            if isinstance(problem, DatabaseLockedError):
                problem = locked_error(where, busy_timeout_ms / 1000, sqlite_lock_holders(path))
            if problem is not None:
                raise problem from None

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        if mode not in ("DEFERRED", "IMMEDIATE"):
            raise ValueError(f"unknown SQLite begin mode {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")


def build_engine(url: URL, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, read_only: bool = False) -> Engine:
    """Create the engine for a resolved URL; an unknown driver is a `DatabaseURLError`.

    `read_only` opens SQLite with the URI ``mode=ro`` (the OS-level open is read-only: nothing can
    create, convert or write the file) and PostgreSQL sessions with ``default_transaction_read_only``.
    """
    kwargs: dict[str, Any] = {"future": True}
    if url.get_backend_name() == "sqlite":
        # check_same_thread off: the pool hands a connection to one thread at a time, and item
        # pipelines may write from a worker thread (deferToThread) to keep the reactor free.
        kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000.0, "check_same_thread": False}
        if read_only:
            kwargs["creator"] = _read_only_creator(sqlite_path(url), busy_timeout_ms)
            companions_absent = not any(p.exists() for p in wal_companions(sqlite_path(url)))
    else:
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = {"connect_timeout": 10}
        if read_only:
            kwargs["connect_args"]["options"] = "-c default_transaction_read_only=on"
    try:
        engine = create_engine(url, **kwargs)
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseURLError(
            f"database URL {url.render_as_string(hide_password=True)!r} cannot be used ({exc}); "
            "use sqlite:///PATH or postgresql://USER@HOST/DBNAME"
        ) from None
    if url.get_backend_name() == "sqlite":
        _install_sqlite_listeners(engine, busy_timeout_ms, read_only=read_only, where=display_url(url),
                                  path=sqlite_path(url))
        if read_only and companions_absent:
            _TIDY_AFTER[engine] = sqlite_path(url)
    return engine


def wal_companions(path: Path) -> tuple[Path, Path]:
    """The -wal and -shm files SQLite keeps beside a WAL database while it is open."""
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def dispose(engine: Engine) -> None:
    """Close every pooled connection; after a read-only SQLite engine, leave the folder as it was found.

    A ``mode=ro`` connection to a WAL database creates the -wal and -shm files to read but may not
    remove them (SQLite's last connection removes them only if it can write). When there were none
    before, a last short connection does what SQLite's last reader would: it opens the file (read-write
    at the OS level, ``query_only`` on, no statement that writes), reads the schema and closes; SQLite
    then checkpoints an empty WAL (no page written, the database file's bytes and time unchanged) and
    deletes both files. If another process has the database open meanwhile, SQLite keeps them for it.
    """
    engine.dispose()
    path = _TIDY_AFTER.pop(engine, None)
    if path is None or not any(p.exists() for p in wal_companions(path)):
        return
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=rw", uri=True, timeout=0.2)
    except sqlite3.Error:
        return  # write-protected: the files stay, as they would for any reader
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        pass  # a damaged schema: closing still lets SQLite drop its empty companions
    finally:
        conn.close()


def _read_only_creator(path: Path, busy_timeout_ms: int) -> Any:
    """A connection factory opening `path` with ``mode=ro`` (absolute, percent-encoded as a URI path)."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000.0, check_same_thread=False)

    return connect


def write_engine(engine: Engine) -> Engine:
    """The same engine (same pool) whose SQLite transactions start with BEGIN IMMEDIATE."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    return engine


def display_url(url: URL) -> str:
    """The URL as it may be printed (password hidden)."""
    return url.render_as_string(hide_password=True)
