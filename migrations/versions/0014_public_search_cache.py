"""Public search results, shared by every app server, and the token that says when they are still good.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22 00:30:00
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('search_generation',
    sa.Column('name', sa.String(length=16), nullable=False, comment='范围：public 为公众可见的条目'),
    sa.Column('token', sa.String(length=32), nullable=False, comment='版本标记：每次变化换一个随机值，不同数据库间也不重复'),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_search_generation')),
    comment='检索版本（公众检索结果缓存的失效标记）'
    )
    op.bulk_insert(table, [{'name': 'public', 'token': uuid.uuid4().hex}])
    op.create_table('search_cache',
    sa.Column('key', sa.String(length=64), nullable=False, comment='检索版本与检索条件的 SHA-256'),
    sa.Column('result', sa.JSON(), nullable=False, comment='检索结果：总数、本页文档、分面计数'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, comment='写入时间（一小时后清除）'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_search_cache')),
    comment='公众检索结果缓存（PostgreSQL 检索后端使用）'
    )
    op.create_index(op.f('ix_search_cache_created_at'), 'search_cache', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_search_cache_created_at'), table_name='search_cache')
    op.drop_table('search_cache')
    op.drop_table('search_generation')
