"""``/api/v1/service-changes``: a provider's advance notice of a change to a shared service (binzhou §24)."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from registry.accounts.permissions import can
from registry.api.errors import error_responses
from registry.api.paging import PageArgs, page_body, page_of
from registry.catalog.api import writer_context
from registry.core.errors import PermissionDenied
from registry.requests import queries
from registry.requests.api_support import (
    ActionIn,
    RequestListArgs,
    RequestOut,
    carry_action,
    request_out,
    visible_request,
)
from registry.sharing import service_changes
from registry.sharing.service_change_views import item_for_notice

blp = Blueprint("service_changes_api", __name__, url_prefix="/api/v1",
                description="共享服务变更告知：系统升级、变更、停用须按本辖区时限提前告知使用单位（滨州第二十四条：10个工作日）")


class ServiceChangeIn(ma.Schema):
    item = ma.fields.String(required=True, metadata={"description": "信息资源代码（已发布）"})
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(service_changes.KINDS)),
                            metadata={"description": "upgrade 系统升级 / change 服务变更 / stop 停用"})
    effective_on = ma.fields.Date(required=True, metadata={"description": "实施日期；不得早于告知期限"})
    description = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000),
                                   metadata={"description": "变更内容及对使用单位的影响"})


_errors = error_responses(blp)


def _body(ctx, req) -> dict[str, Any]:
    body = request_out(ctx, req)
    if not service_changes.sees_users(ctx, req):
        body["data"] = {k: v for k, v in body["data"].items() if k != "users"}
    return body


@blp.route("/service-changes")
class ServiceChanges(MethodView):
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.arguments(RequestListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(RequestOut))
    @_errors(401, 422)
    def get(self, page: int, per_page: int, state: str, stage: str | None, due: str | None, org: str | None):
        """共享服务变更告知，待实施的在前、按实施日期排序。"""
        ctx = writer_context()
        query = queries.request_query(ctx, service_changes.TYPE, service_changes.visible_notices(ctx), state=state, due=due, stage=stage)
        rows, total = queries.page(ctx, query, page, per_page)
        return page_body([_body(ctx, r) for r in rows], total, page, per_page)

    @blp.arguments(ServiceChangeIn)
    @blp.response(201, RequestOut)
    @_errors(401, 403, 422)
    def post(self, data: dict[str, Any]):
        """告知共享服务的升级、变更或停用；已获准共享该资源的使用单位和数据主管部门收到通知。"""
        ctx = writer_context()
        req = service_changes.announce_service_change(ctx, item_for_notice(ctx, data["item"]), data)
        ctx.session.commit()
        return _body(ctx, req)


@blp.route("/service-changes/<int:request_id>")
@blp.response(200, RequestOut)
@_errors(401, 404)
def get_service_change(request_id: int):
    """一件变更告知及其办理记录。"""
    ctx = writer_context()
    return _body(ctx, visible_request(ctx, service_changes.TYPE, request_id, service_changes.visible_notices(ctx)))


@blp.route("/service-changes/<int:request_id>/actions", methods=["POST"])
@blp.arguments(ActionIn)
@blp.response(200, RequestOut)
@_errors(401, 403, 404, 409, 422)
def act(data: dict[str, Any], request_id: int):
    """办理：done 确认已实施、cancel 取消变更（须理由）；仅提供单位。"""
    ctx = writer_context()
    req = visible_request(ctx, service_changes.TYPE, request_id, service_changes.visible_notices(ctx))
    if not can(ctx.actor, "share:announce_change", req.organisation):
        raise PermissionDenied("只有数据提供单位可以办理本单位的变更告知")
    carry_action(ctx, req, data["action"], data.get("reason"))
    return _body(ctx, req)
