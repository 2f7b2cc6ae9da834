"""共享申请 at ``/admin/share-requests/``: asking from an item, the provider's answer, coordination, the use log."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from flask import Response, abort, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from werkzeug.datastructures import MultiDict

from registry.accounts.permissions import can
from registry.app import request_context
from registry.catalog.models import CatalogItem, ItemStatus, ShareType
from registry.core.context import Context
from registry.core.errors import FieldError, MuluError, ValidationError
from registry.core.localtime import local_today
from registry.office.admin import carry_out
from registry.orgs.models import Organisation, OrgLevel
from registry.requests.models import Request
from registry.requests.views import RequestView
from registry.sharing import operations as sharing
from registry.sharing.choices import sharing_modes
from registry.sharing.present import default_mode, field_rows, item_facts
from registry.sharing.queries import UseFilter, use_query, visible_requests
from registry.sharing.uses import record_use, use_row, uses_csv

#: How many uses the request page lists; the uses page has them all.
PANEL_USES = 10
USES_PAGE_SIZE = 100


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        abort(400)


class ShareRequestView(RequestView):
    """The list and page of share requests (the base), a form to ask from an item, and the use log."""

    request_type = sharing.TYPE
    templates_dir = str(Path(__file__).with_name("templates"))
    panels = ("sharing/_request_panel.html", "sharing/_uses_panel.html")
    create_template = "sharing/_new_form.html"
    action_templates: ClassVar[dict[str, str]] = {"approve": "sharing/_approve_inputs.html"}

    # -- the base's questions ----------------------------------------------------------
    def visible(self, ctx: Context):
        return visible_requests(ctx)

    def may_create(self, ctx: Context) -> bool:
        return ctx.actor is not None and can(ctx.actor, "share:request", ctx.actor.organisation.department)

    def create(self, ctx: Context, form: MultiDict) -> Request:
        item = sharing.find_item(ctx, form.get("item"))
        values = {key: form.get(key) for key in ("purpose", "scenario", "legal_basis", "use_until")}
        # Ticked boxes name fields exactly; the form without an item takes them typed in one line.
        values["fields"] = form.getlist("fields") if "fields_text" not in form else form.get("fields_text")
        return sharing.create_share_request(ctx, item, values, requester=self._requester(ctx, form))

    def _requester(self, ctx: Context, form: MultiDict) -> Organisation | None:
        """The authority names the asking organisation; a compiler always asks for their own department."""
        chosen = form.get("requester", "")
        if not chosen or not can(ctx.actor, "share:coordinate"):
            return None
        org = ctx.session.get(Organisation, int(chosen)) if chosen.isdigit() else None
        if org is None:
            raise ValidationError(FieldError("requester", "请选择申请单位", sharing.LABELS["requester"]))
        return org

    def create_context(self, ctx: Context) -> dict[str, Any]:
        source = request.form if request.method == "POST" else request.args
        item = self._offered_item(ctx, source.get("item"))
        may_name_requester = can(ctx.actor, "share:coordinate")
        return {
            "item": item_facts(ctx, item) if item is not None else None,
            "asked": set(source.getlist("fields")),
            "requesters": self._departments(ctx) if may_name_requester else [],
            "today": local_today().isoformat(),
        }

    def _offered_item(self, ctx: Context, code: str | None) -> CatalogItem | None:
        try:
            return sharing.find_item(ctx, code) if code else None
        except MuluError:
            return None

    def _departments(self, ctx: Context) -> list[Organisation]:
        return list(ctx.session.query(Organisation).filter(Organisation.level == OrgLevel.DEPARTMENT).order_by(Organisation.name))

    def may_act(self, ctx: Context, req: Request, action: str) -> bool:
        return sharing.may_act(ctx, req, action)

    def act(self, ctx: Context, req: Request, action: str, form: MultiDict) -> Any:
        inputs = {"reason": form.get("reason"), "mode": form.get("mode"), "users": form.get("users")}
        if action == "approve":
            inputs["fields"] = form.getlist("fields")
        return sharing.carry_action(ctx, req, action, inputs)

    def may_comment(self, ctx: Context, req: Request) -> bool:
        """Both sides and the authority may remark while the request is open."""
        return req.state == "open" and (can(ctx.actor, "share:decide", req.organisation)
                                        or can(ctx.actor, "share:request", req.requester))

    def panel_context(self, ctx: Context, req: Request) -> dict[str, Any]:
        uses = list(ctx.session.scalars(use_query(ctx, UseFilter(request_id=req.id)).limit(PANEL_USES)))
        return {
            "share": req.data or {}, "field_rows": field_rows(req), "modes": sharing_modes(ctx.profile),
            "default_mode": default_mode(ctx, req.item), "item_facts": item_facts(ctx, req.item),
            "uses": uses, "use_rows": [use_row(ctx.profile, u) for u in uses],
            "may_record": self._may_record(ctx, req),
        }

    def _may_record(self, ctx: Context, req: Request) -> bool:
        return req.state == "approved" and can(ctx.actor, "share:record_use", req.requester)

    # -- the use log ---------------------------------------------------------------------
    @expose("/<int:request_id>/uses", methods=("GET", "POST"))
    def request_uses(self, request_id: int):
        """One approved request's uses, and the form to record one (fuzhou §29)."""
        ctx = request_context()
        req = self._request(ctx, request_id)
        page = url_for(".request_uses", request_id=request_id)
        if request.method == "POST":
            if not self._may_record(ctx, req):
                abort(403)
            form = request.form
            values = {key: form.get(key) for key in ("purpose", "user_name", "approver_name", "content", "used_at",
                                                     "method", "medium")}
            values["fields"] = form.getlist("fields")
            return carry_out(ctx, lambda: record_use(ctx, req, values), gettext("使用记录已登记"), page)
        uses = list(ctx.session.scalars(use_query(ctx, UseFilter(request_id=req.id))))
        return self.render("sharing/request_uses.html", req=req, share=req.data or {}, may_record=self._may_record(ctx, req),
                           use_rows=[use_row(ctx.profile, u) for u in uses], method_types=ctx.profile.all_share_method_types().terms)

    @expose("/uses")
    def uses(self):
        """Every use the user may read, per item, organisation and date range; ``?format=csv`` downloads them."""
        ctx = request_context()
        args = request.args
        item = self._filter_item(ctx, args.get("item"))
        org_id = int(args["org"]) if args.get("org", "").isdigit() else None
        flt = UseFilter(item_id=item.id if item else None, org_id=org_id, date_from=_day(args.get("from")),
                        date_to=_day(args.get("to")))
        query = use_query(ctx, flt)
        if args.get("format") == "csv":
            return Response(uses_csv(ctx.profile, ctx.session.scalars(query)), mimetype="text/csv",
                            headers={"Content-Disposition": "attachment; filename=share-uses.csv"})
        uses = list(ctx.session.scalars(query.limit(USES_PAGE_SIZE)))
        return self.render("sharing/uses.html", use_rows=[use_row(ctx.profile, u) for u in uses], item=item, org_id=org_id,
                           args=args, orgs=self.organisations(ctx), limit=USES_PAGE_SIZE,
                           csv_url=url_for(".uses", **{**args.to_dict(), "format": "csv"}))

    def _filter_item(self, ctx: Context, code: str | None) -> CatalogItem | None:
        if not code:
            return None
        try:
            return sharing.find_item(ctx, code)
        except MuluError:
            abort(404)


def share_request_link(item: CatalogItem) -> dict[str, str | None]:
    """For the item page: where to ask for this item (conditional items only) and where its uses are listed."""
    ctx = request_context()
    askable = (item.share_type is ShareType.CONDITIONAL and item.status in sharing.SHAREABLE_STATUSES
               and can(ctx.actor, "share:request", ctx.actor.organisation.department)
               and ctx.actor.organisation.department.id != item.provider.department.id)
    return {"ask": url_for("share_requests.new", item=item.code) if askable else None,
            "uses": url_for("share_requests.uses", item=item.code)
            if item.status in (ItemStatus.PUBLISHED, ItemStatus.CHANGE_PENDING) else None}


def register(admin) -> None:
    admin.add_view(ShareRequestView(name=lazy_gettext("共享申请"), endpoint="share_requests", url="/admin/share-requests",
                                    category=lazy_gettext("流程")))
    admin.app.add_template_global(share_request_link, "share_request_link")
    from registry.sharing.service_change_views import (
        register as register_service_changes,
    )

    register_service_changes(admin)
