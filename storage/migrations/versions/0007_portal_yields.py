"""The drift canary (issue 14): ``portal_yields``, what each portal's pages yielded in each run.

One row per portal and run with counts (pages fetched and extracted; with a title, a date, a main
text; CCHC pages and those with a document number; a widget reading), written when the run closes
(`storage.health.record_yields`). Must stay equal to `storage.health_models.PortalYield`.
Self-contained: plain SQLAlchemy types, no imports from the application.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("pages_fetched", "pages_extracted", "with_title", "with_date", "with_text", "cchc_pages",
          "cchc_with_number", "widget_readings")


def upgrade() -> None:
    op.create_table(
        "portal_yields",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("portal_id", sa.String(length=120), nullable=False),
        sa.Column("reachable", sa.Boolean(), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name=op.f("fk_portal_yields_run_id_crawl_runs"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["portal_id"], ["portals.id"], name=op.f("fk_portal_yields_portal_id_portals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_yields")),
        sa.UniqueConstraint("run_id", "portal_id", name=op.f("uq_portal_yields_run_id_portal_id")),
    )
    op.create_index("ix_portal_yields_portal_id_run_id", "portal_yields", ["portal_id", "run_id"])


def downgrade() -> None:
    op.drop_index("ix_portal_yields_portal_id_run_id", table_name="portal_yields")
    op.drop_table("portal_yields")
