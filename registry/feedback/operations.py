"""开放数据申请与异议, and 数据纠错 tickets (nanyang §45–46, §64–65; fuzhou §24).

Every interface files and handles them through these operations: :func:`file_request`
opens one, :func:`act` carries out an action (answer, extend, request a review,
confirm, fix, reassign, withdraw) after checking who may do it. They flush; the
caller commits. Importing this module registers the request types and permissions.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from registry.accounts.permissions import PUBLIC_STATUSES, item_scope, require
from registry.catalog.models import CatalogItem, ItemChange
from registry.catalog.operations import get_item
from registry.catalog.schema import ITEM_BY_KEY
from registry.core.context import Context
from registry.core.errors import (
    ConflictError,
    FieldError,
    MuluError,
    NotFound,
    ValidationError,
)
from registry.core.i18n import N_
from registry.core.localtime import local_today
from registry.feedback import access
from registry.feedback.types import (
    EXTENSION_DEADLINE,
    FEEDBACK_TYPES,
    REVIEW_DEADLINE,
    VERIFY_DEADLINE,
)
from registry.orgs.models import Organisation, OrgLevel
from registry.requests.engine import (
    REQUEST_TYPES,
    Action,
    deadline_from,
    extend_due,
    open_request,
    transition,
)
from registry.requests.models import Request
from registry.review.present import FIELD_TARGET, target_label

#: Length limits of the free-text inputs, by key.
LIMITS = {"description": 4000, "evidence": 4000, "purpose": 1000, "applicant_name": 60, "applicant_contact": 120,
          "answer": 4000, "reason": 4000}
LABELS = {"item_code": "目录条目", "description": "申请内容", "evidence": "佐证材料", "purpose": "用途",
          "applicant_kind": "申请方", "applicant_name": "申请人姓名", "applicant_contact": "联系方式",
          "target": "针对的元素或信息项", "about_request": "所涉答复", "answer": "答复内容", "reason": "理由",
          "organisation": "转交部门", "change_id": "关联变更"}
DESCRIPTION_LABELS = {"open_request": "申请开放的数据", "objection": "异议内容", "correction": "问题描述"}


def _error(field: str, message: str, label: str | None = None) -> FieldError:
    return FieldError(field, message, label or LABELS.get(field, field))


def _text(values: dict[str, Any], key: str, errors: list[FieldError], required: str | None = None,
          label: str | None = None) -> str | None:
    """The stripped text of ``key``; an error when it is too long, or missing and ``required`` (the message)."""
    text = str(values.get(key) or "").strip()
    if not text:
        if required:
            errors.append(_error(key, required, label))
        return None
    if len(text) > LIMITS[key]:
        errors.append(_error(key, f"不能超过{LIMITS[key]}字", label))
    return text


def _today(today: date | None) -> date:
    return today or local_today()


# -- reading -----------------------------------------------------------------------

def get_feedback(ctx: Context, type_name: str, request_id: int) -> Request:
    """A request of ``type_name`` the actor may see; ``NotFound`` otherwise (its existence is not for everyone)."""
    request = ctx.session.get(Request, request_id)
    if request is None or request.type != type_name or not access.is_visible(ctx, request):
        raise NotFound(f"没有编号为 {request_id} 的{REQUEST_TYPES[type_name].label}")
    return request


def target_choices(item: CatalogItem | None) -> list[tuple[str, str]]:
    """What a correction or objection may point at: the whole entry, each element, each field (信息项)."""
    choices = [("", N_("整体"))] + [(spec.key, spec.label) for spec in ITEM_BY_KEY.values()]
    if item is not None:
        choices += [(f"{FIELD_TARGET}{f.name}", target_label(f"{FIELD_TARGET}{f.name}")) for f in item.fields]
    return choices


def answers(request: Request) -> list[dict[str, Any]]:
    """The answers given so far (the provider's, then the authority's review), oldest first."""
    return list((request.data or {}).get("answers", []))


# -- filing --------------------------------------------------------------------------

def _authority_org(ctx: Context) -> Organisation:
    """The data authority answers what concerns no item: the city at the root of the organisation tree."""
    city = ctx.session.scalar(select(Organisation).where(Organisation.level == OrgLevel.CITY,
                                                         Organisation.parent_id.is_(None)).order_by(Organisation.id))
    if city is None:
        raise ConflictError("尚未登记市级机构（数据主管部门），无法受理")
    return city


def _item(ctx: Context, values: dict[str, Any], errors: list[FieldError], required: bool) -> CatalogItem | None:
    code = str(values.get("item_code") or "").strip()
    if not code:
        if required:
            errors.append(_error("item_code", "请填写目录条目代码"))
        return None
    try:
        item = get_item(ctx, code)
    except NotFound:
        item = None
    if item is None or not item_scope(ctx.session, ctx.actor).sees(item.status.value, item.provider_id):
        errors.append(_error("item_code", f"没有代码为“{code}”的目录条目"))
        return None
    if item.status.value not in PUBLIC_STATUSES:  # requests and reports concern the published catalog
        errors.append(_error("item_code", f"“{code}”尚未发布（当前为“{item.status.label}”），不能对其提出"))
        return None
    return item


def _applicant(ctx: Context, values: dict[str, Any], errors: list[FieldError]) -> tuple[Organisation | None, dict]:
    """Who asked: the actor's organisation, or a member of the public recorded by staff.

    Of a member of the public only a name and one contact are kept: enough to send the answer.
    """
    kind = values.get("applicant_kind") or "organisation"
    if kind == "public":
        require(ctx.actor, "feedback:record_public")
        name = _text(values, "applicant_name", errors, "请填写申请人姓名")
        contact = _text(values, "applicant_contact", errors, "请填写联系方式，以便送达答复")
        return None, {"applicant_kind": "public", "requester_name": name, "requester_contact": contact}
    if kind != "organisation":
        errors.append(_error("applicant_kind", "申请方只能是本单位（organisation）或社会公众（public）"))
    return (ctx.actor.organisation if ctx.actor is not None else None), {"applicant_kind": "organisation"}


def _target(values: dict[str, Any], item: CatalogItem | None, errors: list[FieldError]) -> str | None:
    target = str(values.get("target") or "").strip() or None
    if target is not None and target not in dict(target_choices(item)):
        errors.append(_error("target", f"“{target}”不是该条目的元素或信息项"))
        return None
    return target


def _row_id(raw: Any) -> int | None:
    """An id typed by a user, if it can be one (the keys are 32-bit integers)."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**31 else None


def _about_request(ctx: Context, values: dict[str, Any], errors: list[FieldError]) -> Request | None:
    """The answered open-data request or objection an objection disagrees with."""
    raw = values.get("about_request")
    if raw in (None, ""):
        return None
    request_id = _row_id(raw)
    decided = ctx.session.get(Request, request_id) if request_id else None
    if decided is None or decided.type not in ("open_request", "objection") or not access.is_visible(ctx, decided):
        errors.append(_error("about_request", f"没有编号为 {raw} 的开放数据申请或异议"))
        return None
    if decided.state == "open":
        errors.append(_error("about_request", "该申请尚未答复"))
    return decided


def _title(label: str, item: CatalogItem | None, text: str | None, target: str | None = None) -> str:
    about = f"{item.name}（{item.code}）" if item is not None else (text or "")[:60]
    return f"{label}：{about}" + (f" · {target_label(target)}" if target else "")


def _open(ctx: Context, type_name: str, *, organisation: Organisation, item: CatalogItem | None, requester,
          data: dict[str, Any], title: str, today: date | None) -> Request:
    return open_request(ctx, type_name, organisation=organisation, item=item, requester=requester,
                        title=title, data=data, today=_today(today))


def file_open_request(ctx: Context, values: dict[str, Any], *, today: date | None = None) -> Request:
    """开放数据申请: ask that data be opened or listed in the open catalog (an item, or free text to the authority)."""
    errors: list[FieldError] = []
    item = _item(ctx, values, errors, required=False)
    description = _text(values, "description", errors, "请说明申请开放的数据", DESCRIPTION_LABELS["open_request"])
    purpose = _text(values, "purpose", errors)
    requester, applicant = _applicant(ctx, values, errors)
    if errors:
        raise ValidationError(errors)
    organisation = item.provider if item is not None else _authority_org(ctx)
    return _open(ctx, "open_request", organisation=organisation, item=item, requester=requester, today=today,
                 title=_title("开放数据申请", item, description),
                 data={"description": description, "purpose": purpose, **applicant})


def file_objection(ctx: Context, values: dict[str, Any], *, today: date | None = None) -> Request:
    """异议: ask the producer to correct an open catalog entry, or contest an answer (nanyang §45)."""
    errors: list[FieldError] = []
    about = _about_request(ctx, values, errors)
    item = _item(ctx, values, errors, required=False) if about is None else about.item
    if about is None and item is None and not any(e.field in ("item_code", "about_request") for e in errors):
        errors.append(_error("item_code", "请填写所涉目录条目代码，或所涉答复的编号"))
    target = _target(values, item, errors)
    description = _text(values, "description", errors, "请说明异议内容和更正请求", DESCRIPTION_LABELS["objection"])
    evidence = _text(values, "evidence", errors)
    requester, applicant = _applicant(ctx, values, errors)
    if errors:
        raise ValidationError(errors)
    organisation = about.organisation if about is not None else item.provider
    return _open(ctx, "objection", organisation=organisation, item=item, requester=requester, today=today,
                 title=_title("异议", item, description, target),
                 data={"description": description, "evidence": evidence, "target": target, **applicant,
                       "about_request": about.id if about is not None else None})


def file_correction(ctx: Context, values: dict[str, Any], *, today: date | None = None) -> Request:
    """数据纠错: report wrong data of a catalog item to its producer, with evidence (nanyang §64)."""
    errors: list[FieldError] = []
    item = _item(ctx, values, errors, required=True)
    target = _target(values, item, errors)
    description = _text(values, "description", errors, "请简洁、准确地描述问题", DESCRIPTION_LABELS["correction"])
    evidence = _text(values, "evidence", errors, "请附佐证材料（说明或链接）")
    if errors:
        raise ValidationError(errors)
    requester = ctx.actor.organisation if ctx.actor is not None else None
    return _open(ctx, "correction", organisation=item.provider, item=item, requester=requester, today=today,
                 title=_title("数据纠错", item, description, target),
                 data={"description": description, "evidence": evidence, "target": target})


FILERS: dict[str, Callable[..., Request]] = {
    "open_request": file_open_request, "objection": file_objection, "correction": file_correction,
}


def file_request(ctx: Context, type_name: str, values: dict[str, Any], *, today: date | None = None) -> Request:
    """File a request of one of the feedback types from form or API values."""
    if type_name not in FEEDBACK_TYPES:
        raise NotFound(f"没有“{type_name}”这类事项")
    return FILERS[type_name](ctx, values, today=today)


# -- who may act ---------------------------------------------------------------------

def _check(ctx: Context, request: Request, action_name: str) -> Action:
    """The action if it applies now and the actor may take it; a Chinese refusal otherwise."""
    request_type = REQUEST_TYPES[request.type]
    action = request_type.actions.get(action_name)
    if action is None:
        raise ConflictError(f"“{request_type.label}”没有“{action_name}”这一操作")
    if not action.applies_to(request):
        raise ConflictError(f"该事项当前为“{request_type.position_label(request)}”，不能{action.label}")
    actor = ctx.actor
    if action_name in ("grant", "refuse"):
        if request.stage == "review":
            require(actor, "feedback:review", request.organisation)
        else:
            require(actor, "feedback:answer", request.organisation)
    elif action_name == "extend":
        require(actor, "feedback:answer", request.organisation)
        _check_extension(ctx, request)
    elif action_name in ("request_review", "withdraw"):
        if not access.is_filer(ctx, request):
            require(actor, "feedback:follow_up", request.requester)
        if action_name == "request_review":
            _check_review(ctx, request)
    elif action_name in ("confirm", "reject", "fix"):
        require(actor, "correction:handle", request.organisation)
    elif action_name == "reassign":
        require(actor, "correction:reassign", request.organisation)
    return action


def _check_extension(ctx: Context, request: Request) -> None:
    if ctx.profile.deadline(EXTENSION_DEADLINE) is None or request.due_at is None:
        raise ConflictError("本辖区没有规定可以延长答复期限")
    if any(e.kind == "action" and e.action == "extend" for e in request.events):
        raise ConflictError("答复期限只能延长一次，该申请已延期")


def _check_review(ctx: Context, request: Request) -> None:
    if ctx.profile.deadline(REVIEW_DEADLINE) is None:
        raise ConflictError("本辖区没有规定对答复的复核")
    if request.stage == "review":
        raise ConflictError("复核结果是最终答复，不能再次申请复核")


def may_act(ctx: Context, request: Request, action_name: str) -> bool:
    try:
        _check(ctx, request, action_name)
    except MuluError:
        return False
    return True


def actions_for(ctx: Context, request: Request) -> list[Action]:
    """The actions the actor may take on the request now, in the type's order."""
    return [a for a in REQUEST_TYPES[request.type].available_actions(request) if may_act(ctx, request, a.name)]


# -- acting --------------------------------------------------------------------------

def act(ctx: Context, request: Request, action_name: str, *, reason: str | None = None, answer: str | None = None,
        organisation: Organisation | str | None = None, change_id: int | str | None = None,
        today: date | None = None) -> Request:
    """Carry out ``action_name`` on a feedback request, checking who may, and record it on the timeline.

    ``answer`` says what was opened or corrected (grant, fix); ``reason`` why (refuse, reject, extend,
    request_review, reassign); ``organisation`` is the department a correction is reassigned to;
    ``change_id`` the item change that corrected the entry; ``today`` the day a new clock starts.
    """
    if request.type not in FEEDBACK_TYPES:
        raise NotFound("不是开放数据申请、异议或纠错事项")
    ctx.session.refresh(request, with_for_update=True)  # two people answering at once: the second sees it answered
    _check(ctx, request, action_name)
    if action_name == "extend":
        return extend_due(ctx, request, EXTENSION_DEADLINE, reason, times=1)
    if action_name == "reassign":
        return _reassign(ctx, request, organisation, reason, today)
    if action_name in ("grant", "fix"):
        text = _answer_text(answer, reason, "同意时须说明开放或更正了什么" if action_name == "grant"
                            else "须说明在数据源头更正了什么")
        if action_name == "fix":
            _link_change(ctx, request, change_id)
        _record_answer(ctx, request, action_name, text, today)
        return transition(ctx, request, action_name, text, today=today)
    if action_name in ("refuse", "reject"):
        text = (reason or "").strip() or (answer or "").strip() or None
        if text:
            _record_answer(ctx, request, action_name, text, today)
        return transition(ctx, request, action_name, text, today=today)
    if action_name == "request_review":
        _remember(request, review_requested={"reason": (reason or "").strip(), "on": _today(today).isoformat()})
    if action_name == "confirm":
        _remember(request, confirmed_on=_today(today).isoformat())
    return transition(ctx, request, action_name, reason, today=_today(today))


def _answer_text(answer: str | None, reason: str | None, missing: str) -> str:
    text = (answer or "").strip() or (reason or "").strip()
    if not text:
        raise ValidationError(_error("answer", missing))
    if len(text) > LIMITS["answer"]:
        raise ValidationError(_error("answer", f"不能超过{LIMITS['answer']}字"))
    return text


def _remember(request: Request, **values: Any) -> None:
    request.data = {**(request.data or {}), **values}  # a new dict, so the JSON column is seen as changed


def _record_answer(ctx: Context, request: Request, decision: str, text: str, today: date | None) -> None:
    actor = ctx.actor
    entry = {"stage": request.stage, "decision": decision, "text": text, "on": _today(today).isoformat(),
             "by": (actor.display_name or actor.username) if actor else "系统"}
    _remember(request, answers=[*answers(request), entry])


def _link_change(ctx: Context, request: Request, change_id: int | str | None) -> None:
    """The item change the producer made to correct the entry, when they name one."""
    if change_id in (None, ""):
        return
    change = ctx.session.get(ItemChange, _row_id(change_id)) if _row_id(change_id) else None
    if change is None or change.item_id != request.item_id:
        raise ValidationError(_error("change_id", f"编号 {change_id} 不是该条目的变更"))
    request.change = change


def _reassign(ctx: Context, request: Request, organisation: Organisation | str | None, reason: str | None,
              today: date | None) -> Request:
    """The authority hands a correction to the department that really produces the data; its clock
    to verify restarts the day the department receives it."""
    if isinstance(organisation, str):
        code = organisation.strip()
        organisation = ctx.session.scalar(select(Organisation).where(Organisation.code == code)) if code else None
        if organisation is None and code:
            raise ValidationError(_error("organisation", f"没有代码为“{code}”的机构"))
    if organisation is None:
        raise ValidationError(_error("organisation", "请选择转交的部门"))
    if organisation.level not in (OrgLevel.DEPARTMENT, OrgLevel.UNIT):
        raise ValidationError(_error("organisation", "只能转交给政务部门"))
    if organisation.id == request.organisation_id:
        raise ValidationError(_error("organisation", "该工单已由此部门办理"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_error("reason", "转交必须说明理由"))
    previous = request.organisation
    request.organisation = organisation
    request.due_at = deadline_from(ctx, VERIFY_DEADLINE, _today(today))
    _remember(request, reassigned_from=[*(request.data or {}).get("reassigned_from", []), previous.code])
    return transition(ctx, request, "reassign", f"由{previous.name}转交{organisation.name}：{reason}", today=today)
