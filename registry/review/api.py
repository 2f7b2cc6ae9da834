"""``/api/v1/…/submit``, ``/api/v1/reviews``: the review workflow through the review operations."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from registry.api.errors import error_responses
from registry.api.fields import Timestamp
from registry.api.paging import PageArgs, page_body, page_of
from registry.catalog.api import reader_context, visible_item, writer_context
from registry.core.errors import NotFound
from registry.requests.engine import REQUEST_TYPES, due_status
from registry.requests.models import Request
from registry.review import operations as review
from registry.review.levels import LEVEL_LABELS
from registry.review.queries import QueueFilter, item_steps, review_queue, visible_step

blp = Blueprint("review_api", __name__, url_prefix="/api/v1", description="审核：送审、撤回、逐级审核通过或退回、审核意见")


class EventSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "action 动作 / comment 意见"})
    action = ma.fields.String(allow_none=True)
    target = ma.fields.String(allow_none=True, metadata={"description": "意见针对的元素键，或“信息项:名称”"})
    text = ma.fields.String(allow_none=True)
    actor = ma.fields.String(allow_none=True)
    at = Timestamp()


class StepSchema(ma.Schema):
    id = ma.fields.Integer()
    item_code = ma.fields.String()
    title = ma.fields.String()
    level = ma.fields.String(metadata={"description": "county city authority"})
    level_label = ma.fields.String()
    round = ma.fields.Integer(metadata={"description": "第几次提交"})
    state = ma.fields.String(metadata={"description": "open approved returned cancelled"})
    state_label = ma.fields.String()
    change_id = ma.fields.Integer(allow_none=True, metadata={"description": "所审的变更；新编目为空"})
    due_at = ma.fields.Date(allow_none=True)
    due_status = ma.fields.String(allow_none=True, metadata={"description": "overdue due_soon on_time"})
    decision_reason = ma.fields.String(allow_none=True)
    created_at = Timestamp()
    closed_at = Timestamp(allow_none=True)
    events = ma.fields.List(ma.fields.Nested(EventSchema))


class QueueArgs(ma.Schema):
    level = ma.fields.String(load_default=None, validate=ma.validate.OneOf(list(LEVEL_LABELS)))
    due = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["overdue", "due_soon"]))
    class_code = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["1", "2", "3"]))
    share_type = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["unconditional", "conditional", "not_shared"]))


class NoteSchema(ma.Schema):
    note = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=2000))


class CommentSchema(ma.Schema):
    comment = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=4000))


class ReturnSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000))


class RemarkSchema(ma.Schema):
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000))
    target = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=240),
                              metadata={"description": "元素键（如 share_basis）或“信息项:名称”；不填为整体意见"})


class DecisionSchema(ma.Schema):
    step = ma.fields.Nested(StepSchema)
    next_step = ma.fields.Nested(StepSchema, allow_none=True, metadata={"description": "转入的下一级审核；末级通过为空"})
    item_status = ma.fields.String()


def step_body(ctx, step: Request) -> dict[str, Any]:
    return {
        "id": step.id, "item_code": step.item.code if step.item else None, "title": step.title, "level": step.level,
        "level_label": LEVEL_LABELS.get(step.level or "", ""), "round": step.round, "state": step.state,
        "state_label": REQUEST_TYPES[step.type].state_label(step.state), "change_id": step.change_id,
        "due_at": step.due_at, "due_status": due_status(ctx, step), "decision_reason": step.decision_reason,
        "created_at": step.created_at, "closed_at": step.closed_at,
        "events": [{"kind": e.kind, "action": e.action, "target": e.target, "text": e.text, "actor": e.actor_name,
                    "at": e.created_at} for e in step.events],
    }


def _step(ctx, step_id: int) -> Request:
    """A review step the caller may see (its deciders, or readers of the entry's unpublished state)."""
    try:
        step = review.get_request(ctx, step_id)
    except NotFound:
        abort(404, message=f"没有编号为 {step_id} 的审核事项")
    if not visible_step(ctx, step):
        abort(404, message=f"没有编号为 {step_id} 的审核事项")
    return step


_errors = error_responses(blp)


@blp.route("/items/<path:code>/review")
@blp.response(200, StepSchema(many=True))
@_errors(401, 404)
def item_review(code: str):
    """条目的全部审核环节（含意见与处理记录），从早到晚。"""
    ctx, public = reader_context()
    if public:
        abort(401)
    return [step_body(ctx, s) for s in item_steps(ctx, visible_item(ctx, code, public=False))]


@blp.route("/items/<path:code>/submit", methods=["POST"])
@blp.arguments(NoteSchema)
@blp.response(201, StepSchema)
@_errors(401, 403, 404, 409)
def submit(data: dict[str, Any], code: str):
    """提交草稿送审：打开第一级审核，办理期限按工作日计算。"""
    ctx = writer_context()
    step = review.submit_item(ctx, visible_item(ctx, code, public=False), data.get("note"))
    ctx.session.commit()
    return step_body(ctx, step)


@blp.route("/items/<path:code>/withdraw", methods=["POST"])
@blp.response(204)
@_errors(401, 403, 404, 409)
def withdraw(code: str):
    """撤回尚未审结的提交，条目回到草稿。"""
    ctx = writer_context()
    review.withdraw_submission(ctx, visible_item(ctx, code, public=False))
    ctx.session.commit()


@blp.route("/reviews")
class Reviews(MethodView):
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.arguments(QueueArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(StepSchema))
    @_errors(401)
    def get(self, page: int, per_page: int, **filters):
        """待我审核：调用者有权决定的在办审核环节，按办理期限排序。"""
        ctx = writer_context()
        steps, total = review_queue(ctx, QueueFilter(page=page, **filters), per_page=per_page)
        return page_body([step_body(ctx, s) for s in steps], total, page, per_page)


@blp.route("/reviews/<int:step_id>")
@blp.response(200, StepSchema)
@_errors(401, 404)
def get_step(step_id: int):
    """一个审核环节。"""
    ctx = writer_context()
    return step_body(ctx, _step(ctx, step_id))


def _decision(ctx, step: Request, following: Request | None) -> dict[str, Any]:
    ctx.session.commit()
    return {"step": step_body(ctx, step), "next_step": step_body(ctx, following) if following else None,
            "item_status": step.item.status.value}


@blp.route("/reviews/<int:step_id>/approve", methods=["POST"])
@blp.arguments(CommentSchema)
@blp.response(200, DecisionSchema)
@_errors(401, 403, 404, 409)
def approve(data: dict[str, Any], step_id: int):
    """本级审核通过：转下一级，末级通过即发布（或使变更、注销生效）。"""
    ctx = writer_context()
    step = _step(ctx, step_id)
    return _decision(ctx, step, review.approve(ctx, step, data.get("comment")))


@blp.route("/reviews/<int:step_id>/return", methods=["POST"])
@blp.arguments(ReturnSchema)
@blp.response(200, DecisionSchema)
@_errors(401, 403, 404, 409, 422)
def return_(data: dict[str, Any], step_id: int):
    """退回（须写理由）：新编目回到草稿；变更被驳回，发布版本不变。"""
    ctx = writer_context()
    step = _step(ctx, step_id)
    review.return_for_rework(ctx, step, data["reason"])
    return _decision(ctx, step, None)


@blp.route("/reviews/<int:step_id>/comments", methods=["POST"])
@blp.arguments(RemarkSchema)
@blp.response(201, EventSchema)
@_errors(401, 403, 404, 422)
def add_remark(data: dict[str, Any], step_id: int):
    """对条目整体或某个元素、信息项发表审核意见。"""
    ctx = writer_context()
    step = _step(ctx, step_id)
    event = review.comment(ctx, step, data["text"], data.get("target"))
    ctx.session.commit()
    return {"kind": event.kind, "action": event.action, "target": event.target, "text": event.text,
            "actor": event.actor_name, "at": event.created_at}
