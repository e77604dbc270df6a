"""The schema head revision this code expects, known without loading Alembic or the migration scripts.

Why a constant: every command opens the store and must refuse a database that is not at this code's
head, but importing Alembic and reading every script in ``storage/migrations`` to learn the head cost
about a quarter of a report command's start-up (issue 12). Opening compares this id with the row of
``alembic_version`` read by plain SQL; only when they differ (an older, newer or empty database) or for
the ``cchc db`` commands are Alembic and the scripts loaded (`storage.migrate`).

A new migration must update `HEAD_REVISION`: tests/storage/test_schema_head.py compares it with the
head Alembic computes from the scripts, so a stale value fails the test suite.
"""
from __future__ import annotations

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

#: The newest revision in ``storage/migrations/versions`` (the one with no successor).
HEAD_REVISION = "0022"


def stamped_at_head(connection: Connection) -> bool:
    """True when ``alembic_version`` holds exactly one row, `HEAD_REVISION`.

    False on any other content or when the table cannot be read (a new, empty database): the caller then
    takes the slow path through `storage.migrate`, which tells an older database from a newer one. A
    failed SELECT is rolled back here (PostgreSQL would refuse any further statement on the connection).
    """
    try:
        rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    except DBAPIError:
        connection.rollback()
        return False
    return [str(row[0]) for row in rows] == [HEAD_REVISION]
