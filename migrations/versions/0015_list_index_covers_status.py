"""The latest-changes index also holds status and class: a public list no longer reads each draft it walks past.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-22 00:40:00
"""
from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_catalog_item_updated_status_class', 'catalog_item', ['updated_at', 'id', 'status', 'class_code'],
                    unique=False)
    op.drop_index('ix_catalog_item_updated_at_id', table_name='catalog_item')


def downgrade() -> None:
    op.create_index('ix_catalog_item_updated_at_id', 'catalog_item', ['updated_at', 'id'], unique=False)
    op.drop_index('ix_catalog_item_updated_status_class', table_name='catalog_item')
