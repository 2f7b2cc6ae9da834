"""A page of items loads with a fixed number of statements, however many items and units it shows."""
from __future__ import annotations

from factories import entry, uscc
from sqlalchemy import event

from registry.accounts.permissions import ItemScope
from registry.catalog.operations import create_item, entry_values
from registry.catalog.queries import ItemFilters, find_office_items
from registry.orgs.operations import create_org


def _statements_for_a_page(ctx, per_page: int) -> int:
    session = ctx.session
    session.expunge_all()  # nothing already loaded: every lazy load would show
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.connection(), "before_cursor_execute", listener)
    try:
        page = find_office_items(session, ItemScope(all_items=True), ItemFilters(), per_page=per_page, with_fields=True)
        for item in page.items:  # what the API and the screens read of each item
            entry_values(item)
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
