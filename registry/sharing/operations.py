"""有条件共享申请: ask a provider for conditional data, its answer in working days, the authority's coordination.

The requester (an organisation, through its compiler) names the fields it needs,
why, where and until when; the provider answers within the profile's
``share_request_answer`` working days (binzhou §22: 2, shijiazhuang §8: 5,
fuzhou_jx §18: 15, fuzhou §17: 20). An approval fixes who may use the data,
which fields and by which sharing mode (shijiazhuang §8); a refusal gives its
reason, and the requester may take it to the data authority, who approves or
upholds it (binzhou §22).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from registry.accounts.permissions import (
    any_of,
    can,
    compiles_for,
    declare,
    is_authority,
    is_system,
    item_scope,
    require,
)
from registry.audit.operations import record_event
from registry.catalog.models import CatalogItem, ItemStatus, ShareType
from registry.catalog.operations import get_item
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import ConflictError, FieldError, NotFound, ValidationError
from registry.core.i18n import N_
from registry.core.localtime import local_today
from registry.orgs.models import Organisation
from registry.requests.engine import (
    Action,
    RequestType,
    open_request,
    register,
    transition,
)
from registry.requests.models import Request
from registry.sharing.choices import (
    resolve_fields,
    resolve_mode,
    share_label,
    subset_of,
)

TYPE = "share_request"
#: The authority's coordination has no deadline in any regulation; a profile may set one under this key.
COORDINATION_DEADLINE = "share_request_coordination"

SHARE_REQUEST = register(RequestType(
    TYPE, N_("共享申请"),
    states={"open": N_("办理中"), "approved": N_("已同意"), "refused": N_("不同意"), "withdrawn": N_("已撤回")},
    actions={
        "approve": Action("approve", N_("同意共享"), frozenset({"open"}), "approved"),
        "refuse": Action("refuse", N_("不同意"), frozenset({"open"}), "refused", needs_reason=True,
                         stages=frozenset({"provider"})),
        "object": Action("object", N_("提请协调"), frozenset({"refused"}), "open", needs_reason=True,
                         next_stage="coordination", deadline_key=COORDINATION_DEADLINE),
        "uphold": Action("uphold", N_("维持不同意"), frozenset({"open"}), "refused", needs_reason=True,
                         stages=frozenset({"coordination"})),
        "withdraw": Action("withdraw", N_("撤回申请"), frozenset({"open"}), "withdrawn"),
    },
    deadline_key="share_request_answer",
    stages={"provider": N_("待提供方答复"), "coordination": N_("数据主管部门协调")},
    first_stage="provider",
))

# The requester's side acts for the requesting organisation, the provider's for the item's provider.
declare("share:request", any_of(is_system, is_authority, compiles_for), "您只能以本单位名义申请共享")
declare("share:record_use", any_of(is_system, is_authority, compiles_for), "只有申请单位可以登记共享数据的使用")
declare("share:decide", any_of(is_system, is_authority, compiles_for), "只有数据提供单位或数据主管部门可以答复共享申请")
declare("share:coordinate", any_of(is_system, is_authority), "提请协调的共享申请由数据主管部门办理")

#: What the request form and the API call each input (for errors that name the field).
LABELS = {"item": "信息资源", "fields": "申请信息项", "purpose": "用途", "scenario": "应用场景",
          "legal_basis": "申请依据", "use_until": "使用期限", "requester": "申请单位", "users": "使用人员",
          "mode": "共享方式", "approved_fields": "同意共享的信息项"}
SHAREABLE_STATUSES = (ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING)


def _error(key: str, message: str) -> FieldError:
    return FieldError(key, message, LABELS.get(key, key))


# -- asking -------------------------------------------------------------------------

def find_item(ctx: Context, code: str | None) -> CatalogItem:
    """The item a request is about, by code; one the actor may not read is "not found" like a missing one."""
    code = (code or "").strip()
    if not code:
        raise ValidationError(_error("item", "请指明要申请共享的信息资源（资源代码）"))
    try:
        item = get_item(ctx, code)
    except NotFound:
        item = None
    if item is None or not item_scope(ctx.session, ctx.actor).sees(item.status.value, item.provider_id):
        raise ValidationError(_error("item", f"没有代码为“{code}”的目录条目"))
    return item


def check_shareable(ctx: Context, item: CatalogItem) -> None:
    """Only a published item shared on conditions takes a request; the others say why in the profile's words."""
    if item.status not in SHAREABLE_STATUSES:
        raise ValidationError(_error("item", f"“{item.name}”尚未发布（当前为“{item.status.label}”），不能申请共享"))
    label = share_label(ctx.profile, item.share_type)
    if item.share_type is ShareType.UNCONDITIONAL:
        raise ValidationError(_error("item", f"“{item.name}”为{label}，可直接通过共享平台获取，无需申请"))
    if item.share_type is ShareType.NOT_SHARED:
        raise ValidationError(_error("item", f"“{item.name}”为{label}，不能申请共享；依据：{item.share_basis}"))


def _use_until(raw: object, today: date) -> tuple[date | None, list[FieldError]]:
    if raw in (None, ""):
        return None, [_error("use_until", "请填写使用期限（截止日期）")]
    try:
        until = raw if isinstance(raw, date) else date.fromisoformat(str(raw).strip())
    except ValueError:
        return None, [_error("use_until", f"“{raw}”不是日期，请写成 2027-06-30 的形式")]
    if until < today:
        return None, [_error("use_until", "不能早于今天")]
    return until, []


def _text(values: dict[str, Any], key: str, limit: int, errors: list[FieldError]) -> str:
    text = str(values.get(key) or "").strip()
    if not text:
        errors.append(_error(key, "不能为空"))
    elif len(text) > limit:
        errors.append(_error(key, f"不能超过 {limit} 字"))
    return text


def create_share_request(ctx: Context, item: CatalogItem, values: dict[str, Any], *,
                         requester: Organisation | None = None, today: date | None = None) -> Request:
    """Ask for ``values["fields"]`` of a conditional item, with purpose, scenario, legal basis and period of use.

    ``requester`` defaults to the actor's department; the provider's answer is due
    in the profile's ``share_request_answer`` working days from ``today``.
    """
    requester = requester or (ctx.actor.organisation.department if ctx.actor else None)
    if requester is None:
        raise ValidationError(_error("requester", "请指明申请单位"))
    require(ctx.actor, "share:request", requester)
    check_shareable(ctx, item)
    if requester.department.id == item.provider.department.id:
        raise ValidationError(_error("requester", "本单位的数据无需申请共享"))
    errors: list[FieldError] = []
    fields, field_errors = resolve_fields(ctx.profile, item, values.get("fields"))
    errors += field_errors
    purpose = _text(values, "purpose", 2000, errors)
    scenario = _text(values, "scenario", 2000, errors)
    legal_basis = _text(values, "legal_basis", 2000, errors)
    until, until_errors = _use_until(values.get("use_until"), today or local_today())
    errors += until_errors
    if errors:
        raise ValidationError(errors)
    data = {"purpose": purpose, "scenario": scenario, "legal_basis": legal_basis, "use_until": until.isoformat(),
            "fields": fields, "item_version": item.version}
    return open_request(ctx, TYPE, organisation=item.provider, requester=requester, item=item, data=data,
                        title=f"{requester.name}申请共享{item.name}（{item.code}）", today=today)


# -- who may do what ------------------------------------------------------------------

def may_act(ctx: Context, request: Request, action_name: str) -> bool:
    """Whether the actor may take ``action_name`` now: the state allows it and it is their side's to take."""
    action = SHARE_REQUEST.actions.get(action_name)
    if request.type != TYPE or action is None or not action.applies_to(request):
        return False
    if action_name == "object":  # one objection: an upheld refusal is final here (the government decides beyond)
        return request.stage == "provider" and can(ctx.actor, "share:request", request.requester)
    if action_name == "withdraw":
        return can(ctx.actor, "share:request", request.requester)
    if request.stage == "coordination":
        return can(ctx.actor, "share:coordinate", request.organisation)
    return can(ctx.actor, "share:decide", request.organisation)


def available_actions(ctx: Context, request: Request) -> list[Action]:
    return [a for a in SHARE_REQUEST.available_actions(request) if may_act(ctx, request, a.name)]


def _guard(ctx: Context, request: Request, action_name: str) -> None:
    """The refusal that fits: a wrong state first (as the engine words it), then the missing right."""
    action = SHARE_REQUEST.actions[action_name]
    if request.type != TYPE:
        raise NotFound("不是共享申请")
    # Two answers at once (a provider and the authority): the second waits, then sees the first (PostgreSQL).
    ctx.session.refresh(request, with_for_update=True)
    if not action.applies_to(request) or (action_name == "object" and request.stage != "provider"):
        raise ConflictError(f"该申请当前为“{SHARE_REQUEST.position_label(request)}”，不能{action.label}")
    if not may_act(ctx, request, action_name):
        if action_name in ("object", "withdraw"):
            require(ctx.actor, "share:request", request.requester)
        else:
            require(ctx.actor, "share:coordinate" if request.stage == "coordination" else "share:decide", request.organisation)


def _by(ctx: Context) -> dict[str, str]:
    actor = ctx.actor
    return {"by": (actor.display_name or actor.username) if actor else "系统", "at": utcnow().isoformat()}


def _note(ctx: Context, request: Request, key: str, value: dict[str, Any]) -> None:
    request.data = {**(request.data or {}), key: value}  # a new dict, so the JSON column is seen as changed
    ctx.session.flush()


# -- answering ------------------------------------------------------------------------

def approve(ctx: Context, request: Request, *, fields: object = None, mode: object = None, users: object = None,
            comment: str | None = None, today: date | None = None) -> Request:
    """Approve: fixes the users (named persons of the requesting organisation), the fields (a subset of those
    asked; all of them when ``fields`` is ``None``) and the sharing mode (shijiazhuang §8)."""
    _guard(ctx, request, "approve")
    asked = list((request.data or {}).get("fields") or [])
    errors: list[FieldError] = []
    granted, field_errors = (asked, []) if fields is None else subset_of(
        asked, fields, key="fields", label=LABELS["approved_fields"], outside="不在申请的信息项中")
    errors += field_errors
    chosen_mode, mode_errors = resolve_mode(ctx.profile, mode)
    errors += mode_errors
    names = _user_names(users, errors)
    if errors:
        raise ValidationError(errors)
    stage = request.stage
    transition(ctx, request, "approve", comment, today=today)
    requester = request.requester
    approval = {"fields": granted, "users": names, "mode": chosen_mode.as_data(), "stage": stage,
                "organisation": {"id": requester.id, "code": requester.code, "name": requester.name}, **_by(ctx)}
    _note(ctx, request, "approval", approval)
    record_event(ctx, "share_request:grant", "request", request.id,
                 {"fields": granted, "users": names, "mode": chosen_mode.as_data(), "organisation": requester.code})
    return request


def _user_names(raw: object, errors: list[FieldError]) -> list[str]:
    """Named users, one a line or in a list; none means any staff of the requesting organisation."""
    if raw is None:
        return []
    items = raw.replace("，", "\n").replace(",", "\n").splitlines() if isinstance(raw, str) else list(raw)
    names = list(dict.fromkeys(str(n).strip() for n in items if str(n).strip()))
    too_long = [n for n in names if len(n) > 64]
    if too_long:
        errors.append(_error("users", f"“{too_long[0][:20]}…”过长，每位使用人员不超过 64 字"))
    return names


def refuse(ctx: Context, request: Request, reason: str | None, *, today: date | None = None) -> Request:
    """The provider refuses, with its reason (binzhou §22: only with a legal basis)."""
    _guard(ctx, request, "refuse")
    transition(ctx, request, "refuse", reason, today=today)
    _note(ctx, request, "refusal", {"reason": request.decision_reason, **_by(ctx)})
    return request


def object_to_refusal(ctx: Context, request: Request, reason: str | None, *, today: date | None = None) -> Request:
    """The requester disagrees: the request reopens with the data authority for coordination (binzhou §22)."""
    _guard(ctx, request, "object")
    transition(ctx, request, "object", reason, today=today)
    _note(ctx, request, "objection", {"reason": request.decision_reason, **_by(ctx)})
    return request


def uphold_refusal(ctx: Context, request: Request, reason: str | None, *, today: date | None = None) -> Request:
    """The authority, having coordinated, keeps the refusal, with its reason."""
    _guard(ctx, request, "uphold")
    transition(ctx, request, "uphold", reason, today=today)
    _note(ctx, request, "coordination", {"reason": request.decision_reason, **_by(ctx)})
    return request


def withdraw(ctx: Context, request: Request, reason: str | None = None, *, today: date | None = None) -> Request:
    """The requester takes back a request still open."""
    _guard(ctx, request, "withdraw")
    return transition(ctx, request, "withdraw", reason, today=today)


def carry_action(ctx: Context, request: Request, action: str, inputs: dict[str, Any], *, today: date | None = None) -> Request:
    """One entry point for screens and the API: ``inputs`` has ``reason`` and, to approve, ``fields``, ``mode``, ``users``."""
    reason = inputs.get("reason")
    if action == "approve":
        return approve(ctx, request, fields=inputs.get("fields"), mode=inputs.get("mode"), users=inputs.get("users"),
                       comment=reason, today=today)
    steps = {"refuse": refuse, "object": object_to_refusal, "uphold": uphold_refusal, "withdraw": withdraw}
    if action not in steps:
        raise ConflictError(f"共享申请没有“{action}”这一操作")
    return steps[action](ctx, request, reason, today=today)
