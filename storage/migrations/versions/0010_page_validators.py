"""Page validators for the incremental crawl (issue 12): ``page_validators``, one row per page with
the ETag / Last-Modified the server last sent and the hash of the body, read at the start of a run to
send conditional requests and to recognise an unchanged page without extracting it.

Self-contained: plain ``sa`` types, no imports from the application.

Revision ID: 0010
Revises: 0009
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "page_validators",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("portal_id", sa.String(length=120), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=300), nullable=True),
        sa.Column("last_modified", sa.String(length=80), nullable=True),
        sa.Column("body_sha256", sa.String(length=64), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["portal_id"], ["portals.id"], name=op.f("fk_page_validators_portal_id_portals")),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name=op.f("fk_page_validators_run_id_crawl_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_validators")),
        sa.UniqueConstraint("portal_id", "url", name=op.f("uq_page_validators_portal_id_url")),
    )
    op.create_index(op.f("ix_page_validators_run_id"), "page_validators", ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_page_validators_run_id", table_name="page_validators")
    op.drop_table("page_validators")
