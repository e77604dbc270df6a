"""Storage errors a person can act on.

Every failure that comes from *configuration or environment* (a bad URL, a server that is down, a
database written by newer code, a SQLite file another process holds locked) is raised as a
`StorageError` subclass whose message says what to do. The CLI prints the message and exits 2 instead
of showing a traceback; callers that want to react programmatically catch the specific subclass.
"""
from __future__ import annotations


class StorageError(Exception):
    """Base class: a storage problem whose message tells the user what to do."""


class DatabaseURLError(StorageError):
    """The database URL (``--db`` / ``CCHC_DB``) does not parse or names an unsupported driver."""


class DatabaseUnreachableError(StorageError):
    """The database server (or SQLite file) could not be opened."""


class SchemaTooNewError(StorageError):
    """The database was migrated by newer code: its Alembic revision is unknown to this version."""


class SchemaOutdatedError(StorageError):
    """The database is behind the code and the caller asked not to upgrade it."""


class DatabaseLockedError(StorageError):
    """Another process holds the SQLite file locked for longer than the busy timeout."""


class UnknownRunError(StorageError):
    """A run id that is not in the database was given."""


class ExportError(StorageError):
    """An export was asked for an unknown kind or format."""
