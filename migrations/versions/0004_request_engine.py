"""The request engine (request, request_event): review steps now, the regulations' processes later.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 14:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('request',
    sa.Column('id', sa.Integer(), nullable=False, comment='主键'),
    sa.Column('type', sa.String(length=32), nullable=False, comment='事项类型，如 review'),
    sa.Column('state', sa.String(length=20), nullable=False, comment='状态（由事项类型定义）'),
    sa.Column('level', sa.String(length=16), nullable=True, comment='审核层级：county / city / authority'),
    sa.Column('round', sa.Integer(), nullable=False, comment='第几次提交（退回后重新提交加一）'),
    sa.Column('title', sa.String(length=300), nullable=False, comment='标题'),
    sa.Column('organisation_id', sa.Integer(), nullable=False, comment='所涉机构（如目录提供方）'),
    sa.Column('item_id', sa.Integer(), nullable=True, comment='所涉目录条目'),
    sa.Column('change_id', sa.Integer(), nullable=True, comment='所审的条目变更（新编目为空）'),
    sa.Column('data', sa.JSON(), nullable=False, comment='事项类型自有的内容'),
    sa.Column('due_at', sa.Date(), nullable=True, comment='办理期限（按工作日计算）'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, comment='发起时间'),
    sa.Column('created_by_id', sa.Integer(), nullable=True, comment='发起人'),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True, comment='办结时间'),
    sa.Column('decided_by_id', sa.Integer(), nullable=True, comment='办理人'),
    sa.Column('decision_reason', sa.Text(), nullable=True, comment='办理意见（退回、拒绝必填）'),
    sa.CheckConstraint("(closed_at IS NULL) = (state = 'open')", name=op.f('ck_request_closed_iff_not_open')),
    sa.CheckConstraint("state NOT IN ('returned', 'refused') OR (decision_reason IS NOT NULL AND decision_reason <> '')", name=op.f('ck_request_refusal_has_reason')),
    sa.ForeignKeyConstraint(['change_id'], ['item_change.id'], name=op.f('fk_request_change_id_item_change'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_request_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_request_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_request_item_id_catalog_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_request_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request')),
    comment='流程事项（审核、需求、共享申请、纠错等）'
    )
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.create_index('ix_request_item_id', ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_request_type_state_due', ['type', 'state', 'due_at'], unique=False)

    op.create_table('request_event',
    sa.Column('id', sa.Integer(), nullable=False, comment='主键'),
    sa.Column('request_id', sa.Integer(), nullable=False, comment='事项'),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='action 动作 / comment 意见'),
    sa.Column('action', sa.String(length=32), nullable=True, comment='动作名，如 approve'),
    sa.Column('target', sa.String(length=240), nullable=True, comment='意见所针对的元素（如 share_basis、信息项:姓名）'),
    sa.Column('text', sa.Text(), nullable=True, comment='意见或理由'),
    sa.Column('actor_id', sa.Integer(), nullable=True, comment='操作人'),
    sa.Column('actor_name', sa.String(length=64), nullable=True, comment='操作人姓名（用户删除后仍可读）'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, comment='时间'),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_request_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_request_event_request_id_request'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_event')),
    comment='流程事项处理记录（动作与意见）'
    )
    with op.batch_alter_table('request_event', schema=None) as batch_op:
        batch_op.create_index('ix_request_event_request_id', ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('request_event', schema=None) as batch_op:
        batch_op.drop_index('ix_request_event_request_id')

    op.drop_table('request_event')
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_index('ix_request_type_state_due')
        batch_op.drop_index(batch_op.f('ix_request_organisation_id'))
        batch_op.drop_index('ix_request_item_id')

    op.drop_table('request')
