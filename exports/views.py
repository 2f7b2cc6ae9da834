"""目录导出 in the back office: every format one click away, with the same filters as the CLI."""
from __future__ import annotations

from pathlib import Path

from flask_admin import expose
from flask_babel import lazy_gettext

from exports.base import PUBLISHED
from exports.service import load_formats
from registry.accounts.permissions import CATALOG_ROLES
from registry.app import request_context
from registry.catalog.models import ItemStatus
from registry.office.admin import OfficeView
from registry.orgs.models import OrgLevel
from registry.orgs.operations import list_orgs


class ExportsView(OfficeView):
    roles = tuple(CATALOG_ROLES)
    templates_dir = str(Path(__file__).with_name("templates"))

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        orgs = [o for o in list_orgs(ctx) if o.level in (OrgLevel.CITY, OrgLevel.COUNTY, OrgLevel.DEPARTMENT)]
        formats = sorted(load_formats().values(), key=lambda f: f.name)
        return self.render("exports/index.html", formats=formats, orgs=orgs, statuses=list(ItemStatus),
                           published=PUBLISHED, profile=ctx.profile)


def register(admin) -> None:
    admin.add_view(ExportsView(name=lazy_gettext("目录导出"), endpoint="exports", url="/admin/exports"))
