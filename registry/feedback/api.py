"""``/api/v1/open-requests``, ``/api/v1/objections``, ``/api/v1/corrections``: file, list, read and act on them."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint, abort
from sqlalchemy import select

from registry.api.errors import error_responses
from registry.api.paging import PageArgs, page_body, page_of
from registry.catalog.api import writer_context
from registry.feedback import access
from registry.feedback import operations as feedback
from registry.orgs.models import Organisation
from registry.requests import queries
from registry.requests.api_support import (
    ActionIn,
    RequestListArgs,
    RequestOut,
    carry_action,
    request_out,
)

blp = Blueprint("feedback", __name__, url_prefix="/api/v1",
                description="开放数据申请、异议与数据纠错：提出、答复（可延期一次）、复核、核实与更正")


class FeedbackIn(ma.Schema):
    """What a requester files; which inputs a type needs is checked by the service, in Chinese."""

    item_code = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=64),
                                 metadata={"description": "所涉目录条目代码（纠错必填；开放数据申请不填则向数据主管部门申请）"})
    description = ma.fields.String(load_default=None, allow_none=True,
                                   metadata={"description": "申请开放的数据 / 异议内容 / 问题描述"})
    purpose = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "用途（开放数据申请）"})
    evidence = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "佐证材料（纠错必填）"})
    target = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=240),
                              metadata={"description": "针对的元素键（如 open_type）或“信息项:名称”"})
    about_request = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                                      metadata={"description": "异议所针对的已答复申请编号"})
    applicant_kind = ma.fields.String(load_default="organisation", validate=ma.validate.OneOf(["organisation", "public"]),
                                      metadata={"description": "organisation 本单位 / public 工作人员代社会公众登记"})
    applicant_name = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "社会公众申请人姓名"})
    applicant_contact = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "社会公众联系方式"})


class FeedbackActionIn(ActionIn):
    answer = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=4000),
                              metadata={"description": "答复内容：开放或更正了什么（grant、fix 必填）"})
    organisation = ma.fields.String(load_default=None, allow_none=True,
                                    metadata={"description": "转交部门的机构代码（reassign）"})
    change_id = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1, max=2**31 - 1),
                                  metadata={"description": "更正所做的条目变更编号（fix，可选）"})


_errors = error_responses(blp)


def _doc(text: str):
    """Give a view made in a loop its own docstring (the OpenAPI summary) before the route reads it."""
    def decorate(view):
        view.__doc__ = text
        return view
    return decorate


def _org_id(ctx, code: str | None) -> int | None:
    if not code:
        return None
    org_id = ctx.session.scalar(select(Organisation.id).where(Organisation.code == code.strip()))
    if org_id is None:
        abort(422, message=f"没有代码为“{code}”的机构")
    return org_id


def _routes(path: str, type_name: str, label: str) -> None:
    """The four endpoints of one feedback type under ``/api/v1/<path>``."""
    name = path.replace("-", "_")

    @blp.route(f"/{path}", endpoint=f"{name}_list", methods=["GET"])
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.arguments(RequestListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(RequestOut))
    @_errors(401, 422)
    @_doc(f"{label}：调用者可见的事项，办理中的在前，按办理期限排序。")
    def list_requests(page: int, per_page: int, state: str, stage: str | None, due: str | None, org: str | None):
        ctx = writer_context()
        query = queries.request_query(ctx, type_name, access.visible_clause(ctx), state=state, due=due,
                                      org_id=_org_id(ctx, org), stage=stage)
        rows, total = queries.page(ctx, query, page, per_page)
        return page_body([request_out(ctx, r) for r in rows], total, page, per_page)

    @blp.route(f"/{path}", endpoint=f"{name}_create", methods=["POST"])
    @blp.arguments(FeedbackIn)
    @blp.response(201, RequestOut)
    @_errors(401, 403, 404, 409, 422)
    @_doc(f"提出{label}；办理期限按本辖区规定的工作日计算（未规定则为空）。")
    def create_request(values: dict[str, Any]):
        ctx = writer_context()
        try:
            created = feedback.file_request(ctx, type_name, values)
        except Exception:
            ctx.session.rollback()
            raise
        ctx.session.commit()
        return request_out(ctx, created)

    @blp.route(f"/{path}/<int:request_id>", endpoint=f"{name}_get", methods=["GET"])
    @blp.response(200, RequestOut)
    @_errors(401, 404)
    @_doc(f"一件{label}，含办理记录。")
    def get_request(request_id: int):
        ctx = writer_context()
        return request_out(ctx, feedback.get_feedback(ctx, type_name, request_id))

    @blp.route(f"/{path}/<int:request_id>/actions", endpoint=f"{name}_act", methods=["POST"])
    @blp.arguments(FeedbackActionIn)
    @blp.response(200, RequestOut)
    @_errors(401, 403, 404, 409, 422)
    @_doc(f"办理{label}：action 为该类型的操作之一（含 extend 延期），reason 为理由，answer 为答复内容。")
    def act_on_request(body: dict[str, Any], request_id: int):
        ctx = writer_context()
        req = feedback.get_feedback(ctx, type_name, request_id)
        return carry_action(ctx, req, body["action"], body.get("reason"), perform=lambda: feedback.act(
            ctx, req, body["action"], reason=body.get("reason"), answer=body.get("answer"),
            organisation=body.get("organisation"), change_id=body.get("change_id")))



_routes("open-requests", "open_request", "开放数据申请")
_routes("objections", "objection", "异议")
_routes("corrections", "correction", "数据纠错")
