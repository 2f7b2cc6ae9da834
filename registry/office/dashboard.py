"""The back office's home page: a welcome for now, the compiler's and reviewer's to-do list later."""
from __future__ import annotations

from flask_admin import AdminIndexView, expose

from registry.office.admin import OfficeAccess


class DashboardView(OfficeAccess, AdminIndexView):
    @expose("/")
    def index(self):
        return self.render("office/dashboard.html")
