"""SQLite serves the public's item list from the latest-changes index, also right after a migration adds an index."""
from __future__ import annotations

import pytest
from sqlalchemy import event, text

from databases import is_postgres
from registry.accounts.permissions import PUBLIC_SCOPE
from registry.app import Runtime
from registry.catalog.queries import ItemFilters, find_office_items
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.core.migrate import upgrade
from registry.demo.loader import load_demo

pytestmark = pytest.mark.skipif(is_postgres(), reason="SQLite's planner: it has no statistics but those ANALYZE writes")


def _plans(runtime: Runtime, filters: ItemFilters) -> list[str]:
    """The query plan of each statement a page of the public's list runs."""
    with runtime.sessions() as session:
        statements = []
        listener = lambda conn, cursor, sql, params, *rest: statements.append((sql, params))  # noqa: E731
        event.listen(session.connection(), "before_cursor_execute", listener)
        find_office_items(session, PUBLIC_SCOPE, filters, page=3, clamp=False)
        event.remove(session.connection(), "before_cursor_execute", listener)
        return [" / ".join(row[3] for row in session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
                for sql, params in statements]


def test_the_public_list_walks_the_latest_changes_index_after_the_status_index_changed(tmp_path):
    runtime = Runtime(load_settings({}, instance_path=tmp_path / "instance", database_url=f"sqlite:///{tmp_path / 'm.db'}"))
    upgrade(runtime.engine, "0015")
    with unit_of_work(runtime.sessions) as session:
        load_demo(runtime.context(session), 400, seed=1)  # analyses the catalog, like any bulk load
    upgrade(runtime.engine)  # 0016: status and class in one index
    for filters in (ItemFilters(reach="visible"), ItemFilters(reach="visible", status="published", class_code="2")):
        count, page = _plans(runtime, filters)[:2]
        assert "ix_catalog_item_status_class" in count  # counted from index entries
        assert "ix_catalog_item_updated_status_class" in page and "TEMP B-TREE" not in page, page
    with runtime.sessions() as session:
        assert session.execute(text("SELECT count(*) FROM sqlite_stat1 WHERE idx = 'ix_catalog_item_status_class'")).scalar()
    runtime.engine.dispose()
