"""The national 766 index (issue 14): ``index766_fetches`` and ``index766_readings``.

One row per (run, national source, year) for the read itself (status, fault, provinces read) and one
per (run, source, year, province) for the figures, None where the source was silent. See
storage/index_models.py (the models; tests compare them with this script). Plain `sa` types only.

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "index766_fetches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("provinces", sa.Integer(), nullable=False),
        sa.Column("issues", JSON_TYPE, nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name=op.f("fk_index766_fetches_run_id_crawl_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index766_fetches")),
        sa.UniqueConstraint("run_id", "source_id", "year", name=op.f("uq_index766_fetches_run_id_source_id_year")),
    )
    op.create_table(
        "index766_readings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("province", sa.String(length=200), nullable=False),
        sa.Column("province_key", sa.String(length=120), nullable=False),
        sa.Column("api_id", sa.String(length=40), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("ckmb", sa.Float(), nullable=True),
        sa.Column("tdgq", sa.Float(), nullable=True),
        sa.Column("tttt", sa.Float(), nullable=True),
        sa.Column("clgq", sa.Float(), nullable=True),
        sa.Column("mdhl", sa.Float(), nullable=True),
        sa.Column("mdsh", sa.Float(), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("issues", JSON_TYPE, nullable=True),
        sa.Column("raw", JSON_TYPE, nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name=op.f("fk_index766_readings_run_id_crawl_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index766_readings")),
        sa.UniqueConstraint("run_id", "source_id", "year", "province_key",
                            name=op.f("uq_index766_readings_run_id_source_id_year_province_key")),
    )
    with op.batch_alter_table("index766_readings", schema=None) as batch_op:
        batch_op.create_index("ix_index766_readings_year_province_key_run_id", ["year", "province_key", "run_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("index766_readings", schema=None) as batch_op:
        batch_op.drop_index("ix_index766_readings_year_province_key_run_id")
    op.drop_table("index766_readings")
    op.drop_table("index766_fetches")
