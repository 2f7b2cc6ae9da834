"""``/api/v1/share-requests`` and ``/api/v1/share-uses``: share requests and the use log through the sharing services."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from registry.api.errors import error_responses
from registry.api.fields import Timestamp
from registry.api.paging import PageArgs, page_body, page_of
from registry.catalog.api import writer_context
from registry.core.context import Context
from registry.core.errors import FieldError, NotFound, ValidationError
from registry.orgs.models import Organisation
from registry.orgs.operations import get_org
from registry.requests import queries
from registry.requests.api_support import (
    ActionIn,
    RequestListArgs,
    RequestOut,
    carry_action,
    request_out,
    visible_request,
)
from registry.requests.models import Request
from registry.sharing import operations as sharing
from registry.sharing.queries import UseFilter, use_query, visible_requests
from registry.sharing.uses import record_use

blp = Blueprint("sharing", __name__, url_prefix="/api/v1",
                description="有条件共享申请（提供方按工作日时限答复，不同意须说明理由，可提请数据主管部门协调）与共享数据使用记录")


_errors = error_responses(blp)


def _org(ctx: Context, code: str | None, key: str, label: str) -> Organisation | None:
    if not code:
        return None
    try:
        return get_org(ctx, code)
    except NotFound:
        raise ValidationError(FieldError(key, f"没有代码为“{code}”的机构", label)) from None


# -- schemas ----------------------------------------------------------------------------

class ShareRequestOut(RequestOut):
    actions = ma.fields.List(ma.fields.String(), metadata={"description": "调用者现在可做的操作"})


class ShareListArgs(RequestListArgs):
    requester = ma.fields.String(load_default=None, metadata={"description": "申请单位的机构代码"})


class ShareRequestIn(ma.Schema):
    item = ma.fields.String(required=True, metadata={"description": "信息资源代码（须为已发布的有条件共享条目）"})
    fields = ma.fields.List(ma.fields.Raw(), required=True, metadata={"description": "申请的信息项：名称或序号"})
    purpose = ma.fields.String(required=True, metadata={"description": "用途"})
    scenario = ma.fields.String(required=True, metadata={"description": "应用场景"})
    legal_basis = ma.fields.String(required=True, metadata={"description": "申请依据（履职所依据的法律法规、政策）"})
    use_until = ma.fields.String(required=True, metadata={"description": "使用期限（截止日期，如 2027-06-30）"})
    requester = ma.fields.String(load_default=None, allow_none=True,
                                 metadata={"description": "申请单位机构代码；编目人员默认为本单位"})


class ShareActionIn(ActionIn):
    fields = ma.fields.List(ma.fields.String(), load_default=None, allow_none=True,
                            metadata={"description": "approve：同意共享的信息项（申请范围之内）；不填为全部"})
    mode = ma.fields.String(load_default=None, allow_none=True,
                            metadata={"description": "approve：共享方式，如 platform:api，或类型 api"})
    users = ma.fields.List(ma.fields.String(), load_default=None, allow_none=True,
                           metadata={"description": "approve：使用人员；不填为申请单位"})


class UseIn(ma.Schema):
    purpose = ma.fields.String(required=True, metadata={"description": "具体用途"})
    user_name = ma.fields.String(required=True, metadata={"description": "使用人员（批准时指定了使用人员的，须为其中之一）"})
    fields = ma.fields.List(ma.fields.String(), required=True, metadata={"description": "使用的信息项（须为已同意共享的）"})
    medium = ma.fields.String(required=True, metadata={"description": "介质类型，如 网络传输、光盘"})
    used_at = ma.fields.String(load_default=None, allow_none=True,
                               metadata={"description": "获取时间（ISO 8601；无时区按北京时间）；不填为现在"})
    method = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "获取方式；不填为批准的共享方式"})
    approver_name = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "批准人员；不填为答复人"})
    content = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "数据内容（记录范围、条数等）"})


class UseOut(ma.Schema):
    id = ma.fields.Integer()
    request_id = ma.fields.Integer()
    item_code = ma.fields.String()
    organisation = ma.fields.Dict(metadata={"description": "使用单位 {code, name}"})
    purpose = ma.fields.String()
    user_name = ma.fields.String()
    approver_name = ma.fields.String(allow_none=True)
    fields = ma.fields.List(ma.fields.String())
    content = ma.fields.String(allow_none=True)
    used_at = Timestamp()
    method = ma.fields.String()
    method_label = ma.fields.String()
    medium = ma.fields.String()
    created_at = Timestamp()


class UseListArgs(ma.Schema):
    item = ma.fields.String(load_default=None, metadata={"description": "信息资源代码"})
    org = ma.fields.String(load_default=None, metadata={"description": "机构代码：使用单位或提供单位"})
    date_from = ma.fields.Date(load_default=None, data_key="from", metadata={"description": "获取时间起（含，北京时间）"})
    date_to = ma.fields.Date(load_default=None, data_key="to", metadata={"description": "获取时间止（含）"})


def _body(ctx: Context, req: Request) -> dict[str, Any]:
    return {**request_out(ctx, req), "actions": [a.name for a in sharing.available_actions(ctx, req)]}


def _use_body(ctx: Context, use) -> dict[str, Any]:
    return {"id": use.id, "request_id": use.request_id, "item_code": use.item.code,
            "organisation": {"code": use.organisation.code, "name": use.organisation.name}, "purpose": use.purpose,
            "user_name": use.user_name, "approver_name": use.approver_name, "fields": use.fields, "content": use.content,
            "used_at": use.used_at, "method": use.method,
            "method_label": ctx.profile.all_share_method_types().label(use.method), "medium": use.medium,
            "created_at": use.created_at}


def _share_request(ctx: Context, request_id: int) -> Request:
    return visible_request(ctx, sharing.TYPE, request_id, visible_requests(ctx))


# -- share requests ---------------------------------------------------------------------

@blp.route("/share-requests")
class ShareRequests(MethodView):
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.arguments(ShareListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(ShareRequestOut))
    @_errors(401, 422)
    def get(self, page: int, per_page: int, state: str, stage: str | None, due: str | None, org: str | None,
            requester: str | None):
        """调用者可见的共享申请（申请方、提供方、所在县和数据主管部门），办理中的在前、按办理期限排序。"""
        ctx = writer_context()
        where = visible_requests(ctx)
        asking = _org(ctx, requester, "requester", "申请单位")
        if asking is not None:
            where = (Request.requester_id == asking.id) if where is None else (where & (Request.requester_id == asking.id))
        concerned = _org(ctx, org, "org", "机构")
        query = queries.request_query(ctx, sharing.TYPE, where, state=state, due=due, stage=stage,
                                      org_id=concerned.id if concerned else None)
        rows, total = queries.page(ctx, query, page, per_page)
        return page_body([_body(ctx, r) for r in rows], total, page, per_page)

    @blp.arguments(ShareRequestIn)
    @blp.response(201, ShareRequestOut)
    @_errors(401, 403, 422)
    def post(self, data: dict[str, Any]):
        """申请共享有条件共享的信息资源：写明信息项、用途、应用场景、依据和使用期限；提供方按本辖区时限答复。"""
        ctx = writer_context()
        item = sharing.find_item(ctx, data["item"])
        req = sharing.create_share_request(ctx, item, data, requester=_org(ctx, data.get("requester"), "requester", "申请单位"))
        ctx.session.commit()
        return _body(ctx, req)


@blp.route("/share-requests/<int:request_id>")
@blp.response(200, ShareRequestOut)
@_errors(401, 404)
def get_share_request(request_id: int):
    """一件共享申请：申请内容（data.fields 等）、答复（data.approval：使用单位、人员、信息项、共享方式）与办理记录。"""
    ctx = writer_context()
    return _body(ctx, _share_request(ctx, request_id))


@blp.route("/share-requests/<int:request_id>/actions", methods=["POST"])
@blp.arguments(ShareActionIn)
@blp.response(200, ShareRequestOut)
@_errors(401, 403, 404, 409, 422)
def act(data: dict[str, Any], request_id: int):
    """办理：approve 同意（fields、mode、users）、refuse 不同意（须理由）、object 提请协调（须理由）、
    uphold 数据主管部门维持不同意（须理由）、withdraw 撤回。"""
    ctx = writer_context()
    req = _share_request(ctx, request_id)
    carry_action(ctx, req, data["action"], data.get("reason"),
                 perform=lambda: sharing.carry_action(ctx, req, data["action"], data))
    return _body(ctx, req)


# -- uses -----------------------------------------------------------------------------------

@blp.route("/share-requests/<int:request_id>/uses")
class RequestUses(MethodView):
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(UseOut))
    @_errors(401, 404)
    def get(self, request_id: int, page: int, per_page: int):
        """一件共享申请下登记的每次使用，新的在前。"""
        ctx = writer_context()
        req = _share_request(ctx, request_id)
        rows, total = queries.page(ctx, use_query(ctx, UseFilter(request_id=req.id)), page, per_page)
        return page_body([_use_body(ctx, u) for u in rows], total, page, per_page)

    @blp.arguments(UseIn)
    @blp.response(201, UseOut)
    @_errors(401, 403, 404, 409, 422)
    def post(self, data: dict[str, Any], request_id: int):
        """登记一次使用（福州第二十九条）：仅限已同意的申请、已同意的信息项和使用人员、使用期限之内；记录不可删除。"""
        ctx = writer_context()
        use = record_use(ctx, _share_request(ctx, request_id), data)
        ctx.session.commit()
        return _use_body(ctx, use)


@blp.route("/share-uses")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.arguments(UseListArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(UseOut))
@_errors(401, 404, 422)
def share_uses(page: int, per_page: int, item: str | None, org: str | None, date_from, date_to):
    """调用者可见的全部使用记录：按信息资源、机构（使用或提供单位）和获取日期筛选。"""
    ctx = writer_context()
    found = sharing.find_item(ctx, item) if item else None
    concerned = _org(ctx, org, "org", "机构")
    flt = UseFilter(item_id=found.id if found else None, org_id=concerned.id if concerned else None,
                    date_from=date_from, date_to=date_to)
    rows, total = queries.page(ctx, use_query(ctx, flt), page, per_page)
    return page_body([_use_body(ctx, u) for u in rows], total, page, per_page)
