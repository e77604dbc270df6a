"""The head id the fast open path uses (`storage.schema_head`) must be Alembic's real head.

Why: a report opens the store by comparing ``alembic_version`` with `HEAD_REVISION`, without loading
the migration scripts; a new migration added without updating that constant would let the code accept
a database one schema behind. This test computes the head from the scripts and fails in that case.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from storage import SchemaOutdatedError, Store, migrate
from storage.schema_head import HEAD_REVISION


def test_fast_path_head_is_alembics_head() -> None:
    assert HEAD_REVISION == migrate.head_revision()


def test_opening_a_database_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    """In a fresh interpreter, opening a database already at head loads neither Alembic nor the scripts."""
    url = f"sqlite:///{tmp_path / 'head.sqlite'}"
    Store.open(url).close()  # creates and migrates (slow path)
    code = (
        "import sys\n"
        "from storage import Store\n"
        f"Store.open({url!r}, read_only=True).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic' or m == 'storage.migrate'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_database_one_revision_behind_still_takes_the_full_check(tmp_path: Path) -> None:
    """A stamp other than the head falls through to Alembic, which names the older revision."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    store = Store.open(url)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0012'"))
    store.close()
    with pytest.raises(SchemaOutdatedError) as info:
        Store.open(url, upgrade=False)
    assert f"revision 0012, older than this code's {HEAD_REVISION}" in str(info.value)
