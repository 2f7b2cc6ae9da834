"""PostgreSQL keeps the search index compact under edits: the GIN pending list, which every search reads
through, stays within 1 MB however many edits come before a vacuum (migration 0017)."""
from __future__ import annotations

import pytest
from databases import is_postgres
from factories import commit_change, entry, make_org_tree
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from registry.app import Runtime
from registry.catalog import operations as ops
from registry.core.config import load_settings
from registry.core.migrate import upgrade
from registry.search import pg_index

pytestmark = pytest.mark.skipif(not is_postgres(), reason="the PostgreSQL search index")

EDITS = 600  # about 300 pages of pending entries at the default limit
#: 1 MB of 8 kB pages.
PENDING_PAGES = 128


def _pending_pages(url: str) -> int:
    """The index's pending list, read as the cluster's superuser (``pgstattuple`` is a superuser's extension)."""
    admin = create_engine(make_url(url).set(username="postgres", password=None), isolation_level="AUTOCOMMIT")
    try:
        try:
            connection = admin.connect()
        except OperationalError:
            pytest.skip("needs the cluster's superuser without a password, as .ci/with-postgres sets it up")
        with connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pgstattuple"))
            return connection.scalar(text("SELECT pending_pages FROM pgstatginindex('ix_search_document_words')"))
    finally:
        admin.dispose()


def test_the_pending_list_stays_small_under_many_edits(tmp_path, fresh_database_url):
    runtime = Runtime(load_settings({}, instance_path=tmp_path, database_url=fresh_database_url,
                                    search_backend="postgres"))
    upgrade(runtime.engine)
    made = {}

    def build(ctx) -> None:
        made["code"] = ops.create_item(ctx, entry(make_org_tree(ctx).dept, name="待办事项清单信息")).item.code

    commit_change(runtime, build)
    try:
        with runtime.sessions() as session:
            for _ in range(EDITS):  # each indexing writes a new version of the document, lexemes and all
                pg_index.index_codes(session, runtime.profile, [made["code"]])
        pending = _pending_pages(fresh_database_url)
        assert 0 < pending <= PENDING_PAGES, pending
    finally:
        runtime.engine.dispose()
