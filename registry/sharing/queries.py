"""Who sees which share requests and uses, and the use log's filters."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, false, or_, select

from registry.accounts.models import Role
from registry.accounts.permissions import county_of, subtree_ids
from registry.core.context import Context
from registry.core.localtime import LOCAL_ZONE
from registry.requests.models import Request
from registry.sharing.models import ShareUse

#: Roles that see every share request of the city (the authority coordinates, the city reviewer oversees).
CITY_WIDE = (Role.AUTHORITY_ADMIN, Role.CITY_REVIEWER)


def visible_requests(ctx: Context) -> ColumnElement[bool] | None:
    """Share requests the actor may read: both sides' departments, their county's reviewer, the city; ``None`` = all.

    The separated administrators (三员) do no catalog work and see none.
    """
    actor = ctx.actor
    if actor is None or actor.role in CITY_WIDE:
        return None
    if actor.role is Role.COMPILER:
        ids = subtree_ids(ctx.session, actor.organisation.department.id)
    elif actor.role is Role.COUNTY_REVIEWER and county_of(actor.organisation) is not None:
        ids = subtree_ids(ctx.session, county_of(actor.organisation).id)
    else:
        return false()
    return or_(Request.organisation_id.in_(ids), Request.requester_id.in_(ids))


def sees_request(ctx: Context, request: Request) -> bool:
    where = visible_requests(ctx)
    if where is None:
        return True
    return ctx.session.scalar(select(Request.id).where(Request.id == request.id, where)) is not None


@dataclass(frozen=True)
class UseFilter:
    """The use log's filters: one request, one item, an organisation (using or providing), a local date range."""

    request_id: int | None = None
    item_id: int | None = None
    org_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _local_midnight(day: date) -> datetime | None:
    """China's midnight starting ``day``, in UTC; ``None`` at the calendar's ends (no bound there)."""
    try:
        return datetime.combine(day, time.min, LOCAL_ZONE).astimezone(UTC)
    except OverflowError:
        return None


def use_query(ctx: Context, flt: UseFilter) -> Select:
    """Uses the actor may read (through the requests they see), newest first."""
    query = select(ShareUse).join(Request, ShareUse.request_id == Request.id)
    where = visible_requests(ctx)
    if where is not None:
        query = query.where(where)
    if flt.request_id is not None:
        query = query.where(ShareUse.request_id == flt.request_id)
    if flt.item_id is not None:
        query = query.where(ShareUse.item_id == flt.item_id)
    if flt.org_id is not None:
        query = query.where(or_(ShareUse.organisation_id == flt.org_id, Request.organisation_id == flt.org_id))
    start = _local_midnight(flt.date_from) if flt.date_from is not None else None
    end = _local_midnight(flt.date_to + timedelta(days=1)) if flt.date_to not in (None, date.max) else None
    if start is not None:
        query = query.where(ShareUse.used_at >= start)
    if end is not None:
        query = query.where(ShareUse.used_at < end)
    return query.order_by(ShareUse.used_at.desc(), ShareUse.id.desc())
