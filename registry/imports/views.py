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

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from flask_login import current_user

from importers.sources import ImportFileError
from registry.accounts.models import Role
from registry.app import request_context, runtime
from registry.core.errors import MuluError
from registry.imports.operations import commit_import, list_imports, plan_import
from registry.office.admin import OfficeView
from registry.orgs.models import OrgLevel
from registry.orgs.operations import list_orgs

ALLOWED_SUFFIXES = {".xlsx", ".xls", ".csv"}
_SHA = re.compile(r"^[0-9a-f]{64}$")
IMPORT_ROLES = (Role.COMPILER, Role.AUTHORITY_ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_dir() -> Path:
    """The signed-in user's own upload folder: knowing a file's hash never opens someone else's upload."""
    folder = runtime().settings.instance_path / "uploads" / "imports" / str(current_user.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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


class ImportsView(OfficeView):
    """目录导入 at ``/imports/``: compilers and the authority upload spreadsheets; the template is for anyone signed in."""

    roles = IMPORT_ROLES
    templates_dir = str(Path(__file__).with_name("templates"))

    @expose("/", methods=("GET",))
    def index(self):
        self.require_role()
        ctx = request_context()
        orgs = [o for o in list_orgs(ctx) if o.level is OrgLevel.DEPARTMENT] if current_user.role is Role.AUTHORITY_ADMIN else []
        return self.render("imports/index.html", imports=list_imports(ctx, limit=20), orgs=orgs, profile=ctx.profile)

    @expose("/template.xlsx", methods=("GET",))
    def template(self):
        from importers.template import build_template

        buffer = io.BytesIO()
        build_template(runtime().profile).save(buffer)
        buffer.seek(0)
        return send_file(buffer, as_attachment=True, download_name=gettext("目录填报模板-%(profile)s.xlsx", profile=runtime().profile.label),
                         mimetype=XLSX)

    @expose("/", methods=("POST",))
    def upload(self):
        self.require_role()
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(gettext("请选择要上传的文件"), "error")
            return redirect(url_for(".index"))
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            flash(gettext("只能上传 Excel（.xlsx、.xls）或 CSV 文件"), "error")
            return redirect(url_for(".index"))
        data = upload.read()
        sha = hashlib.sha256(data).hexdigest()
        (_upload_dir() / f"{sha}{suffix}").write_bytes(data)
        return redirect(url_for(".preview", sha=sha, suffix=suffix, name=upload.filename, **_query_options()))

    @expose("/preview/<sha>", methods=("GET",))
    def preview(self, sha: str):
        self.require_role()
        path, name = _upload(sha)
        plan = _dry_run(request_context(), path, name)
        if plan is None:
            return redirect(url_for(".index"))
        return self.render("imports/preview.html", plan=plan, sha=sha, suffix=path.suffix, name=name, options=_query_options())

    @expose("/commit/<sha>", methods=("POST",))
    def commit(self, sha: str):
        self.require_role()
        path, name = _upload(sha)
        partial = request.form.get("partial") == "1"
        ctx = request_context()
        try:
            plan = plan_import(ctx, path, name, **_options())
            batch = commit_import(ctx, plan, partial=partial)
            ctx.session.commit()
        except (ImportFileError, MuluError) as exc:
            ctx.session.rollback()
            flash(gettext("导入失败，未写入任何条目：%(error)s", error=str(exc)), "error")
            return redirect(url_for(".index"))
        if batch.outcome.value == "rejected":
            flash(gettext("文件中有问题，未导入任何条目。请按提示修改后重新上传。"), "error")
        else:
            message = gettext("已导入 %(name)s：新建 %(created)s，更新 %(updated)s（已发布条目转为变更待审），未变 %(unchanged)s",
                              name=name, created=batch.created, updated=batch.updated, unchanged=batch.unchanged)
            if batch.rejected:
                message += gettext("，跳过有问题的条目 %(rejected)s", rejected=batch.rejected)
            flash(message, "info")
        return redirect(url_for(".index"))

    @expose("/report/<sha>", methods=("GET",))
    def report(self, sha: str):
        self.require_role()
        from importers.report import write_report

        path, name = _upload(sha)
        plan = _dry_run(request_context(), path, name)
        if plan is None:
            return redirect(url_for(".index"))
        buffer = io.BytesIO()
        write_report(plan, path, buffer)
        buffer.seek(0)
        return send_file(buffer, as_attachment=True, download_name=gettext("%(stem)s-检查结果.xlsx", stem=Path(name).stem), mimetype=XLSX)


def register(admin) -> None:
    admin.add_view(ImportsView(name=lazy_gettext("目录导入"), endpoint="imports", url="/imports"))
