"""Personal API tokens (api_token), stored as SHA-256 digests.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 15:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False, comment='主键'),
    sa.Column('user_id', sa.Integer(), nullable=False, comment='所属用户'),
    sa.Column('name', sa.String(length=60), nullable=False, comment='用途说明'),
    sa.Column('token_hash', sa.String(length=64), nullable=False, comment='令牌的 SHA-256（令牌本身不保存）'),
    sa.Column('prefix', sa.String(length=16), nullable=False, comment='令牌开头几位，便于辨认'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, comment='创建时间'),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True, comment='过期时间（空为不过期）'),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True, comment='最近使用时间'),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True, comment='吊销时间'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash')),
    comment='个人 API 令牌'
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
