"""Statements the item writers share: built once per shape, reused with bound parameters.

Why a class of its own: building a SQLAlchemy statement costs more than running it, and a crawl
writes hundreds of thousands of items; every writer (documents, readings, fetches, the incremental
crawl's sightings) takes this one cache with the session it writes in.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import Base
from storage.sightings import Sightings


def table_of(model: type[Base]) -> Table:
    """The model's `Table` (`storage.models.Base` declares ``__table__`` as one: every model has a
    ``__tablename__``)."""
    return model.__table__


class Statements:
    """A statement cache for one database dialect, and the ``INSERT … ON CONFLICT`` upsert built on it."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self._stmts: dict[Any, Any] = {}
        #: sightings as intervals (storage/sightings.py; issue 12), written by the document writers
        self.sightings = Sightings()

    def cached(self, key: Any, build: Callable[[], Any]) -> Any:
        """A statement built once and reused with bound parameters (building costs more than running)."""
        stmt = self._stmts.get(key)
        if stmt is None:
            stmt = self._stmts[key] = build()
        return stmt

    def upsert(self, session: Session, model: type[Base], keys: dict[str, Any], values: dict[str, Any],
               *, keep_when_null: bool) -> None:
        """One ``INSERT … ON CONFLICT (keys) DO UPDATE`` statement (SQLite and PostgreSQL).

        With `keep_when_null`, a None in `values` keeps the stored value (later items merge into
        earlier ones); otherwise the new values replace the row's. The statement is built once per
        shape and reused with bound parameters: building it per item costs more than running it.
        """
        dialect = self.dialect

        def build() -> Any:
            table = table_of(model)
            base = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
            update_set = {
                name: func.coalesce(base.excluded[name], table.c[name]) if keep_when_null else base.excluded[name]
                for name in values
            }
            return base.on_conflict_do_update(index_elements=list(keys), set_=update_set)

        stmt = self.cached(("upsert", model.__tablename__, tuple(keys), tuple(values), keep_when_null), build)
        session.connection().execute(stmt, {**keys, **values})
