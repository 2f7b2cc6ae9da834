"""The PostgreSQL index reads through GIN alone: lexemes name their group, tsvectors live out of line.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 00:10:00
"""
from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

_OLD_COMMENT = '词语与二元字组（按文本组加权的 tsvector）'
_NEW_COMMENT = '词语与二元字组（前缀为文本组字母的 tsvector）'


def _postgresql() -> bool:
    return op.get_bind().dialect.name == 'postgresql'


def upgrade() -> None:
    if not _postgresql():
        return
    # Rows in the old format (weighted lexemes) match nothing now; `mulu db upgrade` rebuilds the empty index.
    op.execute("TRUNCATE search_document")
    # Every large value to TOAST: the index's bitmap scans visit a heap of small rows (12 MB, not 495 MB at 100,000).
    op.execute("ALTER TABLE search_document SET (toast_tuple_target = 128)")
    op.execute("ALTER TABLE search_document ALTER COLUMN words SET STORAGE EXTENDED")
    # Lexeme frequencies well enough sampled to plan joins on a common word's thousands of matches.
    op.execute("ALTER TABLE search_document ALTER COLUMN words SET STATISTICS 1000")
    op.alter_column('search_document', 'words', comment=_NEW_COMMENT, existing_comment=_OLD_COMMENT)


def downgrade() -> None:
    if not _postgresql():
        return
    # The older version rebuilds only an outdated index, not an empty one: run `mulu search reindex` after.
    op.execute("TRUNCATE search_document")
    op.execute("ALTER TABLE search_document SET (toast_tuple_target = 8160)")
    op.execute("ALTER TABLE search_document ALTER COLUMN words SET STORAGE EXTERNAL")
    op.execute("ALTER TABLE search_document ALTER COLUMN words SET STATISTICS -1")
    op.alter_column('search_document', 'words', comment=_OLD_COMMENT, existing_comment=_NEW_COMMENT)
