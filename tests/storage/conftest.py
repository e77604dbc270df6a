"""Fixtures: every storage test runs against SQLite AND a real PostgreSQL server.

The PostgreSQL fixture creates its own uniquely named database on the server (loopback by default,
``CCHC_TEST_PG_URL`` overrides the server URL) and drops it afterwards. An unreachable server is a
test FAILURE, not a skip: PostgreSQL support is a requirement, and a silently skipped half of the
suite would hide its regressions.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from pgtest import temporary_database

from storage import Store


@pytest.fixture
def pg_url(pg_admin: object) -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database for one test (locale-aware collation), dropped afterwards."""
    with temporary_database(pg_admin, "cchc_test", icu=True) as url:  # type: ignore[arg-type]
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """A database URL on each backend (an empty database, no schema yet)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/cchc.sqlite"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """An opened (migrated) store on each backend."""
    opened = Store.open(db_url)
    try:
        yield opened
    finally:
        opened.close()
