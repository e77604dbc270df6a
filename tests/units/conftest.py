"""Fixtures for the units tests: reference data and catalog built once per session, and databases on
SQLite and a real PostgreSQL server (same pattern as tests/storage/conftest.py: a uniquely named
database per test, created and dropped here; an unreachable server FAILS rather than skips)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from pgtest import temporary_database
from sqlalchemy.engine import Engine

from units.catalog import UnitCatalog
from units.reference import ReferenceData, load_reference


@pytest.fixture(scope="session")
def reference() -> ReferenceData:
    return load_reference()


@pytest.fixture(scope="session")
def catalog(reference: ReferenceData) -> UnitCatalog:
    return UnitCatalog.from_reference(reference)


@pytest.fixture
def pg_url(pg_admin: Engine) -> Iterator[str]:
    with temporary_database(pg_admin, "cchc_units") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/cchc.sqlite"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="module")
def synced_sqlite(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One SQLite database synced once for the read-only tests of a module."""
    from storage import Store
    from units.db import sync

    url = f"sqlite:///{tmp_path_factory.mktemp('units')}/units.sqlite"
    with Store.open(url) as store:
        report = sync(store.engine)
    assert not report.problems, report.problems
    return url
