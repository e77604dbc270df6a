"""PostgreSQL: each search entry's title as a stored ``tsvector`` with its own GIN index (issue 12:
search < 1 s at a year of 15,000 portals): ``search_entries.title_fts``, ``ix_search_entries_title_fts``.

`reports.search` ranks a document whose title holds every word above any other. It tested that per
matching entry with ``to_tsvector('simple', title)``, which parsed the title of each of the ~120,000
entries a common phrase matches (a third of the query's time), and it could not find the title hits
without reading every match. With the stored column the test is a read, and the index finds the
entries whose title holds every word, so when there are enough of them to fill the answer only
they are ranked (the same first pass the search makes on SQLite's FTS5 ``title`` column).

The entry's ``title`` is already folded by the writer (`storage.search_index.index_text`), so the
expression needs no unaccent. SQLite: nothing (its FTS5 table has a title column since 0003).

Self-contained: plain SQL, no imports from the application.

Revision ID: 0021
Revises: 0020
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_TITLE = "to_tsvector('simple'::regconfig, coalesce(title, ''))"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE search_entries ADD COLUMN title_fts tsvector GENERATED ALWAYS AS ({PG_TITLE}) STORED")
        op.execute("CREATE INDEX ix_search_entries_title_fts ON search_entries USING gin (title_fts)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entries_title_fts")
        op.execute("ALTER TABLE search_entries DROP COLUMN title_fts")
