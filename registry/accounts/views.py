"""Sign in and sign out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from registry.accounts.auth import AuthError, authenticate
from registry.app import request_context, request_session, runtime
from registry.audit.operations import record_event

bp = Blueprint("accounts", __name__, template_folder="templates")


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("用户名"), validators=[DataRequired(lazy_gettext("请输入用户名"))])
    password = PasswordField(lazy_gettext("口令"), validators=[DataRequired(lazy_gettext("请输入口令"))])


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        session = request_session()
        ctx = runtime().context(session, ip=request.remote_addr)
        try:
            user = authenticate(ctx, form.username.data, form.password.data)
        except AuthError as exc:
            session.commit()  # the failure count and its audit event must stick
            flash(str(exc), "error")
            return render_template("accounts/login.html", form=form), 401
        session.commit()
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    ctx = request_context()
    record_event(ctx, "auth:logout", "user", current_user.username, {})
    ctx.session.commit()
    logout_user()
    flash(gettext("已退出登录"), "info")
    return redirect(url_for("accounts.login"))


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after sign-in is a phishing aid."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("admin.index")
