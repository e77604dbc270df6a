"""Reports (issue 6): review corrections and the full-text search index, both apart from crawled data.

- ``review_corrections``: what a person decided about a document (not CCHC, another category, belongs
  to another unit) or a plan found offline with its evidence. Crawls never touch it, so corrections
  survive re-crawls; reports apply the active ones and say where.
- ``search_entries``: a FOLDED copy (``core.vntext.fold``: lower case, no diacritics, đ -> d) of each
  document version's title and text and of each attachment's text, filled by ``cchc report search``
  (incrementally). SQLite indexes it with an FTS5 external-content table kept in step by triggers;
  SQLite's own ``remove_diacritics`` does not fold đ or every Vietnamese vowel/tone combination, which
  is why the folded copy is what is indexed. PostgreSQL indexes ``to_tsvector('simple', cchc_unaccent(…))``
  with GIN; ``unaccent`` is only STABLE, so it is wrapped in an IMMUTABLE function (fixed dictionary,
  schema-qualified) that an index expression may use.

Self-contained: plain SQLAlchemy types, no imports from the application.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH_DOC = "coalesce(title, '') || ' ' || coalesce(body, '')"


def upgrade() -> None:
    op.create_table(
        "review_corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewer", sa.String(length=120), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("document_url", sa.Text(), nullable=True),
        sa.Column("portal_id", sa.String(length=120), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("unit_portal_id", sa.String(length=120), nullable=True),
        sa.Column("plan_year", sa.Integer(), nullable=True),
        sa.Column("organ", sa.String(length=40), nullable=True),
        sa.Column("doc_number", sa.String(length=120), nullable=True),
        sa.Column("doc_date", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_corrections")),
    )
    op.create_index(op.f("ix_review_corrections_document_url"), "review_corrections", ["document_url"])
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("portal_id", sa.String(length=120), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entries")),
        sa.UniqueConstraint("source", "source_id", name=op.f("uq_search_entries_source")),
    )
    op.create_index(op.f("ix_search_entries_version_id"), "search_entries", ["version_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_entries', "
                   "content_rowid='id', tokenize='unicode61 remove_diacritics 0')")
        op.execute("CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
                   "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")
        op.execute("CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END")
        op.execute("CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
                   "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
                   "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END")
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("CREATE OR REPLACE FUNCTION cchc_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE "
                   "PARALLEL SAFE STRICT AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$")
        op.execute(f"CREATE INDEX ix_search_entries_fts ON search_entries USING gin "
                   f"(to_tsvector('simple'::regconfig, cchc_unaccent({SEARCH_DOC})))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("search_entries_ai", "search_entries_ad", "search_entries_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_entries_fts")
        op.execute("DROP FUNCTION IF EXISTS cchc_unaccent(text)")
    op.drop_index(op.f("ix_search_entries_version_id"), table_name="search_entries")
    op.drop_table("search_entries")
    op.drop_index(op.f("ix_review_corrections_document_url"), table_name="review_corrections")
    op.drop_table("review_corrections")
