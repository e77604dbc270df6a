"""Sightings as intervals (issue 12): ``sighting_intervals`` replaces ``document_sightings``.

One row per document, version and unbroken stretch of consecutive runs that saw it (first and last
run), instead of one row per document per run: an unchanged daily crawl adds nothing here. The
existing rows are converted in SQL (gaps and islands over the runs in id order: consecutive runs
that saw the same version form one interval), then ``document_sightings`` is dropped. The downgrade
expands the intervals back into one row per run.

Self-contained: plain ``sa`` types, no imports from the application.

Revision ID: 0012
Revises: 0010
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sighting_intervals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_sighting_intervals_document_id_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["first_run_id"], ["crawl_runs.id"],
                                name=op.f("fk_sighting_intervals_first_run_id_crawl_runs"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["last_run_id"], ["crawl_runs.id"],
                                name=op.f("fk_sighting_intervals_last_run_id_crawl_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sighting_intervals")),
        sa.UniqueConstraint("document_id", "version", "first_run_id",
                            name=op.f("uq_sighting_intervals_document_id_version_first_run_id")),
    )
    op.create_index("ix_sighting_intervals_last_run_id_first_run_id", "sighting_intervals",
                    ["last_run_id", "first_run_id"], unique=False)
    op.create_index("ix_sighting_intervals_document_id_last_run_id", "sighting_intervals",
                    ["document_id", "last_run_id"], unique=False)
    # gaps and islands: runs numbered in id order; a run number minus the sighting's rank within its
    # document and version is constant along consecutive runs
    op.execute(
        "INSERT INTO sighting_intervals (document_id, version, first_run_id, last_run_id) "
        "SELECT document_id, version, MIN(run_id), MAX(run_id) FROM ("
        "  SELECT s.document_id, s.version, s.run_id, r.n - ROW_NUMBER() OVER ("
        "    PARTITION BY s.document_id, s.version ORDER BY r.n) AS grp"
        "  FROM document_sightings s"
        "  JOIN (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM crawl_runs) r ON r.id = s.run_id"
        ") islands GROUP BY document_id, version, grp"
    )
    with op.batch_alter_table("document_sightings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_sightings_document_id"))
    op.drop_table("document_sightings")


def downgrade() -> None:
    op.create_table(
        "document_sightings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_document_sightings_document_id_documents"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"],
                                name=op.f("fk_document_sightings_run_id_crawl_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_sightings")),
        sa.UniqueConstraint("run_id", "document_id", name=op.f("uq_document_sightings_run_id_document_id")),
    )
    with op.batch_alter_table("document_sightings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_sightings_document_id"), ["document_id"], unique=False)
    op.execute(
        "INSERT INTO document_sightings (run_id, document_id, version) "
        "SELECT r.id, i.document_id, i.version FROM sighting_intervals i "
        "JOIN crawl_runs r ON r.id BETWEEN i.first_run_id AND i.last_run_id"
    )
    op.drop_index("ix_sighting_intervals_document_id_last_run_id", table_name="sighting_intervals")
    op.drop_index("ix_sighting_intervals_last_run_id_first_run_id", table_name="sighting_intervals")
    op.drop_table("sighting_intervals")
