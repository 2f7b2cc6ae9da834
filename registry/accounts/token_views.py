"""API 令牌 at ``/admin/tokens/``: every signed-in user lists, creates and revokes their own personal API tokens.

A new token is shown once, in the answer to the POST that created it: it is
never flashed (the session cookie is signed, not encrypted) nor stored.
"""
from __future__ import annotations

from pathlib import Path

from flask import make_response, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from registry.accounts.tokens import create_token, list_tokens, revoke_token
from registry.app import request_context
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import ValidationError
from registry.core.localtime import aware
from registry.office.admin import OfficeView, carry_out

TEMPLATES = str(Path(__file__).with_name("templates"))


def _days(raw: str) -> int | None:
    """The optional validity in days; the service checks the range."""
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ValidationError(gettext("有效期须为整数天数"), field="days")
    return int(raw)


class TokensView(OfficeView):
    """API 令牌: the signed-in user's own tokens."""

    templates_dir = TEMPLATES

    @expose("/", methods=("GET",))
    def index(self):
        ctx = request_context()
        return self._render(ctx, {}, {})

    @expose("/", methods=("POST",))
    def create(self):
        ctx = request_context()
        form = {"name": request.form.get("name", ""), "days": request.form.get("days", "")}
        try:
            row, token = create_token(ctx, ctx.actor, form["name"], _days(form["days"]))
        except ValidationError as exc:
            ctx.session.rollback()
            return self._render(ctx, form, exc.by_field())
        ctx.session.commit()
        response = make_response(self._render(ctx, {}, {}, new_token=token, new_row=row))
        response.headers["Cache-Control"] = "no-store"  # the one page that shows the token is not kept by the browser
        return response

    @expose("/<int:token_id>/revoke", methods=("POST",))
    def revoke(self, token_id: int):
        ctx = request_context()
        return carry_out(ctx, lambda: revoke_token(ctx, token_id),
                         lambda row: gettext("已吊销令牌“%(name)s”（%(prefix)s…），使用它的调用将被拒绝", name=row.name, prefix=row.prefix),
                         url_for(".index"))

    def _render(self, ctx: Context, values: dict, errors: dict[str, list[str]], **created):
        now = utcnow()
        tokens = list_tokens(ctx, ctx.actor)
        expired = {t.id for t in tokens if t.expires_at is not None and aware(t.expires_at) <= now}
        return self.render("accounts/tokens.html", tokens=tokens, expired=expired, values=values, errors=errors,
                           **created)


def register(admin) -> None:
    admin.add_view(TokensView(name=lazy_gettext("API 令牌"), endpoint="tokens", url="/admin/tokens"))
