"""Bulk creation: same rules and records as one-by-one creation, all or nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factories import entry
from registry.audit.models import AuditEvent
from registry.catalog.bulk import bulk_create_items
from registry.catalog.models import CatalogItem, Field, ItemChange, ItemStatus
from registry.core.errors import ValidationError


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_bulk_creates_items_fields_history_and_audit(ctx, orgs):
    entries = [entry(orgs.dept, name=f"企业登记信息{i}") for i in range(5)]
    result = bulk_create_items(ctx, entries, publish=True, batch_size=2)
    assert (result.items, result.fields) == (5, 15)
    items = ctx.session.scalars(select(CatalogItem).order_by(CatalogItem.sequence)).all()
    assert [i.code for i in items] == [f"3074110101/{n:06d}" for n in range(1, 6)]
    assert all(i.status is ItemStatus.PUBLISHED and i.publish_date for i in items)
    assert count(ctx.session, Field) == 15 and count(ctx.session, ItemChange) == 5
    assert count(ctx.session, AuditEvent) >= 5


def test_bulk_continues_numbering_after_single_creates(ctx, orgs):
    from registry.catalog.operations import create_item

    create_item(ctx, entry(orgs.dept, name="单个"))
    result = bulk_create_items(ctx, [entry(orgs.dept, name="批量")])
    assert result.codes == ["3074110101/000002"]


def test_bulk_refuses_invalid_entry_naming_its_position(ctx, orgs):
    entries = [entry(orgs.dept, name="好的"), entry(orgs.dept, name="坏的", share_type="conditional")]
    with pytest.raises(ValidationError) as exc:
        bulk_create_items(ctx, entries)
    assert any(e.label.startswith("第2条") and e.field == "share_condition" for e in exc.value.errors)


def test_bulk_refuses_duplicate_and_used_codes(ctx, orgs):
    bulk_create_items(ctx, [entry(orgs.dept, code="3074110101/000003")])
    with pytest.raises(ValidationError) as exc:
        bulk_create_items(ctx, [entry(orgs.dept, name="甲", code="3074110101/000003")])
    assert "已被使用" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        bulk_create_items(ctx, [entry(orgs.dept, name="乙", code="3074110101/000009"),
                                entry(orgs.dept, name="丙", code="3074110101/000009")])
    assert "与第1条重复" in str(exc.value)


def test_a_failed_bulk_load_leaves_the_database_untouched(engine, orgs, ctx):
    """The caller's transaction is the unit: a bad batch after good ones rolls back everything."""
    before = count(ctx.session, CatalogItem)
    entries = [entry(orgs.dept, name=f"项{i}") for i in range(6)] + [entry(orgs.dept, name="坏", update_cycle="每世纪")]
    savepoint = ctx.session.begin_nested()
    with pytest.raises(ValidationError):
        bulk_create_items(ctx, entries, batch_size=3)
    savepoint.rollback()
    assert count(ctx.session, CatalogItem) == before
