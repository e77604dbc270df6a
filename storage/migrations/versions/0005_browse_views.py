"""Browse views (issue 15): ``browse_documents`` and ``browse_attachments`` for `cchc serve`.

Datasette facets and full-text search work on one table or view at a time, and what people filter by
lives on three tables (province and level on ``portals``; category, plan year and organ on the current
``document_versions``). These views put them on one row per current document (per attachment of a
current version), with ``search_entry_id``: the row's entry in ``search_entries``, whose id is the
rowid of the folded FTS5 index ``search_fts`` — Datasette's ``fts_pk`` — so an unaccented search box
query finds accented titles. Views store nothing (the crawled tables stay the one truth) and are
created here, by the writers, because `cchc serve` opens the database read-only.

The same views exist on PostgreSQL (for psql users; Datasette serves a SQLite copy, `--export-sqlite`).
Self-contained: plain SQL, no imports from the application.

It follows 0004 (document_versions.plan_period, issue 11).

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BROWSE_DOCUMENTS = """
CREATE VIEW browse_documents AS
SELECT d.id AS document_id, e.id AS search_entry_id, d.portal_id AS portal, p.name AS unit, p.province, p.level,
       v.category, v.plan_year, v.organ, v.is_cchc, v.doc_number, v.doc_date, v.published_at, v.title, v.issuer,
       d.url, r.observed_on AS first_seen_on, d.removed_run_id AS removed_run
FROM documents d
JOIN document_versions v ON v.document_id = d.id AND v.version = d.version
JOIN portals p ON p.id = d.portal_id
LEFT JOIN crawl_runs r ON r.id = d.first_seen_run_id
LEFT JOIN search_entries e ON e.source = 'version' AND e.source_id = v.id
"""
BROWSE_ATTACHMENTS = """
CREATE VIEW browse_attachments AS
SELECT a.id AS attachment_id, e.id AS search_entry_id, d.id AS document_id, d.portal_id AS portal, p.name AS unit,
       p.province, p.level, v.category, v.plan_year, v.organ, v.doc_number, v.title AS document_title, a.name,
       a.kind, a.url, d.url AS document_url
FROM attachments a
JOIN document_versions v ON v.id = a.version_id
JOIN documents d ON d.id = v.document_id AND d.version = v.version
JOIN portals p ON p.id = d.portal_id
LEFT JOIN search_entries e ON e.source = 'attachment' AND e.source_id = a.id
"""


def upgrade() -> None:
    op.execute(BROWSE_DOCUMENTS)
    op.execute(BROWSE_ATTACHMENTS)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS browse_attachments")
    op.execute("DROP VIEW IF EXISTS browse_documents")
