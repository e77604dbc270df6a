"""`reports.base.open_store`, imported on first use by the report commands.

Why: the command modules are imported to declare their options, and `cchc report coverage --help` must
answer in < 0.3 s (issue 12), so importing them may not pull in SQLAlchemy or the storage layer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage import Store


def open_store(db_url: str | None) -> Store:
    """Open the database read-only for a report (see `reports.base.open_store`)."""
    from reports.base import open_store as _open_store

    return _open_store(db_url)
