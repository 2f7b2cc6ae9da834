"""一数一源 at ``/admin/duplicates/``: the report for reviewers and compilers, and the city review's designation."""
from __future__ import annotations

from pathlib import Path

from flask import abort, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext
from sqlalchemy import or_, select

from registry.accounts.models import Role
from registry.app import request_context
from registry.core.errors import NotFound
from registry.office.admin import OfficeView, carry_out
from registry.orgs.models import Organisation, OrgLevel
from registry.orgs.operations import get_org
from registry.sourcing import operations
from registry.sourcing.report import designation_history

PAGE_SIZE = 20
STATUSES = ("open", "resolved")


def _own_department(ctx) -> int | None:
    """A compiler's department, whose findings the report highlights."""
    actor = ctx.actor
    return actor.organisation.department.id if actor is not None and actor.role is Role.COMPILER else None


class DuplicatesView(OfficeView):
    """The one-data-one-source report; city reviewers and the authority designate the source."""

    roles = (Role.COMPILER, Role.COUNTY_REVIEWER, Role.CITY_REVIEWER, Role.AUTHORITY_ADMIN)
    templates_dir = str(Path(__file__).parent / "templates")

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        status = request.args.get("status") if request.args.get("status") in STATUSES else None
        org = self._org(ctx, request.args.get("org"))
        page = max(int(request.args["page"]), 1) if request.args.get("page", "").isdigit() else 1
        everything = operations.list_findings(ctx)
        entries = operations.list_findings(ctx, status, org)
        own = _own_department(ctx)
        if own is not None:  # the compiler's own findings first
            entries.sort(key=lambda e: own not in {p.id for p in e.finding.providers})
        return self.render(
            "sourcing/duplicates.html", entries=entries[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], total=len(entries),
            page=page, pages=max(1, -(-len(entries) // PAGE_SIZE)), status=status, org=org, own=own,
            counts={"all": len(everything), "open": sum(e.status == "open" for e in everything)},
            orgs=self._orgs(ctx, everything), may_resolve=operations.may_resolve(ctx),
            page_url=lambda p: url_for(".index", **{**request.args.to_dict(), "page": p}),
        )

    @expose("/<key>")
    def finding(self, key: str):
        self.require_role()
        ctx = request_context()
        try:
            entry = operations.get_finding(ctx, key)
        except NotFound:
            abort(404)
        return self.render("sourcing/finding.html", entry=entry, history=designation_history(ctx, key),
                           own=_own_department(ctx), may_resolve=operations.may_resolve(ctx))

    @expose("/<key>/resolve", methods=("POST",))
    def resolve(self, key: str):
        self.require_role()
        ctx = request_context()
        form = request.form
        back = url_for(".finding", key=key)
        return carry_out(ctx, lambda: operations.resolve_finding(ctx, key, form.get("source"), form.get("note")),
                         lambda d: gettext("已指定数据来源：%(name)s", name=d.source.name), back)

    @staticmethod
    def _org(ctx, code: str | None) -> Organisation | None:
        if not code:
            return None
        try:
            return get_org(ctx, code)
        except NotFound:
            abort(404)

    @staticmethod
    def _orgs(ctx, entries) -> list[Organisation]:
        """The filter's choices: the city and its counties, then the departments in the report."""
        ids = {p.id for e in entries for p in e.finding.providers}
        wanted = or_(Organisation.level.in_([OrgLevel.CITY, OrgLevel.COUNTY]), Organisation.id.in_(ids))
        orgs = ctx.session.scalars(select(Organisation).where(wanted).order_by(Organisation.code)).all()
        return sorted(orgs, key=lambda o: o.level not in (OrgLevel.CITY, OrgLevel.COUNTY))


def register(admin) -> None:
    admin.add_view(DuplicatesView(name=lazy_gettext("一数一源"), endpoint="duplicates", url="/admin/duplicates",
                                  category=lazy_gettext("流程")))
