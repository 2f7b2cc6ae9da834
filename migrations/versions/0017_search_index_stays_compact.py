"""PostgreSQL keeps the search index compact under edits: a shorter GIN pending list, vacuumed sooner.

Every update of ``search_document`` (each edit of an item) adds its ~900 lexemes to the GIN index's
pending list, which every search reads through in full until the list is merged: at its default
limit (4 MB, some 500 edits) an uncached search took 15% longer. Merging happens when the list is
full or when the table is vacuumed, and autovacuum waited for a fifth of the table to change.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-22 06:20:00
"""
from __future__ import annotations

from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

#: kB: about 130 edits' lexemes; the edit that fills it merges them (a fraction of a second).
PENDING_LIST_KB = 1024
#: Vacuumed (dead versions dropped, pending list merged) after 2% of the documents changed or were added.
AUTOVACUUM = {"autovacuum_vacuum_scale_factor": 0.02, "autovacuum_vacuum_insert_scale_factor": 0.02,
              "autovacuum_analyze_scale_factor": 0.05}


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f"ALTER INDEX ix_search_document_words SET (gin_pending_list_limit = {PENDING_LIST_KB})")
    op.execute("ALTER TABLE search_document SET (" + ", ".join(f"{k} = {v}" for k, v in AUTOVACUUM.items()) + ")")


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("ALTER INDEX ix_search_document_words RESET (gin_pending_list_limit)")
    op.execute("ALTER TABLE search_document RESET (" + ", ".join(AUTOVACUUM) + ")")
