"""A page of items loads with a fixed number of statements, however many items and units it shows."""
from __future__ import annotations

from factories import entry, uscc
from sqlalchemy import event

from registry.accounts.permissions import ItemScope
from registry.catalog.operations import create_item, entry_values, field_values, fields_values_of, update_item
from registry.catalog.queries import ItemFilters, find_office_items
from registry.orgs.operations import create_org


def _statements_for_a_page(ctx, per_page: int) -> int:
    session = ctx.session
    session.expunge_all()  # nothing already loaded: every lazy load would show
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.connection(), "before_cursor_execute", listener)
    try:
        page = find_office_items(session, ItemScope(all_items=True), ItemFilters(), per_page=per_page)
        fields = fields_values_of(session, [item.id for item in page.items])
        for item in page.items:  # what the API and the screens read of each item
            entry_values(item, fields[item.id])
            assert item.provider.name and item.provider_unit.name
    finally:
        event.remove(session.connection(), "before_cursor_execute", listener)
    assert len(page.items) == per_page
    return len(statements)


def test_a_page_of_items_with_their_units_and_fields_takes_the_same_statements_for_3_or_12(ctx, orgs):
    for n in range(12):
        unit = create_org(ctx, {"code": uscc(20 + n), "name": f"第{n}科", "level": "unit", "parent": orgs.dept})
        create_item(ctx, entry(orgs.dept, provider_unit=unit, name=f"科室条目{n}"))
    ctx.session.flush()
    assert _statements_for_a_page(ctx, 3) == _statements_for_a_page(ctx, 12)


def test_fields_read_as_rows_are_the_fields_read_as_objects(ctx, orgs):
    """Every element, enums and flags and empty values included, in each item's order (also after a reorder)."""
    varied = [
        {"name": "统一社会信用代码", "data_type": "C", "length": 18, "share_type": "conditional",
         "share_condition": "审批时共享", "open_type": "not_open", "is_primary_key": True, "identifier_kind": "uscc"},
        {"name": "法定代表人", "data_type": "C", "length": 50, "is_sensitive": True, "description": "姓名"},
        {"name": "注册资本", "data_type": "N", "length": 18, "example_value": "100.5"},
    ]
    first = create_item(ctx, entry(orgs.dept, name="按行读取甲", fields=varied)).item
    second = create_item(ctx, entry(orgs.dept, name="按行读取乙")).item
    update_item(ctx, first, {"fields": [field_values(f) for f in (first.fields[2], first.fields[0], first.fields[1])]})
    ctx.session.flush()
    ctx.session.expire_all()
    rows = fields_values_of(ctx.session, [first.id, second.id, -1])
    assert rows[first.id] == [field_values(f) for f in first.fields]
    assert [f["name"] for f in rows[first.id]] == ["注册资本", "统一社会信用代码", "法定代表人"]
    assert rows[second.id] == [field_values(f) for f in second.fields] and rows[-1] == []
