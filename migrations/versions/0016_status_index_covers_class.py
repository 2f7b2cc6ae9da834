"""The status index also holds the class: the public's lists by class count 18,000 index entries, not 90,000 rows' worth.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-22 02:05:00
"""
from __future__ import annotations

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_catalog_item_status_class', 'catalog_item', ['status', 'class_code'], unique=False)
    op.drop_index('ix_catalog_item_status', table_name='catalog_item')
    # Statistics for the new index at once: without them SQLite takes it to be selective, filters by it
    # and sorts 90,000 rows for the public's list (115 ms a page, instead of 1 ms walking the updated_at index).
    op.execute("ANALYZE catalog_item")


def downgrade() -> None:
    op.create_index('ix_catalog_item_status', 'catalog_item', ['status'], unique=False)
    op.drop_index('ix_catalog_item_status_class', table_name='catalog_item')
    op.execute("ANALYZE catalog_item")
