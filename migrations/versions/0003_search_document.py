"""Search documents for the PostgreSQL search backend (tsvector of words and bigrams, GIN indexes).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 13:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _trigram_available(bind) -> bool:
    """Install pg_trgm when the server has it (Debian's postgresql-contrib); fuzzy field search
    then uses a trigram index. Without it the same queries run, by sequential scan."""
    if bind.scalar(sa.text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")):
        return True
    if not bind.scalar(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")):
        return False
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        return True
    except sa.exc.DBAPIError:  # not allowed for this role: keep going without it
        return False


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table('search_document',
    sa.Column('item_id', sa.Integer(), nullable=False, comment='条目'),
    sa.Column('stamp', sa.String(length=48), nullable=False, comment='索引时条目的版本戳（版本号@修改时间）'),
    sa.Column('words', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True, comment='词语与二元字组（按文本组加权的 tsvector）'),
    sa.Column('field_names', sa.Text(), nullable=False, comment='规范化的信息项名称，每行一个（信息项模糊检索用）'),
    sa.Column('doc', sa.JSON(), nullable=False, comment='结果展示与高亮用的条目快照'),
    sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False, comment='索引时间'),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_search_document_item_id_catalog_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_search_document')),
    comment='检索文档（PostgreSQL 检索后端使用）'
    )
    if bind.dialect.name != 'postgresql':
        # Same index names everywhere, so one set of models describes every database; unused on SQLite.
        with op.batch_alter_table('search_document', schema=None) as batch_op:
            batch_op.create_index('ix_search_document_words', ['words'], unique=False)
            batch_op.create_index('ix_search_document_field_names', ['field_names'], unique=False)
        return
    # Keep each row's tsvector inline and uncompressed: ranking tests it a dozen times per row,
    # and decompressing or fetching it from TOAST each time costs more than the test itself.
    op.execute("ALTER TABLE search_document SET (toast_tuple_target = 8160)")
    op.execute("ALTER TABLE search_document ALTER COLUMN words SET STORAGE EXTERNAL")
    op.create_index('ix_search_document_words', 'search_document', ['words'], unique=False, postgresql_using='gin')
    if _trigram_available(bind):
        op.create_index('ix_search_document_field_names', 'search_document', ['field_names'], unique=False,
                        postgresql_using='gin', postgresql_ops={'field_names': 'gin_trgm_ops'})
    else:
        op.create_index('ix_search_document_field_names', 'search_document', ['field_names'], unique=False,
                        postgresql_using='hash')


def downgrade() -> None:
    op.drop_index('ix_search_document_field_names', table_name='search_document')
    op.drop_index('ix_search_document_words', table_name='search_document')
    op.drop_table('search_document')
