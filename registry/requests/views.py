"""One back-office screen per request type: a list with due badges, a page with the timeline and the actions.

A process subclasses :class:`RequestView`, names its ``request_type`` and
answers a few questions (who sees what, who may act, how to create one and what
an action does); the list, the page, comments, flashing, CSRF and the
commit-or-explain of every form are here once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from flask import abort, request, url_for
from flask_admin import expose
from flask_babel import gettext
from sqlalchemy import ColumnElement
from werkzeug.datastructures import MultiDict

from registry.app import request_context
from registry.core.context import Context
from registry.core.errors import MuluError
from registry.office.admin import OfficeView, carry_out
from registry.orgs.models import Organisation, OrgLevel
from registry.requests import queries
from registry.requests.engine import REQUEST_TYPES, add_comment, due_status, transition
from registry.requests.models import Request
from registry.requests.present import summary, timeline

PAGE_SIZE = 50
BASE_TEMPLATES = str(Path(__file__).parent / "templates")


class RequestView(OfficeView):
    """``/admin/<process>/``: the list, ``/<id>`` a request's page, ``/<id>/act/<action>``, ``/<id>/comment``, ``/new``."""

    request_type: ClassVar[str]
    panels: ClassVar[tuple[str, ...]] = ()
    create_template: ClassVar[str | None] = None
    action_templates: ClassVar[dict[str, str]] = {}
    list_template: ClassVar[str] = "requests/list.html"
    detail_template: ClassVar[str] = "requests/detail.html"

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        # The domain's templates first (set up by OfficeView), then the shared request templates.
        from jinja2 import ChoiceLoader, FileSystemLoader

        blueprint.jinja_loader = ChoiceLoader([blueprint.jinja_loader, FileSystemLoader(BASE_TEMPLATES)])
        return blueprint

    # -- what a process decides --------------------------------------------------
    def visible(self, ctx: Context) -> ColumnElement[bool] | None:
        """The requests this user may see; ``None`` for all."""
        return None

    def may_create(self, ctx: Context) -> bool:
        return False

    def create(self, ctx: Context, form: MultiDict) -> Request:
        raise NotImplementedError

    def create_context(self, ctx: Context) -> dict[str, Any]:
        return {}

    def may_act(self, ctx: Context, req: Request, action: str) -> bool:
        return False

    def act(self, ctx: Context, req: Request, action: str, form: MultiDict) -> Any:
        return transition(ctx, req, action, form.get("reason"))

    def may_comment(self, ctx: Context, req: Request) -> bool:
        return any(self.may_act(ctx, req, a.name) for a in REQUEST_TYPES[req.type].available_actions(req))

    def panel_context(self, ctx: Context, req: Request) -> dict[str, Any]:
        return {}

    def organisations(self, ctx: Context) -> list[Organisation]:
        """The organisations the list can be filtered by."""
        return list(ctx.session.query(Organisation).filter(Organisation.level.in_((OrgLevel.DEPARTMENT, OrgLevel.COUNTY)))
                    .order_by(Organisation.level, Organisation.name))

    # -- screens ----------------------------------------------------------------------
    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        args = request.args
        state = args.get("state") or "open"
        if state not in queries.STATES and state not in REQUEST_TYPES[self.request_type].states:
            abort(400)
        org_id = int(args["org"]) if args.get("org", "").isdigit() else None
        number = int(args["page"]) if args.get("page", "").isdigit() else 1
        try:
            query = queries.request_query(ctx, self.request_type, self.visible(ctx), state=state,
                                          due=args.get("due") or None, org_id=org_id, stage=args.get("stage") or None)
        except MuluError:
            abort(400)
        rows, total = queries.page(ctx, query, number, PAGE_SIZE)
        return self.render(
            self.list_template, view=self, request_type=REQUEST_TYPES[self.request_type], rows=rows, total=total,
            state=state, due=args.get("due") or "", org_id=org_id, page=number, pages=max(1, -(-total // PAGE_SIZE)),
            orgs=self.organisations(ctx), may_create=self.may_create(ctx), due_of=lambda r: due_status(ctx, r),
            page_url=lambda p: url_for(".index", **{**args.to_dict(), "page": p}),
        )

    @expose("/<int:request_id>")
    def detail(self, request_id: int):
        self.require_role()
        ctx = request_context()
        req = self._request(ctx, request_id)
        request_type = REQUEST_TYPES[req.type]
        actions = [a for a in request_type.available_actions(req) if self.may_act(ctx, req, a.name)]
        return self.render(
            self.detail_template, view=self, req=req, ctx=ctx, request_type=request_type, info=summary(ctx, req),
            timeline=timeline(req), actions=actions, action_templates=self.action_templates, panels=self.panels,
            may_comment=self.may_comment(ctx, req), **self.panel_context(ctx, req),
        )

    @expose("/<int:request_id>/act/<action>", methods=("POST",))
    def act_on(self, request_id: int, action: str):
        self.require_role()
        ctx = request_context()
        req = self._request(ctx, request_id)
        page = url_for(".detail", request_id=request_id)
        if action not in REQUEST_TYPES[req.type].actions and action != "extend":
            abort(404)
        if not self.may_act(ctx, req, action):
            abort(403)
        return carry_out(ctx, lambda: self.act(ctx, req, action, request.form), gettext("已办理"), page, refused_to=page)

    @expose("/<int:request_id>/comment", methods=("POST",))
    def comment(self, request_id: int):
        self.require_role()
        ctx = request_context()
        req = self._request(ctx, request_id)
        if not self.may_comment(ctx, req):
            abort(403)
        page = url_for(".detail", request_id=request_id)
        form = request.form
        return carry_out(ctx, lambda: add_comment(ctx, req, form.get("text", ""), form.get("target") or None),
                         gettext("意见已保存"), page + "#timeline", refused_to=page)

    @expose("/new", methods=("GET", "POST"))
    def new(self):
        self.require_role()
        ctx = request_context()
        if self.create_template is None or not self.may_create(ctx):
            abort(403)
        if request.method == "POST":
            try:
                created = self.create(ctx, request.form)
            except MuluError as exc:
                ctx.session.rollback()
                return self.render("requests/new.html", view=self, request_type=REQUEST_TYPES[self.request_type],
                                   error=exc, form=request.form, **self.create_context(ctx)), 422
            ctx.session.commit()
            from flask import flash, redirect

            flash(gettext("已提交"), "info")
            return redirect(url_for(".detail", request_id=created.id))
        return self.render("requests/new.html", view=self, request_type=REQUEST_TYPES[self.request_type],
                           error=None, form=request.args, **self.create_context(ctx))

    def _request(self, ctx: Context, request_id: int) -> Request:
        """A request of this type the user may see; 404 otherwise (its existence is itself not for everyone)."""
        query = queries.request_query(ctx, self.request_type, self.visible(ctx), state="all").where(Request.id == request_id)
        req = ctx.session.scalars(query).first()
        if req is None:
            abort(404)
        return req


def process_counts(admin, ctx: Context) -> list[dict[str, Any]]:
    """For the home page: each process screen the user has, with its open, overdue and nearly due requests they see."""
    from registry.requests.queries import count

    rows = []
    for view in admin._views:
        if not isinstance(view, RequestView) or not view.is_visible():
            continue
        where = view.visible(ctx)
        figures = {due: count(ctx, queries.request_query(ctx, view.request_type, where, due=due or None))
                   for due in ("", "overdue", "due_soon")}
        rows.append({"name": view.name, "endpoint": view.endpoint, "open": figures[""],
                     "overdue": figures["overdue"], "due_soon": figures["due_soon"]})
    return rows
