"""``/api/v1/duplicates``: the one-data-one-source report and the designation of the source."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint, abort

from registry.api.errors import error_responses
from registry.api.fields import Timestamp
from registry.api.paging import PageArgs, page_body, page_of
from registry.catalog.api import writer_context
from registry.catalog.api_schemas import OrgRefSchema
from registry.core.errors import NotFound
from registry.orgs.operations import get_org
from registry.sourcing import operations
from registry.sourcing.report import ReportEntry

blp = Blueprint("sourcing", __name__, url_prefix="/api/v1/duplicates",
                description="一数一源：多个部门采集同一数据的发现，及市级审核指定的数据来源")


class MemberSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "条目代码"})
    name = ma.fields.String(metadata={"description": "条目名称"})
    provider = ma.fields.Nested(OrgRefSchema, metadata={"description": "提供部门（内设机构的条目计入其部门）"})


class FieldNameSchema(ma.Schema):
    item_code = ma.fields.String()
    name = ma.fields.String(metadata={"description": "该条目中的信息项名称"})


class MatchedFieldSchema(ma.Schema):
    key = ma.fields.String(metadata={"description": "归一后的信息项键；主体标识为 #citizen_id、#uscc"})
    how = ma.fields.String(metadata={"description": "identifier 主体标识 / same_name 同名 / synonym 同义"})
    weight = ma.fields.Float(metadata={"description": "权重：按各部门目录中的普遍程度（逆文档频率），通用信息项很低"})
    names = ma.fields.List(ma.fields.Nested(FieldNameSchema))


class DesignationSchema(ma.Schema):
    source = ma.fields.Nested(OrgRefSchema, metadata={"description": "指定的数据来源部门"})
    note = ma.fields.String(allow_none=True)
    member_codes = ma.fields.List(ma.fields.String(), metadata={"description": "指定时的成员条目代码"})
    resolved_by = ma.fields.String(allow_none=True, metadata={"description": "指定人登录名"})
    resolved_at = Timestamp()


class FindingSchema(ma.Schema):
    key = ma.fields.String(metadata={"description": "发现的键，由成员条目代码导出"})
    title = ma.fields.String()
    status = ma.fields.String(metadata={"description": "open 待指定 / resolved 已指定"})
    changed = ma.fields.Boolean(metadata={"description": "曾指定来源，但成员条目已变化（因此重新待指定）"})
    score = ma.fields.Integer(metadata={"description": "相似度 0–100"})
    reason = ma.fields.String(metadata={"description": "中文说明"})
    name_match = ma.fields.String(allow_none=True, metadata={"description": "名称指向的同一数据（名称相同或一方以另一方结尾）"})
    members = ma.fields.List(ma.fields.Nested(MemberSchema))
    fields = ma.fields.List(ma.fields.Nested(MatchedFieldSchema), metadata={"description": "相同或同义的信息项"})
    designation = ma.fields.Nested(DesignationSchema, allow_none=True, metadata={"description": "最近一次指定"})


class FindingArgs(ma.Schema):
    status = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["open", "resolved"]))
    org = ma.fields.String(load_default=None, validate=ma.validate.Length(max=32),
                           metadata={"description": "机构代码：涉及该部门的发现；县（区）或市代码为其下各部门"})


class ResolutionSchema(ma.Schema):
    source = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32),
                              metadata={"description": "指定的数据来源部门代码（须为成员条目的提供部门之一）"})
    note = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=operations.NOTE_MAX))


def finding_body(entry: ReportEntry) -> dict[str, Any]:
    f, d = entry.finding, entry.designation
    return {
        "key": f.key, "title": f.title, "status": entry.status, "changed": entry.changed, "score": f.score,
        "reason": f.reason, "name_match": f.name_match,
        "members": [{"code": m.code, "name": m.name, "provider": {"code": m.provider.code, "name": m.provider.name}}
                    for m in f.members],
        "fields": [{"key": m.key, "how": m.how, "weight": m.weight,
                    "names": [{"item_code": code, "name": name} for code, name in m.names]} for m in f.fields],
        "designation": None if d is None else {
            "source": {"code": d.source.code, "name": d.source.name}, "note": d.note, "member_codes": d.member_codes,
            "resolved_by": d.resolved_by.username if d.resolved_by else None, "resolved_at": d.resolved_at,
        },
    }


_errors = error_responses(blp)


def _entry(ctx, key: str) -> ReportEntry:
    try:
        return operations.get_finding(ctx, key)
    except NotFound as exc:
        abort(404, message=str(exc))


@blp.route("")
@blp.arguments(PageArgs, location="query", as_kwargs=True)
@blp.arguments(FindingArgs, location="query", as_kwargs=True)
@blp.response(200, page_of(FindingSchema))
@_errors(401, 403, 404)
def list_findings(page: int, per_page: int, status: str | None, org: str | None):
    """重复采集的发现，按相似度排序；可按状态、机构筛选。"""
    ctx = writer_context()
    entries = operations.list_findings(ctx, status, get_org(ctx, org) if org else None)
    chunk = entries[(page - 1) * per_page:page * per_page]
    return page_body([finding_body(e) for e in chunk], len(entries), page, per_page)


@blp.route("/<key>")
@blp.response(200, FindingSchema)
@_errors(401, 403, 404)
def get_finding(key: str):
    """一个发现：成员条目、相同或同义的信息项、相似度、说明和指定情况。"""
    ctx = writer_context()
    return finding_body(_entry(ctx, key))


@blp.route("/<key>/resolution", methods=["POST"])
@blp.arguments(ResolutionSchema)
@blp.response(201, FindingSchema)
@_errors(401, 403, 404, 422)
def resolve(data: dict[str, Any], key: str):
    """指定数据来源（市级审核员或数据主管部门），该发现标记为已解决；成员变化后重新待指定。"""
    ctx = writer_context()
    operations.resolve_finding(ctx, key, data["source"], data.get("note"))
    ctx.session.commit()
    return finding_body(operations.get_finding(ctx, key))
