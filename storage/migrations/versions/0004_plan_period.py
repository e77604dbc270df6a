"""Period plans (issue 11): ``document_versions.plan_period``.

A plan for a period ("Kế hoạch cải cách hành chính giai đoạn 2021–2025") is not a yearly plan: its
``plan_year`` is null and ``plan_period`` holds "2021-2025", so coverage can count yearly plans and
still show a period plan that spans the year asked about. Indexed like ``plan_year`` (coverage filters
on it). Self-contained: plain SQLAlchemy types, no imports from the application.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_period", sa.String(length=9), nullable=True))
        batch_op.create_index(batch_op.f("ix_document_versions_plan_period"), ["plan_period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("document_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_versions_plan_period"))
        batch_op.drop_column("plan_period")
