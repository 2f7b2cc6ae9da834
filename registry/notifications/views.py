"""通知 at ``/admin/notifications/``: the signed-in user's notices, newest first, and marking them read."""
from __future__ import annotations

from pathlib import Path

from flask import abort, has_request_context, request, url_for
from flask_admin import expose
from flask_babel import gettext, ngettext
from flask_login import current_user
from markupsafe import Markup, escape

from registry.app import request_context
from registry.core.errors import NotFound
from registry.notifications.links import request_url
from registry.notifications.models import KIND_LABELS
from registry.notifications.operations import (
    get_notice,
    list_notices,
    mark_all_read,
    mark_read,
    unread_count,
)
from registry.office.admin import OfficeView, carry_out

PAGE_SIZE = 50


def unread_notice_count() -> int:
    """The signed-in user's unread notices (0 outside a request or signed out); a template global."""
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    return unread_count(request_context())


class MenuLabel:
    """The menu entry “通知”, with the unread count as a badge, worked out each time the menu is drawn."""

    def __str__(self) -> str:
        count = unread_notice_count()
        return gettext("通知") + (f" ({count})" if count else "")

    def __html__(self) -> str:
        count = unread_notice_count()
        badge = Markup(' <span class="badge badge-warning" id="unread-notices">{}</span>').format(count) if count else ""
        return str(escape(gettext("通知")) + badge)


class NotificationsView(OfficeView):
    """Every signed-in user's own notices; the separated administrators simply have none."""

    templates_dir = str(Path(__file__).parent / "templates")

    @expose("/")
    def index(self):
        ctx = request_context()
        unread_only = request.args.get("unread") == "1"
        page = int(request.args["page"]) if request.args.get("page", "").isdigit() else 1
        rows, total = list_notices(ctx, unread=unread_only, page=page, per_page=PAGE_SIZE)
        return self.render(
            "notifications/list.html", rows=rows, total=total, unread_only=unread_only, unread=unread_count(ctx),
            page=page, pages=max(1, -(-total // PAGE_SIZE)), link=request_url, kinds=KIND_LABELS,
            page_url=lambda p: url_for(".index", **{**request.args.to_dict(), "page": p}),
        )

    @expose("/<int:notice_id>/read", methods=("POST",))
    def read(self, notice_id: int):
        ctx = request_context()
        try:
            get_notice(ctx, notice_id)
        except NotFound:
            abort(404)  # another user's notice is not even there
        return carry_out(ctx, lambda: mark_read(ctx, notice_id), gettext("已标为已读"), self._back())

    @expose("/read-all", methods=("POST",))
    def read_all(self):
        ctx = request_context()
        return carry_out(ctx, lambda: mark_all_read(ctx),
                         lambda n: ngettext("已将 %(num)d 条通知标为已读", "已将 %(num)d 条通知标为已读", n), self._back())

    def _back(self) -> str:
        """Back to the list as it was filtered (only the list's own arguments are kept)."""
        args = {k: v for k, v in request.form.items() if k in ("unread", "page") and v.isdigit()}
        return url_for(".index", **args)


def register(admin) -> None:
    admin.add_view(NotificationsView(name=MenuLabel(), endpoint="notifications", url="/admin/notifications"))
    admin.app.add_template_global(unread_notice_count, "unread_notice_count")
