"""Back-office screens of the lists: 责任清单 (a plain page with its downloads) and 需求清单 (a request screen)."""
from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from flask import abort, request, send_file, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from registry.accounts.models import Role
from registry.accounts.permissions import CATALOG_ROLES, county_of
from registry.app import request_context, runtime
from registry.core.context import Context
from registry.core.errors import MuluError
from registry.core.localtime import local_today
from registry.lists import demands
from registry.lists.demand_queries import aggregate
from registry.lists.demand_queries import unmatched as unmatched_demands
from registry.lists.demand_queries import visible as visible_demands
from registry.lists.matching import catalog_search
from registry.lists.responsibility import (
    contacts,
    duties,
    labels,
    scope_for,
    stamp,
    summary,
    tallies,
)
from registry.office.admin import OfficeView, carry_out
from registry.orgs.models import Organisation, OrgLevel
from registry.orgs.operations import list_orgs
from registry.requests import queries
from registry.requests.engine import due_status
from registry.requests.models import Request
from registry.requests.views import PAGE_SIZE, RequestView

TEMPLATES = str(Path(__file__).parent / "templates")
LIST_PAGE = 100


def _default_org(ctx: Context) -> str:
    """Whose list a user opens first: a compiler their department's, a county reviewer their county's, others the city's."""
    actor = ctx.actor
    if actor.role is Role.COMPILER:
        return actor.organisation.department.code
    if actor.role is Role.COUNTY_REVIEWER and county_of(actor.organisation) is not None:
        return county_of(actor.organisation).code
    return ""


class ResponsibilityView(OfficeView):
    """责任清单 at ``/admin/responsibility/``: one organisation's (or the city's) list, its summary, its downloads."""

    roles = tuple(CATALOG_ROLES)
    templates_dir = TEMPLATES

    def _scope(self, ctx: Context):
        code = request.args.get("org")
        try:
            return scope_for(ctx, _default_org(ctx) if code is None else code)
        except MuluError:
            abort(404)

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        scope = self._scope(ctx)
        after = request.args.get("after") or None
        page = duties(ctx, scope, after=after, limit=LIST_PAGE)
        org_args = {"org": scope.org.code if scope.org is not None else ""}
        counted = tallies(ctx, scope)  # one scan serves the version, the total and the summary
        return self.render(
            "lists/responsibility.html", scope=scope, stamp=stamp(ctx, scope, counted), duties=page,
            people=contacts(ctx, {d.department_id for d in page}), label=labels(ctx),
            summary=summary(ctx, scope, counted) if scope.several else [],
            owner=contacts(ctx, {scope.org.id}).get(scope.org.id) if scope.org else None,
            orgs=[o for o in list_orgs(ctx) if o.level is not OrgLevel.UNIT], after=after,
            next_url=url_for(".index", **org_args, after=page[-1].code) if len(page) == LIST_PAGE else None,
            first_url=url_for(".index", **org_args), org_args=org_args,
        )

    @expose("/export")
    def export(self):
        """The list as a download: ``format=xlsx`` (default) or ``csv``."""
        self.require_role()
        ctx = request_context()
        scope = self._scope(ctx)
        fmt = request.args.get("format", "xlsx")
        if fmt not in ("xlsx", "csv"):
            abort(400)
        from registry.lists.responsibility_export import write_csv, write_xlsx

        name = f"责任清单-{scope.org.code if scope.org is not None else '全市'}-{local_today():%Y%m%d}.{fmt}"
        if fmt == "csv":
            text = io.StringIO()
            write_csv(ctx, scope, text)
            data = io.BytesIO(text.getvalue().encode("utf-8-sig"))
            return send_file(data, mimetype="text/csv; charset=utf-8", as_attachment=True, download_name=name)
        data = io.BytesIO()
        write_xlsx(ctx, scope, data)
        data.seek(0)
        return send_file(data, as_attachment=True, download_name=name,
                         mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _codes(form: MultiDict) -> list[str]:
    """Item codes from checkboxes and a free text box (separated by commas, spaces or new lines)."""
    typed = (form.get("items_extra") or "").replace("，", ",").replace("\n", ",").replace(" ", ",").split(",")
    return [c.strip() for c in form.getlist("items") + typed if c.strip()]


class DemandView(RequestView):
    """需求清单 at ``/admin/demands/``: record a demand, match it, and move it from county to city to provider."""

    request_type = demands.TYPE
    roles = tuple(CATALOG_ROLES)
    templates_dir = TEMPLATES
    list_template = "lists/demand_list.html"
    panels = ("lists/demand_panel.html", "lists/suggestions_panel.html")
    create_template = "lists/demand_form.html"
    action_templates: ClassVar[dict[str, str]] = {"assign": "lists/assign_inputs.html", "assign_emergency": "lists/assign_inputs.html",
                        "fulfil": "lists/fulfil_inputs.html"}

    def visible(self, ctx: Context):
        return visible_demands(ctx)

    def may_create(self, ctx: Context) -> bool:
        return ctx.actor is not None and ctx.actor.role is Role.COMPILER

    def create(self, ctx: Context, form: MultiDict) -> Request:
        values = {key: form.get(key) for key in ("description", "purpose", "legal_basis", "scenario", "provider", "emergency")}
        values["fields"] = form.get("fields") or ""
        return demands.create_demand(ctx, ctx.actor.organisation, values, search=catalog_search(runtime(), ctx.session))

    def create_context(self, ctx: Context) -> dict[str, Any]:
        return {"providers": _departments(ctx, but=ctx.actor.organisation)}

    def may_act(self, ctx: Context, req: Request, action: str) -> bool:
        return demands.may_act(ctx, req, action)

    def act(self, ctx: Context, req: Request, action: str, form: MultiDict) -> Any:
        return demands.act(ctx, req, action, form.get("reason"), provider=form.get("provider") or None,
                           item=form.get("item") or None, items=_codes(form))

    def may_comment(self, ctx: Context, req: Request) -> bool:
        return super().may_comment(ctx, req) or demands.may_refresh(ctx, req)

    def panel_context(self, ctx: Context, req: Request) -> dict[str, Any]:
        provider = demands.target_provider(ctx, req)
        searched = (req.data or {}).get("suggested_at")
        return {
            "demand": req.data or {}, "emergency": demands.is_emergency(req), "target": provider,
            "suggested_at": datetime.fromisoformat(searched) if searched else None,
            "may_steer": demands.may_steer(ctx, req), "may_refresh": demands.may_refresh(ctx, req),
            "providers": _departments(ctx, but=req.requester), "provider_items": _provider_items(ctx, req),
        }

    # -- the demand's own steps: suggestions and the target provider ------------------------
    @expose("/<int:request_id>/suggestions", methods=("POST",))
    def refresh(self, request_id: int):
        ctx = request_context()
        req = self._request(ctx, request_id)
        page = url_for(".detail", request_id=request_id)
        return carry_out(ctx, lambda: demands.refresh_suggestions(ctx, req, catalog_search(runtime(), ctx.session)),
                         lambda found: gettext("已重新检索，推荐 %(n)d 个条目", n=len(found)), page + "#suggestions")

    @expose("/<int:request_id>/pick", methods=("POST",))
    def pick(self, request_id: int):
        ctx = request_context()
        req = self._request(ctx, request_id)
        page = url_for(".detail", request_id=request_id)
        return carry_out(ctx, lambda: demands.pick_suggestion(ctx, req, request.form.get("item", "")),
                         gettext("已选定目录条目，其部门为目标提供方"), page)

    @expose("/<int:request_id>/provider", methods=("POST",))
    def provider(self, request_id: int):
        ctx = request_context()
        req = self._request(ctx, request_id)
        page = url_for(".detail", request_id=request_id)
        return carry_out(ctx, lambda: demands.set_provider(ctx, req, request.form.get("provider") or None),
                         gettext("已指定目标提供方"), page)

    # -- for the authority and the counties ----------------------------------------------------
    @expose("/unmatched")
    def unmatched_list(self):
        """未匹配的需求: marked unmatched, declined, or still without a suggestion or a provider."""
        ctx = request_context()
        where = self.visible(ctx)
        where = unmatched_demands() if where is None else where & unmatched_demands()
        number = int(request.args["page"]) if request.args.get("page", "").isdigit() else 1
        rows, total = queries.page(ctx, queries.request_query(ctx, self.request_type, where, state="all"), number, PAGE_SIZE)
        return self.render("lists/demand_unmatched.html", rows=rows, total=total, page=number,
                           pages=max(1, -(-total // PAGE_SIZE)), request_type=demands.DEMAND,
                           due_of=lambda r: due_status(ctx, r), page_url=lambda p: url_for(".unmatched_list", page=p))

    @expose("/summary")
    def aggregate_view(self):
        """汇总: a county's demands per department, the city's per county."""
        ctx = request_context()
        kind, groups = aggregate(ctx)
        return self.render("lists/demand_summary.html", kind=kind, groups=groups)


def _departments(ctx: Context, but: Organisation | None) -> list[Organisation]:
    """The departments a demand may go to: every one but the requester's own."""
    query = select(Organisation).where(Organisation.level == OrgLevel.DEPARTMENT).order_by(Organisation.code)
    if but is not None:
        query = query.where(Organisation.id != but.department.id)
    return list(ctx.session.scalars(query))


def _provider_items(ctx: Context, req: Request) -> list[dict]:
    """Items to tick when the provider marks the data available: the picked one, then the suggestions of that provider."""
    if req.state != "open" or req.stage != "deliver":
        return []
    mine = req.organisation.department.code
    picked = [req.data["item"]] if req.data.get("item") else []
    offered = [s for s in req.data.get("suggestions", []) if (s.get("provider") or {}).get("code") == mine]
    seen: dict[str, dict] = {}
    for entry in picked + offered:
        seen.setdefault(entry["code"], entry)
    return list(seen.values())


def register(admin) -> None:
    admin.add_view(ResponsibilityView(name=lazy_gettext("责任清单"), endpoint="responsibility", url="/admin/responsibility"))
    admin.add_view(DemandView(name=lazy_gettext("需求清单"), endpoint="demands", url="/admin/demands",
                              category=lazy_gettext("流程")))
