"""Indexes for provincial-scale screens: lists by latest change, and a covering index for the dashboard's counts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 16:00:00
"""
from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_catalog_item_updated_at_id', 'catalog_item', ['updated_at', 'id'], unique=False)
    op.create_index('ix_catalog_item_provider_status_share_class', 'catalog_item',
                    ['provider_id', 'status', 'share_type', 'class_code'], unique=False)
    op.drop_index('ix_catalog_item_provider_status', table_name='catalog_item')


def downgrade() -> None:
    op.create_index('ix_catalog_item_provider_status', 'catalog_item', ['provider_id', 'status'], unique=False)
    op.drop_index('ix_catalog_item_provider_status_share_class', table_name='catalog_item')
    op.drop_index('ix_catalog_item_updated_at_id', table_name='catalog_item')
