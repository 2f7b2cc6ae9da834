"""Reading lists of catalog items for the back office, within a reader's scope."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from registry.accounts.permissions import ItemScope
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


@dataclass
class ItemPage:
    items: list[CatalogItem]
    total: int
    page: int
    pages: int


def office_items_query(scope: ItemScope, filters: ItemFilters) -> Select:
    """Items a back-office user works on: all of them, or only their own organisations' (in any status)."""
    query = select(CatalogItem)
    if not scope.all_items:
        query = query.where(CatalogItem.provider_id.in_(scope.own_provider_ids or {-1}))
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


def find_office_items(session: Session, scope: ItemScope, filters: ItemFilters, page: int = 1) -> ItemPage:
    """One page of items (newest change first) and the total across all pages."""
    query = office_items_query(scope, filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    items = session.scalars(
        query.options(selectinload(CatalogItem.provider))
        .order_by(CatalogItem.updated_at.desc(), CatalogItem.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return ItemPage(list(items), total, page, pages)
