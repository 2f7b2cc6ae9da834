"""Requests get a stage (answer first, then deliver) and the organisation that asked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 17:23:37.483287
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=20), nullable=True,
                                      comment='办理中事项所处的环节（如先答复、后提供），各有时限'))
        batch_op.add_column(sa.Column('requester_id', sa.Integer(), nullable=True,
                                      comment='提出方机构（需求方、申请方；社会公众为空）'))
        batch_op.create_index(batch_op.f('ix_request_requester_id'), ['requester_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_request_requester_id_organisation'), 'organisation',
                                    ['requester_id'], ['id'], ondelete='RESTRICT')


def downgrade() -> None:
    op.drop_index(op.f('ix_request_requester_id'), table_name='request')
    with op.batch_alter_table('request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_request_requester_id_organisation'), type_='foreignkey')
        batch_op.drop_column('requester_id')
        batch_op.drop_column('stage')
