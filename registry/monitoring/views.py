"""Back-office screens of monitoring: catalog updates after a change of law or duties, and data freshness."""
from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from flask import abort, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from werkzeug.datastructures import MultiDict

from registry.accounts.models import Role
from registry.accounts.permissions import can, item_scope
from registry.app import request_context
from registry.catalog.operations import get_item
from registry.core.context import Context
from registry.core.errors import FieldError, NotFound, ValidationError
from registry.monitoring import duties
from registry.monitoring.freshness import (
    count_stale,
    cycle_limits,
    freshness_scope,
    record_refresh,
    stale_items,
    staleness_by_org,
)
from registry.office.admin import OfficeView, carry_out
from registry.orgs.models import Organisation
from registry.requests.models import Request
from registry.requests.views import RequestView

TEMPLATES = str(Path(__file__).parent / "templates")
CATALOG_WORKERS = (Role.COMPILER, Role.COUNTY_REVIEWER, Role.CITY_REVIEWER, Role.AUTHORITY_ADMIN)
PAGE_SIZE = 50


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# -- catalog updates ----------------------------------------------------------------

def _effective_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(FieldError("effective_date", "日期格式应为 YYYY-MM-DD", "生效日期")) from None


class CatalogUpdateView(RequestView):
    """目录更新 at ``/admin/catalog-updates/``: the authority records a change, the organisation reports its update."""

    roles = CATALOG_WORKERS
    request_type = duties.TYPE
    templates_dir = TEMPLATES
    panels = ("monitoring/_duty_change.html",)
    create_template = "monitoring/_duty_change_form.html"
    action_templates: ClassVar[dict[str, str]] = {name: "monitoring/_report_items.html" for name in ("complete", "submit_county", "submit_review")}

    def visible(self, ctx: Context):
        return duties.visible(ctx)

    def may_create(self, ctx: Context) -> bool:
        return can(ctx.actor, "catalog_update:record")

    def create_context(self, ctx: Context) -> dict[str, Any]:
        return {"departments": duties.recordable_orgs(ctx), "change_kinds": duties.CHANGE_KINDS,
                "deadline_note": duties.deadline_note(ctx)}

    def create(self, ctx: Context, form: MultiDict) -> Request:
        org_id = _int(form.get("organisation"))
        organisation = ctx.session.get(Organisation, org_id) if org_id else None
        return duties.record_duty_change(ctx, organisation, kind=form.get("kind", ""), summary=form.get("summary", ""),
                                         basis=form.get("basis", ""), effective_date=_effective_date(form.get("effective_date")))

    def may_act(self, ctx: Context, req: Request, action: str) -> bool:
        return duties.may_act(ctx, req, action)

    def act(self, ctx: Context, req: Request, action: str, form: MultiDict) -> Request:
        codes = form.getlist("items") + re.split(r"[\s,，;；]+", form.get("codes", ""))
        return duties.act(ctx, req, action, form.get("reason"), codes)

    def panel_context(self, ctx: Context, req: Request) -> dict[str, Any]:
        may_report = any(duties.may_act(ctx, req, name) for name in self.action_templates)
        return {"change_kinds": duties.CHANGE_KINDS, "done_labels": duties.DONE_LABELS,
                "deadline_note": duties.deadline_note(ctx),
                "candidates": duties.changed_items(ctx, req) if may_report else []}


# -- freshness ----------------------------------------------------------------------

def freshness_rule(ctx: Context) -> str:
    """What the profile asks, in a sentence for the page."""
    if ctx.profile.workflow.get("refresh_at_least_monthly"):
        basis = ctx.profile.citation("update_cycle_at_least_monthly") if ctx.profile.applies("update_cycle_at_least_monthly") else ""
        return gettext("按目录的更新周期更新数据；不具备实时更新条件的，至少每月（31 天）更新一次，不定期和不更新的条目也不例外。%(basis)s",
                       basis=basis)
    return gettext("按目录的更新周期更新数据：最近一次更新距今超过该周期的已发布条目列为未按时更新；不定期和不更新的条目不监测。")


class FreshnessView(OfficeView):
    """数据更新监测 at ``/admin/freshness/``: per organisation, the entries not refreshed within their update cycle."""

    roles = CATALOG_WORKERS
    templates_dir = TEMPLATES

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        scope = freshness_scope(ctx)
        org_id = _int(request.args.get("org"))
        org = ctx.session.get(Organisation, org_id) if org_id else None
        if org_id and (org is None or (scope is not None and org_id not in scope)):
            abort(404)
        page = _int(request.args.get("page")) or 1
        figures = sorted(staleness_by_org(ctx, org_ids=scope).values(), key=lambda f: (-f.stale, f.org_name))
        rows = stale_items(ctx, org_id=org_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, org_ids=scope)
        total = count_stale(ctx, org_id=org_id, org_ids=scope)
        providers = {o.id: o for o in ctx.session.query(Organisation).filter(Organisation.id.in_({r.provider_id for r in rows}))}
        vocab = ctx.profile.vocab("update_cycle")
        limits = cycle_limits(ctx.profile)
        return self.render(
            "monitoring/freshness.html", figures=figures, org=org, rows=rows, total=total, page=page,
            pages=max(1, -(-total // PAGE_SIZE)), rule=freshness_rule(ctx),
            limits=[(t.label, limits.by_cycle.get(t.value)) for t in vocab.terms],
            may_refresh=lambda row: can(ctx.actor, "item:refresh", providers.get(row.provider_id)),
            page_url=lambda p: url_for(".index", **{**request.args.to_dict(), "page": p}),
        )

    @expose("/items/<path:code>/refresh", methods=("POST",))
    def refresh(self, code: str):
        ctx = request_context()
        try:
            item = get_item(ctx, code)
        except NotFound:
            abort(404)
        if not item_scope(ctx.session, ctx.actor).sees(item.status.value, item.provider_id):
            abort(404)
        org_id = _int(request.form.get("org"))
        back = url_for(".index", org=org_id) if org_id else url_for(".index")
        return carry_out(ctx, lambda: record_refresh(ctx, item, _refresh_time(request.form.get("at"))),
                         gettext("已登记数据更新：%(code)s", code=item.code), back)


def _refresh_time(text: str | None) -> datetime | None:
    """The form's ``datetime-local`` value (the local clock), or now when empty."""
    if not text or not text.strip():
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(FieldError("at", "时间格式应为 YYYY-MM-DD HH:MM", "数据更新时间")) from None


def register(admin) -> None:
    admin.add_view(CatalogUpdateView(name=lazy_gettext("目录更新"), endpoint="catalog_updates", url="/admin/catalog-updates",
                                     category=lazy_gettext("流程")))
    admin.add_view(FreshnessView(name=lazy_gettext("数据更新监测"), endpoint="freshness", url="/admin/freshness",
                                 category=lazy_gettext("流程")))
