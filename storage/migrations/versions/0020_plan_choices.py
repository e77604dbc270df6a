"""Each unit's first plan per kind, year and organ, kept by the writers (issue 12): ``plan_choices`` and
its one-row mark ``plan_choice_marks`` (`storage.plan_choices`).

`cchc report coverage` ranked every unit's candidate plans each time it was asked; the writers now keep
each group's first plan (the end of every crawl run and ``cchc db upgrade`` rebuild it in one
statement), and coverage reads it while the mark says nothing was stored since. The table starts empty
and without a mark: until the next run or ``cchc db upgrade`` fills it, coverage ranks as before.

Downgrade drops both tables: the older code never read them.

Self-contained: plain ``sa`` types, no imports from the application.

Revision ID: 0020
Revises: 0019
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_choices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("portal_id", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("plan_year", sa.Integer(), nullable=False),
        sa.Column("organ", sa.String(length=120), nullable=True),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("issued", sa.String(length=10), nullable=False),
        sa.Column("first_seen_run_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published_at", sa.String(length=40), nullable=True),
        sa.Column("doc_number", sa.String(length=120), nullable=True),
        sa.Column("doc_type", sa.String(length=40), nullable=True),
        sa.Column("doc_date", sa.Date(), nullable=True),
        sa.Column("issuer", sa.String(length=300), nullable=True),
        sa.Column("plan_period", sa.String(length=9), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_choices")),
    )
    op.create_index("ix_plan_choices_category_plan_year_portal_id", "plan_choices",
                    ["category", "plan_year", "portal_id"], unique=False)
    op.create_table(
        "plan_choice_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_choice_marks")),
    )


def downgrade() -> None:
    op.drop_table("plan_choice_marks")
    op.drop_index("ix_plan_choices_category_plan_year_portal_id", table_name="plan_choices")
    op.drop_table("plan_choices")
