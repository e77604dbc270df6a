"""PostgreSQL: the search entries' tsvectors are kept in the row, compressed, not in the TOAST table
(issue 12: search < 1 s at a year of 15,000 portals): ``ALTER COLUMN fts, title_fts SET STORAGE MAIN``,
and the table rewritten so the rows already stored take that layout.

Why: ranking reads each matching entry's whole ``fts`` (``ts_rank_cd``, the phrase test). An entry
holds its title, its body and the two tsvectors of them, about 3.6 KB before compression, so under the
default storage PostgreSQL compressed the body, then moved the largest value out of the row, which for
136,240 of 475,312 entries (a year of 15,000 portals) was ``fts`` itself: ranking the 66,585 entries
whose title holds "kế hoạch tuyên truyền" then read the TOAST index and its chunks for each (211,000
buffer hits and 98,000 reads for 15,000 heap blocks). With MAIN the tsvectors are compressed in place
and moved out only as a last resort, so the body (which no search reads: the snippets come from
``document_versions``) goes to TOAST instead. Measured there: the title pass's SQL 0.50-0.53 ->
0.43 s, the whole `cchc report search` 1.29-1.35 -> 0.90-0.97 s (both with the fenced title pass of
`reports.search`). Keeping every value in the row uncompressed (``toast_tuple_target`` 8160) made
the heap 1.5 GB and was no faster (0.50-0.57 s).

The rewrite is ``CLUSTER … USING`` the primary key (it runs inside the migration's transaction, where
``VACUUM FULL`` cannot), which re-toasts every row under the new storage; the table is then marked
unclustered again. It takes an exclusive lock on ``search_entries`` for as long as the rewrite
(about 30 s for 475,000 entries); searches wait for it. Downgrade restores the default storage for
rows written later and leaves the stored ones as they are (either layout reads the same).
SQLite: nothing (its FTS5 index is a table of its own).

Self-contained: plain SQL, no imports from the application.

Revision ID: 0022
Revises: 0021
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_entries ALTER COLUMN fts SET STORAGE MAIN, "
                   "ALTER COLUMN title_fts SET STORAGE MAIN")
        op.execute("CLUSTER search_entries USING pk_search_entries")
        op.execute("ALTER TABLE search_entries SET WITHOUT CLUSTER")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_entries ALTER COLUMN fts SET STORAGE EXTENDED, "
                   "ALTER COLUMN title_fts SET STORAGE EXTENDED")
