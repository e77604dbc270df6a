"""Listings covered by a feed (issue 12): ``source_coverage``, one row per portal and listing.

A daily crawl fetched the first page of every listing of every portal, although on most portals the
feed, read the same day, lists every item that page holds. A row here is the proof that it did: in
run ``run_id`` the listing's first page at ``url`` held only entries of the feed at ``feed_url``, the
newest being ``anchor_url`` (or, with ``digest``, only links of the home page, the SHA-256 of whose
links it keeps). Until the portal's next full walk (``CCHC_FULL_WALK_DAYS``) the crawl
reads such a listing through its feed, and fetches it when the feed fails, looks stale or no longer
covers it (`crawler.incremental.Policy.listing_proof`). The row is rewritten in place (one per
listing), so nothing grows with the number of runs.

Downgrade drops the table: the older code fetches every listing daily and never read it.

Self-contained: plain ``sa`` types, no imports from the application.

Revision ID: 0017
Revises: 0016
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "source_coverage",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("portal_id", sa.String(length=120), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("feed_url", sa.Text(), nullable=False),
        sa.Column("anchor_url", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["portal_id"], ["portals.id"], name=op.f("fk_source_coverage_portal_id_portals")),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name=op.f("fk_source_coverage_run_id_crawl_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_coverage")),
        sa.UniqueConstraint("portal_id", "url", name=op.f("uq_source_coverage_portal_id_url")),
    )
    op.create_index(op.f("ix_source_coverage_run_id"), "source_coverage", ["run_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_source_coverage_run_id", table_name="source_coverage")
    op.drop_table("source_coverage")
