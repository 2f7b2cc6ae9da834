"""The back office's home page: each user's to-do list, and the authority's figures for the whole city."""
from __future__ import annotations

from flask_admin import AdminIndexView, expose
from flask_login import current_user

from registry.accounts.models import Role
from registry.accounts.permissions import CATALOG_ROLES
from registry.app import request_context
from registry.audit.tags import tag_label
from registry.mounts.queries import mount_rate_by_org
from registry.office.admin import OfficeAccess
from registry.requests.views import process_counts
from registry.review.queries import dashboard, queue_counts, returned_to_me


class DashboardView(OfficeAccess, AdminIndexView):
    @expose("/")
    def index(self):
        if current_user.role not in CATALOG_ROLES:  # the separated administrators do no catalog work
            return self.render("office/dashboard.html", figures=None)
        ctx = request_context()
        reviewer = current_user.role is not Role.COMPILER
        return self.render(
            "office/dashboard.html", figures=dashboard(ctx), queue=queue_counts(ctx) if reviewer else None,
            returned=returned_to_me(ctx), tag_label=tag_label, processes=process_counts(self.admin, ctx),
            mounts=mount_rate_by_org(ctx),
        )
