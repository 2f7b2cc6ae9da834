"""Resource mounts (resource_mount): tables, APIs and files attached to catalog items, with their latest check.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21 17:35:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('resource_mount',
    sa.Column('id', sa.Integer(), nullable=False, comment='主键'),
    sa.Column('item_id', sa.Integer(), nullable=False, comment='所属条目'),
    sa.Column('kind', sa.Enum('table', 'api', 'file', name='mount_kind', native_enum=False, create_constraint=True, length=32), nullable=False, comment='挂接类型：table 库表、api 接口、file 文件'),
    sa.Column('note', sa.String(length=500), nullable=True, comment='说明'),
    sa.Column('connection', sa.String(length=64), nullable=True, comment='库表：连接名（连接地址与口令在实例配置中，不入库）'),
    sa.Column('schema_name', sa.String(length=128), nullable=True, comment='库表：模式（schema）'),
    sa.Column('table_name', sa.String(length=128), nullable=True, comment='库表：表名'),
    sa.Column('timestamp_column', sa.String(length=128), nullable=True, comment='库表：标示数据更新时间的列'),
    sa.Column('url', sa.String(length=2000), nullable=True, comment='接口地址，或文件的下载地址'),
    sa.Column('method', sa.String(length=10), nullable=True, comment='接口：请求方法'),
    sa.Column('doc_url', sa.String(length=2000), nullable=True, comment='接口：文档地址'),
    sa.Column('valid_from', sa.Date(), nullable=True, comment='接口：有效期起'),
    sa.Column('valid_to', sa.Date(), nullable=True, comment='接口：有效期止'),
    sa.Column('file_name', sa.String(length=255), nullable=True, comment='文件：文件名'),
    sa.Column('file_path', sa.String(length=500), nullable=True, comment='文件：上传文件在实例上传目录中的相对路径'),
    sa.Column('file_size', sa.BigInteger(), nullable=True, comment='文件：大小（字节）'),
    sa.Column('sha256', sa.String(length=64), nullable=True, comment='文件：SHA-256 校验值'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False, comment='挂接时间'),
    sa.Column('created_by_id', sa.Integer(), nullable=True, comment='挂接人'),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True, comment='最近检查时间'),
    sa.Column('status', sa.Enum('ok', 'drift', 'error', name='mount_check_status', native_enum=False, create_constraint=True, length=32), nullable=True, comment='最近检查结果：ok 一致、drift 不一致、error 失败'),
    sa.Column('differences', sa.JSON(), nullable=False, comment='最近检查发现的差异（缺少、多出、类型或长度变化、格式不符）'),
    sa.Column('error', sa.Text(), nullable=True, comment='最近检查的错误（连接地址已隐去口令）'),
    sa.Column('source_updated_at', sa.DateTime(timezone=True), nullable=True, comment='源数据最近更新时间（时间列最大值、文件修改时间）'),
    sa.CheckConstraint("kind <> 'api' OR (url IS NOT NULL AND url <> '')", name=op.f('ck_resource_mount_api_has_url')),
    sa.CheckConstraint("kind <> 'file' OR (url IS NOT NULL AND url <> '') OR (file_path IS NOT NULL AND file_path <> '')", name=op.f('ck_resource_mount_file_has_content')),
    sa.CheckConstraint("kind <> 'table' OR ((connection IS NOT NULL AND connection <> '') AND (table_name IS NOT NULL AND table_name <> ''))", name=op.f('ck_resource_mount_table_has_source')),
    sa.CheckConstraint("method IS NULL OR method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')", name=op.f('ck_resource_mount_method_known')),
    sa.CheckConstraint('file_size IS NULL OR file_size >= 0', name=op.f('ck_resource_mount_file_size_positive')),
    sa.CheckConstraint('valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from', name=op.f('ck_resource_mount_validity_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_resource_mount_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_resource_mount_item_id_catalog_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resource_mount')),
    comment='资源挂接（条目对应的库表、接口、文件）'
    )
    with op.batch_alter_table('resource_mount', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resource_mount_item_id'), ['item_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('resource_mount', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resource_mount_item_id'))

    op.drop_table('resource_mount')
