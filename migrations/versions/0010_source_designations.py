"""Placeholder for source designations (the domain fills it in).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 17:45:00
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
