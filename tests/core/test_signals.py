"""Subscribers hear about changed items only after the data is committed."""
from __future__ import annotations

from sqlalchemy.orm import Session

from factories import entry, make_org_tree
from registry.catalog import operations as ops
from registry.core.context import Context
from registry.core.migrate import upgrade
from registry.core.db import make_engine, make_session_factory, unit_of_work
from registry.core.signals import items_committed
from registry.profiles import load_profile


def test_items_committed_fires_after_commit_not_on_rollback(fresh_database_url):
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    heard: list[frozenset[str]] = []

    def listener(session: Session, codes: frozenset[str]) -> None:
        heard.append(codes)

    def failing(session: Session, codes: frozenset[str]) -> None:
        raise RuntimeError("index is down")

    items_committed.connect(listener)
    items_committed.connect(failing)
    try:
        with unit_of_work(sessions) as session:
            ctx = Context(session, load_profile("national"))
            orgs = make_org_tree(ctx)
            code = ops.create_item(ctx, entry(orgs.dept)).item.code
            assert heard == []  # not before the commit
        assert heard == [frozenset({code})]
        try:
            with unit_of_work(sessions) as session:
                ctx = Context(session, load_profile("national"))
                ops.update_item(ctx, ops.get_item(ctx, code), {"summary": "回滚的修改"})
                raise KeyboardInterrupt  # the job dies before committing
        except KeyboardInterrupt:
            pass
        assert heard == [frozenset({code})]
        with unit_of_work(sessions) as session:  # the failing subscriber did not lose the write
            assert ops.get_item(Context(session, load_profile("national")), code).summary.startswith("本市")
    finally:
        items_committed.disconnect(listener)
        items_committed.disconnect(failing)
        engine.dispose()


def test_savepoints_inside_a_bulk_load_do_not_announce_anything(fresh_database_url):
    """Code reservation uses SAVEPOINTs; releasing one must not announce uncommitted items."""
    from registry.catalog.bulk import bulk_create_items

    engine = make_engine(fresh_database_url)
    upgrade(engine)
    heard: list[frozenset[str]] = []

    def listener(session: Session, codes: frozenset[str]) -> None:
        heard.append(codes)

    items_committed.connect(listener)
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            ctx = Context(session, load_profile("national"))
            orgs = make_org_tree(ctx)
            result = bulk_create_items(ctx, [entry(orgs.dept, name=f"资源{i}", category_code=f"{400 + i // 4}") for i in range(9)], batch_size=4)
            assert heard == []
        assert heard == [frozenset(result.codes)]
    finally:
        items_committed.disconnect(listener)
        engine.dispose()
