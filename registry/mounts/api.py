"""``/api/v1/items/<code>/mounts``, ``/api/v1/mounts/…``: resource mounts, checks, the drift report and 反编目.

The same operations as the back office and ``mulu mounts``. A table mount
shows its connection's name, never its URL; the connections list shows names
and labels only.
"""
from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from flask_smorest.fields import Upload
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from registry.accounts.models import Role
from registry.accounts.permissions import can, subtree_ids
from registry.api.errors import error_responses
from registry.api.fields import Timestamp
from registry.app import runtime
from registry.catalog.api import visible_item, writer_context
from registry.core.context import Context
from registry.core.errors import FieldError, NotFound, PermissionDenied, ValidationError
from registry.mounts import checks
from registry.mounts import operations as mounts
from registry.mounts.connections import SourceError
from registry.mounts.drift import DIFFERENCE_KINDS
from registry.mounts.models import API_METHODS, MountKind, ResourceMount
from registry.mounts.queries import (
    insider_org_ids,
    mount_report,
    problem_mounts,
    sees_mounts,
)
from registry.mounts.reflection import propose_from_table
from registry.mounts.sources import Sources, sources_for
from registry.mounts.transactions import releasing
from registry.orgs.operations import get_org


class _MultipartParser(FlaskParser):
    """Reads a multipart body's form fields and files together (as the imports API does)."""


_parser = _MultipartParser()


@_parser.location_loader("multipart")
def _load_multipart(request, schema):
    return MultiDictProxy(CombinedMultiDict([request.files, request.form]), schema)


# Named apart from the back office's "mounts" screen: Flask knows each blueprint by one name.
blp = Blueprint("mounts_api", __name__, url_prefix="/api/v1",
                description="资源挂接：条目挂接的库表、接口、文件，结构漂移检查，按单位的挂接报告，反编目")
blp.ARGUMENTS_PARSER = _parser
blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "multipart": "multipart/form-data"}


# -- schemas ------------------------------------------------------------------------------

class DifferenceSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "missing 缺少列、extra 多出列、type 类型变化、length 长度变化、format 格式不符、expired 接口过期、freshness 更新时间未登记"})
    kind_label = ma.fields.String()
    field = ma.fields.String(allow_none=True, metadata={"description": "所涉信息项名称"})
    column = ma.fields.String(allow_none=True, metadata={"description": "所涉列名"})
    declared = ma.fields.Raw(allow_none=True, metadata={"description": "目录声明的数据类型或长度"})
    live = ma.fields.Raw(allow_none=True, metadata={"description": "库表中的数据类型或长度"})
    message = ma.fields.String()


class MountSchema(ma.Schema):
    id = ma.fields.Integer()
    item_code = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "table 库表、api 接口、file 文件"})
    kind_label = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    connection = ma.fields.String(allow_none=True, metadata={"description": "库表：连接名（地址与口令不在目录中）"})
    schema = ma.fields.String(allow_none=True)
    table = ma.fields.String(allow_none=True)
    timestamp_column = ma.fields.String(allow_none=True)
    url = ma.fields.String(allow_none=True)
    method = ma.fields.String(allow_none=True)
    doc_url = ma.fields.String(allow_none=True)
    valid_from = ma.fields.Date(allow_none=True)
    valid_to = ma.fields.Date(allow_none=True)
    file_name = ma.fields.String(allow_none=True)
    file_size = ma.fields.Integer(allow_none=True)
    sha256 = ma.fields.String(allow_none=True)
    uploaded = ma.fields.Boolean()
    created_at = Timestamp()
    checked_at = Timestamp(allow_none=True)
    status = ma.fields.String(allow_none=True, metadata={"description": "ok 一致、drift 不一致、error 检查失败；未检查为空"})
    status_label = ma.fields.String(allow_none=True)
    differences = ma.fields.List(ma.fields.Nested(DifferenceSchema))
    error = ma.fields.String(allow_none=True, metadata={"description": "检查失败的原因（连接地址已隐去口令）"})
    source_updated_at = Timestamp(allow_none=True, metadata={"description": "源数据最近更新时间"})


class MountInSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf([k.value for k in MountKind]),
                            metadata={"description": "table、api，或 file（此处只接受下载地址 url；上传文件用 …/mounts/files）"})
    connection = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=64),
                                  metadata={"description": "库表：连接名（见 /mounts/connections）"})
    schema = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=128))
    table = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=128))
    timestamp_column = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=128),
                                        metadata={"description": "库表：标示数据更新时间的列，用于登记数据更新时间"})
    url = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=2000))
    method = ma.fields.String(load_default="GET", validate=ma.validate.OneOf(API_METHODS))
    doc_url = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=2000))
    valid_from = ma.fields.Date(load_default=None, allow_none=True)
    valid_to = ma.fields.Date(load_default=None, allow_none=True)
    note = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=500))


class UploadSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "要挂接的文件"})
    note = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=500))


class ReportArgs(ma.Schema):
    org = ma.fields.String(load_default=None, validate=ma.validate.Length(max=64),
                           metadata={"description": "机构代码：只看此机构及其下属机构"})


class OrgLineSchema(ma.Schema):
    org_code = ma.fields.String()
    org_name = ma.fields.String()
    published = ma.fields.Integer(metadata={"description": "已发布条目数"})
    mounted = ma.fields.Integer(metadata={"description": "其中已挂接资源的条目数"})
    rate = ma.fields.Float(allow_none=True, metadata={"description": "挂接率"})
    ok = ma.fields.Integer()
    drift = ma.fields.Integer()
    error = ma.fields.Integer()
    unchecked = ma.fields.Integer()


class ReportSchema(ma.Schema):
    organisations = ma.fields.List(ma.fields.Nested(OrgLineSchema))
    problems = ma.fields.List(ma.fields.Nested(MountSchema), metadata={"description": "最近一次检查不一致或失败的挂接"})


class ConnectionSchema(ma.Schema):
    name = ma.fields.String()
    label = ma.fields.String()
    dialect = ma.fields.String(metadata={"description": "数据库类型，如 postgresql"})


class ProposalInSchema(ma.Schema):
    connection = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    table = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=128))
    schema = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=128))
    org = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=64),
                           metadata={"description": "提供方机构代码；编目员默认为本单位"})
    values = ma.fields.Dict(keys=ma.fields.String(), load_default=dict,
                            metadata={"description": "替换推荐值的元素，如 {\"update_cycle\": \"monthly\"}"})
    save = ma.fields.Boolean(load_default=False, metadata={"description": "true：经正常校验保存为草稿"})


class ProposalSchema(ma.Schema):
    source = ma.fields.String(metadata={"description": "连接地址（口令已隐去）"})
    connection = ma.fields.String(allow_none=True)
    schema = ma.fields.String(allow_none=True)
    table = ma.fields.String()
    entry = ma.fields.Dict(metadata={"description": "推荐的条目，与 POST /items 的请求体同形"})
    columns = ma.fields.List(ma.fields.Dict())
    notes = ma.fields.List(ma.fields.String())
    problems = ma.fields.List(ma.fields.Dict(), metadata={"description": "按当前内容保存时校验将指出的问题"})
    saved = ma.fields.String(allow_none=True, metadata={"description": "保存后的草稿条目代码"})


# -- helpers ----------------------------------------------------------------------------------

def mount_body(mount: ResourceMount) -> dict[str, Any]:
    return {
        "id": mount.id, "item_code": mount.item.code, "kind": mount.kind.value, "kind_label": mount.kind.label,
        "note": mount.note, "connection": mount.connection, "schema": mount.schema_name, "table": mount.table_name,
        "timestamp_column": mount.timestamp_column, "url": mount.url, "method": mount.method, "doc_url": mount.doc_url,
        "valid_from": mount.valid_from, "valid_to": mount.valid_to, "file_name": mount.file_name,
        "file_size": mount.file_size, "sha256": mount.sha256, "uploaded": mount.uploaded, "created_at": mount.created_at,
        "checked_at": mount.checked_at, "status": mount.status.value if mount.status else None,
        "status_label": mount.status.label if mount.status else None,
        "differences": [{**d, "kind_label": DIFFERENCE_KINDS.get(d.get("kind"), d.get("kind"))} for d in mount.differences or []],
        "error": mount.error, "source_updated_at": mount.source_updated_at,
    }


def _sources() -> Sources:
    return sources_for(runtime().settings)


def _insider_item(ctx: Context, code: str):
    """The item, if the caller may see it and its mounts (which name internal systems): else 404 or 403."""
    item = visible_item(ctx, code, public=False)
    if not sees_mounts(ctx, item):
        abort(403, message="您无权查看此条目挂接的资源")
    return item


def _mount(ctx: Context, item, mount_id: int) -> ResourceMount:
    """The item's mount; the same 404 whether it does not exist or the caller may not see the item's mounts."""
    missing = f"条目“{item.code}”没有编号为 {mount_id} 的挂接"
    if not sees_mounts(ctx, item):
        abort(404, message=missing)
    try:
        return mounts.get_mount(ctx, item, mount_id)
    except NotFound:
        abort(404, message=missing)


def _release(ctx: Context):
    """Sources are read with the request's transaction ended (see :mod:`registry.mounts.transactions`)."""
    return releasing(ctx.session)


def _checked(ctx: Context, mount: ResourceMount) -> ResourceMount:
    """Check the mount now (its source read with no transaction open) and return it as stored."""
    mount_id = mount.id
    try:
        checks.check_mount(ctx, mount, _sources(), release=_release(ctx))
    except NotFound as exc:  # removed while its source was read
        abort(404, message=str(exc))
    return ctx.session.get(ResourceMount, mount_id)


_errors = error_responses(blp)


# -- endpoints --------------------------------------------------------------------------------

@blp.route("/items/<path:code>/mounts")
class ItemMounts(MethodView):
    @blp.response(200, MountSchema(many=True))
    @_errors(401, 403, 404)
    def get(self, code: str):
        """条目挂接的资源及其最近一次检查结果。"""
        ctx = writer_context()
        return [mount_body(m) for m in mounts.mounts_of(ctx, _insider_item(ctx, code))]

    @blp.arguments(MountInSchema)
    @blp.response(201, MountSchema)
    @_errors(401, 403, 404, 409, 422)
    def post(self, data: dict[str, Any], code: str):
        """挂接库表（连接名、模式、表名、时间列，挂接时即核对并检查一次）、接口（地址、方法、文档、有效期）或文件（下载地址）。"""
        ctx = writer_context()
        item = visible_item(ctx, code, public=False)
        kind, note = data["kind"], data.get("note")
        if kind == "table":
            mount = mounts.add_table_mount(ctx, item, _sources(), connection=data.get("connection") or "", table=data.get("table") or "",
                                           schema=data.get("schema"), timestamp_column=data.get("timestamp_column"), note=note,
                                           release=_release(ctx))
        elif kind == "api":
            mount = mounts.add_api_mount(ctx, item, url=data.get("url") or "", method=data["method"], doc_url=data.get("doc_url"),
                                         valid_from=data.get("valid_from"), valid_to=data.get("valid_to"), note=note)
        else:
            mount = mounts.add_file_mount(ctx, item, _sources(), url=data.get("url") or "", note=note, release=_release(ctx))
        ctx.session.commit()
        return mount_body(mount)


@blp.route("/items/<path:code>/mounts/files", methods=["POST"])
@blp.arguments(UploadSchema, location="multipart", description="multipart/form-data：file 为文件，note 为说明")
@blp.response(201, MountSchema)
@_errors(401, 403, 404, 409, 413, 422)
def upload_file(data: dict[str, Any], code: str):
    """上传文件并挂接：按 SHA-256 保存在实例上传目录，大小有上限。"""
    ctx = writer_context()
    item = visible_item(ctx, code, public=False)
    upload = data["file"]
    mount = mounts.add_file_mount(ctx, item, _sources(), upload=upload.stream, filename=upload.filename, note=data.get("note"),
                                  release=_release(ctx))
    ctx.session.commit()
    return mount_body(mount)


@blp.route("/items/<path:code>/mounts/<int:mount_id>", methods=["DELETE"])
@blp.response(204)
@_errors(401, 403, 404)
def remove(code: str, mount_id: int):
    """移除一项挂接。"""
    ctx = writer_context()
    item = visible_item(ctx, code, public=False)
    mounts.remove_mount(ctx, _mount(ctx, item, mount_id))
    ctx.session.commit()


@blp.route("/items/<path:code>/mounts/<int:mount_id>/check", methods=["POST"])
@blp.response(200, MountSchema)
@_errors(401, 403, 404)
def check(code: str, mount_id: int):
    """立即检查一项挂接：表结构漂移、格式是否相符、源数据更新时间；连接失败记为检查失败，原因见 error。"""
    ctx = writer_context()
    item = visible_item(ctx, code, public=False)
    mount = _mount(ctx, item, mount_id)
    mount = _checked(ctx, mount)
    ctx.session.commit()
    return mount_body(mount)


@blp.route("/mounts/report")
@blp.arguments(ReportArgs, location="query", as_kwargs=True)
@blp.response(200, ReportSchema)
@_errors(401, 404)
def report(org: str | None):
    """按单位的挂接报告：已发布条目的挂接率，各挂接最近一次检查的结果，以及不一致或失败的挂接（不重新连接数据库）。"""
    ctx = writer_context()
    allowed = insider_org_ids(ctx)
    if org:
        try:
            wanted = subtree_ids(ctx.session, get_org(ctx, org).id)
        except NotFound as exc:
            abort(404, message=str(exc))
        allowed = wanted if allowed is None else allowed & wanted
    lines = mount_report(ctx, allowed)
    return {"organisations": [{**line.__dict__, "rate": line.rate} for line in lines],
            "problems": [mount_body(m) for m in problem_mounts(ctx, allowed)]}


@blp.route("/mounts/connections")
@blp.response(200, ConnectionSchema(many=True))
@_errors(401)
def connections():
    """调用者可用于挂接和反编目的连接：只有名称、说明和数据库类型，没有地址。"""
    ctx = writer_context()
    department = ctx.actor.organisation.department
    if not can(ctx.actor, "mount:reflect", department):
        return []
    everything = ctx.actor.role is Role.AUTHORITY_ADMIN
    return [{"name": c.name, "label": c.label, "dialect": c.dialect}
            for c in _sources().connections.usable_by(department.code, everything=everything)]


@blp.route("/mounts/proposals", methods=["POST"])
@blp.arguments(ProposalInSchema)
@blp.response(200, ProposalSchema)
@_errors(401, 403, 422)
def propose(data: dict[str, Any]):
    """反编目：读取连接中一张表的结构，推荐条目及信息项；save=true 时经正常校验保存为草稿（之后照常送审），并挂接该表。"""
    ctx = writer_context()
    org = data.get("org") or (ctx.actor.organisation.department.code if ctx.actor.role is Role.COMPILER else None)
    try:
        provider = get_org(ctx, org) if org else None
    except NotFound as exc:
        raise ValidationError(FieldError("org", str(exc), "提供方")) from None
    if not can(ctx.actor, "mount:reflect", provider):
        raise PermissionDenied("您只能为本单位从数据库反编目")
    sources = _sources()
    try:
        connection = mounts.usable_connection(ctx, sources, data["connection"], provider) if provider \
            else sources.connections.get(data["connection"])
        proposal = propose_from_table(ctx, connection, data["table"], data.get("schema"), org, data.get("values") or None,
                                      release=_release(ctx))
    except SourceError as exc:
        raise ValidationError(FieldError("table", str(exc), "表名")) from None
    saved = None
    if data["save"]:
        saved = mounts.save_and_mount(ctx, sources, proposal, release=_release(ctx)).item.code
        ctx.session.commit()
    return {**proposal.as_dict(), "saved": saved}
