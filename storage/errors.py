"""Storage errors a person can act on.

Every failure that comes from *configuration or environment* (a bad URL, a server that is down, a
database written by newer code, a SQLite file another process holds locked, a damaged SQLite file) is
raised as a `StorageError` subclass whose message says what to do. The CLI prints the message and exits
2 instead of showing a traceback; callers that want to react programmatically catch the specific
subclass.

`sqlite_problem` classifies a SQLite driver message in ONE place, so a corrupted or locked file gives
the same sentence whether the open, a crawl's write or a report's query met it first (the engine's
``handle_error`` hook in `storage.engine` and `Store` both use it).
"""
from __future__ import annotations


class StorageError(Exception):
    """Base class: a storage problem whose message tells the user what to do."""


class DatabaseURLError(StorageError):
    """The database URL (``--db`` / ``CCHC_DB``) does not parse, names no file, or names an unsupported driver."""


class DatabaseUnreachableError(StorageError):
    """The database server (or SQLite file) could not be opened."""


class DatabaseCorruptError(DatabaseUnreachableError):
    """The SQLite file is damaged or is not a SQLite database at all; nothing is written into it.

    A subclass of `DatabaseUnreachableError` because, to a caller, it is a database that cannot be used;
    its own class lets `cchc db check` and tests tell "damaged" from "absent". `detail` is the finding
    alone (SQLite's words, or what the header check saw), without the advice around it.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


class DatabaseReadOnlyError(StorageError):
    """The SQLite file cannot be written: write-protected, or opened read-only by a read-only command."""


class SchemaTooNewError(StorageError):
    """The database was migrated by newer code: its Alembic revision is unknown to this version."""


class SchemaOutdatedError(StorageError):
    """The database is behind the code and the caller asked not to upgrade it."""


class DatabaseLockedError(StorageError):
    """Another process holds the SQLite file locked for longer than the busy timeout.

    `where` is the database as printed and `holders` who holds the lock in words ("" when unknown), so
    a caller that retries (`storage.locks.retry_while_locked`) can restate the error with its total wait.
    """

    def __init__(self, message: str, where: str = "", holders: str = "") -> None:
        super().__init__(message)
        self.where = where
        self.holders = holders


class UnknownRunError(StorageError):
    """A run id that is not in the database was given."""


class ExportError(StorageError):
    """An export was asked for an unknown kind or format."""


#: SQLite's own words for a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB and their older spellings).
CORRUPTION_MARKERS: tuple[str, ...] = (
    "database disk image is malformed",
    "malformed database schema",
    "file is not a database",
    "file is encrypted or is not a database",
    "database corruption",
)


def is_corruption(message: str) -> bool:
    """True when a SQLite error message says the file is damaged or not a database."""
    lowered = message.lower()
    return any(marker in lowered for marker in CORRUPTION_MARKERS)


def corrupt_error(where: str, detail: str) -> DatabaseCorruptError:
    """The one sentence a damaged SQLite file gets, wherever it was met. SQLite's own detail can span
    lines (an integrity check lists a line per damaged page): it is folded into the one line, the
    first three of them and how many more (`cchc db check` lists them all)."""
    lines = [line.strip() for line in detail.splitlines() if line.strip()]
    said = "; ".join(lines[:3]) + (f"; and {len(lines) - 3} more" if len(lines) > 3 else "")
    return DatabaseCorruptError(
        f"the SQLite database {where} is damaged ({said}): nothing was written to it. Run "
        f"`cchc db check --db {where}` for the details, then restore the file from a backup "
        "(or point --db / CCHC_DB at another database).",
        detail,
    )


def locked_error(where: str, waited_s: float, holders: str = "") -> DatabaseLockedError:
    """The one sentence a SQLite file locked past the wait gets; `holders` names who holds it, if known."""
    who = holders or "another process (a crawl, an upgrade or an open transaction)"
    return DatabaseLockedError(
        f"the SQLite database {where} is locked by {who} and stayed locked for {waited_s:g} s. Wait for "
        "that process to finish or stop it, then retry. Nothing was changed.",
        where,
        holders,
    )


def sqlite_problem(message: str, where: str, busy_timeout_ms: int) -> StorageError | None:
    """The `StorageError` a SQLite driver message stands for, or None when it is not an environment problem."""
    lowered = message.lower()
    first_line = message.strip().splitlines()[0] if message.strip() else "no detail"
    if is_corruption(message):
        return corrupt_error(where, first_line)
    if "database is locked" in lowered or "database table is locked" in lowered or "database is busy" in lowered:
        return locked_error(where, busy_timeout_ms / 1000)
    if "readonly database" in lowered or "read-only database" in lowered:
        return DatabaseReadOnlyError(
            f"the SQLite database {where} cannot be written ({first_line}): check the permissions of the "
            "file and of its folder (read-only commands open it read-only and never write). Nothing was changed."
        )
    return None
