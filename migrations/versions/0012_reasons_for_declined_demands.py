"""A declined or unmatched demand, like a refusal or a return, must say why — in the database too.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-21 18:40:00
"""
from __future__ import annotations

from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_HAS_REASON = "(decision_reason IS NOT NULL AND decision_reason <> '')"


def _replace(states: str) -> None:
    # Batch mode recreates the table on SQLite (which cannot alter a CHECK) and keeps its other constraints.
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_request_refusal_has_reason'), type_='check')
        batch_op.create_check_constraint('refusal_has_reason', f"state NOT IN ({states}) OR {_HAS_REASON}")


def upgrade() -> None:
    _replace("'returned', 'refused', 'declined', 'unmatched'")


def downgrade() -> None:
    _replace("'returned', 'refused'")
