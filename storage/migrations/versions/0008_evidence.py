"""Evidence that outlives the portal (issue 14): raw copies, their fetch metadata, and what they prove.

- ``blobs``: one row per distinct raw byte string in the content-addressed store (the bytes live in
  ``<data dir>/blobs/sha256/ab/cdef….gz``, `storage.blobs`), with sizes, first stored and last captured.
- ``raw_fetches``: fetch metadata of each raw copy (run, URL asked and final, time, status, Content-Type,
  Last-Modified, ETag, the other headers that matter, SHA-256, size), unique per run and final URL.
- ``version_evidence`` and ``widget_evidence``: the raw copies a document version (page, attachments)
  or a widget reading was read from; `cchc evidence pack` follows them, `cchc db prune` keeps them.

Self-contained: plain SQLAlchemy types, no imports from the application. Equal to
`storage.evidence_models`.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("stored_size", sa.Integer(), nullable=True),
        sa.Column("first_stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    with op.batch_alter_table("blobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_blobs_last_seen_at"), ["last_seen_at"], unique=False)

    op.create_table(
        "raw_fetches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("portal_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("requested_url", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("etag", sa.String(length=200), nullable=True),
        sa.Column("headers", JSON_TYPE, nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"], name=op.f("fk_raw_fetches_run_id_crawl_runs"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["portal_id"], ["portals.id"], name=op.f("fk_raw_fetches_portal_id_portals")),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"], name=op.f("fk_raw_fetches_sha256_blobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raw_fetches")),
        sa.UniqueConstraint("run_id", "url", name=op.f("uq_raw_fetches_run_id_url")),
    )
    with op.batch_alter_table("raw_fetches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_raw_fetches_portal_id"), ["portal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_raw_fetches_sha256"), ["sha256"], unique=False)

    op.create_table(
        "version_evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("raw_fetch_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["document_versions.id"],
                                name=op.f("fk_version_evidence_version_id_document_versions"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["raw_fetch_id"], ["raw_fetches.id"],
                                name=op.f("fk_version_evidence_raw_fetch_id_raw_fetches"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_evidence")),
        sa.UniqueConstraint("version_id", "raw_fetch_id", name=op.f("uq_version_evidence_version_id_raw_fetch_id")),
    )
    with op.batch_alter_table("version_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_version_evidence_raw_fetch_id", ["raw_fetch_id"], unique=False)

    op.create_table(
        "widget_evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("widget_reading_id", sa.Integer(), nullable=False),
        sa.Column("raw_fetch_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["widget_reading_id"], ["widget_readings.id"],
                                name=op.f("fk_widget_evidence_widget_reading_id_widget_readings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["raw_fetch_id"], ["raw_fetches.id"],
                                name=op.f("fk_widget_evidence_raw_fetch_id_raw_fetches"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_widget_evidence")),
        sa.UniqueConstraint("widget_reading_id", "raw_fetch_id", name=op.f("uq_widget_evidence_widget_reading_id_raw_fetch_id")),
    )
    with op.batch_alter_table("widget_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_widget_evidence_raw_fetch_id", ["raw_fetch_id"], unique=False)


def downgrade() -> None:
    op.drop_table("widget_evidence")
    op.drop_table("version_evidence")
    op.drop_table("raw_fetches")
    op.drop_table("blobs")
