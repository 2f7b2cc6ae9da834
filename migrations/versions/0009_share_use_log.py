"""The log of each use of shared data (share_use), kept against the approved share request.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 17:45:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('share_use',
    sa.Column('id', sa.Integer(), nullable=False, comment='主键'),
    sa.Column('request_id', sa.Integer(), nullable=False, comment='所依据的共享申请（已同意）'),
    sa.Column('item_id', sa.Integer(), nullable=False, comment='所用数据的目录条目'),
    sa.Column('organisation_id', sa.Integer(), nullable=False, comment='使用单位（申请方）'),
    sa.Column('purpose', sa.Text(), nullable=False, comment='具体用途'),
    sa.Column('user_name', sa.String(length=64), nullable=False, comment='使用人员'),
    sa.Column('approver_name', sa.String(length=64), nullable=True, comment='批准人员'),
    sa.Column('fields', sa.JSON(), nullable=False, comment='使用的信息项（名称）'),
    sa.Column('content', sa.Text(), nullable=True, comment='数据内容说明（记录范围、条数等）'),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=False, comment='获取时间'),
    sa.Column('method', sa.String(length=32), nullable=False, comment='获取方式（共享方式类型的规范值，如 api）'),
    sa.Column('medium', sa.String(length=60), nullable=False, comment='介质类型（如 网络传输、光盘）'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, comment='登记时间'),
    sa.Column('created_by_id', sa.Integer(), nullable=True, comment='登记人'),
    sa.CheckConstraint("purpose <> '' AND user_name <> '' AND medium <> ''", name=op.f('ck_share_use_essentials_given')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_share_use_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_share_use_item_id_catalog_item'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_share_use_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_share_use_request_id_request'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_share_use')),
    comment='共享数据使用记录（日志保存不少于6个月，不可删除）'
    )
    with op.batch_alter_table('share_use', schema=None) as batch_op:
        batch_op.create_index('ix_share_use_item_id_used_at', ['item_id', 'used_at'], unique=False)
        batch_op.create_index('ix_share_use_organisation_id_used_at', ['organisation_id', 'used_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_use_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('share_use', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_use_request_id'))
        batch_op.drop_index('ix_share_use_organisation_id_used_at')
        batch_op.drop_index('ix_share_use_item_id_used_at')

    op.drop_table('share_use')
