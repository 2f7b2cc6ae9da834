"""``/api/v1/exports``: the export formats, and a download of any of them with the same filters as the CLI."""
from __future__ import annotations

import tempfile
from typing import Any

import marshmallow as ma
from flask import send_file
from flask_smorest import Blueprint, abort

from exports.base import PUBLISHED, Selection
from exports.service import audit_export, load_formats, run_export
from registry.api.errors import ErrorSchema
from registry.app import runtime
from registry.catalog.api import reader_context
from registry.catalog.models import ItemStatus
from registry.core.db import unit_of_work

blp = Blueprint("exports_api", __name__, url_prefix="/api/v1/exports", description="导出：国家与省级格式、开放目录、DCAT、CSV/JSON")

#: Exports larger than this are spooled to a temporary file rather than held in memory.
SPOOL_BYTES = 16 * 1024 * 1024


class FormatSchema(ma.Schema):
    name = ma.fields.String()
    label = ma.fields.String()
    suffix = ma.fields.String()
    media_type = ma.fields.String()
    description = ma.fields.String()
    public = ma.fields.Boolean(metadata={"description": "匿名可下载（只含公开条目）"})


class ExportArgs(ma.Schema):
    org = ma.fields.String(load_default=None, validate=ma.validate.Length(max=32), metadata={"description": "机构代码"})
    status = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf([s.value for s in ItemStatus])),
                            load_default=list(PUBLISHED), metadata={"description": "条目状态，可重复；默认已发布"})
    class_code = ma.fields.String(load_default=None, validate=ma.validate.OneOf(["1", "2", "3"]))


@blp.route("")
@blp.response(200, FormatSchema(many=True))
def list_formats():
    """可用的导出格式。"""
    return [{"name": f.name, "label": f.label, "suffix": f.suffix, "media_type": f.media_type,
             "description": f.description, "public": f.public} for f in sorted(load_formats().values(), key=lambda f: f.name)]


@blp.route("/<name>")
@blp.arguments(ExportArgs, location="query")
@blp.response(200, description="导出的文件", content_type="application/octet-stream")
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(404, schema=ErrorSchema)
def download(args: dict[str, Any], name: str):
    """下载一种格式的导出文件：调用者可见范围内、符合筛选条件的条目。"""
    ctx, public = reader_context()
    formats = load_formats()
    if name not in formats:
        abort(404, message=f"没有名为“{name}”的导出格式")
    fmt = formats[name]
    if public and not fmt.public:
        abort(401)
    selection = Selection(org_code=args["org"], statuses=tuple(args["status"]), class_code=args["class_code"])
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    result = run_export(ctx, name, selection, spool, public=public)
    if not public:
        with unit_of_work(runtime().sessions) as session:
            audit_export(runtime().context(session, actor=ctx.actor), name, selection, result)
    spool.seek(0)
    return send_file(spool, mimetype=fmt.media_type, as_attachment=True, download_name=f"mulu-{name}{fmt.suffix}")
