"""Reading lists of catalog items for the back office and the API, within a reader's scope."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.accounts.permissions import PUBLIC_STATUSES, ItemScope
from registry.catalog.models import CatalogItem

PAGE_SIZE = 50


@dataclass(frozen=True)
class ItemFilters:
    """What the item list is narrowed by; empty strings mean no filter."""

    status: str = ""
    share_type: str = ""
    class_code: str = ""
    provider_id: int | None = None
    text: str = ""
    #: ``own``: only the reader's organisations' items, in any status (the back office's list);
    #: ``visible``: everything the reader may read (published items, plus their own).
    reach: str = "own"


#: Orders a list may be sorted by (a leading ``-`` for descending), and the column each names.
SORTS = {"updated": CatalogItem.updated_at, "code": CatalogItem.code, "name": CatalogItem.name}


@dataclass
class ItemPage:
    items: list[CatalogItem]
    total: int
    page: int
    pages: int


def office_items_query(scope: ItemScope, filters: ItemFilters) -> Select:
    """Items a back-office user works on: all of them, or only their own organisations' (in any status)."""
    query = select(CatalogItem)
    own = CatalogItem.provider_id.in_(scope.own_provider_ids or {-1})
    public = CatalogItem.status.in_(PUBLIC_STATUSES)
    if filters.reach == "visible" and not scope.own_provider_ids and not scope.all_items:
        query = query.where(public)  # no "or a provider of -1": with it, no index serves the public's list
    elif not scope.all_items:
        query = query.where(own if filters.reach == "own" else or_(own, public))
    if filters.status:
        query = query.where(CatalogItem.status == filters.status)
    if filters.share_type:
        query = query.where(CatalogItem.share_type == filters.share_type)
    if filters.class_code:
        query = query.where(CatalogItem.class_code == filters.class_code)
    if filters.provider_id is not None:
        query = query.where(CatalogItem.provider_id == filters.provider_id)
    if filters.text:
        pattern = f"%{filters.text}%"
        query = query.where(or_(CatalogItem.name.like(pattern), CatalogItem.code.like(pattern)))
    return query


def find_office_items(session: Session, scope: ItemScope, filters: ItemFilters, page: int = 1,
                      per_page: int = PAGE_SIZE, sort: str = "-updated", clamp: bool = True) -> ItemPage:
    """One page of items (newest change first unless ``sort`` says otherwise) and the total.

    ``clamp`` moves a page past the end back to the last one (screens); the API
    answers such a page with no items instead.
    """
    query = office_items_query(scope, filters)
    # count(*), not count(id): SQLite then counts index entries without reading a column of each (5.3 → 2.9 ms
    # for the public's 90,000 items).
    total = session.scalar(query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages) if clamp else max(1, page)
    column = SORTS[sort.lstrip("-")]
    # Units too: lists show them, and loading them one by one was 41 queries for a page of 50.
    loads = [selectinload(CatalogItem.provider), selectinload(CatalogItem.provider_unit)]
    items = session.scalars(
        query.options(*loads)
        .order_by(column.desc() if sort.startswith("-") else column, CatalogItem.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return ItemPage(list(items), total, page, pages)
