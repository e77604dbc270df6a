"""What the reports' questions need at a year of daily runs (issue 12): the search index's watermark
and a covering index for "the plans of a year".

- ``search_index_marks``: one row the search index's refresh writes (`storage.search_index.marks`):
  the newest run closed, and the largest version and attachment ids, when the index was last brought
  up to date. A reader compares it with the same three maxima (keyed lookups) instead of anti-joining
  every current version and attachment against the index, which took seconds at a year of 15,000
  portals. It is filled by the refresh that follows every upgrade (`storage.upgrade_database`).
- ``ix_document_versions_plan`` on (category, plan_year, plan_period, document_id): `reports.base.
  plan_candidates` ("documents with a version that is a plan of this kind, for this year or for a
  period") is answered from the index alone, instead of reading every version of the kind (all years)
  through the category index.
- PostgreSQL: ``search_entries.fts``, the entry's ``tsvector`` STORED (a generated column of the same
  expression 0003 indexed), and ``ix_search_entries_fts`` rebuilt on it. The search ranks every match
  (``ts_rank_cd``) and tests it as a phrase; over the expression index each of those recomputed
  ``to_tsvector(cchc_unaccent(body))`` per matching entry (14 s for a common word at 1,000 portals x 60
  days); over the stored column they read it.

Self-contained: plain ``sa`` types, no imports from the application; depends on no revision after
0012 (it touches only what 0003 and 0001 created).

Revision ID: 0014
Revises: 0012
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

#: the indexed document of an entry (0003's expression, over cchc_unaccent: an IMMUTABLE wrapper)
PG_TSVECTOR = "to_tsvector('simple'::regconfig, cchc_unaccent(coalesce(title, '') || ' ' || coalesce(body, '')))"

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "search_index_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_index_marks")),
    )
    op.create_index("ix_document_versions_plan", "document_versions",
                    ["category", "plan_year", "plan_period", "document_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE search_entries ADD COLUMN fts tsvector GENERATED ALWAYS AS ({PG_TSVECTOR}) STORED")
        op.execute("DROP INDEX IF EXISTS ix_search_entries_fts")
        op.execute("CREATE INDEX ix_search_entries_fts ON search_entries USING gin (fts)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entries_fts")
        op.execute("ALTER TABLE search_entries DROP COLUMN fts")
        op.execute(f"CREATE INDEX ix_search_entries_fts ON search_entries USING gin ({PG_TSVECTOR})")
    op.drop_index("ix_document_versions_plan", table_name="document_versions")
    op.drop_table("search_index_marks")
