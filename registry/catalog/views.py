"""目录条目 in the back office: the list, one item's page, and the compilers' create and edit forms.

Reading is scoped by :func:`item_scope`; writing goes through
:func:`create_item` / :func:`update_item`, and each request commits once or
rolls back.
"""
from __future__ import annotations

from pathlib import Path

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from flask_login import current_user

from registry.accounts.models import Role
from registry.accounts.permissions import CATALOG_ROLES, can, item_scope
from registry.app import request_context
from registry.catalog.forms import (
    OrgChoices,
    build_form,
    parse_item_form,
    rows_from_entry,
)
from registry.catalog.models import CatalogItem, ItemStatus, ShareType
from registry.catalog.operations import (
    create_item,
    editable_values,
    entry_values,
    get_item,
    update_item,
)
from registry.catalog.present import readable
from registry.catalog.queries import PAGE_SIZE, ItemFilters, find_office_items
from registry.catalog.schema import FIELD_ELEMENTS, ITEM_ELEMENTS
from registry.core.context import Context
from registry.core.errors import (
    ConflictError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from registry.office.admin import OfficeView
from registry.orgs.models import OrgLevel
from registry.orgs.operations import list_orgs


def _org_choices(ctx: Context, action: str) -> OrgChoices:
    """Organisations the user may compile for: a compiler's department and its units; the authority's all departments."""
    orgs = [o for o in list_orgs(ctx) if o.level in (OrgLevel.DEPARTMENT, OrgLevel.UNIT) and can(current_user, action, o)]
    if current_user.role is Role.AUTHORITY_ADMIN:
        providers = [o for o in orgs if o.level is OrgLevel.DEPARTMENT]
    else:
        providers = orgs
    return OrgChoices(providers=providers, units=[o for o in orgs if o.level is OrgLevel.UNIT])


class ItemsView(OfficeView):
    """目录条目 at ``/admin/items/``."""

    roles = tuple(CATALOG_ROLES)
    templates_dir = str(Path(__file__).with_name("templates"))

    # -- reading ------------------------------------------------------------

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        scope = item_scope(ctx.session, current_user)
        providers = [o for o in list_orgs(ctx) if o.level is OrgLevel.DEPARTMENT and (scope.all_items or o.id in scope.own_provider_ids)]
        args = request.args
        provider = next((o for o in providers if o.code == args.get("provider")), None)
        filters = ItemFilters(
            status=args.get("status", "") if args.get("status") in ItemStatus._value2member_map_ else "",
            share_type=args.get("share_type", "") if args.get("share_type") in ShareType._value2member_map_ else "",
            class_code=args.get("class_code", "").strip()[:1],
            provider_id=provider.id if provider else None,
            text=args.get("q", "").strip()[:100],
        )
        page = find_office_items(ctx.session, scope, filters, args.get("page", 1, type=int))
        return self.render("catalog/item_list.html", page=page, filters=filters, providers=providers,
                           statuses=list(ItemStatus), share_types=list(ShareType), page_size=PAGE_SIZE,
                           can_create=bool(_org_choices(ctx, "item:create").providers))

    @expose("/<path:code>")
    def detail(self, code: str):
        self.require_role()
        ctx = request_context()
        item = self._visible_item(ctx, code)
        values = entry_values(item)
        elements = [(spec, readable(ctx.profile, spec, values.get(spec.key))) for spec in ITEM_ELEMENTS]
        fields = [[readable(ctx.profile, spec, f.get(spec.key)) for spec in FIELD_ELEMENTS] for f in values["fields"]]
        return self.render("catalog/item_detail.html", item=item, elements=elements, field_specs=FIELD_ELEMENTS,
                           fields=fields, can_edit=can(current_user, "item:update", item.provider))

    def _visible_item(self, ctx: Context, code: str) -> CatalogItem:
        """The item, or 404 when it does not exist or lies outside the user's scope (no hint it exists)."""
        try:
            item = get_item(ctx, code)
        except NotFound:
            abort(404)
        if not item_scope(ctx.session, current_user).sees(item.status.value, item.provider_id):
            abort(404)
        return item

    # -- writing ------------------------------------------------------------

    @expose("/new", methods=("GET", "POST"))
    def create(self):
        ctx = request_context()
        orgs = _org_choices(ctx, "item:create")
        if not orgs.providers:
            abort(403)
        if request.method == "GET":
            return self._render_form(build_form(ctx.profile, orgs, {"provider": orgs.providers[0]}, []), None)
        submitted = parse_item_form(request.form)
        try:
            result = create_item(ctx, submitted.data)
            ctx.session.commit()
        except (ValidationError, PermissionDenied) as exc:
            ctx.session.rollback()
            form = build_form(ctx.profile, orgs, submitted.item_values, submitted.rows, _errors(exc))
            return self._render_form(form, None)
        flash(gettext("已保存"), "info")
        return redirect(url_for(".detail", code=result.item.code))

    @expose("/<path:code>/edit", methods=("GET", "POST"))
    def edit(self, code: str):
        ctx = request_context()
        item = self._visible_item(ctx, code)
        if not can(current_user, "item:update", item.provider):
            abort(403)
        orgs = _org_choices(ctx, "item:update")
        if request.method == "GET":
            entry, proposal = editable_values(ctx, item)
            if proposal:  # refine the change under review rather than start again from the published version
                flash(gettext("此条目有待审变更；表单显示的是待审内容，保存后替换该变更并重新送审"), "info")
            form = build_form(ctx.profile, orgs, entry, rows_from_entry(entry), editing=True)
            form.version = item.version
            return self._render_form(form, item)
        submitted = parse_item_form(request.form, editing=True)
        try:
            result = update_item(ctx, item, submitted.data, reason=submitted.reason or None,
                                 expected_version=submitted.expected_version)
            ctx.session.commit()
        except (ValidationError, PermissionDenied, ConflictError) as exc:
            ctx.session.rollback()
            form = build_form(ctx.profile, orgs, submitted.item_values, submitted.rows, _errors(exc), editing=True)
            form.version, form.reason = submitted.expected_version, submitted.reason
            return self._render_form(form, item)
        if result.pending:
            flash(gettext("已提交变更，待审核"), "info")
        elif not result.changed:
            flash(gettext("没有改动"), "info")
        else:
            flash(gettext("已保存"), "info")
        return redirect(url_for(".detail", code=result.item.code))

    def _render_form(self, form, item: CatalogItem | None):
        return self.render("catalog/item_form.html", form=form, item=item, field_specs=FIELD_ELEMENTS)


def _errors(exc: Exception) -> list[FieldError]:
    """Validation errors as they are; a refusal or a conflict as one message for the whole form."""
    return list(exc.errors) if isinstance(exc, ValidationError) else [FieldError("", str(exc))]


def register(admin) -> None:
    admin.add_view(ItemsView(name=lazy_gettext("目录条目"), endpoint="items", url="/admin/items"))
