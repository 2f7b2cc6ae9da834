"""``/api/v1/responsibility-list`` and ``/api/v1/demands``: the lists through the same services as the back office."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import marshmallow as ma
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from registry.accounts.permissions import CATALOG_ROLES
from registry.api.errors import error_responses
from registry.api.fields import Timestamp
from registry.api.paging import PageArgs, page_body, page_of
from registry.app import runtime
from registry.catalog.api import writer_context
from registry.core.context import Context
from registry.core.errors import FieldError, ValidationError
from registry.lists import demands
from registry.lists.demand_queries import unmatched as unmatched_demands
from registry.lists.demand_queries import visible
from registry.lists.matching import catalog_search
from registry.lists.responsibility import (
    MAX_PAGE,
    contacts,
    duties,
    duty_body,
    labels,
    scope_for,
    stamp,
)
from registry.orgs.models import Organisation
from registry.requests import queries
from registry.requests.api_support import (
    ActionIn,
    RequestListArgs,
    RequestOut,
    carry_action,
    request_out,
    visible_request,
)

blp = Blueprint("lists", __name__, url_prefix="/api/v1",
                description="责任清单（由已发布目录分解）与需求清单（供需对接：县级汇总、市级审核、提供方答复与提供数据）")


_errors = error_responses(blp)


def _catalog_reader() -> Context:
    """A signed-in user who does catalog work (contacts are in the list; the separated admins do no catalog work)."""
    ctx = writer_context()
    if ctx.actor.role not in CATALOG_ROLES:
        abort(403, message="责任清单供目录工作人员查阅")
    return ctx


# -- responsibility list ------------------------------------------------------------------

class ContactOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    contact_name = ma.fields.String(allow_none=True, metadata={"description": "数据管理员"})
    contact_phone = ma.fields.String(allow_none=True)
    contact_email = ma.fields.String(allow_none=True)


class DutyFieldOut(ma.Schema):
    name = ma.fields.String()
    technical_name = ma.fields.String(allow_none=True)
    data_type = ma.fields.String(allow_none=True)
    share_type = ma.fields.String()
    share_type_label = ma.fields.String()
    open_type = ma.fields.String()
    open_type_label = ma.fields.String()
    is_primary_key = ma.fields.Boolean()
    identifier_kind = ma.fields.String(allow_none=True)


class DutyOut(ma.Schema):
    code = ma.fields.String(metadata={"description": "信息资源代码"})
    name = ma.fields.String()
    department = ma.fields.Nested(ContactOut, allow_none=True, metadata={"description": "负责采集和更新的部门及其联系人"})
    unit = ma.fields.String(allow_none=True, metadata={"description": "内设机构"})
    update_cycle = ma.fields.String()
    update_cycle_label = ma.fields.String()
    source_system = ma.fields.String(allow_none=True)
    share_type = ma.fields.String()
    share_type_label = ma.fields.String()
    open_type = ma.fields.String()
    open_type_label = ma.fields.String()
    version = ma.fields.Integer()
    published_at = ma.fields.String(allow_none=True)
    fields = ma.fields.List(ma.fields.Nested(DutyFieldOut), metadata={"description": "须采集的信息项"})


class ResponsibilityOut(ma.Schema):
    org = ma.fields.Nested(ContactOut, allow_none=True, metadata={"description": "所查机构；全市为空"})
    as_of = Timestamp(allow_none=True, metadata={"description": "清单所含条目最近一次发布或变更生效的时间"})
    version = ma.fields.String(metadata={"description": "清单内容摘要：条目、版本或联系人变化即改变"})
    total = ma.fields.Integer(metadata={"description": "清单条目总数"})
    items = ma.fields.List(ma.fields.Nested(DutyOut))
    next = ma.fields.String(allow_none=True, metadata={"description": "下一页（按资源代码续读）；最后一页为空"})


class ResponsibilityArgs(ma.Schema):
    org = ma.fields.String(load_default=None, metadata={"description": "机构代码：部门（含内设机构），或县（区）、市；不填为全市"})
    after = ma.fields.String(load_default=None, metadata={"description": "续读：上一页最后一个条目的资源代码"})
    per_page = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=MAX_PAGE))


@blp.route("/responsibility-list")
@blp.arguments(ResponsibilityArgs, location="query", as_kwargs=True)
@blp.response(200, ResponsibilityOut)
@_errors(401, 403, 422)
def responsibility_list(org: str | None, after: str | None, per_page: int):
    """责任清单：各部门须采集、更新的条目与信息项（更新周期、来源系统、共享开放属性、联系人），随目录发布、变更、注销即时更新。"""
    ctx = _catalog_reader()
    scope = scope_for(ctx, org)
    meta = stamp(ctx, scope)
    page = duties(ctx, scope, after=after, limit=per_page)
    people = contacts(ctx, {d.department_id for d in page})
    label = labels(ctx)
    following = None
    if len(page) == per_page:
        args = {**request.args.to_dict(), "after": page[-1].code}
        following = f"{request.base_url}?{urlencode(args)}"
    owner = contacts(ctx, {scope.org.id})[scope.org.id].as_dict() if scope.org is not None else None
    return {"org": owner, "as_of": meta.as_of, "version": meta.version, "total": meta.items,
            "items": [duty_body(ctx, d, people, label) for d in page], "next": following}


# -- demands -------------------------------------------------------------------------------

class DemandListArgs(RequestListArgs):
    unmatched = ma.fields.Boolean(load_default=False, metadata={
        "description": "只列未匹配的需求：已标记无法匹配、提供方无法满足，或办理中既无推荐也无提供方（此时 state 默认为全部）"})


class DemandIn(ma.Schema):
    description = ma.fields.String(required=True, metadata={"description": "需求描述"})
    fields = ma.fields.List(ma.fields.String(), load_default=list, metadata={"description": "所需信息项名称"})
    purpose = ma.fields.String(required=True, metadata={"description": "用途"})
    legal_basis = ma.fields.String(load_default="", metadata={"description": "依据（法律法规、职责）"})
    scenario = ma.fields.String(load_default="", metadata={"description": "应用场景；紧急需求须说明所涉事件"})
    provider = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "目标提供方机构代码（可不填）"})
    emergency = ma.fields.Boolean(load_default=False, metadata={"description": "紧急需求（滨州：1 个工作日答复、5 个工作日提供）"})
    requester = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "需求部门代码；编目人员默认为本单位"})


class DemandActionIn(ActionIn):
    provider = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "assign / set_provider：提供方机构代码"})
    item = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "assign / pick：选定的目录条目代码"})
    items = ma.fields.List(ma.fields.String(), load_default=list, metadata={"description": "fulfil：提供数据的已发布条目代码"})


class SuggestionOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    provider = ma.fields.Dict(allow_none=True)
    matched_fields = ma.fields.List(ma.fields.Dict(), metadata={"description": "[{wanted 所需信息项, field 条目中的信息项}]"})
    score = ma.fields.Integer()


def _search(ctx: Context):
    return catalog_search(runtime(), ctx.session)


def _demand(ctx: Context, demand_id: int):
    return visible_request(ctx, demands.TYPE, demand_id, visible(ctx))


@blp.route("/demands")
class Demands(MethodView):
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.arguments(DemandListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(RequestOut))
    @_errors(401, 422)
    def get(self, page: int, per_page: int, state: str, stage: str | None, due: str | None, org: str | None,
            unmatched: bool):
        """需求清单：调用者可见的数据需求（需求部门、所在县、市级、已转到的提供方），在办的按期限排序。"""
        ctx = writer_context()
        where = visible(ctx)
        if unmatched:
            only = unmatched_demands()
            where = only if where is None else where & only
            state = "all" if state == "open" else state
        org_id = _org_id(ctx, org)
        query = queries.request_query(ctx, demands.TYPE, where, state=state, due=due, org_id=org_id, stage=stage)
        rows, total = queries.page(ctx, query, page, per_page)
        return page_body([request_out(ctx, r) for r in rows], total, page, per_page)

    @blp.arguments(DemandIn)
    @blp.response(201, RequestOut)
    @_errors(401, 403, 422)
    def post(self, data: dict[str, Any]):
        """提出数据需求（编目人员为本单位）：县级部门先报县级汇总，市直部门直接报市级；同时推荐可匹配的目录条目。"""
        ctx = writer_context()
        requester = _requester(ctx, data.pop("requester", None))
        demand = demands.create_demand(ctx, requester, data, search=_search(ctx))
        ctx.session.commit()
        return request_out(ctx, demand)


def _org_id(ctx: Context, code: str | None) -> int | None:
    if not code:
        return None
    found = ctx.session.scalar(select(Organisation.id).where(Organisation.code == code.strip().upper()))
    if found is None:
        raise ValidationError(FieldError("org", f"没有代码为“{code}”的机构", "机构"))
    return found


def _requester(ctx: Context, code: str | None) -> Organisation:
    if code:
        org = ctx.session.scalar(select(Organisation).where(Organisation.code == code.strip().upper()))
        if org is None:
            raise ValidationError(FieldError("requester", f"没有代码为“{code}”的机构", "需求部门"))
        return org
    if ctx.actor is None or ctx.actor.organisation is None:
        raise ValidationError(FieldError("requester", "请填写需求部门", "需求部门"))
    return ctx.actor.organisation


@blp.route("/demands/<int:demand_id>")
@blp.response(200, RequestOut)
@_errors(401, 404)
def get_demand(demand_id: int):
    """一条数据需求：内容、推荐、所处环节、办理期限和办理记录。"""
    ctx = writer_context()
    return request_out(ctx, _demand(ctx, demand_id))


@blp.route("/demands/<int:demand_id>/actions", methods=["POST"])
@blp.arguments(DemandActionIn)
@blp.response(200, RequestOut)
@_errors(401, 403, 404, 409, 422)
def demand_action(data: dict[str, Any], demand_id: int):
    """办理：forward 报送市级、return 退回（须理由）、assign 确认并转提供方（provider 或 item）、unmatch 无法匹配（须理由）、
    accept 受理、decline 无法满足（须理由）、fulfil 数据已提供（items）、withdraw 撤回；
    另有 pick（选择推荐条目 item）与 set_provider（指定提供方 provider）。紧急需求自动按紧急时限办理。"""
    ctx = writer_context()
    demand = _demand(ctx, demand_id)
    action = data["action"]

    def perform():
        if action == "pick":
            return demands.pick_suggestion(ctx, demand, data.get("item") or "")
        if action == "set_provider":
            return demands.set_provider(ctx, demand, data.get("provider"))
        return demands.act(ctx, demand, action, data.get("reason"), provider=data.get("provider"), item=data.get("item"),
                           items=data.get("items"))

    return carry_action(ctx, demand, action, data.get("reason"), perform)


@blp.route("/demands/<int:demand_id>/suggestions")
class Suggestions(MethodView):
    @blp.response(200, SuggestionOut(many=True))
    @_errors(401, 404)
    def get(self, demand_id: int):
        """推荐的目录条目（提出时或最近一次刷新时检索所得）。"""
        ctx = writer_context()
        return _demand(ctx, demand_id).data.get("suggestions", [])

    @blp.response(200, SuggestionOut(many=True))
    @_errors(401, 403, 404)
    def post(self, demand_id: int):
        """刷新推荐：按需求描述和所需信息项重新检索已发布目录（同义词匹配）。"""
        ctx = writer_context()
        found = demands.refresh_suggestions(ctx, _demand(ctx, demand_id), _search(ctx))
        ctx.session.commit()
        return found
