"""需求清单与供需对接: a department records the data it needs; county, city and provider act on it in turn.

The flow (nanyang §19–20, binzhou §24): a county department's demand goes to
its county's data authority first (汇总: forward or return), a city
department's straight to the city; the city confirms it and names the
provider (or marks it unmatched); the provider answers within the profile's
``demand_answer`` working days (``demand_answer_emergency`` for an emergency
approved by the city), then makes the data available within
``demand_available`` (``…_emergency``), naming the published items that
serve it. A decline needs a reason and leaves the demand listed as unmatched.

``Request.organisation`` is always whoever must act now: the county, the
city, then the provider. The demand's content lives in ``Request.data``.
Importing this module registers the request type and its permissions.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from registry.accounts.permissions import (
    any_of,
    can,
    compiles_for,
    county_of,
    declare,
    is_authority,
    is_system,
    require,
    reviews_city,
    reviews_county,
)
from registry.audit.operations import record_event
from registry.catalog.models import CatalogItem
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import (
    ConflictError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from registry.core.i18n import N_
from registry.lists.matching import CatalogSearch, suggest
from registry.lists.responsibility import LISTED_STATUSES
from registry.orgs.models import Organisation, OrgLevel
from registry.requests.engine import (
    Action,
    RequestType,
    add_comment,
    open_request,
    register,
    transition,
)
from registry.requests.models import Request

TYPE = "demand"
_OPEN = frozenset({"open"})


def _act(name: str, label: str, stages: set[str], target: str = "open", **kw) -> Action:
    return Action(name, label, _OPEN, target, stages=frozenset(stages), **kw)


DEMAND = register(RequestType(
    TYPE, N_("数据需求"),
    states={"open": N_("办理中"), "returned": N_("已退回"), "unmatched": N_("未匹配"), "declined": N_("无法满足"),
            "fulfilled": N_("已满足"), "withdrawn": N_("已撤回")},
    stages={"county": N_("县级汇总"), "city": N_("市级审核"), "answer": N_("待提供方答复"), "deliver": N_("待提供数据")},
    first_stage="county",
    actions={
        "forward": _act("forward", N_("报送市级"), {"county"}, next_stage="city"),
        "return": _act("return", N_("退回"), {"county", "city"}, "returned", needs_reason=True),
        "assign": _act("assign", N_("确认并转提供方"), {"city"}, next_stage="answer", deadline_key="demand_answer"),
        "assign_emergency": _act("assign_emergency", N_("确认紧急需求并转提供方"), {"city"}, next_stage="answer",
                                 deadline_key="demand_answer_emergency"),
        "unmatch": _act("unmatch", N_("标记为无法匹配"), {"city"}, "unmatched", needs_reason=True),
        "accept": _act("accept", N_("受理"), {"answer"}, next_stage="deliver", deadline_key="demand_available"),
        "accept_emergency": _act("accept_emergency", N_("受理紧急需求"), {"answer"}, next_stage="deliver",
                                 deadline_key="demand_available_emergency"),
        "decline": _act("decline", N_("无法满足"), {"answer"}, "declined", needs_reason=True),
        "fulfil": _act("fulfil", N_("数据已提供"), {"deliver"}, "fulfilled"),
        "withdraw": _act("withdraw", N_("撤回需求"), {"county", "city", "answer", "deliver"}, "withdrawn"),
    },
))

#: States in which nobody will provide the data: the authority's list of unmatched demands.
UNMATCHED_STATES = ("unmatched", "declined")
#: An emergency demand takes these actions instead of the ordinary ones (binzhou §24: 1 and 5 working days).
EMERGENCY_VARIANTS = {"assign": "assign_emergency", "accept": "accept_emergency"}
_ORDINARY = {v: k for k, v in EMERGENCY_VARIANTS.items()}

declare("demand:create", any_of(is_system, compiles_for), "您只能为本单位提出数据需求")
declare("demand:county", any_of(is_system, reviews_county), "此需求不在您所在县（区）的汇总范围内")
declare("demand:city", any_of(is_system, is_authority, reviews_city), "只有市级审核员或数据主管部门可以审核数据需求")
declare("demand:answer", any_of(is_system, is_authority, compiles_for), "只有数据提供方可以答复此需求")

#: Limits of the form's texts (the API documents the same).
LIMITS = {"description": 2000, "purpose": 1000, "legal_basis": 1000, "scenario": 1000}
MAX_FIELDS, MAX_FIELD_NAME = 60, 100
LABELS = {"description": "需求描述", "fields": "所需信息项", "purpose": "用途", "legal_basis": "依据",
          "scenario": "应用场景", "provider": "目标提供方", "emergency": "紧急需求", "requester": "需求部门",
          "items": "提供数据的目录条目", "item": "目录条目"}


# -- reading --------------------------------------------------------------------------

def get_demand(ctx: Context, demand_id: int) -> Request:
    demand = ctx.session.get(Request, demand_id)
    if demand is None or demand.type != TYPE:
        raise NotFound(f"没有编号为 {demand_id} 的数据需求")
    return demand


def is_emergency(demand: Request) -> bool:
    return bool((demand.data or {}).get("emergency"))


def target_provider(ctx: Context, demand: Request) -> Organisation | None:
    ref = (demand.data or {}).get("provider")
    return ctx.session.get(Organisation, ref["id"]) if ref else None


def _city_of(org: Organisation) -> Organisation:
    return ([org] + org.ancestors)[-1]


# -- permissions per action --------------------------------------------------------------

def _permission(demand: Request, action: str) -> tuple[str, Organisation | None]:
    """The permission an action needs, and the organisation it is checked against."""
    if action == "withdraw":
        return "demand:create", demand.requester
    if action == "forward" or (action == "return" and demand.stage == "county"):
        return "demand:county", demand.requester
    if action in ("return", "assign", "assign_emergency", "unmatch"):
        return "demand:city", None
    return "demand:answer", demand.organisation


def may_act(ctx: Context, demand: Request, action: str) -> bool:
    """Whether the actor may take ``action`` now (state, stage, emergency variant and permission)."""
    step = DEMAND.actions.get(action)
    if step is None or not step.applies_to(demand):
        return False
    if action in EMERGENCY_VARIANTS and is_emergency(demand) or action in _ORDINARY and not is_emergency(demand):
        return False
    permission, org = _permission(demand, action)
    return can(ctx.actor, permission, org)


def available_actions(ctx: Context, demand: Request) -> list[Action]:
    return [a for a in DEMAND.available_actions(demand) if may_act(ctx, demand, a.name)]


def may_steer(ctx: Context, demand: Request) -> bool:
    """Who may name the provider or pick a suggestion: the requester before the city decides, and the city."""
    if demand.state != "open" or demand.stage not in ("county", "city"):
        return False
    return can(ctx.actor, "demand:create", demand.requester) or (demand.stage == "city" and can(ctx.actor, "demand:city"))


def may_refresh(ctx: Context, demand: Request) -> bool:
    """While the demand is open, its requester, its county and the city may look for matches again."""
    if demand.state != "open":
        return False
    return (can(ctx.actor, "demand:create", demand.requester) or can(ctx.actor, "demand:county", demand.requester)
            or can(ctx.actor, "demand:city"))


# -- creating ---------------------------------------------------------------------------

def clean_demand(ctx: Context, values: dict[str, Any]) -> dict[str, Any]:
    """The demand's content checked and trimmed; every problem named by its field, in Chinese."""
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for key, limit in LIMITS.items():
        text = str(values.get(key) or "").strip()
        if len(text) > limit:
            errors.append(FieldError(key, f"不能超过 {limit} 个字", LABELS[key]))
        clean[key] = text
    for key in ("description", "purpose"):
        if not clean[key]:
            errors.append(FieldError(key, "必填，不能为空", LABELS[key]))
    fields = values.get("fields") or []
    if isinstance(fields, str):
        fields = fields.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    names = list(dict.fromkeys(str(f).strip() for f in fields if str(f).strip()))
    if len(names) > MAX_FIELDS:
        errors.append(FieldError("fields", f"最多填写 {MAX_FIELDS} 个信息项", LABELS["fields"]))
    if any(len(n) > MAX_FIELD_NAME for n in names):
        errors.append(FieldError("fields", f"信息项名称不能超过 {MAX_FIELD_NAME} 个字", LABELS["fields"]))
    clean["fields"] = names
    clean["emergency"] = values.get("emergency") in (True, "1", "true", "on", "yes", 1)
    if clean["emergency"] and not clean["scenario"]:
        errors.append(FieldError("scenario", "紧急需求须说明所涉突发公共事件或特殊业务", LABELS["scenario"]))
    if errors:
        raise ValidationError(errors)
    return clean


def _provider_ref(ctx: Context, provider: Organisation | str | None, requester: Organisation | None) -> dict | None:
    """A target provider as stored: a department (an internal unit answers through its department)."""
    if provider is None or provider == "":
        return None
    if not isinstance(provider, Organisation):
        found = ctx.session.scalar(select(Organisation).where(Organisation.code == str(provider).strip().upper()))
        if found is None:
            raise ValidationError(FieldError("provider", f"没有代码为“{provider}”的机构", LABELS["provider"]))
        provider = found
    if provider.level not in (OrgLevel.DEPARTMENT, OrgLevel.UNIT):
        raise ValidationError(FieldError("provider", "目标提供方应为政务部门", LABELS["provider"]))
    provider = provider.department
    if requester is not None and provider.id == requester.department.id:
        raise ValidationError(FieldError("provider", "目标提供方不能是需求部门自己", LABELS["provider"]))
    return {"id": provider.id, "code": provider.code, "name": provider.name}


def create_demand(ctx: Context, requester: Organisation, values: dict[str, Any], *,
                  search: CatalogSearch | None = None, today: date | None = None) -> Request:
    """Record a department's demand: it goes to its county first (a city department's to the city).

    Suggestions are gathered at once; ``today`` is the day the demand was made (tests set it).
    """
    require(ctx.actor, "demand:create", requester)
    if requester.level not in (OrgLevel.DEPARTMENT, OrgLevel.UNIT):
        raise ValidationError(FieldError("requester", "需求部门应为政务部门", LABELS["requester"]))
    requester = requester.department
    clean = clean_demand(ctx, values)
    clean["provider"] = _provider_ref(ctx, values.get("provider"), requester)
    county = county_of(requester)
    first = county if county is not None else _city_of(requester)
    title = clean["description"].splitlines()[0][:80]
    data = {**clean, "item": None, "fulfilled_items": [], "suggestions": [], "matched": clean["provider"] is not None}
    demand = open_request(ctx, TYPE, organisation=first, requester=requester, title=title, data=data, today=today)
    if county is None:
        demand.stage = "city"  # a city department skips the county (nanyang §20)
    _suggest(ctx, demand, search)
    ctx.session.flush()
    return demand


# -- suggestions -----------------------------------------------------------------------

def _suggest(ctx: Context, demand: Request, search: CatalogSearch | None) -> list[dict]:
    data = dict(demand.data)
    found = suggest(ctx, data.get("description", ""), data.get("fields", []), requester=demand.requester, search=search)
    data.update(suggestions=found, suggested_at=utcnow().isoformat(timespec="seconds"),
                matched=bool(found or data.get("provider")))
    demand.data = data  # a new dict, so the JSON column is written
    return found


def refresh_suggestions(ctx: Context, demand: Request, search: CatalogSearch | None = None) -> list[dict]:
    """Search the catalog again for items that could serve the demand (刷新推荐)."""
    if demand.state != "open":
        raise ConflictError("该需求已办结，推荐不再更新")
    if not may_refresh(ctx, demand):
        raise PermissionDenied("您不能刷新此需求的推荐")
    found = _suggest(ctx, demand, search)
    ctx.session.flush()
    record_event(ctx, "demand:suggest", "request", demand.id, {"suggestions": [s["code"] for s in found]})
    return found


def _published_item(ctx: Context, code: str, field: str = "item") -> CatalogItem:
    item = ctx.session.scalar(select(CatalogItem).where(CatalogItem.code == str(code).strip()))
    if item is None or item.status not in LISTED_STATUSES:
        raise ValidationError(FieldError(field, f"没有代码为“{code}”的已发布目录条目", LABELS[field]))
    return item


def pick_suggestion(ctx: Context, demand: Request, code: str) -> Request:
    """Take a suggested (or any published) item: its department becomes the target provider."""
    if not may_steer(ctx, demand):
        raise PermissionDenied("只有需求部门（市级审核前）或市级审核可以选择推荐条目")
    item = _published_item(ctx, code)
    provider = _provider_ref(ctx, item.provider, demand.requester)
    data = {**demand.data, "provider": provider, "item": {"code": item.code, "name": item.name}, "matched": True}
    demand.data, demand.item = data, item
    add_comment(ctx, demand, f"选择目录条目：{item.name}（{item.code}），提供方：{provider['name']}", target="provider")
    return demand


def set_provider(ctx: Context, demand: Request, provider: Organisation | str | None) -> Request:
    """Name (or change) the target provider; a picked item of another provider is dropped."""
    if not may_steer(ctx, demand):
        raise PermissionDenied("只有需求部门（市级审核前）或市级审核可以指定提供方")
    ref = _provider_ref(ctx, provider, demand.requester)
    if ref is None:
        raise ValidationError(FieldError("provider", "请选择目标提供方", LABELS["provider"]))
    if ref == demand.data.get("provider"):
        return demand
    data = {**demand.data, "provider": ref, "matched": True}
    if demand.item is not None and demand.item.provider.department.id != ref["id"]:
        data["item"], demand.item = None, None
    demand.data = data
    add_comment(ctx, demand, f"指定提供方：{ref['name']}", target="provider")
    return demand


# -- acting -----------------------------------------------------------------------------

def act(ctx: Context, demand: Request, action: str, reason: str | None = None, *, provider: str | None = None,
        item: str | None = None, items: list[str] | None = None, today: date | None = None) -> Request:
    """Take one step; ``assign`` and ``accept`` become their emergency variants for an emergency demand.

    ``provider``/``item`` name the provider when the city confirms; ``items``
    are the published items of the provider that serve the demand (``fulfil``).
    """
    if demand.type != TYPE:
        raise NotFound("不是数据需求")
    if is_emergency(demand):
        action = EMERGENCY_VARIANTS.get(action, action)
    elif action in _ORDINARY:
        raise ConflictError("该需求不是紧急需求")
    step = DEMAND.actions.get(action)
    if step is None:
        raise ConflictError(f"“{DEMAND.label}”没有“{action}”这一操作")
    ctx.session.refresh(demand, with_for_update=True)  # two people acting at once: the second sees the first's step
    if not step.applies_to(demand):
        raise ConflictError(f"该需求当前为“{DEMAND.position_label(demand)}”，不能{step.label}")
    permission, org = _permission(demand, action)
    require(ctx.actor, permission, org)
    if action in ("assign", "assign_emergency"):
        return _assign(ctx, demand, action, reason, provider, item, today)
    if action == "fulfil":
        return _fulfil(ctx, demand, reason, items or ([item] if item else []), today)
    transition(ctx, demand, action, reason, today=today)
    if action == "forward":
        demand.organisation = _city_of(demand.organisation)
    if demand.state in UNMATCHED_STATES:
        demand.data = {**demand.data, "matched": False}
    ctx.session.flush()
    return demand


def _assign(ctx: Context, demand: Request, action: str, reason: str | None, provider: str | None, item: str | None,
            today: date | None) -> Request:
    if item:
        pick_suggestion(ctx, demand, item)
    elif provider:
        set_provider(ctx, demand, provider)
    target = target_provider(ctx, demand)
    if target is None:
        raise ValidationError(FieldError("provider", "转提供方前须指定目标提供方（或选择推荐的目录条目）", LABELS["provider"]))
    transition(ctx, demand, action, reason, today=today)
    demand.organisation = target  # the provider's clock starts the day the demand reaches it (binzhou §24)
    ctx.session.flush()
    return demand


def _fulfil(ctx: Context, demand: Request, reason: str | None, codes: list[str], today: date | None) -> Request:
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not codes:
        raise ValidationError(FieldError("items", "请填写提供数据的目录条目（已发布）", LABELS["items"]))
    served = []
    for code in codes:
        item = _published_item(ctx, code, "items")
        if item.provider.department.id != demand.organisation.department.id:
            raise ValidationError(FieldError("items", f"条目“{item.name}”不属于提供方{demand.organisation.name}", LABELS["items"]))
        served.append(item)
    transition(ctx, demand, "fulfil", reason, today=today)
    demand.data = {**demand.data, "fulfilled_items": [{"code": i.code, "name": i.name} for i in served], "matched": True}
    demand.item = served[0]
    ctx.session.flush()
    record_event(ctx, "demand:fulfil", "request", demand.id, {"items": [i.code for i in served]})
    return demand
