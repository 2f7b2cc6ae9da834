"""Account screens of the separated administrators (三员分立):
用户管理 (the system administrator) at ``/admin/users/`` and
账号安全 (the security administrator) at ``/admin/security/``.

Both call the account operations, which check the permission again and
audit every change; each POST commits once or rolls back.
"""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from registry.accounts import auth
from registry.accounts.models import Role, User
from registry.accounts.operations import (
    PASSWORD_MIN_CLASSES,
    PASSWORD_MIN_LENGTH,
    USERS_PER_PAGE,
    UserFilter,
    create_user,
    get_user,
    is_locked,
    list_users,
    locked_users,
    recent_failed_logins,
    reset_password,
    unlock_user,
    update_user,
)
from registry.app import request_context
from registry.core.context import Context
from registry.core.errors import NotFound, ValidationError
from registry.office.admin import OfficeView, carry_out
from registry.orgs.operations import list_orgs

TEMPLATES = str(Path(__file__).with_name("templates"))
_ACTIVE = {"1": True, "0": False}


def _user(ctx: Context, user_id: int) -> User:
    try:
        return get_user(ctx, user_id)
    except NotFound:
        abort(404)


class UsersView(OfficeView):
    """用户管理: list, create, edit and reset passwords."""

    roles = (Role.SYSTEM_ADMIN,)
    templates_dir = TEMPLATES

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        args = request.args
        orgs = list_orgs(ctx)
        org = next((o for o in orgs if o.code == args.get("org")), None)
        flt = UserFilter(
            role=Role._value2member_map_.get(args.get("role", "")), org_id=org.id if org else None,
            active=_ACTIVE.get(args.get("active", "")), text=args.get("q", "").strip()[:64],
            page=max(1, args.get("page", 1, type=int)),
        )
        users, total = list_users(ctx, flt)
        query = {k: v for k, v in args.items() if v and k != "page"}
        return self.render(
            "accounts/user_list.html", users=users, total=total, flt=flt, orgs=orgs, org_code=org.code if org else "",
            roles=list(Role), pages=max(1, -(-total // USERS_PER_PAGE)), is_locked=is_locked,
            page_url=lambda p: url_for(".index", **query, page=p),
        )

    @expose("/new", methods=("GET", "POST"))
    def create(self):
        self.require_role()
        ctx = request_context()
        form = request.form
        if request.method == "GET":
            return self._render_create(ctx, {}, {})
        try:
            user = create_user(ctx, form.get("username", ""), form.get("role", ""), form.get("org", ""),
                               form.get("password", ""), form.get("display_name", "").strip() or None)
        except ValidationError as exc:
            ctx.session.rollback()
            return self._render_create(ctx, form, exc.by_field())
        ctx.session.commit()
        flash(gettext("已创建用户 %(name)s", name=user.username), "info")
        return redirect(url_for(".index"))

    def _render_create(self, ctx: Context, values, errors: dict[str, list[str]]):
        return self.render("accounts/user_create.html", values=values, errors=errors, roles=list(Role),
                           orgs=list_orgs(ctx), policy=_policy())

    @expose("/<int:user_id>/edit", methods=("GET", "POST"))
    def edit(self, user_id: int):
        self.require_role()
        ctx = request_context()
        user = _user(ctx, user_id)
        if request.method == "GET":
            return self._render_edit(ctx, user, _user_values(user), {})
        form = request.form
        values = {"display_name": form.get("display_name", ""), "role": form.get("role", ""),
                  "org": form.get("org", ""), "is_active": form.get("is_active") == "1"}
        try:
            diff = update_user(ctx, user, display_name=values["display_name"], role=values["role"],
                               org_code=values["org"], is_active=values["is_active"])
        except ValidationError as exc:
            ctx.session.rollback()
            return self._render_edit(ctx, user, values, exc.by_field())
        ctx.session.commit()
        flash(gettext("已保存") if diff else gettext("没有改动"), "info")
        return redirect(url_for(".edit", user_id=user.id))

    @expose("/<int:user_id>/password", methods=("POST",))
    def password(self, user_id: int):
        self.require_role()
        ctx = request_context()
        user = _user(ctx, user_id)
        try:
            reset_password(ctx, user, request.form.get("password", ""))
        except ValidationError as exc:
            ctx.session.rollback()
            return self._render_edit(ctx, user, _user_values(user), {"new_password": exc.by_field().get("password", [])})
        ctx.session.commit()
        flash(gettext("已重置 %(name)s 的口令，请通过安全渠道告知本人", name=user.username), "info")
        return redirect(url_for(".edit", user_id=user.id))

    def _render_edit(self, ctx: Context, user: User, values, errors: dict[str, list[str]]):
        return self.render("accounts/user_edit.html", user=user, values=values, errors=errors, roles=list(Role),
                           orgs=list_orgs(ctx), policy=_policy(), is_locked=is_locked(user))


def _user_values(user: User) -> dict:
    return {"display_name": user.display_name or "", "role": user.role.value, "org": user.organisation.code,
            "is_active": user.is_active}


def _policy() -> dict:
    return {"min_length": PASSWORD_MIN_LENGTH, "min_classes": PASSWORD_MIN_CLASSES,
            "max_failures": auth.MAX_FAILURES, "lockout_minutes": int(auth.LOCKOUT.total_seconds() // 60),
            "idle_minutes": int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 60)}


class AccountSecurityView(OfficeView):
    """账号安全: locked accounts, recent failed sign-ins, the policy in force, and unlocking."""

    roles = (Role.SECURITY_ADMIN,)
    templates_dir = TEMPLATES

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        return self.render("accounts/security.html", accounts=locked_users(ctx), failures=recent_failed_logins(ctx),
                           policy=_policy(), is_locked=is_locked)

    @expose("/<int:user_id>/unlock", methods=("POST",))
    def unlock(self, user_id: int):
        self.require_role()
        ctx = request_context()
        user = _user(ctx, user_id)
        return carry_out(ctx, lambda: unlock_user(ctx, user), gettext("已解锁账号 %(name)s", name=user.username),
                         url_for(".index"))


def register(admin) -> None:
    admin.add_view(UsersView(name=lazy_gettext("用户管理"), endpoint="users", url="/admin/users"))
    admin.add_view(AccountSecurityView(name=lazy_gettext("账号安全"), endpoint="account_security", url="/admin/security"))
