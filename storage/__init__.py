"""SQLAlchemy 2.x storage: models, engine setup, repositories, exports and Alembic migrations.

The rest of the product talks to the database only through `Store` (and `schema_status` /
`upgrade_database` for the ``cchc db`` commands); every environment problem is a `StorageError`.

`Store` and the functions beside it are imported on first use (PEP 562 ``__getattr__``), not with the
package: every ``import storage.models`` runs this file first, and importing the whole store here (its
writers, exports, run lifecycle) cost each report command about a fifth of its start-up (issue 12)
for code a report never calls. The errors are light and imported at once.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
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

#: The names `__getattr__` takes from `storage.store` when first asked for.
_FROM_STORE = frozenset({"FailedItem", "Store", "schema_status", "upgrade_database"})


def __getattr__(name: str) -> Any:
    """`Store`, `FailedItem`, `schema_status` and `upgrade_database`, imported on first use (module docstring)."""
    if name in _FROM_STORE:
        value = getattr(importlib.import_module("storage.store"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'storage' has no attribute {name!r}")
