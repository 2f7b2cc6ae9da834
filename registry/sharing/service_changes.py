"""共享服务变更告知 (binzhou §24): a provider announces an upgrade, change or stop of a shared service in time.

A data service in use may be interrupted by an upgrade, a change or its
retirement; the provider must tell the organisations using it, and the data
authority, ``service_change_notice`` working days ahead (binzhou: 10). The
notice is a request addressed to the provider: it falls due on the day the
change takes effect, and closes when the provider confirms it was carried out
(or cancels it, saying why). Who is using the service is read from the
approved share requests of the item when the notice is given.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import false, select

from registry.accounts.models import Role, User
from registry.accounts.permissions import (
    CATALOG_ROLES,
    any_of,
    compiles_for,
    declare,
    is_authority,
    is_system,
    require,
    subtree_ids,
)
from registry.catalog.models import CatalogItem, ItemStatus
from registry.core.context import Context
from registry.core.errors import FieldError, ValidationError
from registry.core.i18n import N_
from registry.core.localtime import local_today
from registry.notifications.recipients import AUDIENCES, who_acts
from registry.orgs.models import Organisation
from registry.requests.engine import (
    Action,
    RequestType,
    deadline_from,
    open_request,
    register,
)
from registry.requests.models import Request

TYPE = "service_change"
NOTICE_DEADLINE = "service_change_notice"
KINDS = {"upgrade": "系统升级", "change": "服务变更", "stop": "停用"}
LABELS = {"item": "信息资源", "kind": "变更类型", "effective_on": "实施日期", "description": "变更内容及影响"}

register(RequestType(
    TYPE, N_("共享服务变更告知"),
    states={"open": N_("已告知，待实施"), "done": N_("已实施"), "cancelled": N_("已取消")},
    actions={
        "done": Action("done", N_("确认已实施"), frozenset({"open"}), "done"),
        "cancel": Action("cancel", N_("取消变更"), frozenset({"open"}), "cancelled", needs_reason=True),
    },
))

declare("share:announce_change", any_of(is_system, is_authority, compiles_for), "只有数据提供单位可以告知本单位共享服务的变更")


def visible_notices(ctx: Context):
    """A notice about a published service is for everyone who works with the catalog (``None``: all of them)."""
    if ctx.actor is None or ctx.actor.role in CATALOG_ROLES:
        return None
    return false()


def sees_users(ctx: Context, request: Request) -> bool:
    """Who was granted the data is the provider's, the city's and the authority's to know, not every reader's."""
    actor = ctx.actor
    return actor is None or actor.role in (Role.AUTHORITY_ADMIN, Role.CITY_REVIEWER) or compiles_for(actor, request.organisation)


def service_users(ctx: Context, item: CatalogItem) -> list[Organisation]:
    """The organisations with an approved share request for ``item``: those a change would affect."""
    query = (select(Organisation).join(Request, Request.requester_id == Organisation.id)
             .where(Request.type == "share_request", Request.state == "approved", Request.item_id == item.id)
             .distinct().order_by(Organisation.name))
    return list(ctx.session.scalars(query))


def earliest_effective_day(ctx: Context, today: date | None = None) -> date | None:
    """The first day a change announced today may take effect; ``None`` where the profile sets no notice period."""
    return deadline_from(ctx, NOTICE_DEADLINE, today)


def announce_service_change(ctx: Context, item: CatalogItem, values: dict, *, today: date | None = None) -> Request:
    """Tell the users of ``item``'s shared service (and the authority) of a change taking effect on ``effective_on``."""
    require(ctx.actor, "share:announce_change", item.provider)
    today = today or local_today()
    errors = []
    if item.status not in (ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING):
        errors.append(FieldError("item", "只有已发布条目的共享服务需要告知变更", LABELS["item"]))
    kind = (values.get("kind") or "").strip()
    if kind not in KINDS:
        errors.append(FieldError("kind", f"请选择：{'、'.join(KINDS.values())}", LABELS["kind"]))
    description = (values.get("description") or "").strip()
    if not description:
        errors.append(FieldError("description", "请说明变更内容及对使用单位的影响", LABELS["description"]))
    effective_on = _day(values.get("effective_on"), errors)
    earliest = earliest_effective_day(ctx, today)
    if effective_on is not None:
        if effective_on <= today:
            errors.append(FieldError("effective_on", "实施日期须晚于今天", LABELS["effective_on"]))
        elif earliest is not None and effective_on < earliest:
            days = ctx.profile.deadline(NOTICE_DEADLINE).days
            errors.append(FieldError("effective_on", f"须提前{days}个工作日告知，最早可定于{earliest.isoformat()}",
                                     LABELS["effective_on"]))
    if errors:
        raise ValidationError(errors)
    users = service_users(ctx, item)
    request = open_request(
        ctx, TYPE, organisation=item.provider.department, item=item, today=today, due_at=effective_on,
        title=f"{KINDS[kind]}：{item.name}"[:300],
        data={"kind": kind, "kind_label": KINDS[kind], "effective_on": effective_on.isoformat(),
              "description": description[:4000], "users": [{"code": o.code, "name": o.name} for o in users]},
    )
    return request


def _day(value, errors: list[FieldError]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        errors.append(FieldError("effective_on", "请填写实施日期，格式如 2026-10-20", LABELS["effective_on"]))
        return None


def _told(session, request: Request) -> list[User]:
    """Who is told, and reminded on the day: the compilers of the departments using the service and of the
    provider (who confirms it was carried out), and the data authority."""
    codes = [u["code"] for u in (request.data or {}).get("users", [])]
    departments = [o.department for o in session.scalars(select(Organisation).where(Organisation.code.in_(codes)))]
    departments.append(request.organisation.department)
    ids = set().union(*(subtree_ids(session, d.id) for d in departments))
    compilers = session.scalars(select(User).where(User.role == Role.COMPILER, User.is_active.is_(True),
                                                   User.organisation_id.in_(ids)))
    told = {u.id: u for u in AUDIENCES["authority"](session, request)}
    told.update({u.id: u for u in compilers})
    return list(told.values())


who_acts(TYPE, None, _told)
