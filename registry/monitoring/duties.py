"""目录更新时限: a change of law or duties starts the clock for the organisation to update its catalog.

The data authority records the change (what changed, the legal basis, the
effective date) against an organisation; its compilers then update the
catalog and report which entries they created, changed or retired for it,
within the profile's ``catalog_update`` working days (shijiazhuang §6: 2,
nanyang §22: 5, binzhou §11: 15, fuzhou_jx §14: 3). Where the profile has
``catalog_update_review`` (nanyang §22: the authority reviews within 5) the
report goes to the authority, who confirms it or returns it with a reason
and a new clock. A county organisation's report first reaches the city
through its county within ``county_to_city`` (nanyang §23: 5).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, false, select

from registry.accounts.models import Role
from registry.accounts.permissions import (
    any_of,
    can,
    compiles_for,
    county_of,
    declare,
    is_authority,
    is_system,
    require,
    reviews_county,
    subtree_ids,
)
from registry.catalog.models import CatalogItem, ChangeKind, ChangeState, ItemChange
from registry.core.context import Context
from registry.core.errors import ConflictError, FieldError, NotFound, ValidationError
from registry.core.i18n import N_
from registry.core.localtime import local_today
from registry.orgs.models import Organisation, OrgLevel
from registry.requests.engine import (
    Action,
    RequestType,
    open_request,
    register,
    transition,
)
from registry.requests.models import Request

TYPE = "catalog_update"
_OPEN = frozenset({"open"})

CATALOG_UPDATE = register(RequestType(
    TYPE, N_("目录更新"),
    states={"open": N_("办理中"), "completed": N_("已完成"), "cancelled": N_("已撤销")},
    actions={
        # The compilers' report; which of the three applies depends on the profile and on where the organisation sits.
        "complete": Action("complete", N_("报告更新完成"), _OPEN, "completed", stages=frozenset({"update"})),
        "submit_county": Action("submit_county", N_("报告更新完成，经县（区）报市级"), _OPEN, "open",
                                stages=frozenset({"update"}), next_stage="county", deadline_key="county_to_city"),
        "submit_review": Action("submit_review", N_("报告更新完成，报数据主管部门审核"), _OPEN, "open",
                                stages=frozenset({"update"}), next_stage="review", deadline_key="catalog_update_review"),
        # The county passes the report on to the city (nanyang §23).
        "forward": Action("forward", N_("报送市级数据主管部门"), _OPEN, "open", stages=frozenset({"county"}),
                          next_stage="review", deadline_key="catalog_update_review"),
        "accept": Action("accept", N_("报送市级（办结）"), _OPEN, "completed", stages=frozenset({"county"})),
        "confirm": Action("confirm", N_("审核确认"), _OPEN, "completed", stages=frozenset({"review"})),
        "return": Action("return", N_("退回重新更新"), _OPEN, "open", needs_reason=True,
                         stages=frozenset({"county", "review"}), next_stage="update", deadline_key="catalog_update"),
        "cancel": Action("cancel", N_("撤销"), _OPEN, "cancelled", needs_reason=True),
    },
    deadline_key="catalog_update",
    stages={"update": N_("待更新目录"), "county": N_("待县（区）报送市级"), "review": N_("待数据主管部门审核")},
    first_stage="update",
))

#: What changed (法律法规或职责变化).
CHANGE_KINDS = {"law": N_("法律法规修订"), "duties": N_("职责变化")}
#: How far ahead an effective date may lie (a law is announced months, not years, before it takes effect).
MAX_DAYS_AHEAD = 366
#: What a report says was done to an entry.
DONE_LABELS = {"created": N_("新建"), "changed": N_("修改"), "retired": N_("注销")}

declare("catalog_update:record", any_of(is_system, is_authority), "只有数据主管部门可以登记法律法规或职责变化")
declare("catalog_update:complete", any_of(is_system, compiles_for), "只有该单位的编目人员可以报告目录更新完成")
declare("catalog_update:forward", any_of(is_system, reviews_county), "此事项不在您所在县（区）的报送范围内")
declare("catalog_update:review", any_of(is_system, is_authority), "只有数据主管部门可以审核目录更新")

#: Which permission each action needs; ``return`` depends on the stage it is taken from.
ACTION_PERMISSIONS = {
    "complete": "catalog_update:complete", "submit_county": "catalog_update:complete",
    "submit_review": "catalog_update:complete", "forward": "catalog_update:forward", "accept": "catalog_update:forward",
    "confirm": "catalog_update:review", "cancel": "catalog_update:record",
}
_RETURN_PERMISSIONS = {"county": "catalog_update:forward", "review": "catalog_update:review"}
_COMPLETIONS = ("complete", "submit_county", "submit_review")


# -- the route a report takes ---------------------------------------------------------

def _in_county(org: Organisation) -> bool:
    return county_of(org) is not None


def completion_action(ctx: Context, req: Request) -> str:
    """How the compilers' report moves on: via the county (nanyang §23), to the authority's review (§22), or done."""
    if _in_county(req.organisation) and ctx.profile.deadline("county_to_city"):
        return "submit_county"
    if ctx.profile.deadline("catalog_update_review"):
        return "submit_review"
    return "complete"


def county_action(ctx: Context) -> str:
    return "forward" if ctx.profile.deadline("catalog_update_review") else "accept"


def _permission(req: Request, action: str) -> str:
    return _RETURN_PERMISSIONS.get(req.stage or "", "catalog_update:review") if action == "return" else ACTION_PERMISSIONS[action]


def may_act(ctx: Context, req: Request, action: str) -> bool:
    """Whether the actor may take ``action`` now: it applies in this stage, it is this request's route, and it is theirs."""
    request_action = CATALOG_UPDATE.actions.get(action)
    if req.type != TYPE or request_action is None or not request_action.applies_to(req):
        return False
    if action in _COMPLETIONS and action != completion_action(ctx, req):
        return False
    if action in ("forward", "accept") and action != county_action(ctx):
        return False
    return can(ctx.actor, _permission(req, action), req.organisation)


def deadline_note(ctx: Context) -> str | None:
    """The article behind the clock, or that the profile sets none (shown instead of a due date)."""
    deadline = ctx.profile.deadline("catalog_update")
    if deadline is None:
        return "本辖区规章未规定目录更新时限"
    return f"{deadline.days}个工作日（{deadline.article}）" if deadline.article else f"{deadline.days}个工作日"


# -- the authority records a change ---------------------------------------------------

def _check(org: Organisation | None, kind: str, summary: str, basis: str, effective_date: date | None, today: date) -> None:
    errors = []
    if org is None:
        errors.append(FieldError("organisation", "请选择需要更新目录的单位", "单位"))
    elif org.level is not OrgLevel.DEPARTMENT:
        errors.append(FieldError("organisation", f"“{org.name}”不是部门；目录更新由编制目录的部门办理", "单位"))
    if kind not in CHANGE_KINDS:
        errors.append(FieldError("kind", "变化类型只能是“法律法规修订”或“职责变化”", "变化类型"))
    if not summary.strip():
        errors.append(FieldError("summary", "请说明发生了什么变化", "变化内容"))
    if not basis.strip():
        errors.append(FieldError("basis", "请写明所依据的法律法规或文件（名称、文号）", "依据"))
    if effective_date is None:
        errors.append(FieldError("effective_date", "请填写变化生效日期", "生效日期"))
    elif effective_date > today + timedelta(days=MAX_DAYS_AHEAD):
        errors.append(FieldError("effective_date", "生效日期不能晚于一年以后；尚未确定生效的变化请生效前再登记", "生效日期"))
    if errors:
        raise ValidationError(errors)


def record_duty_change(ctx: Context, organisation: Organisation | None, *, kind: str, summary: str, basis: str,
                       effective_date: date | None, today: date | None = None) -> Request:
    """Record a change of law or duties (``kind`` law|duties) and open the organisation's catalog update,
    due in the profile's ``catalog_update`` working days (none when the profile sets none).

    The clock starts on the day it is recorded, or on the effective date when that is later: the catalog
    follows the law once it takes effect (nanyang §22: 自法律法规做出修改或职能发生变更之日起).
    """
    require(ctx.actor, "catalog_update:record", organisation)
    summary, basis = (summary or "").strip(), (basis or "").strip()
    today = today or local_today()
    _check(organisation, kind, summary, basis, effective_date, today)
    start = max(today, effective_date)
    deadline = ctx.profile.deadline("catalog_update")
    data = {
        "kind": kind, "summary": summary[:4000], "basis": basis[:1000],
        "effective_date": effective_date.isoformat(), "clock_start": start.isoformat(),
        "deadline_days": deadline.days if deadline else None, "deadline_article": deadline.article if deadline else None,
        "reports": [],
    }
    title = f"{organisation.name}：{CHANGE_KINDS[kind]}，更新目录（{summary[:60]}）"
    requester = ctx.actor.organisation if ctx.actor is not None else None
    return open_request(ctx, TYPE, organisation=organisation, requester=requester, title=title, data=data, today=start)


# -- the compilers report the update --------------------------------------------------

_KIND_WORDS = {ChangeKind.CREATE: "created", ChangeKind.UPDATE: "changed", ChangeKind.RETIRE: "retired"}


def _changes_since(ctx: Context, req: Request, item_ids=None) -> dict[int, set[str]]:
    """Item id → what was done to it (created / changed / retired) since the request opened; rejected and
    withdrawn proposals do not count."""
    query = select(ItemChange.item_id, ItemChange.kind).where(
        ItemChange.state.in_((ChangeState.APPLIED, ChangeState.PENDING)), ItemChange.created_at >= req.created_at)
    if item_ids is not None:
        query = query.where(ItemChange.item_id.in_(item_ids or [-1]))
    else:
        query = query.join(CatalogItem, CatalogItem.id == ItemChange.item_id).where(
            CatalogItem.provider_id.in_(subtree_ids(ctx.session, req.organisation.id)))
    kinds: dict[int, set[str]] = {}
    for item_id, kind in ctx.session.execute(query):
        kinds.setdefault(item_id, set()).add(_KIND_WORDS[kind])
    return kinds


def changed_items(ctx: Context, req: Request, limit: int = 200) -> list[tuple[CatalogItem, list[str]]]:
    """The organisation's entries created, changed or retired since the request opened: what a report may list."""
    kinds = _changes_since(ctx, req)
    items = ctx.session.scalars(select(CatalogItem).where(CatalogItem.id.in_(list(kinds) or [-1]))
                                .order_by(CatalogItem.code).limit(limit))
    return [(item, sorted(kinds[item.id])) for item in items]


def _updated_items(ctx: Context, req: Request, codes: list[str]) -> list[dict]:
    """The named entries with what was done to each since the request opened; a field error for any other."""
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not codes:
        raise ValidationError(FieldError("items", "请列出为此次变化新建、修改或注销的目录条目（资源代码）", "更新的条目"))
    own = subtree_ids(ctx.session, req.organisation.id)
    items = {i.code: i for i in ctx.session.scalars(select(CatalogItem).where(CatalogItem.code.in_(codes)))}
    kinds = _changes_since(ctx, req, [i.id for i in items.values()])
    errors, listed = [], []
    for code in codes:
        item = items.get(code)
        if item is None or item.provider_id not in own:
            errors.append(FieldError("items", f"“{code}”不是{req.organisation.name}的目录条目", "更新的条目"))
        elif item.id not in kinds:
            errors.append(FieldError("items", f"“{code}”自本事项登记以来没有新建、修改或注销", "更新的条目"))
        else:
            listed.append({"code": item.code, "name": item.name, "done": sorted(kinds[item.id])})
    if errors:
        raise ValidationError(errors)
    return listed


def report_update(ctx: Context, req: Request, codes: list[str], note: str | None = None, *,
                  today: date | None = None) -> Request:
    """The compilers report the catalog updated, naming the entries; it then goes on as :func:`completion_action` says."""
    action = completion_action(ctx, req)
    require(ctx.actor, "catalog_update:complete", req.organisation)
    listed = _updated_items(ctx, req, codes)
    report = {"round": req.round, "items": listed, "note": (note or "").strip() or None,
              "by": (ctx.actor.display_name or ctx.actor.username) if ctx.actor else "系统"}
    transition(ctx, req, action, note, today=today)
    req.data = {**req.data, "reports": [*req.data.get("reports", []), report]}
    ctx.session.flush()
    return req


# -- the county and the authority -----------------------------------------------------

def decide(ctx: Context, req: Request, action: str, reason: str | None = None, *, today: date | None = None) -> Request:
    """Forward, confirm, return (with a reason; a new ``catalog_update`` clock) or cancel."""
    if action in _COMPLETIONS:
        raise ValidationError(FieldError("items", "报告更新完成须列出更新的条目", "更新的条目"))
    if action in ("forward", "accept") and action != county_action(ctx):
        raise ConflictError(f"本辖区的县（区）报送应选择“{CATALOG_UPDATE.actions[county_action(ctx)].label}”")
    known = CATALOG_UPDATE.actions.get(action)
    if known is not None and known.applies_to(req):
        require(ctx.actor, _permission(req, action), req.organisation)
    transition(ctx, req, action, reason, today=today)  # refuses, in Chinese, an action that does not apply now
    if action == "return":
        req.round += 1
        ctx.session.flush()
    return req


def act(ctx: Context, req: Request, action: str, reason: str | None = None, codes: list[str] | None = None, *,
        today: date | None = None) -> Request:
    """One entry point for the screens and the API: a report needs the entries, every other action a reason at most."""
    ctx.session.refresh(req, with_for_update=True)  # two people acting at once: the second sees the first's outcome
    if action in _COMPLETIONS:
        return report_update(ctx, req, codes or [], reason, today=today)
    return decide(ctx, req, action, reason, today=today)


# -- who sees what ------------------------------------------------------------------

def visible(ctx: Context) -> ColumnElement[bool] | None:
    """The authority and city reviewers see every update; a county reviewer their county's; compilers their department's."""
    actor = ctx.actor
    if actor is None or actor.role in (Role.AUTHORITY_ADMIN, Role.CITY_REVIEWER):
        return None
    if actor.role is Role.COUNTY_REVIEWER:
        county = county_of(actor.organisation)
        return Request.organisation_id.in_(subtree_ids(ctx.session, county.id)) if county else false()
    if actor.role is Role.COMPILER:
        return Request.organisation_id.in_(subtree_ids(ctx.session, actor.organisation.department.id))
    return false()  # the separated administrators do no catalog work


def get_update(ctx: Context, request_id: int) -> Request:
    """A catalog update the actor may see."""
    query = select(Request).where(Request.type == TYPE, Request.id == request_id)
    where = visible(ctx)
    req = ctx.session.scalar(query.where(where) if where is not None else query)
    if req is None:
        raise NotFound(f"没有编号为 {request_id} 的目录更新事项")
    return req


def recordable_orgs(ctx: Context) -> list[Organisation]:
    """Departments a change can be recorded against."""
    return list(ctx.session.scalars(
        select(Organisation).where(Organisation.level == OrgLevel.DEPARTMENT).order_by(Organisation.code)))
