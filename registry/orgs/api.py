"""``/api/v1/organisations``: the city's organisations (public), registered by the data authority."""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from registry.api.errors import ErrorSchema
from registry.api.paging import PageArgs, page_body, page_of
from registry.catalog.api import reader_context, writer_context
from registry.core.errors import NotFound
from registry.orgs.models import Organisation, OrgLevel
from registry.orgs.operations import create_org, get_org, list_orgs

blp = Blueprint("orgs_api", __name__, url_prefix="/api/v1/organisations", description="机构：市、县（区）、部门、内设机构")


class OrgSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "统一社会信用代码、组织机构代码或行政区划代码"})
    name = ma.fields.String()
    short_name = ma.fields.String(allow_none=True)
    level = ma.fields.String(metadata={"description": "city county department unit"})
    level_label = ma.fields.String()
    parent = ma.fields.String(allow_none=True, metadata={"description": "上级机构代码"})
    region_code = ma.fields.String(allow_none=True)
    catalog_code = ma.fields.String(allow_none=True)
    links = ma.fields.Dict()


class OrgInSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=32))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    level = ma.fields.String(required=True, validate=ma.validate.OneOf([lv.value for lv in OrgLevel]))
    parent = ma.fields.String(load_default=None, allow_none=True, metadata={"description": "上级机构代码"})
    short_name = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=60))
    catalog_code = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=12))
    contact_name = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=60))
    contact_phone = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=40))
    contact_email = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=120))


class OrgListArgs(ma.Schema):
    level = ma.fields.String(load_default=None, validate=ma.validate.OneOf([lv.value for lv in OrgLevel]))
    parent = ma.fields.String(load_default=None, metadata={"description": "只列此机构的直属下级"})


def org_body(org: Organisation) -> dict[str, Any]:
    return {"code": org.code, "name": org.name, "short_name": org.short_name, "level": org.level.value,
            "level_label": org.level.label, "parent": org.parent.code if org.parent else None,
            "region_code": org.region_code, "catalog_code": org.catalog_code,
            "links": {"self": url_for("orgs_api.get_organisation", code=org.code),
                      "items": url_for("items_api.Items", provider=org.code)}}


@blp.route("")
class Organisations(MethodView):
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.arguments(OrgListArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(OrgSchema))
    def get(self, page: int, per_page: int, level: str | None, parent: str | None):
        """机构列表（上级在前），可按层级或上级筛选。联系人信息不公开。"""
        ctx, _ = reader_context()
        orgs = [o for o in list_orgs(ctx) if (level is None or o.level.value == level)
                and (parent is None or (o.parent is not None and o.parent.code == parent.strip().upper()))]
        return page_body([org_body(o) for o in orgs[(page - 1) * per_page:page * per_page]], len(orgs), page, per_page)

    @blp.arguments(OrgInSchema)
    @blp.response(201, OrgSchema)
    @blp.alt_response(403, schema=ErrorSchema)
    @blp.alt_response(422, schema=ErrorSchema)
    def post(self, data: dict[str, Any]):
        """登记机构（数据主管部门）。"""
        ctx = writer_context()
        org = create_org(ctx, data)
        ctx.session.commit()
        return org_body(org)


@blp.route("/<code>")
@blp.response(200, OrgSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_organisation(code: str):
    """一个机构。"""
    ctx, _ = reader_context()
    try:
        return org_body(get_org(ctx, code))
    except NotFound as exc:
        abort(404, message=str(exc))
