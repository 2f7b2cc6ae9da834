"""What every process's endpoints share: the request's shape, the action body, lists and carrying out an action.

A process's ``api.py`` keeps its own routes and permissions; the
response shape, the action body and the commit-or-explain are here once, so
``/api/v1/demands`` and ``/api/v1/corrections`` answer alike.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask_smorest import abort
from sqlalchemy import ColumnElement, Select

from registry.api.fields import Timestamp
from registry.core.context import Context
from registry.requests import queries
from registry.requests.engine import transition
from registry.requests.models import Request
from registry.requests.present import summary, timeline

__all__ = ["ActionIn", "RequestListArgs", "RequestOut", "carry_action", "request_out", "request_query", "visible_request"]

request_query = queries.request_query


class RequestOrgRef(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()


class TimelineOut(ma.Schema):
    kind = ma.fields.String(metadata={"description": "opened 提出 / action 动作 / comment 意见"})
    what = ma.fields.String()
    target = ma.fields.String(allow_none=True)
    text = ma.fields.String(allow_none=True)
    actor = ma.fields.String()
    at = Timestamp()


class RequestOut(ma.Schema):
    id = ma.fields.Integer()
    type = ma.fields.String()
    type_label = ma.fields.String()
    state = ma.fields.String(metadata={"description": "open 办理中；其他为办结状态"})
    state_label = ma.fields.String()
    stage = ma.fields.String(allow_none=True, metadata={"description": "办理中事项所处的环节"})
    stage_label = ma.fields.String(allow_none=True)
    title = ma.fields.String()
    organisation = ma.fields.Nested(RequestOrgRef, metadata={"description": "办理单位"})
    requester = ma.fields.Nested(RequestOrgRef, allow_none=True, metadata={"description": "提出方；社会公众为空"})
    item_code = ma.fields.String(allow_none=True)
    data = ma.fields.Dict()
    due_at = ma.fields.Date(allow_none=True, metadata={"description": "办理期限（工作日计算）；未规定为空"})
    due_status = ma.fields.String(allow_none=True, metadata={"description": "overdue due_soon on_time"})
    created_at = Timestamp()
    closed_at = Timestamp(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)
    timeline = ma.fields.List(ma.fields.Nested(TimelineOut))


class ActionIn(ma.Schema):
    """An action on a request; processes extend it with their own inputs."""

    class Meta:
        unknown = ma.EXCLUDE

    action = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    reason = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=4000))


class RequestListArgs(ma.Schema):
    state = ma.fields.String(load_default="open", metadata={"description": "open（默认）closed all，或类型的状态名"})
    stage = ma.fields.String(load_default=None)
    due = ma.fields.String(load_default=None, validate=ma.validate.OneOf(queries.DUES))
    org = ma.fields.String(load_default=None, metadata={"description": "机构代码：办理单位或提出方"})


def request_out(ctx: Context, req: Request) -> dict[str, Any]:
    body = summary(ctx, req)
    body["timeline"] = [row.__dict__ for row in timeline(req)]
    return body


def visible_request(ctx: Context, type_name: str, request_id: int, where: ColumnElement[bool] | None) -> Request:
    """The request if the caller may see it; 404 otherwise, whether it exists or not."""
    query: Select = queries.request_query(ctx, type_name, where, state="all").where(Request.id == request_id)
    req = ctx.session.scalars(query).first()
    if req is None:
        abort(404, message=f"没有编号为 {request_id} 的事项")
    return req


def carry_action(ctx: Context, req: Request, action: str, reason: str | None,
                 perform: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Carry out ``action`` (by default the engine transition), commit, and return the request's new state.

    Service errors roll back and reach the caller through the API's error handler.
    """
    try:
        (perform or (lambda: transition(ctx, req, action, reason)))()
    except Exception:
        ctx.session.rollback()
        raise
    ctx.session.commit()
    ctx.session.refresh(req)
    return request_out(ctx, req)
