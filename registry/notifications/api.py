"""``/api/v1/notifications``: the caller's notices, and marking them read, through the notification operations."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint, abort

from registry.api.errors import error_responses
from registry.api.fields import Timestamp
from registry.api.paging import PageArgs, page_body, page_of
from registry.catalog.api import writer_context
from registry.core.errors import NotFound
from registry.notifications.links import request_url
from registry.notifications.models import Notification
from registry.notifications.operations import list_notices, mark_all_read, mark_read

blp = Blueprint("notifications_api", __name__, url_prefix="/api/v1",
                description="通知：新事项、环节变化、办结、即将到期与逾期提醒（调用者本人的）")


class NotificationSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "new 新事项 / stage 环节变化 / decided 已办结 / due_soon 即将到期 / overdue 已逾期"})
    kind_label = ma.fields.String()
    request_id = ma.fields.Integer()
    request_type = ma.fields.String(metadata={"description": "事项类型，如 review"})
    title = ma.fields.String(metadata={"description": "事项标题"})
    message = ma.fields.String()
    due_at = ma.fields.Date(allow_none=True, metadata={"description": "所提醒的办理期限（即将到期、逾期提醒）"})
    created_at = Timestamp()
    read_at = Timestamp(allow_none=True, metadata={"description": "阅读时间；未读为空"})
    link = ma.fields.String(allow_none=True, metadata={"description": "事项在管理后台的页面"})


class UnreadArgs(ma.Schema):
    unread = ma.fields.Boolean(load_default=False, metadata={"description": "1 只要未读的"})


class MarkedSchema(ma.Schema):
    marked = ma.fields.Integer(metadata={"description": "标为已读的条数"})


def notice_body(notice: Notification) -> dict[str, Any]:
    return {
        "id": notice.id, "kind": notice.kind, "kind_label": notice.kind_label, "request_id": notice.request_id,
        "request_type": notice.request_type, "title": notice.title, "message": notice.message, "due_at": notice.due_at,
        "created_at": notice.created_at, "read_at": notice.read_at, "link": request_url(notice, external=True),
    }


_errors = error_responses(blp)


@blp.route("/notifications")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.arguments(UnreadArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(NotificationSchema))
@_errors(401)
def notices(page: int, per_page: int, unread: bool):
    """我的通知，从新到旧；unread=1 只列未读的。"""
    ctx = writer_context()
    rows, total = list_notices(ctx, unread=unread, page=page, per_page=per_page)
    return page_body([notice_body(n) for n in rows], total, page, per_page)


@blp.route("/notifications/<int:notice_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
@_errors(401, 404)
def read(notice_id: int):
    """把一条通知标为已读。"""
    ctx = writer_context()
    try:
        notice = mark_read(ctx, notice_id)
    except NotFound:
        abort(404, message=f"没有编号为 {notice_id} 的通知")
    ctx.session.commit()
    return notice_body(notice)


@blp.route("/notifications/read-all", methods=["POST"])
@blp.response(200, MarkedSchema)
@_errors(401)
def read_all():
    """把我的全部未读通知标为已读。"""
    ctx = writer_context()
    marked = mark_all_read(ctx)
    ctx.session.commit()
    return {"marked": marked}
