"""Opening a database: URL resolution and file checks, migrations, sessions and error translation.

Why apart from `Store`: every command opens the database the same way (the checks of
`storage.engine`, then "migrate or refuse"), and every driver error must become the one-line
`StorageError` a person can act on, whichever part of storage met it. `Store`, the ``cchc db``
commands and the scheduler's lock and job store all come through here.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage import derived
from storage.engine import (
    DEFAULT_BUSY_TIMEOUT_MS,
    build_engine,
    check_sqlite_file,
    display_url,
    dispose,
    resolve_url,
    sqlite_path,
    write_engine,
)
from storage.errors import (
    DatabaseUnreachableError,
    SchemaOutdatedError,
    StorageError,
    corrupt_error,
    sqlite_problem,
)
from storage.schema_head import stamped_at_head


def translate_error(exc: DBAPIError, where: str, busy_timeout_ms: int) -> StorageError:
    """Map a driver error to the StorageError a person can act on."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    lowered = message.lower()
    sqlite_error = sqlite_problem(message, where, busy_timeout_ms)
    if sqlite_error is not None:
        return sqlite_error
    if "no such table" in lowered or "undefinedtable" in type(exc.orig).__name__.lower() or (
        "relation" in lowered and "does not exist" in lowered
    ):
        return SchemaOutdatedError(
            f"the database {where} has no CCHC Watch schema (or an incomplete one): run "
            f"`cchc db upgrade --db {where}`. Nothing was changed."
        )
    first_line = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    if "read-only transaction" in lowered:
        return StorageError(f"the database {where} was opened read-only and a write was attempted "
                            f"({first_line}). Nothing was changed.")
    if not isinstance(exc, (OperationalError, InterfaceError)):
        return StorageError(f"the database {where} refused an operation: {first_line}. Nothing was changed.")
    return DatabaseUnreachableError(
        f"cannot use the database {where}: {first_line}. Check that the server is running and "
        "reachable, that the database exists (createdb) and the URL is right (--db or CCHC_DB); "
        "for SQLite check the path and its permissions."
    )


def describe_db_error(exc: DBAPIError, where: str, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> StorageError:
    """The `StorageError` for a driver error met outside `Store` (the scheduler's lock and job store)."""
    return translate_error(exc, where, busy_timeout_ms)


def open_engine(url: str | None, busy_timeout_ms: int, create: bool,
                read_only: bool = False) -> tuple[Engine, URL]:
    """Resolve the URL and build its engine after the file checks (`storage.engine` docstring).

    ``create=False`` refuses a SQLite file that does not exist; ``read_only`` also refuses an empty
    one and opens the file with ``mode=ro``. Neither creates the file's folder. A writing open of an
    existing SQLite file also runs `_quick_check` first.
    """
    resolved = resolve_url(url, create_folder=create and not read_only)
    if resolved.get_backend_name() == "sqlite":
        where = display_url(resolved)
        check_sqlite_file(sqlite_path(resolved), where, read_only=read_only or not create)
        if not read_only:
            _quick_check(resolved, where, busy_timeout_ms)
    return build_engine(resolved, busy_timeout_ms=busy_timeout_ms, read_only=read_only), resolved


def _quick_check(resolved: URL, where: str, busy_timeout_ms: int) -> None:
    """Before a writing command touches a SQLite file, ``PRAGMA quick_check`` (no index cross-check).

    The header check on open cannot see a damaged page deep in a table the command may never read;
    writing into such a file would bury the damage under new data. quick_check reads every page once
    (measured: 0.55 s for a 195 MB file with a warm cache, against 2.4 s for the full integrity_check
    that `cchc db check` runs), a small price next to a crawl, paid only by writing opens. It runs on a
    read-only connection, before the writing engine's first connection could switch the journal mode.
    """
    if resolved.get_backend_name() != "sqlite":
        return
    path = sqlite_path(resolved)
    if not path.is_file() or path.stat().st_size == 0:
        return  # a new database: nothing to check yet
    engine = build_engine(resolved, busy_timeout_ms=busy_timeout_ms, read_only=True)
    try:
        with engine.connect() as conn:
            problems = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check(5)")]
    except DBAPIError as exc:
        raise translate_error(exc, where, busy_timeout_ms) from None
    finally:
        dispose(engine)
    if problems != ["ok"]:
        raise corrupt_error(where, "; ".join(problems[:2]))


def open_at_head(url: str | None, *, upgrade: bool, create: bool, read_only: bool,
                 busy_timeout_ms: int) -> tuple[Engine, URL]:
    """The engine of a database at this code's head revision (`Store.open` documents the flags).

    A database at an unknown (newer) revision is always refused, untouched; an older one is migrated
    when `upgrade`, else refused with the command that fixes it. The engine is disposed on any error.
    A database stamped at `HEAD_REVISION` (the usual case) is accepted without importing Alembic or
    reading the migration scripts (`storage.schema_head`); any other stamp takes the full path.
    """
    engine, resolved = open_engine(url, busy_timeout_ms, create=create, read_only=read_only)
    where = display_url(resolved)
    try:
        with engine.connect() as conn:
            if stamped_at_head(conn):
                return engine, resolved
        from storage import migrate  # Alembic and the scripts: only for a database not at head

        with engine.connect() as conn:
            current = migrate.current_revisions(conn)
        migrate.check_known(current, where)
        if not migrate.is_at_head(current):
            if not upgrade:
                raise SchemaOutdatedError(
                    f"the database {where} is at schema revision {', '.join(current) or '(none)'}, "
                    f"older than this code's {migrate.head_revision()}: run "
                    f"`cchc db upgrade --db {where}`. Nothing was changed."
                )
            migrate.upgrade(write_engine(engine), where)
    except DBAPIError as exc:
        dispose(engine)
        raise translate_error(exc, where, busy_timeout_ms) from None
    except BaseException:
        dispose(engine)
        raise
    return engine, resolved


def schema_status(url: str | None = None, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> dict[str, Any]:
    """The database's schema revision next to the code's head, without changing anything.

    ``state`` is "current", "outdated" (older or empty: `cchc db upgrade` fixes it) or "newer"
    (written by a newer CCHC Watch).
    """
    from storage import migrate  # a `cchc db` command: Alembic is what it is about

    engine, resolved = open_engine(url, busy_timeout_ms, create=False, read_only=True)
    where = display_url(resolved)
    try:
        with engine.connect() as conn:
            current = migrate.current_revisions(conn)
    except DBAPIError as exc:
        raise translate_error(exc, where, busy_timeout_ms) from None
    finally:
        dispose(engine)
    head = migrate.head_revision()
    try:
        migrate.check_known(current, where)
        state = "current" if current == (head,) else "outdated"
    except StorageError:
        state = "newer"
    return {"url": where, "current": list(current), "head": head, "state": state}


def upgrade_database(url: str | None = None, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> tuple[list[str], list[str]]:
    """Bring a database (new or older) to the head revision; returns (revisions before, after)."""
    from storage import migrate

    engine, resolved = open_engine(url, busy_timeout_ms, create=True)
    where = display_url(resolved)
    try:
        before, after = migrate.upgrade(write_engine(engine), where)
        derived.refresh(write_engine(engine))  # readers never write the derived tables (storage/derived.py)
    except DBAPIError as exc:
        raise translate_error(exc, where, busy_timeout_ms) from None
    finally:
        dispose(engine)
    return list(before), list(after)


class Readable(Protocol):
    """Anything that hands out read sessions (a `Store`, a `Sessions`): what a streaming reader needs,
    so such a reader does not have to import `Store` (and `Store` can import it)."""

    def read(self) -> AbstractContextManager[Session]:
        """A read transaction whose driver errors become StorageErrors."""
        ...


class Sessions:
    """Write and read transactions on one engine, with driver errors translated.

    Writes run on the engine's writing variant (``BEGIN IMMEDIATE`` on SQLite), reads on a deferred
    transaction that never waits behind a writer in WAL mode.
    """

    def __init__(self, engine: Engine, where: str, busy_timeout_ms: int) -> None:
        self.engine = engine
        self.where = where
        self.busy_timeout_ms = busy_timeout_ms
        self._factory = sessionmaker(bind=write_engine(engine), expire_on_commit=False)

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, committed when the block ends, rolled back whole on any error."""
        session = self._factory()
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            session.rollback()
            raise translate_error(exc, self.where, self.busy_timeout_ms) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction (deferred: never waits behind a writer on SQLite in WAL mode)."""
        session = Session(bind=self.engine)
        try:
            yield session
        except DBAPIError as exc:
            raise translate_error(exc, self.where, self.busy_timeout_ms) from None
        finally:
            session.close()
