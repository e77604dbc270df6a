"""Fixtures every test folder shares."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from pgtest import pg_server_url
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    """An AUTOCOMMIT engine on the server's maintenance database (CREATE/DROP DATABASE need it)."""
    engine = create_engine(pg_server_url(), isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server fails the test
        engine.dispose()
        pytest.fail(
            f"PostgreSQL server {pg_server_url().render_as_string(hide_password=True)} is not reachable "
            f"({type(exc).__name__}: {exc}); start it (scripts/system-deps.sh) or set CCHC_TEST_PG_URL",
            pytrace=False,
        )
    yield engine
    engine.dispose()
