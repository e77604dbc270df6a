"""Fixtures for the report tests: ONE crawled database per session (simulated days 1..3 on a subset of
the registry, see builddb.py), run against SQLite and a copy on a real PostgreSQL server.

Expected values come from the simulator's ground truth (`SimNetwork(day=N).world`), never from the
reports' own output. An unreachable PostgreSQL server FAILS the tests (as in tests/storage).

`CCHC_REPORTS_TEST_DB=/path/reports.sqlite` reuses a database built earlier by
`python -m tests.reports.builddb DIR` (a development shortcut: the crawl takes ~3 minutes).
"""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
import builddb  # noqa: E402
from pgtest import create_database, drop_database  # noqa: E402

from sim.world import World  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def crawled_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The crawled database (SQLite file), built once per session."""
    prebuilt = os.environ.get("CCHC_REPORTS_TEST_DB")
    work = tmp_path_factory.mktemp("reports_db")
    if prebuilt:
        target = work / "reports.sqlite"
        src = create_engine(f"sqlite:///{prebuilt}")
        with src.connect() as conn:  # a consistent copy even in WAL mode
            conn.exec_driver_sql(f"VACUUM INTO '{target}'")
        src.dispose()
    else:
        target = builddb.build(work)
    from storage import upgrade_database

    upgrade_database(f"sqlite:///{target}")
    return target


@pytest.fixture(scope="session")
def crawled_pg(crawled_sqlite: Path, pg_admin: Engine) -> Iterator[str]:
    """The same snapshots copied into a fresh PostgreSQL database (dropped at the end)."""
    name, url = create_database(pg_admin, "cchc_reports")
    try:
        builddb.copy_to(crawled_sqlite, url)
        yield url
    finally:
        drop_database(pg_admin, name)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> str:
    """The crawled database's URL on each backend (reports only read it)."""
    if request.param == "sqlite":
        return f"sqlite:///{request.getfixturevalue('crawled_sqlite')}"
    return request.getfixturevalue("crawled_pg")


@pytest.fixture(params=["sqlite", "postgresql"])
def writable_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A private copy of the crawled database on each backend, for tests that write (review, search)."""
    src: Path = request.getfixturevalue("crawled_sqlite")
    if request.param == "sqlite":
        target = tmp_path / "copy.sqlite"
        shutil.copyfile(src, target)
        yield f"sqlite:///{target}"
        return
    admin = request.getfixturevalue("pg_admin")
    name, url = create_database(admin, "cchc_reports")
    try:
        builddb.copy_to(src, url)
        yield url
    finally:
        drop_database(admin, name)


@pytest.fixture(scope="session")
def worlds() -> dict[int, World]:
    """Ground truth of each crawled day (day N is run N)."""
    return {day: World(seed=0, day=day) for day in range(1, builddb.DAYS + 1)}


from builddb import cchc  # noqa: E402,F401  (helpers live in a uniquely named module)
