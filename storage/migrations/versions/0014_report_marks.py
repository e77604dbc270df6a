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

Self-contained: plain ``sa`` types, no imports from the application; depends on no revision after
0012 (it touches only what 0003 and 0001 created).

Revision ID: 0014
Revises: 0012
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

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


def downgrade() -> None:
    op.drop_index("ix_document_versions_plan", table_name="document_versions")
    op.drop_table("search_index_marks")
