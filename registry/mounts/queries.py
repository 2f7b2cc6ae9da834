"""Reading mounts: the mount rate per organisation, the per-organisation drift report, who sees what.

Every figure comes from the results stored on the mounts by the last check,
so reports never reconnect to a source.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, exists, func, select

from registry.accounts.permissions import PUBLIC_STATUSES, item_scope
from registry.catalog.models import CatalogItem, ItemStatus
from registry.core.context import Context
from registry.mounts.models import CheckStatus, ResourceMount
from registry.orgs.models import Organisation

_PUBLISHED = [ItemStatus(s) for s in sorted(PUBLIC_STATUSES)]


def mount_rate_by_org(ctx: Context) -> dict[int, tuple[int, int]]:
    """Per provider (department id): (published items, published items with at least one mount), one grouped query."""
    mounted = exists().where(ResourceMount.item_id == CatalogItem.id)
    query = (select(CatalogItem.provider_id, func.count(), func.sum(case((mounted, 1), else_=0)))
             .where(CatalogItem.status.in_(_PUBLISHED)).group_by(CatalogItem.provider_id))
    return {org_id: (int(total), int(with_mount or 0)) for org_id, total, with_mount in ctx.session.execute(query)}


def insider_org_ids(ctx: Context) -> set[int] | None:
    """The providers whose mounts the actor may see (``None``: all): mounts name internal systems and tables."""
    scope = item_scope(ctx.session, ctx.actor)
    return None if scope.all_items else set(scope.own_provider_ids)


def sees_mounts(ctx: Context, item: CatalogItem) -> bool:
    allowed = insider_org_ids(ctx)
    return allowed is None or item.provider_id in allowed


@dataclass(frozen=True)
class OrgMounts:
    """One provider's line of the report."""

    org_id: int
    org_code: str
    org_name: str
    published: int
    mounted: int
    ok: int
    drift: int
    error: int
    unchecked: int

    @property
    def rate(self) -> float | None:
        return self.mounted / self.published if self.published else None


def mount_report(ctx: Context, org_ids: set[int] | None = None) -> list[OrgMounts]:
    """Per provider: the mount rate of its published items and its mounts by last check result."""
    rates = mount_rate_by_org(ctx)
    status_count = lambda status: func.sum(case((ResourceMount.status == status, 1), else_=0))
    query = (select(CatalogItem.provider_id, status_count(CheckStatus.OK), status_count(CheckStatus.DRIFT),
                    status_count(CheckStatus.ERROR), func.sum(case((ResourceMount.status.is_(None), 1), else_=0)))
             .join(CatalogItem, CatalogItem.id == ResourceMount.item_id)
             .where(CatalogItem.status != ItemStatus.RETIRED).group_by(CatalogItem.provider_id))
    statuses = {row[0]: tuple(int(n or 0) for n in row[1:]) for row in ctx.session.execute(query)}
    ids = set(rates) | set(statuses)
    if org_ids is not None:
        ids &= org_ids
    orgs = {o.id: o for o in ctx.session.scalars(select(Organisation).where(Organisation.id.in_(ids or {-1})))}
    rows = [OrgMounts(i, orgs[i].code, orgs[i].name, *rates.get(i, (0, 0)), *statuses.get(i, (0, 0, 0, 0))) for i in ids]
    return sorted(rows, key=lambda r: (-(r.drift + r.error), r.org_name))


def problem_mounts(ctx: Context, org_ids: set[int] | None = None, limit: int = 500) -> list[ResourceMount]:
    """Mounts whose last check found drift or failed, of items not retired, by provider then item."""
    query = (select(ResourceMount).join(CatalogItem, CatalogItem.id == ResourceMount.item_id)
             .where(ResourceMount.status.in_((CheckStatus.DRIFT, CheckStatus.ERROR)), CatalogItem.status != ItemStatus.RETIRED)
             .order_by(CatalogItem.provider_id, CatalogItem.code, ResourceMount.id).limit(limit))
    if org_ids is not None:
        query = query.where(CatalogItem.provider_id.in_(org_ids or {-1}))
    return list(ctx.session.scalars(query))
