"""Fixtures of the evidence tests: an empty database on SQLite and on a real PostgreSQL server, each
with its own data folder (blobs live beside the database, `storage.datadir`)."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pgtest import temporary_database  # noqa: E402


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database URL on each backend (no schema yet); PostgreSQL's data folder under tmp_path."""
    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "userdata"))
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/cchc.sqlite"
        return
    with temporary_database(request.getfixturevalue("pg_admin"), "cchc_evidence") as url:
        yield url
