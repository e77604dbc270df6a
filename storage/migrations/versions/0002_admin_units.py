"""Administrative units (issue 5): admin_units, admin_unit_successions, portal_units.

Self-contained like 0001 (plain SQLAlchemy types, never the models): it must keep creating exactly this
schema after `storage.units_models` changes. The data is loaded by `cchc units sync`, not here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 18:51:53.470082
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | Sequence[str] | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('admin_units',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('aliases', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['admin_units.id'], name=op.f('fk_admin_units_parent_id_admin_units')),
    sa.ForeignKeyConstraint(['province_id'], ['admin_units.id'], name=op.f('fk_admin_units_province_id_admin_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_units')),
    sa.UniqueConstraint('key', name=op.f('uq_admin_units_key'))
    )
    with op.batch_alter_table('admin_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_units_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_units_level'), ['level'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_units_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_units_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_units_province_id'), ['province_id'], unique=False)

    op.create_table('admin_unit_successions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('predecessor_id', sa.Integer(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=False),
    sa.Column('effective', sa.Date(), nullable=False),
    sa.Column('whole', sa.Boolean(), nullable=False),
    sa.Column('main', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['predecessor_id'], ['admin_units.id'], name=op.f('fk_admin_unit_successions_predecessor_id_admin_units')),
    sa.ForeignKeyConstraint(['successor_id'], ['admin_units.id'], name=op.f('fk_admin_unit_successions_successor_id_admin_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_unit_successions')),
    sa.UniqueConstraint('predecessor_id', 'successor_id', name=op.f('uq_admin_unit_successions_predecessor_id_successor_id'))
    )
    with op.batch_alter_table('admin_unit_successions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_unit_successions_predecessor_id'), ['predecessor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_unit_successions_successor_id'), ['successor_id'], unique=False)

    op.create_table('portal_units',
    sa.Column('portal_id', sa.String(length=120), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['admin_units.id'], name=op.f('fk_portal_units_unit_id_admin_units')),
    sa.PrimaryKeyConstraint('portal_id', name=op.f('pk_portal_units'))
    )
    with op.batch_alter_table('portal_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_units_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('portal_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_units_unit_id'))

    op.drop_table('portal_units')
    with op.batch_alter_table('admin_unit_successions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_unit_successions_successor_id'))
        batch_op.drop_index(batch_op.f('ix_admin_unit_successions_predecessor_id'))

    op.drop_table('admin_unit_successions')
    with op.batch_alter_table('admin_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_units_province_id'))
        batch_op.drop_index(batch_op.f('ix_admin_units_parent_id'))
        batch_op.drop_index(batch_op.f('ix_admin_units_name_key'))
        batch_op.drop_index(batch_op.f('ix_admin_units_level'))
        batch_op.drop_index(batch_op.f('ix_admin_units_code'))

    op.drop_table('admin_units')
