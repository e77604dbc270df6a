"""The main text's length stored with it (issue 12): ``document_versions.text_chars``.

The drift canary counts, every run, the pages whose main text holds at least 200 characters
(`storage.health.record_yields`). Computing ``length(text)`` there read every live version's stored
text on every run (~17 s a run at a year x 15,000 portals on SQLite, growing with the archive). The
length is now written once with the version (``len()`` of the NFC text, `storage.documents`), and
this upgrade fills it for the versions already stored with the database's own character count
(SQLite ``length()`` on TEXT and PostgreSQL ``length()`` both count characters, not bytes); NULL
where there is no text, as ``length(NULL)`` is.

Downgrade drops the column (the older code computes the length again); on SQLite 3.35+ with SQLite's
own ``DROP COLUMN``, so the archive is not copied.

Self-contained: plain ``sa`` types, no imports from the application.

Revision ID: 0016
Revises: 0015
"""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document_versions") as batch:
        batch.add_column(sa.Column("text_chars", sa.Integer(), nullable=True))
    op.execute("UPDATE document_versions SET text_chars = length(text) WHERE text IS NOT NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite" and sqlite3.sqlite_version_info >= (3, 35):
        # SQLite's own DROP COLUMN (the column is in no index or view): a batch rebuild would copy
        # every version (the whole archive) and, run outside `storage.migrate.upgrade`'s pragmas,
        # fails renaming the copy back under 0005's views
        op.execute("ALTER TABLE document_versions DROP COLUMN text_chars")
        return
    with op.batch_alter_table("document_versions") as batch:
        batch.drop_column("text_chars")
