"""Coverage's ranking index carries the version id on PostgreSQL (issue 12): ``ix_document_versions_plan_rank``
rebuilt there with ``INCLUDE (id)``.

`reports.coverage_pick.best_plans` ranks each unit's plans from the index of migration 0018 and keeps
each candidate's version id for the winner's row. SQLite keeps the rowid (the id) in every index, so
the ranking never reads a row there; PostgreSQL did not have it in the index, so the ranking was a
bitmap heap scan of every candidate version's row (45,000 pages at 15,000 portals x 365 days): the
query took 0.97 s, 0.37 s with the id included (an index-only scan). SQLite: nothing to do.

Self-contained: plain ``sa`` types, no imports from the application.

Revision ID: 0019
Revises: 0018
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_document_versions_plan_rank"
COLUMNS = ["category", "plan_year", "document_id", "version", "is_cchc", "organ", "doc_date", "published_at"]
WHERE = sa.text("plan_year IS NOT NULL")


def _rebuild(include: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(NAME, table_name="document_versions")
    op.create_index(NAME, "document_versions", COLUMNS, unique=False, postgresql_where=WHERE,
                    postgresql_include=include)


def upgrade() -> None:
    _rebuild(["id"])


def downgrade() -> None:
    _rebuild([])
