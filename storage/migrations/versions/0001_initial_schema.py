"""Initial schema: portals, runs (snapshots), health, fetches, documents and versions, citations,
attachments, sightings, widget and visitor readings.

Self-contained on purpose: a migration must keep creating exactly this schema even after the models
change, so it uses plain SQLAlchemy types, never ``storage.models``.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 18:42:01
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# JSON everywhere, JSONB on PostgreSQL (as in storage.models at this revision).
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('crawl_runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('args', JSON_TYPE, nullable=False),
    sa.Column('stats', JSON_TYPE, nullable=True),
    sa.Column('host', sa.String(length=255), nullable=True),
    sa.Column('pid', sa.Integer(), nullable=True),
    sa.Column('process_start', sa.String(length=40), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crawl_runs'))
    )
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawl_runs_observed_on'), ['observed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_crawl_runs_status'), ['status'], unique=False)

    op.create_table('portals',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('province', sa.String(length=120), nullable=True),
    sa.Column('parent', sa.String(length=120), nullable=True),
    sa.Column('base_url', sa.Text(), nullable=False),
    sa.Column('cms', sa.String(length=40), nullable=False),
    sa.Column('feeds', JSON_TYPE, nullable=False),
    sa.Column('sitemaps', JSON_TYPE, nullable=False),
    sa.Column('listings', JSON_TYPE, nullable=False),
    sa.Column('registers', JSON_TYPE, nullable=False),
    sa.Column('hosts', JSON_TYPE, nullable=False),
    sa.Column('widget_url', sa.Text(), nullable=True),
    sa.Column('unit_code', sa.String(length=20), nullable=True),
    sa.Column('unverified', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('in_registry', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portals'))
    )
    with op.batch_alter_table('portals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portals_parent'), ['parent'], unique=False)
        batch_op.create_index(batch_op.f('ix_portals_unit_code'), ['unit_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_portals_unit_id'), ['unit_id'], unique=False)

    op.create_table('documents',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('portal_id', sa.String(length=120), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('first_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('removed_run_id', sa.Integer(), nullable=True),
    sa.Column('removed_status', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['first_seen_run_id'], ['crawl_runs.id'], name=op.f('fk_documents_first_seen_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['crawl_runs.id'], name=op.f('fk_documents_last_seen_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['portal_id'], ['portals.id'], name=op.f('fk_documents_portal_id_portals')),
    sa.ForeignKeyConstraint(['removed_run_id'], ['crawl_runs.id'], name=op.f('fk_documents_removed_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('portal_id', 'url', name=op.f('uq_documents_portal_id_url'))
    )
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_documents_first_seen_run_id'), ['first_seen_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_last_seen_run_id'), ['last_seen_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_portal_id'), ['portal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_documents_removed_run_id'), ['removed_run_id'], unique=False)

    op.create_table('fetches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('portal_id', sa.String(length=120), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('requested_url', sa.Text(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('content_hash', sa.String(length=128), nullable=True),
    sa.Column('discovered_by', sa.String(length=40), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['portal_id'], ['portals.id'], name=op.f('fk_fetches_portal_id_portals')),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_fetches_run_id_crawl_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fetches')),
    sa.UniqueConstraint('run_id', 'url', name=op.f('uq_fetches_run_id_url'))
    )
    with op.batch_alter_table('fetches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fetches_portal_id'), ['portal_id'], unique=False)

    op.create_table('portal_health',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('portal_id', sa.String(length=120), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('reachable', sa.Boolean(), nullable=True),
    sa.Column('latency_ms', sa.Float(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('waf_blocked', sa.Boolean(), nullable=True),
    sa.Column('redirected_to', sa.Text(), nullable=True),
    sa.Column('has_feed', sa.Boolean(), nullable=True),
    sa.Column('has_widget', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['portal_id'], ['portals.id'], name=op.f('fk_portal_health_portal_id_portals')),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_portal_health_run_id_crawl_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_health')),
    sa.UniqueConstraint('run_id', 'portal_id', name=op.f('uq_portal_health_run_id_portal_id'))
    )
    with op.batch_alter_table('portal_health', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_health_portal_id'), ['portal_id'], unique=False)

    op.create_table('visitor_readings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('portal_id', sa.String(length=120), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('online', sa.Integer(), nullable=True),
    sa.Column('today', sa.Integer(), nullable=True),
    sa.Column('yesterday', sa.Integer(), nullable=True),
    sa.Column('week', sa.Integer(), nullable=True),
    sa.Column('month', sa.Integer(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('values', JSON_TYPE, nullable=True),
    sa.ForeignKeyConstraint(['portal_id'], ['portals.id'], name=op.f('fk_visitor_readings_portal_id_portals')),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_visitor_readings_run_id_crawl_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visitor_readings')),
    sa.UniqueConstraint('run_id', 'portal_id', name=op.f('uq_visitor_readings_run_id_portal_id'))
    )
    with op.batch_alter_table('visitor_readings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visitor_readings_portal_id'), ['portal_id'], unique=False)

    op.create_table('widget_readings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('portal_id', sa.String(length=120), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('period', sa.String(length=40), nullable=True),
    sa.Column('processed_pct', sa.Float(), nullable=True),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('on_time', sa.Integer(), nullable=True),
    sa.Column('late', sa.Integer(), nullable=True),
    sa.Column('late_rate', sa.Float(), nullable=True),
    sa.Column('on_time_rate', sa.Float(), nullable=True),
    sa.Column('updated_at', sa.String(length=40), nullable=True),
    sa.Column('issues', JSON_TYPE, nullable=True),
    sa.ForeignKeyConstraint(['portal_id'], ['portals.id'], name=op.f('fk_widget_readings_portal_id_portals')),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_widget_readings_run_id_crawl_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_widget_readings')),
    sa.UniqueConstraint('run_id', 'portal_id', name=op.f('uq_widget_readings_run_id_portal_id'))
    )
    with op.batch_alter_table('widget_readings', schema=None) as batch_op:
        batch_op.create_index('ix_widget_readings_portal_id_run_id', ['portal_id', 'run_id'], unique=False)

    op.create_table('document_sightings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_sightings_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['crawl_runs.id'], name=op.f('fk_document_sightings_run_id_crawl_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_sightings')),
    sa.UniqueConstraint('run_id', 'document_id', name=op.f('uq_document_sightings_run_id_document_id'))
    )
    with op.batch_alter_table('document_sightings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_sightings_document_id'), ['document_id'], unique=False)

    op.create_table('document_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('first_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('last_seen_run_id', sa.Integer(), nullable=False),
    sa.Column('fetched_url', sa.Text(), nullable=True),
    sa.Column('fetched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('discovered_by', sa.String(length=40), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('published_at', sa.String(length=40), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('is_cchc', sa.Boolean(), nullable=True),
    sa.Column('category', sa.String(length=120), nullable=True),
    sa.Column('doc_number', sa.String(length=120), nullable=True),
    sa.Column('doc_type', sa.String(length=40), nullable=True),
    sa.Column('doc_date', sa.Date(), nullable=True),
    sa.Column('issuer', sa.String(length=300), nullable=True),
    sa.Column('issuer_as_written', sa.Text(), nullable=True),
    sa.Column('organ', sa.String(length=120), nullable=True),
    sa.Column('plan_year', sa.Integer(), nullable=True),
    sa.Column('channels', JSON_TYPE, nullable=True),
    sa.Column('sections', JSON_TYPE, nullable=True),
    sa.Column('deadlines', JSON_TYPE, nullable=True),
    sa.Column('warnings', JSON_TYPE, nullable=True),
    sa.Column('record', JSON_TYPE, nullable=True),
    sa.Column('record_hash', sa.String(length=64), nullable=True),
    sa.Column('html_z', sa.LargeBinary(), nullable=True),
    sa.Column('html_sha256', sa.String(length=64), nullable=True),
    sa.Column('html_size', sa.Integer(), nullable=True),
    sa.Column('html_path', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_versions_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['first_seen_run_id'], ['crawl_runs.id'], name=op.f('fk_document_versions_first_seen_run_id_crawl_runs')),
    sa.ForeignKeyConstraint(['last_seen_run_id'], ['crawl_runs.id'], name=op.f('fk_document_versions_last_seen_run_id_crawl_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
    sa.UniqueConstraint('document_id', 'version', name=op.f('uq_document_versions_document_id_version'))
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_doc_number'), ['doc_number'], unique=False)
        batch_op.create_index('ix_document_versions_document_id_content_hash', ['document_id', 'content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_first_seen_run_id'), ['first_seen_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_is_cchc'), ['is_cchc'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_last_seen_run_id'), ['last_seen_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_plan_year'), ['plan_year'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('path', sa.Text(), nullable=True),
    sa.Column('checksum', sa.String(length=128), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('text_hash', sa.String(length=64), nullable=True),
    sa.Column('warnings', JSON_TYPE, nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_attachments_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_attachments_version_id_position'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_checksum'), ['checksum'], unique=False)

    op.create_table('citations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=True),
    sa.Column('number', sa.String(length=120), nullable=True),
    sa.Column('date', sa.Date(), nullable=True),
    sa.Column('issuer', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['document_versions.id'], name=op.f('fk_citations_version_id_document_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citations')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_citations_version_id_position'))
    )
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citations_number'), ['number'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('citations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citations_number'))

    op.drop_table('citations')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_checksum'))

    op.drop_table('attachments')
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_plan_year'))
        batch_op.drop_index(batch_op.f('ix_document_versions_last_seen_run_id'))
        batch_op.drop_index(batch_op.f('ix_document_versions_is_cchc'))
        batch_op.drop_index(batch_op.f('ix_document_versions_first_seen_run_id'))
        batch_op.drop_index('ix_document_versions_document_id_content_hash')
        batch_op.drop_index(batch_op.f('ix_document_versions_doc_number'))
        batch_op.drop_index(batch_op.f('ix_document_versions_category'))

    op.drop_table('document_versions')
    with op.batch_alter_table('document_sightings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_sightings_document_id'))

    op.drop_table('document_sightings')
    with op.batch_alter_table('widget_readings', schema=None) as batch_op:
        batch_op.drop_index('ix_widget_readings_portal_id_run_id')

    op.drop_table('widget_readings')
    with op.batch_alter_table('visitor_readings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visitor_readings_portal_id'))

    op.drop_table('visitor_readings')
    with op.batch_alter_table('portal_health', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_health_portal_id'))

    op.drop_table('portal_health')
    with op.batch_alter_table('fetches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fetches_portal_id'))

    op.drop_table('fetches')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_removed_run_id'))
        batch_op.drop_index(batch_op.f('ix_documents_portal_id'))
        batch_op.drop_index(batch_op.f('ix_documents_last_seen_run_id'))
        batch_op.drop_index(batch_op.f('ix_documents_first_seen_run_id'))

    op.drop_table('documents')
    with op.batch_alter_table('portals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portals_unit_id'))
        batch_op.drop_index(batch_op.f('ix_portals_unit_code'))
        batch_op.drop_index(batch_op.f('ix_portals_parent'))

    op.drop_table('portals')
    with op.batch_alter_table('crawl_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawl_runs_status'))
        batch_op.drop_index(batch_op.f('ix_crawl_runs_observed_on'))

    op.drop_table('crawl_runs')
