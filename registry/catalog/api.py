"""``/api/v1/items``: catalog items with their fields, history and diffs, through the catalog operations."""
from __future__ import annotations

from typing import Any

from flask import current_app, g, url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint, abort
from werkzeug.routing import PathConverter

from registry.accounts.permissions import item_scope
from registry.api.errors import ErrorSchema
from registry.api.paging import PageArgs, check_if_match, etag_of, page_body, page_of
from registry.app import request_context, request_session, runtime
from registry.catalog.api_schemas import (
    ChangeSchema,
    FieldSchema,
    ItemInSchema,
    ItemListArgs,
    ItemSchema,
    ReasonSchema,
    WriteResultSchema,
)
from registry.catalog.disclosure import shown_field_values
from registry.catalog.models import CatalogItem, ChangeState, ItemStatus
from registry.catalog.operations import (
    ItemResult,
    create_item,
    entry_values,
    fields_values_of,
    get_item,
    retire_item,
    update_item,
)
from registry.catalog.queries import ItemFilters, find_office_items
from registry.catalog.schema import ITEM_ELEMENTS
from registry.core.context import Context
from registry.core.errors import NotFound
from registry.orgs.models import Organisation

blp = Blueprint("items_api", __name__, url_prefix="/api/v1/items", description="目录条目（信息资源）及其信息项、历史与差异")

_ERRORS = {401: "未登录或令牌无效", 403: "无权操作", 404: "条目不存在或无权查看", 409: "状态不允许", 412: "版本已变（ETag 不符）",
           422: "取值不符合规则", 428: "缺少 If-Match"}


def _document_errors(*codes: int):
    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema, description=_ERRORS[code])(view)
        return view
    return decorate


# -- who is asking ----------------------------------------------------------------

def reader_context() -> tuple[Context, bool]:
    """The caller's context and whether they are anonymous (who then read like the public)."""
    if current_user.is_authenticated:
        return request_context(), False
    return runtime().context(request_session()), True


def writer_context() -> Context:
    if not current_user.is_authenticated:
        abort(401)
    return request_context()


def visible_item(ctx: Context, code: str, public: bool, for_update: bool = False) -> CatalogItem:
    """The item if the caller may read it; otherwise 404, whether it exists or not."""
    try:
        item = get_item(ctx, code, for_update=for_update)
    except NotFound:
        abort(404, message=f"没有代码为“{code}”的目录条目")
    if not item_scope(ctx.session, ctx.actor, public=public).sees(item.status.value, item.provider_id):
        abort(404, message=f"没有代码为“{code}”的目录条目")
    return item


# -- shaping --------------------------------------------------------------------------

def _org(org: Organisation | None) -> dict[str, str] | None:
    return {"code": org.code, "name": org.name} if org is not None else None


def item_body(item: CatalogItem, *, public: bool, fields: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An item as the API shows it; ``public`` leaves out sensitive and secret fields (``fields``: already read)."""
    values = entry_values(item, fields)
    body = {spec.key: values.get(spec.key) for spec in ITEM_ELEMENTS if spec.kind != "org"}
    body.update(
        code=item.code, provider=_org(item.provider), provider_unit=_org(item.provider_unit),
        status=item.status.value, status_label=item.status.label, version=item.version,
        created_at=item.created_at, updated_at=item.updated_at, published_at=item.published_at,
        fields=shown_field_values(values["fields"], public),
        links=item_links(item.code),
    )
    return body


_LINKS = {"self": "items_api.Item", "fields": "items_api.item_fields", "history": "items_api.item_history",
          "review": "review_api.item_review"}
_CODE_MARK = "MULU-CODE-MARK"


def item_links(code: str) -> dict[str, str]:
    """The item's API links, as ``url_for`` builds them: from one ``url_for`` per link and request, with the
    code quoted by the route's own converter (a page of 50 items called ``url_for`` 200 times)."""
    built = g.get("item_link_templates")
    if built is None:
        built = g.item_link_templates = ({name: url_for(endpoint, code=_CODE_MARK) for name, endpoint in _LINKS.items()},
                                         PathConverter(current_app.url_map))
    templates, converter = built
    quoted = converter.to_url(code)
    return {name: template.replace(_CODE_MARK, quoted) for name, template in templates.items()}


def item_etag(item: CatalogItem) -> str:
    pending = max((c.id for c in item.changes if c.state is ChangeState.PENDING), default=None) \
        if item.status is ItemStatus.CHANGE_PENDING else None
    return etag_of(item.code, item.version, pending)


def _with_etag(item: CatalogItem) -> None:
    g.response_headers = {"ETag": item_etag(item)}


@blp.after_request
def _send_headers(response):
    response.headers.update(g.pop("response_headers", {}))
    return response


def _written(ctx: Context, result: ItemResult) -> dict[str, Any]:
    ctx.session.commit()
    _with_etag(result.item)
    return {"item": item_body(result.item, public=False), "diff": result.diff, "pending": result.pending,
            "change_id": result.change.id if result.change is not None else None}


# -- endpoints ------------------------------------------------------------------------

@blp.route("")
class Items(MethodView):
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.arguments(ItemListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(ItemSchema))
    def get(self, page: int, per_page: int, status: str, share_type: str, class_code: str, provider: str, q: str, sort: str):
        """条目列表：可见范围内的条目（匿名为已发布条目），可筛选、排序、分页。"""
        ctx, public = reader_context()
        provider_id = None
        if provider:
            provider_id = ctx.session.scalar(Organisation.__table__.select().with_only_columns(Organisation.id)
                                             .where(Organisation.code == provider.strip().upper())) or -1
        filters = ItemFilters(status=status, share_type=share_type, class_code=class_code, provider_id=provider_id,
                              text=q.strip(), reach="visible")
        found = find_office_items(ctx.session, item_scope(ctx.session, ctx.actor, public=public), filters,
                                  page=page, per_page=per_page, sort=sort, clamp=False)
        fields = fields_values_of(ctx.session, [i.id for i in found.items])
        return page_body([item_body(i, public=public, fields=fields[i.id]) for i in found.items], found.total, page, per_page)

    @blp.arguments(ItemInSchema)
    @blp.response(201, WriteResultSchema, headers={"Location": {"description": "新条目的地址", "schema": {"type": "string"}}})
    @_document_errors(401, 403, 422)
    def post(self, data: dict[str, Any]):
        """新建条目（草稿）：校验与导入、表单相同；资源代码自动生成。"""
        ctx = writer_context()
        reason = data.pop("reason", None)
        result = create_item(ctx, data, reason)
        body = _written(ctx, result)
        g.response_headers["Location"] = url_for("items_api.Item", code=result.item.code, _external=True)
        return body


@blp.route("/<path:code>")
class Item(MethodView):
    @blp.response(200, ItemSchema)
    @_document_errors(404)
    def get(self, code: str):
        """一个条目及其全部信息项；ETag 为其版本。"""
        ctx, public = reader_context()
        item = visible_item(ctx, code, public)
        _with_etag(item)
        return item_body(item, public=public)

    @blp.arguments(ItemInSchema)
    @blp.response(200, WriteResultSchema)
    @_document_errors(401, 403, 404, 409, 412, 422, 428)
    def put(self, data: dict[str, Any], code: str):
        """整体替换条目（未给出的元素清空，信息项替换为所给列表）；须带 If-Match。已发布条目形成待审变更。重复提交相同内容不产生变化。"""
        return _update(code, {**{spec.key: None for spec in ITEM_ELEMENTS if spec.key != "code"}, "fields": [], **data})

    @blp.arguments(ItemInSchema)
    @blp.response(200, WriteResultSchema)
    @_document_errors(401, 403, 404, 409, 412, 422, 428)
    def patch(self, data: dict[str, Any], code: str):
        """修改给出的元素（给出 fields 时替换整个信息项列表）；须带 If-Match。"""
        return _update(code, data)


def _update(code: str, data: dict[str, Any]) -> dict[str, Any]:
    ctx = writer_context()
    item = visible_item(ctx, code, public=False, for_update=True)
    check_if_match(item_etag(item))
    data.pop("code", None)
    reason = data.pop("reason", None)
    return _written(ctx, update_item(ctx, item, data, reason=reason, expected_version=item.version))


@blp.route("/<path:code>/fields")
@blp.response(200, FieldSchema(many=True))
@_document_errors(404)
def item_fields(code: str):
    """条目的信息项。"""
    ctx, public = reader_context()
    return shown_field_values(entry_values(visible_item(ctx, code, public))["fields"], public)


@blp.route("/<path:code>/history")
@blp.response(200, ChangeSchema(many=True))
@_document_errors(404)
def item_history(code: str):
    """条目的变更历史，每次变更带字段级差异。"""
    ctx, public = reader_context()
    item = visible_item(ctx, code, public)
    if public:
        abort(404, message="变更历史仅对登录用户开放")
    # A change not (yet) in force is unpublished work: only those who see the provider's drafts read it.
    insider = item_scope(ctx.session, ctx.actor).sees_unpublished_of(item.provider_id)
    return [{"id": c.id, "kind": c.kind.value, "state": c.state.value, "base_version": c.base_version, "diff": c.diff,
             "reason": c.reason, "requires_authority": c.requires_authority,
             "actor": c.actor.username if c.actor else None, "created_at": c.created_at, "decided_at": c.decided_at,
             "decision_reason": c.decision_reason} for c in item.changes if insider or c.state is ChangeState.APPLIED]


@blp.route("/<path:code>/retire", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, WriteResultSchema)
@_document_errors(401, 403, 404, 409, 412, 422, 428)
def retire(data: dict[str, Any], code: str):
    """注销条目：草稿立即注销；已发布条目形成待审注销。须带 If-Match。"""
    ctx = writer_context()
    item = visible_item(ctx, code, public=False, for_update=True)
    check_if_match(item_etag(item))
    return _written(ctx, retire_item(ctx, item, data["reason"]))
