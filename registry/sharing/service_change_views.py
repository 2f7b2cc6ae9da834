"""共享服务变更告知 at ``/admin/service-changes/``: the provider's notice, its users, confirming or cancelling it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext
from werkzeug.datastructures import MultiDict

from registry.accounts.permissions import can
from registry.catalog.operations import get_item
from registry.core.context import Context
from registry.core.errors import FieldError, NotFound, ValidationError
from registry.requests.models import Request
from registry.requests.views import RequestView
from registry.sharing import service_changes


def item_for_notice(ctx: Context, code: str | None):
    try:
        return get_item(ctx, (code or "").strip())
    except NotFound:
        raise ValidationError(FieldError("item", f"没有代码为“{code or ''}”的目录条目", service_changes.LABELS["item"])) from None


class ServiceChangeView(RequestView):
    request_type = service_changes.TYPE
    templates_dir = str(Path(__file__).with_name("templates"))
    panels = ("sharing/_service_change_panel.html",)
    create_template = "sharing/_service_change_form.html"

    def visible(self, ctx: Context):
        return service_changes.visible_notices(ctx)

    def may_create(self, ctx: Context) -> bool:
        return ctx.actor is not None and can(ctx.actor, "share:announce_change", ctx.actor.organisation.department)

    def create(self, ctx: Context, form: MultiDict) -> Request:
        item = item_for_notice(ctx, form.get("item"))
        return service_changes.announce_service_change(ctx, item, form)

    def create_context(self, ctx: Context) -> dict[str, Any]:
        return {"kinds": service_changes.KINDS, "earliest": service_changes.earliest_effective_day(ctx)}

    def panel_context(self, ctx: Context, req: Request) -> dict[str, Any]:
        return {"sees_users": service_changes.sees_users(ctx, req)}

    def may_act(self, ctx: Context, req: Request, action: str) -> bool:
        return can(ctx.actor, "share:announce_change", req.organisation)


def register(admin) -> None:
    admin.add_view(ServiceChangeView(name=lazy_gettext("共享服务变更告知"), endpoint="service_changes",
                                     url="/admin/service-changes", category=lazy_gettext("流程")))
