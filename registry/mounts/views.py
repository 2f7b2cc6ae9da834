"""资源挂接 in the back office: the per-organisation report, one item's mounts, and 反编目 from a connection.

``/admin/mounts/`` is the report (from the stored check results; "check now"
reconnects), ``/admin/mounts/items/<code>`` an item's mounts with the forms to
attach and detach, ``/admin/mounts/compile`` the 反编目 screen. The item page
shows :func:`mount_panel` through ``mounts/item_panel.html``.
"""
from __future__ import annotations

from pathlib import Path

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from sqlalchemy import func, select

from registry.accounts.models import Role
from registry.accounts.permissions import CATALOG_ROLES, can, item_scope, subtree_ids
from registry.app import request_context, runtime
from registry.catalog.models import CatalogItem, IdentifierKind, ItemStatus
from registry.catalog.operations import get_item
from registry.core.context import Context
from registry.core.errors import MuluError, NotFound, ValidationError
from registry.mounts import checks
from registry.mounts import operations as mounts
from registry.mounts.connections import SourceError
from registry.mounts.drift import DIFFERENCE_KINDS
from registry.mounts.models import API_METHODS, MountKind
from registry.mounts.queries import (
    insider_org_ids,
    mount_report,
    problem_mounts,
    sees_mounts,
)
from registry.mounts.reflection import list_tables, proposal_for, read_table
from registry.mounts.sources import Sources, sources_for
from registry.mounts.transactions import releasing
from registry.office.admin import OfficeView, carry_out
from registry.orgs.models import Organisation, OrgLevel
from registry.orgs.operations import list_orgs

#: At most this many mounts are checked by “check all” in the back office, those checked longest ago first; the
#: whole instance is checked by the scheduler (``mulu mounts check``), not by a web request.
CHECK_ALL_LIMIT = 20


def _sources() -> Sources:
    return sources_for(runtime().settings)


def _release(ctx: Context):
    """Sources are read with the request's transaction ended (see :mod:`registry.mounts.transactions`)."""
    return releasing(ctx.session, write=request.method not in ("GET", "HEAD", "OPTIONS"))


def _connections(ctx: Context, sources: Sources):
    department = ctx.actor.organisation.department
    return sources.connections.usable_by(department.code, everything=ctx.actor.role is Role.AUTHORITY_ADMIN)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


class MountsView(OfficeView):
    """资源挂接 at ``/admin/mounts/``."""

    roles = tuple(CATALOG_ROLES)
    templates_dir = str(Path(__file__).parent / "templates")

    # -- the report ------------------------------------------------------------------

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        allowed = insider_org_ids(ctx)
        orgs = [o for o in list_orgs(ctx) if o.level in (OrgLevel.COUNTY, OrgLevel.DEPARTMENT)
                and (allowed is None or o.id in allowed or o.level is OrgLevel.COUNTY and subtree_ids(ctx.session, o.id) & allowed)]
        org = next((o for o in orgs if o.id == _int(request.args.get("org"))), None)
        scope = allowed
        if org is not None:
            wanted = subtree_ids(ctx.session, org.id)
            scope = wanted if allowed is None else allowed & wanted
        return self.render("mounts/index.html", lines=mount_report(ctx, scope), problems=problem_mounts(ctx, scope),
                           orgs=orgs, org=org, kinds=DIFFERENCE_KINDS, may_check=self._may_check_all(ctx),
                           may_compile=can(ctx.actor, "mount:reflect", ctx.actor.organisation.department))

    def _may_check_all(self, ctx: Context) -> bool:
        return ctx.actor.role is Role.AUTHORITY_ADMIN or ctx.actor.role is Role.COMPILER

    @expose("/check", methods=("POST",))
    def check_all(self):
        """Check the mounts the user may check, at most :data:`CHECK_ALL_LIMIT` of them (the least recently checked):
        the authority's of all departments (or of the department chosen in the report), a compiler their
        department's. The scheduler's ``mulu mounts check`` checks them all."""
        ctx = request_context()
        if not self._may_check_all(ctx):
            abort(403)
        org_ids = None if ctx.actor.role is Role.AUTHORITY_ADMIN else subtree_ids(ctx.session, ctx.actor.organisation.department.id)
        chosen = _int(request.form.get("org"))
        if chosen is not None:
            wanted = subtree_ids(ctx.session, chosen)
            org_ids = wanted if org_ids is None else org_ids & wanted
        total = ctx.session.scalar(select(func.count()).select_from(checks.mounts_to_check(org_ids).subquery()))

        def done(results) -> str:
            counts = {s: sum(1 for _, status in results if status.value == s) for s in ("ok", "drift", "error")}
            said = gettext("已检查 %(n)d 项：一致 %(ok)d，不一致 %(drift)d，检查失败 %(error)d", n=len(results), **counts)
            if total > len(results):
                said += " " + gettext("后台一次至多检查 %(limit)d 项（最久未检查的优先），其余 %(rest)d 项由定时任务 mulu mounts check 检查。",
                                      limit=CHECK_ALL_LIMIT, rest=total - len(results))
            return said

        return carry_out(ctx, lambda: checks.check_mounts(ctx, _sources(), org_ids, release=_release(ctx), limit=CHECK_ALL_LIMIT),
                         done, url_for(".index", org=chosen))

    # -- one item's mounts -------------------------------------------------------------

    def _item(self, ctx: Context, code: str) -> CatalogItem:
        try:
            item = get_item(ctx, code)
        except NotFound:
            abort(404)
        if not item_scope(ctx.session, ctx.actor).sees(item.status.value, item.provider_id) or not sees_mounts(ctx, item):
            abort(404)
        return item

    @expose("/items/<path:code>")
    def item(self, code: str):
        self.require_role()
        ctx = request_context()
        item = self._item(ctx, code)
        return self.render("mounts/item.html", item=item, mounts=mounts.mounts_of(ctx, item), kinds=DIFFERENCE_KINDS,
                           format_label=ctx.profile.vocab("format_class").label(item.format_class),
                           may_manage=can(ctx.actor, "mount:manage", item.provider) and item.status is not ItemStatus.RETIRED,
                           may_check=can(ctx.actor, "mount:check", item.provider), methods=API_METHODS,
                           connections=[c for c in _connections(ctx, _sources()) if c.serves(item.provider.department.code)])

    @expose("/items/<path:code>/add", methods=("POST",))
    def add(self, code: str):
        ctx = request_context()
        item = self._item(ctx, code)
        form, kind = request.form, request.form.get("kind")
        page = url_for(".item", code=code)
        if kind == MountKind.TABLE.value:
            work = lambda: mounts.add_table_mount(ctx, item, _sources(), connection=form.get("connection", ""),
                                                  table=form.get("table", ""), schema=form.get("schema"),
                                                  timestamp_column=form.get("timestamp_column"), note=form.get("note"),
                                                  release=_release(ctx))
        elif kind == MountKind.API.value:
            work = lambda: mounts.add_api_mount(ctx, item, url=form.get("url", ""), method=form.get("method", "GET"),
                                                doc_url=form.get("doc_url"), valid_from=form.get("valid_from"),
                                                valid_to=form.get("valid_to"), note=form.get("note"))
        elif kind == MountKind.FILE.value:
            upload = request.files.get("file")
            has_file = upload is not None and bool(upload.filename)
            work = lambda: mounts.add_file_mount(ctx, item, _sources(), upload=upload.stream if has_file else None,
                                                 filename=upload.filename if has_file else None,
                                                 url=form.get("url") if not has_file else None, note=form.get("note"),
                                                 release=_release(ctx))
        else:
            abort(400)

        def done(mount) -> str:
            if mount.status is not None and mount.status.value != "ok":
                return gettext("已挂接；检查结果：%(status)s，详见下表", status=mount.status.label)
            return gettext("已挂接")

        return carry_out(ctx, work, done, page)

    @expose("/items/<path:code>/<int:mount_id>/remove", methods=("POST",))
    def remove(self, code: str, mount_id: int):
        ctx = request_context()
        item = self._item(ctx, code)
        mount = self._mount(ctx, item, mount_id)
        return carry_out(ctx, lambda: mounts.remove_mount(ctx, mount), gettext("已移除挂接"), url_for(".item", code=code))

    @expose("/items/<path:code>/<int:mount_id>/check", methods=("POST",))
    def check(self, code: str, mount_id: int):
        ctx = request_context()
        item = self._item(ctx, code)
        mount = self._mount(ctx, item, mount_id)
        return carry_out(ctx, lambda: checks.check_mount(ctx, mount, _sources(), release=_release(ctx)),
                         lambda status: gettext("检查完成：%(status)s", status=status.label), url_for(".item", code=code))

    def _mount(self, ctx: Context, item: CatalogItem, mount_id: int):
        try:
            return mounts.get_mount(ctx, item, mount_id)
        except NotFound:
            abort(404)

    # -- 反编目 ----------------------------------------------------------------------------

    @expose("/compile", methods=("GET", "POST"))
    def compile(self):
        """Choose a connection, list its tables, preview the proposed entry, save it as a draft."""
        ctx = request_context()
        department = ctx.actor.organisation.department
        if not can(ctx.actor, "mount:reflect", department):
            abort(403)
        args = request.form if request.method == "POST" else request.args
        sources = _sources()
        choices = _connections(ctx, sources)
        providers = self._providers(ctx)
        chosen = next((c for c in choices if c.name == args.get("connection")), None)
        provider = next((o for o in providers if o.code == args.get("org")), providers[0] if providers else None)
        schema, table = (args.get("schema") or "").strip() or None, (args.get("table") or "").strip()
        tables, proposal, errors = [], None, []
        if chosen is not None:
            try:
                with _release(ctx)():  # the department's database is read with no transaction open on ours
                    tables = list_tables(chosen, schema)
                    live = read_table(chosen, table, schema) if table else None
                if live is not None:
                    proposal = proposal_for(ctx, live, chosen, provider, self._overrides(args))
            except SourceError as exc:
                flash(str(exc), "error")
        if request.method == "POST" and proposal is not None:
            try:
                result = mounts.save_and_mount(ctx, sources, proposal, release=_release(ctx))
                ctx.session.commit()
            except MuluError as exc:
                ctx.session.rollback()
                errors = exc.errors if isinstance(exc, ValidationError) else []
                flash(str(exc) if not errors else gettext("未保存：请按下列提示修改"), "error")
            else:
                flash(gettext("已保存为草稿；请核对后提交审核"), "info")
                return redirect(url_for("items.detail", code=result.item.code))
        return self.render("mounts/compile.html", connections=choices, chosen=chosen, tables=tables, table=table,
                           schema=schema or "", proposal=proposal, errors=errors, providers=providers, provider=provider,
                           vocab=ctx.profile.vocab, method_label=ctx.profile.all_share_method_types().label,
                           identifier_label=lambda kind: IdentifierKind(kind).label if kind else "")

    def _providers(self, ctx: Context) -> list[Organisation]:
        if ctx.actor.role is Role.AUTHORITY_ADMIN:
            return [o for o in list_orgs(ctx) if o.level is OrgLevel.DEPARTMENT]
        department = ctx.actor.organisation.department
        return [department] if can(ctx.actor, "mount:reflect", department) else []

    #: Elements the 反编目 screen lets the user settle before saving (a table cannot tell them).
    EDITABLE = ("name", "summary", "update_cycle", "share_type", "share_condition", "share_basis", "open_type",
                "open_condition", "open_basis")

    def _overrides(self, args) -> dict[str, str] | None:
        values = {key: args.get(key).strip() for key in self.EDITABLE if (args.get(key) or "").strip()}
        return values or None


def mount_panel(item: CatalogItem) -> dict:
    """What the item page shows of the item's mounts: the list with their last check, for those who may see them."""
    ctx = request_context()
    insider = sees_mounts(ctx, item)
    found = mounts.mounts_of(ctx, item) if insider else []
    return {
        "insider": insider,
        "mounts": found,
        "kinds": DIFFERENCE_KINDS,
        "drift": sum(1 for m in found if m.status is not None and m.status.value != "ok"),
        "may_manage": insider and can(ctx.actor, "mount:manage", item.provider) and item.status is not ItemStatus.RETIRED,
    }


def register(admin) -> None:
    admin.add_view(MountsView(name=lazy_gettext("资源挂接"), endpoint="mounts", url="/admin/mounts"))
    admin.app.add_template_global(mount_panel, "mount_panel")
