"""SQLAlchemy 2.x storage: models, engine setup, repositories, exports and Alembic migrations.

The rest of the product talks to the database only through `Store` (and `schema_status` /
`upgrade_database` for the ``cchc db`` commands); every environment problem is a `StorageError`.
"""
from __future__ import annotations

from storage.errors import (
    DatabaseCorruptError,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    DatabaseUnreachableError,
    DatabaseURLError,
    ExportError,
    SchemaOutdatedError,
    SchemaTooNewError,
    StorageError,
    UnknownRunError,
)
from storage.store import FailedItem, Store, schema_status, upgrade_database

__all__ = [
    "DatabaseCorruptError",
    "DatabaseLockedError",
    "DatabaseReadOnlyError",
    "DatabaseURLError",
    "DatabaseUnreachableError",
    "ExportError",
    "FailedItem",
    "SchemaOutdatedError",
    "SchemaTooNewError",
    "StorageError",
    "Store",
    "UnknownRunError",
    "schema_status",
    "upgrade_database",
]
