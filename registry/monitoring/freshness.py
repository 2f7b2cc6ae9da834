"""Update-cycle monitoring: published entries whose data was not refreshed within their update cycle.

Binzhou §19 asks that data be updated as the catalog's update cycle says;
fuzhou_jx §11 that data which cannot be updated in real time be updated at
least monthly. Each ``update_cycle`` term of the profile carries ``max_days``
(``null`` for 不定期 / 不更新: not monitored). Under
``workflow.refresh_at_least_monthly`` every published entry is held to at most
31 days, irregular and static ones included: §11 makes every shared entry
subject to 动态管理和实时更新 and names no exception, and the same profile's
catalog rule ``update_cycle_at_least_monthly`` already refuses 不定期 and 不更新
as update cycles.

An entry's last refresh is ``data_updated_at``, else ``published_at`` (else
``created_at``, for entries loaded as published without a date). An entry is
stale when more than ``max_days`` calendar days lie between the local day of
its last refresh and today. The queries are set-based — one grouped scan for
the per-organisation figures, one filtered page for the list — so they serve a
provincial catalog of 100,000 entries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true
from sqlalchemy.orm.attributes import flag_modified

from registry.accounts.models import Role
from registry.accounts.permissions import (
    PUBLIC_STATUSES,
    any_of,
    compiles_for,
    declare,
    is_system,
    require,
    subtree_ids,
)
from registry.audit.operations import record_event
from registry.catalog.models import CatalogItem, ItemStatus
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import ConflictError, FieldError, ValidationError
from registry.core.localtime import LOCAL_ZONE, aware, local_time, local_today
from registry.core.signals import note_item_changed
from registry.orgs.models import Organisation
from registry.profiles import Profile

#: fuzhou_jx §11: 不具备实时更新条件的，至少应每月更新一次 — the longest month.
MONTHLY_LIMIT = 31

declare("item:refresh", any_of(is_system, compiles_for), "只有提供单位的编目人员可以登记数据更新")

_PUBLISHED = [ItemStatus(s) for s in sorted(PUBLIC_STATUSES)]


@dataclass(frozen=True)
class OrgFreshness:
    """One provider's published entries under monitoring and how many of them are stale."""

    org_id: int
    org_name: str
    monitored: int
    stale: int


@dataclass(frozen=True)
class StaleItem:
    code: str
    name: str
    provider_id: int
    provider: str
    cycle: str
    cycle_label: str
    max_days: int
    last_refresh: datetime
    days_overdue: int


@dataclass(frozen=True)
class CycleLimits:
    """Days allowed per update-cycle value; ``default`` for values outside the vocabulary (``None``: not monitored)."""

    by_cycle: dict[str, int]
    default: int | None


def freshness_scope(ctx: Context) -> set[int] | None:
    """Providers whose freshness the actor follows: a compiler their department's, reviewers and the authority all."""
    actor = ctx.actor
    if actor is None or actor.role in (Role.AUTHORITY_ADMIN, Role.CITY_REVIEWER, Role.COUNTY_REVIEWER):
        return None
    if actor.role is Role.COMPILER:
        return subtree_ids(ctx.session, actor.organisation.department.id)
    return set()


def cycle_limits(profile: Profile) -> CycleLimits:
    """The profile's monitored cycles and their ``max_days``, capped at a month where the profile says so."""
    monthly = profile.workflow.get("refresh_at_least_monthly", False)
    limits: dict[str, int] = {}
    for term in profile.vocab("update_cycle").terms:
        days = term.attrs.get("max_days")
        if monthly:
            limits[term.value] = min(int(days), MONTHLY_LIMIT) if days is not None else MONTHLY_LIMIT
        elif days is not None:
            limits[term.value] = int(days)
    return CycleLimits(limits, MONTHLY_LIMIT if monthly else None)


def last_refresh_column() -> ColumnElement:
    return func.coalesce(CatalogItem.data_updated_at, CatalogItem.published_at, CatalogItem.created_at)


def _cutoff(today: date, days: int) -> datetime:
    """The first instant that is still fresh: local midnight ``days`` days before today, in UTC as stored."""
    return datetime.combine(today - timedelta(days=days), time(), LOCAL_ZONE).astimezone(UTC)


def _conditions(limits: CycleLimits, today: date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(monitored, stale) as SQL conditions: one comparison per distinct limit, not per entry."""
    last = last_refresh_column()
    by_days: dict[int, list[str]] = {}
    for cycle, days in limits.by_cycle.items():
        by_days.setdefault(days, []).append(cycle)
    known = list(limits.by_cycle)
    stale = [and_(CatalogItem.update_cycle.in_(cycles), last < _cutoff(today, days)) for days, cycles in by_days.items()]
    if limits.default is not None:
        stale.append(and_(CatalogItem.update_cycle.not_in(known), last < _cutoff(today, limits.default)))
        monitored: ColumnElement[bool] = true()
    else:
        monitored = CatalogItem.update_cycle.in_(known) if known else false()
    return monitored, or_(*stale) if stale else false()


def _published() -> ColumnElement[bool]:
    return CatalogItem.status.in_(_PUBLISHED)


def staleness_by_org(ctx: Context, today: date | None = None, org_ids: set[int] | None = None) -> dict[int, OrgFreshness]:
    """Per provider (department id): published entries under monitoring and how many are stale, in one grouped query.

    Every provider with a published entry is present, with ``monitored`` 0 when none has a monitored cycle.
    ``org_ids`` limits the result to those providers.
    """
    monitored, stale = _conditions(cycle_limits(ctx.profile), today or local_today())
    query = (
        select(CatalogItem.provider_id, Organisation.name,
               func.sum(case((monitored, 1), else_=0)), func.sum(case((and_(monitored, stale), 1), else_=0)))
        .join(Organisation, Organisation.id == CatalogItem.provider_id)
        .where(_published()).group_by(CatalogItem.provider_id, Organisation.name)
    )
    if org_ids is not None:
        query = query.where(CatalogItem.provider_id.in_(org_ids or {-1}))
    return {org_id: OrgFreshness(org_id, name, int(n or 0), int(s or 0)) for org_id, name, n, s in ctx.session.execute(query)}


def _stale_query(ctx: Context, today: date, org_id: int | None, org_ids: set[int] | None):
    monitored, stale = _conditions(cycle_limits(ctx.profile), today)
    query = select(CatalogItem.code, CatalogItem.name, CatalogItem.provider_id, Organisation.name, CatalogItem.update_cycle,
                   last_refresh_column()).join(Organisation, Organisation.id == CatalogItem.provider_id) \
        .where(_published(), monitored, stale)
    if org_id is not None:
        query = query.where(CatalogItem.provider_id.in_(subtree_ids(ctx.session, org_id)))
    if org_ids is not None:
        query = query.where(CatalogItem.provider_id.in_(org_ids or {-1}))
    return query


def stale_items(ctx: Context, org_id: int | None = None, today: date | None = None, limit: int = 50, offset: int = 0,
                org_ids: set[int] | None = None) -> list[StaleItem]:
    """Stale published entries (of ``org_id`` and its units, or of all), the longest unrefreshed first."""
    today = today or local_today()
    limits = cycle_limits(ctx.profile)
    vocab = ctx.profile.vocab("update_cycle")
    query = _stale_query(ctx, today, org_id, org_ids).order_by(last_refresh_column(), CatalogItem.code)
    rows = []
    for code, name, provider_id, provider, cycle, last in ctx.session.execute(query.limit(limit).offset(offset)):
        days = limits.by_cycle.get(cycle, limits.default or 0)
        last = aware(last)
        rows.append(StaleItem(code, name, provider_id, provider, cycle, vocab.label(cycle), days, last,
                              (today - local_time(last).date()).days - days))
    return rows


def count_stale(ctx: Context, org_id: int | None = None, today: date | None = None, org_ids: set[int] | None = None) -> int:
    query = _stale_query(ctx, today or local_today(), org_id, org_ids)
    return ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def is_stale(ctx: Context, item: CatalogItem, today: date | None = None) -> bool:
    """One entry's flag, by the same rule as the queries (for an entry's page)."""
    if item.status not in _PUBLISHED:
        return False
    limits = cycle_limits(ctx.profile)
    days = limits.by_cycle.get(item.update_cycle, limits.default)
    last = item.data_updated_at or item.published_at or item.created_at
    return days is not None and last is not None and ((today or local_today()) - local_time(last).date()).days > days


# -- recording a refresh ------------------------------------------------------------

def _as_instant(at: datetime | date | None) -> datetime:
    """A refresh time in UTC: now when not given; a naive time or a bare date is on the local clock."""
    if at is None:
        return utcnow()
    if not isinstance(at, datetime):
        at = datetime.combine(at, time())
    return (at if at.tzinfo else at.replace(tzinfo=LOCAL_ZONE)).astimezone(UTC)


def record_refresh(ctx: Context, item: CatalogItem, at: datetime | date | None = None) -> CatalogItem:
    """Record that the entry's data was refreshed (now, or at ``at``): its provider's compilers or a system job.

    The time may not lie in the future, nor before the refresh already recorded.
    """
    require(ctx.actor, "item:refresh", item.provider)
    if item.status is ItemStatus.RETIRED:
        raise ConflictError("已注销的条目不能登记数据更新")
    try:
        instant = _as_instant(at)
    except OverflowError:  # a time at the very edge of the calendar
        raise ValidationError(FieldError("at", "数据更新时间无效", "数据更新时间")) from None
    if instant > utcnow():
        raise ValidationError(FieldError("at", "数据更新时间不能晚于当前时间", "数据更新时间"))
    previous = aware(item.data_updated_at) if item.data_updated_at else None
    if previous is not None and instant < previous:
        shown = local_time(previous).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(FieldError("at", f"早于已登记的最近一次数据更新（{shown}）", "数据更新时间"))
    described = item.updated_at
    item.data_updated_at = instant
    item.updated_at = described  # the data was refreshed, not its description: keep the metadata's modification time
    flag_modified(item, "updated_at")
    ctx.session.flush()
    record_event(ctx, "item:refresh", "item", item.code,
                 {"at": instant.isoformat(), "previous": previous.isoformat() if previous else None})
    note_item_changed(ctx.session, item.code)
    return item
