"""A covering index for coverage's choice of each unit's plan (issue 12): ``ix_document_versions_plan_rank``.

`reports.coverage_pick.best_plans` ranks, per unit, the versions that are a plan of one kind for one
year, on the version's CCHC flag, organ, issue date and publication date. Those columns sit after the
main text in a version's row, so on SQLite each candidate's rank read its text's overflow pages
(0.33 of a 0.5 s query at 15,000 portals x 30 days). This index holds exactly what the ranking reads,
keyed by (category, plan_year, document_id, version), so the ranking is answered from the index.

Partial (``plan_year IS NOT NULL``): only versions that are a year's plan are ever ranked, a few
percent of all versions, so the index stays small as the archive grows; ``plan_year = :year`` in the
query implies the condition on SQLite and PostgreSQL alike, so both use it.

Self-contained: plain ``sa`` types, no imports from the application.

Revision ID: 0018
Revises: 0017
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["category", "plan_year", "document_id", "version", "is_cchc", "organ", "doc_date", "published_at"]
WHERE = sa.text("plan_year IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_document_versions_plan_rank", "document_versions", COLUMNS, unique=False,
                    sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade() -> None:
    op.drop_index("ix_document_versions_plan_rank", table_name="document_versions")
