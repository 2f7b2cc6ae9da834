"""``/api/v1/imports``: upload a catalog workbook, dry run first, then commit; and the record of past imports.

The same operations as the back office's 目录导入 screen and ``mulu catalog
import``: :func:`plan_import` checks the whole file without writing, and
:func:`commit_import` writes all entries or none (or, with ``partial``, the
valid ones). The answer mirrors ``mulu catalog import --json``.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint, abort
from flask_smorest.fields import Upload
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict, FileStorage

from importers.sources import ImportFileError
from registry.accounts.models import Role
from registry.accounts.permissions import item_scope
from registry.api.errors import ErrorSchema, error_response
from registry.api.fields import Timestamp
from registry.api.paging import PageArgs, page_body, page_of
from registry.catalog.api import writer_context
from registry.core.context import Context
from registry.core.errors import FieldError, PermissionDenied, ValidationError
from registry.imports.models import ImportBatch
from registry.imports.operations import (
    ImportPlan,
    commit_import,
    list_imports,
    plan_import,
)
from registry.imports.views import ALLOWED_SUFFIXES, IMPORT_ROLES
from registry.orgs.models import Organisation

MODES = ("dry-run", "commit", "partial")


class _MultipartParser(FlaskParser):
    """Reads a multipart body's form fields and files together: flask-smorest documents one body per operation."""


_parser = _MultipartParser()


@_parser.location_loader("multipart")
def _load_multipart(request, schema):
    return MultiDictProxy(CombinedMultiDict([request.files, request.form]), schema)


blp = Blueprint("imports_api", __name__, url_prefix="/api/v1/imports",
                description="目录导入：上传工作簿（.xlsx/.xls/.csv），先试导入（dry run）再正式导入；导入记录")
blp.ARGUMENTS_PARSER = _parser
blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


# -- schemas ------------------------------------------------------------------------

class ImportUploadSchema(ma.Schema):
    file = Upload(required=True, metadata={"description": "目录工作簿：.xlsx、.xls 或 .csv（UTF-8 或 GB18030）"})
    mode = ma.fields.String(load_default="dry-run", validate=ma.validate.OneOf(MODES), metadata={
        "description": "dry-run（默认）只检查不写入；commit 全部正确才写入，有任一问题则不写入任何条目（422）；"
                       "partial 跳过有问题的条目，写入其余正确的条目"})
    org = ma.fields.String(load_default=None, metadata={
        "description": "仅数据主管部门管理员：导入到此机构（机构代码）；文件中未填提供方时使用"})
    create_orgs = ma.fields.Boolean(load_default=False, metadata={
        "description": "仅数据主管部门管理员：自动登记文件中未登记的提供方（须有有效的机构代码）"})


class ProblemSchema(ma.Schema):
    sheet = ma.fields.String(metadata={"description": "工作表名"})
    row = ma.fields.Integer(allow_none=True, metadata={"description": "行号（与 Excel 中所见相同）"})
    column = ma.fields.String(allow_none=True, metadata={"description": "列字母，如 B"})
    value = ma.fields.Raw(allow_none=True, metadata={"description": "单元格中的值"})
    message = ma.fields.String()


class ImportResultSchema(ma.Schema):
    created = ma.fields.Integer(metadata={"description": "新建条目数（试导入为将要新建的数）"})
    updated = ma.fields.Integer(metadata={"description": "更新条目数（已发布条目转为待审变更）"})
    unchanged = ma.fields.Integer()
    rejected = ma.fields.Integer(metadata={"description": "有问题的条目数"})
    fields = ma.fields.Integer(metadata={"description": "信息项数"})
    errors = ma.fields.List(ma.fields.Nested(ProblemSchema), metadata={"description": "逐行的问题"})
    notes = ma.fields.List(ma.fields.String(), metadata={"description": "提示，如模板版本过旧"})
    filename = ma.fields.String()
    sha256 = ma.fields.String()
    layout = ma.fields.String(metadata={"description": "识别出的版式"})
    mode = ma.fields.String()
    dry_run = ma.fields.Boolean()
    written = ma.fields.Boolean(metadata={"description": "是否写入了条目"})
    batch = ma.fields.Integer(allow_none=True, metadata={"description": "导入记录编号（试导入为空）"})
    links = ma.fields.Dict(allow_none=True, metadata={"description": "{batch: 导入记录地址}"})


class BatchSchema(ma.Schema):
    id = ma.fields.Integer()
    created_at = Timestamp()
    actor = ma.fields.String(metadata={"description": "操作人登录名"})
    organisation = ma.fields.Dict(allow_none=True, metadata={"description": "限定的机构 {code, name}"})
    filename = ma.fields.String()
    sha256 = ma.fields.String()
    layout = ma.fields.String()
    outcome = ma.fields.String(metadata={"description": "committed 已导入 / partial 部分导入 / rejected 未导入"})
    outcome_label = ma.fields.String()
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    rejected = ma.fields.Integer()
    fields = ma.fields.Integer()
    links = ma.fields.Dict(metadata={"description": "{self}"})


class BatchDetailSchema(BatchSchema):
    errors = ma.fields.List(ma.fields.Nested(ProblemSchema), metadata={"description": "问题清单（前 1000 条）"})


# -- who may import -----------------------------------------------------------------

def importer_context() -> Context:
    """The caller's context if their role may import (编目员、数据主管部门管理员), else 401/403."""
    ctx = writer_context()
    if ctx.actor.role not in IMPORT_ROLES:
        abort(403, message="只有编目员和数据主管部门管理员可以导入目录")
    return ctx


def _options(args: dict[str, Any]) -> dict[str, Any]:
    if current_user.role is not Role.AUTHORITY_ADMIN and (args["org"] or args["create_orgs"]):
        raise PermissionDenied("只有数据主管部门管理员可以指定机构或登记新机构；编目员的导入限于本单位")
    return {"org_code": (args["org"] or "").strip() or None, "create_orgs": args["create_orgs"]}


# -- shaping -------------------------------------------------------------------------

def _result(plan: ImportPlan, mode: str, batch: ImportBatch | None) -> dict[str, Any]:
    """``mulu catalog import --json``'s answer, plus the batch the import recorded."""
    written = mode != "dry-run" and (plan.clean or mode == "partial")
    body = {**plan.summary(), "notes": plan.notes, "filename": plan.filename, "sha256": plan.file_hash,
            "layout": plan.layout, "mode": mode, "dry_run": mode == "dry-run", "written": written,
            "batch": batch.id if batch is not None else None,
            "links": {"batch": url_for("imports_api.Batch", batch_id=batch.id)} if batch is not None else None}
    if mode != "dry-run" and not written:
        body.update(created=0, updated=0)
    return body


def problem_error(problem: dict[str, Any]) -> dict[str, Any]:
    """A row problem as a field error: ``field`` is ``Sheet!B7`` (sheet, column letter, row), or as much of it as is known."""
    sheet, row, column = problem.get("sheet") or "", problem.get("row"), problem.get("column")
    place = f"{column or ''}{row or ''}"
    label = " ".join(x for x in (sheet, f"第{row}行" if row else "", f"{column}列" if column else "") if x)
    return {"field": f"{sheet}!{place}" if place else sheet, "label": label or "文件", "message": problem["message"],
            **problem}


def batch_body(ctx: Context, batch: ImportBatch, with_errors: bool = False) -> dict[str, Any]:
    org = ctx.session.get(Organisation, batch.organisation_id) if batch.organisation_id else None
    body = {
        "id": batch.id, "created_at": batch.created_at, "actor": batch.actor_name, "filename": batch.filename,
        "organisation": {"code": org.code, "name": org.name} if org else None,
        "sha256": batch.file_hash, "layout": batch.layout, "outcome": batch.outcome.value,
        "outcome_label": batch.outcome.label, "created": batch.created, "updated": batch.updated,
        "unchanged": batch.unchanged, "rejected": batch.rejected, "fields": batch.fields,
        "links": {"self": url_for("imports_api.Batch", batch_id=batch.id)},
    }
    if with_errors:
        body["errors"] = batch.errors or []
    return body


# -- endpoints -------------------------------------------------------------------------

@blp.route("")
class Imports(MethodView):
    @blp.arguments(PageArgs, location="query", as_kwargs=True)
    @blp.response(200, page_of(BatchSchema))
    @blp.alt_response(401, schema=ErrorSchema, description="未登录或令牌无效")
    @blp.alt_response(403, schema=ErrorSchema, description="角色不能导入")
    def get(self, page: int, per_page: int):
        """导入记录：数据主管部门看到全部，编目员看到本单位的；新的在前。"""
        ctx = importer_context()
        batches = list_imports(ctx, limit=None)
        shown = batches[(page - 1) * per_page: page * per_page]
        return page_body([batch_body(ctx, b) for b in shown], len(batches), page, per_page)

    @blp.arguments(ImportUploadSchema, location="multipart", description="multipart/form-data：file 为工作簿，其余为选项")
    @blp.response(200, ImportResultSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="未登录或令牌无效")
    @blp.alt_response(403, schema=ErrorSchema, description="角色不能导入，或编目员指定了机构")
    @blp.alt_response(413, schema=ErrorSchema, description="文件过大")
    @blp.alt_response(422, schema=ErrorSchema, description=(
        "文件无法读取或类型不对；或 mode=commit 时文件中有问题：未写入任何条目，errors 逐条列出问题，"
        "field 形如“目录!B7”（工作表!列行）"))
    def post(self, args: dict[str, Any]):
        """上传工作簿：dry-run 返回检查结果（不写入）；commit / partial 写入并返回导入记录编号。"""
        ctx = importer_context()
        options = _options(args)
        upload: FileStorage = args["file"]
        suffix = Path(upload.filename or "").suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise ValidationError(FieldError("file", "只能上传 Excel（.xlsx、.xls）或 CSV 文件", "文件"))
        name = Path(upload.filename).name
        with tempfile.TemporaryDirectory(prefix="mulu-import-") as folder:
            path = Path(folder) / f"upload{suffix}"
            upload.save(path)
            try:
                plan = plan_import(ctx, path, name, **options)
            except ImportFileError as exc:
                ctx.session.rollback()
                raise ValidationError(FieldError("file", str(exc), "文件")) from None
        mode = args["mode"]
        if mode == "dry-run":
            ctx.session.rollback()  # a dry run never writes
            return _result(plan, mode, None)
        batch = commit_import(ctx, plan, partial=mode == "partial")
        ctx.session.commit()  # a rejection is recorded too, as in the back office and the CLI
        if batch.outcome.value == "rejected":
            return error_response(
                422, f"文件中有 {len(plan.problems)} 个问题，未导入任何条目（导入记录 #{batch.id}）；"
                     "请修改后重新上传，或以 mode=partial 只导入正确的条目",
                [problem_error(p.as_dict()) for p in plan.problems[:1000]])
        return _result(plan, mode, batch)


@blp.route("/<int:batch_id>")
class Batch(MethodView):
    @blp.response(200, BatchDetailSchema)
    @blp.alt_response(401, schema=ErrorSchema, description="未登录或令牌无效")
    @blp.alt_response(403, schema=ErrorSchema, description="角色不能导入")
    @blp.alt_response(404, schema=ErrorSchema, description="没有这条导入记录，或无权查看")
    def get(self, batch_id: int):
        """一条导入记录及其问题清单。"""
        ctx = importer_context()
        batch = ctx.session.get(ImportBatch, batch_id)
        scope = item_scope(ctx.session, ctx.actor)
        if batch is None or not (scope.all_items or batch.organisation_id in scope.own_provider_ids):
            abort(404, message=f"没有编号为 {batch_id} 的导入记录")
        return batch_body(ctx, batch, with_errors=True)

