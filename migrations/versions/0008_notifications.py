"""Notices of new, moved, decided, nearly due and overdue requests (notification), with their e-mail state.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 17:45:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False, comment='主键'),
    sa.Column('user_id', sa.Integer(), nullable=False, comment='收件用户'),
    sa.Column('request_id', sa.Integer(), nullable=False, comment='所涉流程事项'),
    sa.Column('kind', sa.String(length=16), nullable=False,
              comment='new 新事项 / stage 环节变化 / decided 已办结 / due_soon 即将到期 / overdue 已逾期'),
    sa.Column('request_type', sa.String(length=32), nullable=False, comment='事项类型，如 review（决定链接到哪个页面）'),
    sa.Column('title', sa.String(length=300), nullable=False, comment='事项标题（通知时）'),
    sa.Column('message', sa.Text(), nullable=False, comment='通知内容'),
    sa.Column('due_at', sa.Date(), nullable=True, comment='所提醒的办理期限（仅即将到期、逾期提醒；用于去重）'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, comment='通知时间'),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True, comment='阅读时间（未读为空）'),
    sa.Column('email_state', sa.String(length=8), nullable=True,
              comment='邮件：pending 待发 / sent 已发 / failed 发送失败；不发邮件为空'),
    sa.CheckConstraint("kind IN ('new', 'stage', 'decided', 'due_soon', 'overdue')", name=op.f('ck_notification_known_kind')),
    sa.CheckConstraint("kind NOT IN ('due_soon', 'overdue') OR due_at IS NOT NULL",
                       name=op.f('ck_notification_reminder_has_due_date')),
    sa.CheckConstraint("email_state IS NULL OR email_state IN ('pending', 'sent', 'failed')",
                       name=op.f('ck_notification_known_email_state')),
    sa.ForeignKeyConstraint(['request_id'], ['request.id'], name=op.f('fk_notification_request_id_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('user_id', 'request_id', 'kind', 'due_at', name=op.f('uq_notification_user_id')),
    comment='通知（后台提醒，可同时发送电子邮件）'
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_request_id', ['request_id'], unique=False)
        batch_op.create_index('ix_notification_email_state', ['email_state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_email_state')
        batch_op.drop_index('ix_notification_request_id')

    op.drop_table('notification')
