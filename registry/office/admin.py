"""The back office frame: one Flask-Admin at ``/admin/`` that every domain adds its screens to.

A domain contributes views by exposing ``register(admin)`` in a module named
in :data:`DOMAIN_VIEWS`; its views derive from :class:`OfficeView`, which asks
for a signed-in user and serves the domain's own templates next to the theme's.
"""
from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, ClassVar

from flask import Flask, abort, flash, redirect, request, url_for
from flask_admin import Admin, BaseView
from flask_admin.theme import Bootstrap4Theme
from flask_login import current_user
from jinja2 import ChoiceLoader, FileSystemLoader

from registry.accounts.models import Role
from registry.core.context import Context
from registry.core.errors import MuluError

#: Modules whose ``register(admin)`` adds their screens, in menu order.
DOMAIN_VIEWS: tuple[str, ...] = (
    "registry.catalog.views",
    "registry.imports.views",
    "exports.views",
    "registry.review.views",
    "registry.accounts.admin_views",
    "registry.audit.views",
    "registry.accounts.token_views",
    "registry.lists.views",
    "registry.sharing.views",
    "registry.feedback.views",
    "registry.monitoring.views",
    "registry.sourcing.views",
    "registry.assessment.views",
    "registry.notifications.views",
    "registry.mounts.views",
)


class OfficeAccess:
    """Signed-in users only; anyone else is sent to sign in and brought back afterwards.

    ``roles`` (when set) limits who sees the view in the menu; a view still
    refuses a request it does not allow with 403 (see :meth:`require_role`).
    """

    roles: ClassVar[tuple[Role, ...] | None] = None

    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    def is_visible(self) -> bool:
        return self.roles is None or (current_user.is_authenticated and current_user.role in self.roles)

    def require_role(self) -> None:
        if self.roles is not None and current_user.role not in self.roles:
            abort(403)


class OfficeView(OfficeAccess, BaseView):
    """Base class of the back-office screens; ``templates_dir`` names the domain's template folder."""

    templates_dir: ClassVar[str | None] = None

    def create_blueprint(self, admin: Admin):
        blueprint = super().create_blueprint(admin)
        if self.templates_dir:
            # Flask-Admin's blueprint carries the theme's templates; the domain's own come first.
            blueprint.jinja_loader = ChoiceLoader([FileSystemLoader(self.templates_dir), blueprint.jinja_loader])
        return blueprint


def carry_out(ctx: Context, work: Callable[[], Any], done: str | Callable[[Any], str], then: str,
              refused_to: str | None = None):
    """A form post's one operation: commit and say ``done`` (or ``done(result)``), or roll back and say
    why in Chinese; then redirect to ``then`` (``refused_to`` after a refusal, when given)."""
    try:
        result = work()
    except MuluError as exc:
        ctx.session.rollback()
        flash(str(exc), "error")
        return redirect(refused_to or then)
    ctx.session.commit()
    flash(done(result) if callable(done) else done, "info")
    return redirect(then)


def init_admin(app: Flask) -> Admin:
    """Create the back office on ``app`` and let each domain in :data:`DOMAIN_VIEWS` add its views."""
    from flask_babel import lazy_gettext

    from registry.office.dashboard import DashboardView

    admin = Admin(
        app,
        name=lazy_gettext("Mulu 政务数据资源目录"),
        url="/admin",
        theme=Bootstrap4Theme(fluid=True),
        index_view=DashboardView(name=lazy_gettext("首页"), endpoint="admin", url="/admin"),
    )
    for module in DOMAIN_VIEWS:
        import_module(module).register(admin)
    return admin
