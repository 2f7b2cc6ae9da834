"""Uploading a catalog in the browser: template, upload, preview (the dry run), confirm.

The uploaded file is kept under the instance folder by its SHA-256, so the
preview, the annotated report and the confirmed import all read the very
same bytes; each step re-plans from it, so nothing rides in the session.
"""
from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from importers.sources import ImportFileError
from registry.accounts.models import Role
from registry.app import request_context, runtime
from registry.core.errors import MuluError
from registry.imports.operations import commit_import, list_imports, plan_import
from registry.orgs.models import OrgLevel
from registry.orgs.operations import list_orgs

bp = Blueprint("imports", __name__, url_prefix="/imports", template_folder="templates")

ALLOWED_SUFFIXES = {".xlsx", ".xls", ".csv"}
_SHA = re.compile(r"^[0-9a-f]{64}$")
IMPORT_ROLES = (Role.COMPILER, Role.AUTHORITY_ADMIN)


def _upload_dir() -> Path:
    """The signed-in user's own upload folder: knowing a file's hash never opens someone else's upload."""
    folder = runtime().settings.instance_path / "uploads" / "imports" / str(current_user.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _require_importer() -> None:
    if current_user.role not in IMPORT_ROLES:
        abort(403)


def _stored(sha: str, suffix: str) -> Path:
    if not _SHA.match(sha) or suffix not in ALLOWED_SUFFIXES:
        abort(404)
    path = _upload_dir() / f"{sha}{suffix}"
    if not path.is_file():
        abort(404)
    return path


def _options() -> dict:
    """The upload's choices: authority administrators pick an organisation and may register new ones."""
    form = request.form if request.method == "POST" else request.args
    admin = current_user.role is Role.AUTHORITY_ADMIN
    return {
        "org_code": (form.get("org") or None) if admin else None,
        "create_orgs": admin and form.get("create_orgs") == "1",
    }


@bp.get("/")
@login_required
def index():
    _require_importer()
    ctx = request_context()
    orgs = [o for o in list_orgs(ctx) if o.level is OrgLevel.DEPARTMENT] if current_user.role is Role.AUTHORITY_ADMIN else []
    return render_template("imports/index.html", imports=list_imports(ctx, limit=20), orgs=orgs, profile=ctx.profile)


@bp.get("/template.xlsx")
@login_required
def template():
    from importers.template import build_template

    buffer = io.BytesIO()
    build_template(runtime().profile).save(buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=f"目录填报模板-{runtime().profile.label}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.post("/")
@login_required
def upload():
    _require_importer()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("请选择要上传的文件", "error")
        return redirect(url_for(".index"))
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        flash("只能上传 Excel（.xlsx、.xls）或 CSV 文件", "error")
        return redirect(url_for(".index"))
    data = upload.read()
    sha = hashlib.sha256(data).hexdigest()
    (_upload_dir() / f"{sha}{suffix}").write_bytes(data)
    return redirect(url_for(".preview", sha=sha, suffix=suffix, name=upload.filename, **_query_options()))


def _query_options() -> dict:
    options = _options()
    return {k: v for k, v in (("org", options["org_code"]), ("create_orgs", "1" if options["create_orgs"] else None)) if v}


def _upload(sha: str) -> tuple[Path, str]:
    """The stored upload a request names, and the file name the user gave it."""
    form = request.form if request.method == "POST" else request.args
    path = _stored(sha, form.get("suffix", ""))
    return path, form.get("name") or path.name


def _dry_run(ctx, path: Path, name: str):
    """Plan the upload without writing; file and scope problems come back as a flash and ``None``."""
    try:
        return plan_import(ctx, path, name, **_options())
    except ImportFileError as exc:
        flash(f"{name}：{exc}", "error")
    except MuluError as exc:
        flash(str(exc), "error")
    finally:
        ctx.session.rollback()  # a preview never writes
    return None


@bp.get("/preview/<sha>")
@login_required
def preview(sha: str):
    _require_importer()
    path, name = _upload(sha)
    plan = _dry_run(request_context(), path, name)
    if plan is None:
        return redirect(url_for(".index"))
    return render_template("imports/preview.html", plan=plan, sha=sha, suffix=path.suffix, name=name, options=_query_options())


@bp.post("/commit/<sha>")
@login_required
def commit(sha: str):
    _require_importer()
    path, name = _upload(sha)
    partial = request.form.get("partial") == "1"
    ctx = request_context()
    try:
        plan = plan_import(ctx, path, name, **_options())
        batch = commit_import(ctx, plan, partial=partial)
        ctx.session.commit()
    except (ImportFileError, MuluError) as exc:
        ctx.session.rollback()
        flash(f"导入失败，未写入任何条目：{exc}", "error")
        return redirect(url_for(".index"))
    if batch.outcome.value == "rejected":
        flash("文件中有问题，未导入任何条目。请按提示修改后重新上传。", "error")
    else:
        flash(f"已导入 {name}：新建 {batch.created}，更新 {batch.updated}（已发布条目转为变更待审），未变 {batch.unchanged}"
              + (f"，跳过有问题的条目 {batch.rejected}" if batch.rejected else ""), "info")
    return redirect(url_for(".index"))


@bp.get("/report/<sha>")
@login_required
def report(sha: str):
    _require_importer()
    from importers.report import write_report

    path, name = _upload(sha)
    plan = _dry_run(request_context(), path, name)
    if plan is None:
        return redirect(url_for(".index"))
    buffer = io.BytesIO()
    write_report(plan, path, buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=f"{Path(name).stem}-检查结果.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
