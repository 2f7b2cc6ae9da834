"""One data, one source: the source designated for data collected twice (source_designation).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 17:45:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('source_designation',
    sa.Column('id', sa.Integer(), nullable=False, comment='主键'),
    sa.Column('finding_key', sa.String(length=32), nullable=False, comment='重复采集发现的键（由成员条目代码导出）'),
    sa.Column('member_codes', sa.JSON(), nullable=False, comment='指定时该发现所含的条目代码'),
    sa.Column('source_id', sa.Integer(), nullable=False, comment='指定的数据来源部门（须为成员条目的提供方之一）'),
    sa.Column('note', sa.Text(), nullable=True, comment='指定说明'),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True, comment='指定人（市级审核员或数据主管部门）'),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=False, comment='指定时间'),
    sa.CheckConstraint("finding_key <> ''", name=op.f('ck_source_designation_finding_key_not_empty')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user_account.id'], name=op.f('fk_source_designation_resolved_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['source_id'], ['organisation.id'], name=op.f('fk_source_designation_source_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source_designation')),
    comment='一数一源：重复采集数据的指定来源'
    )
    with op.batch_alter_table('source_designation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_source_designation_finding_key'), ['finding_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_source_designation_source_id'), ['source_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('source_designation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_source_designation_source_id'))
        batch_op.drop_index(batch_op.f('ix_source_designation_finding_key'))

    op.drop_table('source_designation')
