"""Placeholder for notifications (the domain fills it in).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 17:45:00
"""
from __future__ import annotations

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
