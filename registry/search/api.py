"""``GET /api/v1/search``: the search function as JSON, for scripts and platforms.

The same query parameters as the public page (``q``, one parameter per facet,
``field``, ``fuzzy``, ``sort``, ``page``) plus ``per_page``. Anonymous callers
see what the public sees; a signed-in user (or token) sees what their role allows.
"""
from __future__ import annotations

import marshmallow as ma
from flask import request
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.datastructures import MultiDict

from registry.api.errors import ErrorSchema
from registry.app import request_session, runtime
from registry.core.errors import ValidationError
from registry.search import SearchRequest, search
from registry.search.facets import FACETS
from registry.search.query import MAX_PER_PAGE, MAX_RESULTS, SORTS

blp = Blueprint("search_api", __name__, url_prefix="/api/v1/search", description="全文检索：与公开检索页同一查询语言、分面与可见范围")


def request_from_args(args: MultiDict, per_page: int = 20) -> SearchRequest:
    """A :class:`SearchRequest` from URL parameters; bad values raise :class:`ValidationError`."""
    def number(name: str, default: int) -> int:
        raw = args.get(name, str(default)).strip()
        if not raw.lstrip("-").isdigit():
            raise ValidationError(f"{name} 应为整数，而不是“{raw[:20]}”", field=name)
        return int(raw)

    return SearchRequest(
        text=args.get("q", "").strip()[:200],
        filters={f.name: tuple(args.getlist(f.name)) for f in FACETS if args.getlist(f.name)},
        field_name=args.get("field", "").strip()[:100] or None,
        field_mode="fuzzy" if args.get("fuzzy") else "exact",
        sort=args.get("sort", "relevance"),
        page=number("page", 1),
        per_page=number("per_page", per_page),
    )


# -- schemas: they document the parameters and the answer; request_from_args reads the request ----------

_NOT_INTEGER = {"invalid": "应为整数，如 1、2、3"}
_FACET_HELP = {
    "provider": "提供方机构代码", "class_code": "目录类别（1 基础、2 主题、3 部门）", "class_item": "资源分类，如 3.07",
    "share_type": "共享类型：unconditional / conditional / not_shared，或中文名称",
    "open_type": "开放类型规范值或中文名称", "update_cycle": "更新周期规范值或中文名称",
    "format_class": "资源格式规范值或中文名称", "status": "状态（登录用户可用，如 draft、published）",
    "security_grade": "安全级别规范值或中文名称",
}


def _facet_arg(name: str) -> ma.fields.Field:
    return ma.fields.List(ma.fields.String(), load_default=list, metadata={
        "description": f"分面筛选 {name}：{_FACET_HELP.get(name, name)}；可重复，同一分面多个取值为“或”"})


SearchArgs = type("SearchArgs", (ma.Schema,), {
    "q": ma.fields.String(load_default="", metadata={
        "description": "检索词：空格分隔的词须全部命中（同义词也算）；引号内为精确短语；数字开头按资源代码前缀匹配"}),
    **{facet.name: _facet_arg(facet.name) for facet in FACETS},
    "field": ma.fields.String(load_default="", metadata={"description": "按信息项名称检索，如 统一社会信用代码"}),
    "fuzzy": ma.fields.String(load_default="", metadata={"description": "任意非空值：信息项名称模糊匹配；不填为精确匹配"}),
    "sort": ma.fields.String(load_default="relevance", metadata={
        "description": "排序：" + "、".join(f"{k}（{v}）" for k, v in SORTS.items()), "enum": list(SORTS)}),
    "page": ma.fields.Integer(load_default=1, error_messages=_NOT_INTEGER, metadata={
        "description": f"页码，从 1 开始；最多翻到第 {MAX_RESULTS} 条结果"}),
    "per_page": ma.fields.Integer(load_default=20, error_messages=_NOT_INTEGER, metadata={
        "description": f"每页条数，0–{MAX_PER_PAGE}（0 即只要总数与分面）"}),
})


class SearchHitSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "资源代码"})
    name = ma.fields.String()
    provider = ma.fields.String(metadata={"description": "提供方名称"})
    summary = ma.fields.String()
    status = ma.fields.String()
    share_type = ma.fields.String()
    open_type = ma.fields.String()
    update_cycle = ma.fields.String()
    format_class = ma.fields.String()
    security_grade = ma.fields.String(allow_none=True)
    class_code = ma.fields.String()
    item_code = ma.fields.String()
    publish_date = ma.fields.String(allow_none=True)
    updated_at = ma.fields.String()
    score = ma.fields.Integer(metadata={"description": "相关度得分"})
    highlights = ma.fields.Dict(metadata={"description": "命中片段：元素键 → 以 <mark> 标出命中词的 HTML（原文已转义）"})
    matched_fields = ma.fields.List(ma.fields.String(), metadata={"description": "命中的信息项名称"})


class SearchResultSchema(ma.Schema):
    total = ma.fields.Integer(metadata={"description": "符合条件的条目总数"})
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    relaxed = ma.fields.Boolean(metadata={"description": "没有条目命中全部检索词，改为列出命中最多词的条目"})
    results = ma.fields.List(ma.fields.Nested(SearchHitSchema))
    facets = ma.fields.Dict(metadata={"description": "分面名 → {取值: 条目数}"})
    facet_labels = ma.fields.Dict(metadata={"description": "分面名 → {取值: 中文名称}"})


@blp.route("")
@blp.arguments(SearchArgs, location="query")
@blp.response(200, SearchResultSchema)
@blp.alt_response(422, schema=ErrorSchema, description="参数不符合要求（如页码不是整数、排序方式未知）")
def search_json(_args: dict):
    """全文检索：匿名为公开可见的已发布条目，登录用户（或令牌）按其角色可见范围。"""
    wanted = request_from_args(request.args)  # a ValidationError becomes a 422 in the common error shape
    signed_in = current_user.is_authenticated
    response = search(runtime(), request_session(), wanted,
                      actor=current_user._get_current_object() if signed_in else None, public=not signed_in)
    return response.to_json()
