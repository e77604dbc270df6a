"""PostgreSQL test databases, shared by every test folder (imported as `pgtest`: tests/ is on the
path once the root conftest loads).

Tests run against a real server on loopback (`CCHC_TEST_PG_URL` overrides the maintenance URL); each
test database is created with a unique name and dropped afterwards. An unreachable server FAILS the
tests (the `pg_admin` fixture in tests/conftest.py): PostgreSQL support is a requirement, and a
silently skipped half of the suite would hide its regressions.
"""
from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.engine import URL, Engine, make_url

DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pg_server_url() -> URL:
    """The maintenance-database URL of the test server."""
    url = make_url(os.environ.get("CCHC_TEST_PG_URL") or DEFAULT_PG_SERVER)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def create_database(admin: Engine, prefix: str, *, icu: bool = False) -> tuple[str, str]:
    """Create a uniquely named database; return (name, URL with password)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        created = False
        if icu:
            try:
                # A locale-aware collation (as on most installations) so ordering that silently relies
                # on byte order fails here; plain CREATE DATABASE where the server has no ICU.
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0 LOCALE_PROVIDER icu '
                                  "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"))
                created = True
            except Exception:  # noqa: BLE001 - no ICU / older server: the default collation will do
                created = False
        if not created:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    return name, pg_server_url().set(database=name).render_as_string(hide_password=False)


def drop_database(admin: Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def temporary_database(admin: Engine, prefix: str, *, icu: bool = False) -> Iterator[str]:
    """A fresh database for the duration of the block; yields its URL."""
    name, url = create_database(admin, prefix, icu=icu)
    try:
        yield url
    finally:
        drop_database(admin, name)
