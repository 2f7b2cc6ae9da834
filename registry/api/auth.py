"""Who calls the API: a personal token (``Authorization: Bearer``) or the browser's session.

Token calls need no CSRF token and are rate-limited per token; session calls
that write must send ``X-CSRFToken``, as the back office's forms do.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, g, request
from flask_login import current_user

from registry.api.errors import error_response

#: Token use is recorded at most this often (a write per API call would serialise readers).
LAST_USED_RESOLUTION = timedelta(minutes=10)
_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def install_auth(app: Flask) -> None:
    from flask_limiter import Limiter

    from registry.api import PREFIX

    manager = app.login_manager
    settings = app.extensions["mulu"].settings

    @manager.request_loader
    def _from_token(req):
        header = req.headers.get("Authorization", "")
        if not req.path.startswith(PREFIX) or not header.startswith("Bearer "):
            return None
        return _token_user(header[len("Bearer "):].strip())

    limiter = Limiter(key_func=lambda: f"token:{_calling_token().id}", app=app, storage_uri=settings.rate_limit_storage,
                      headers_enabled=True, default_limits=[])
    token_limit = limiter.shared_limit(settings.api_rate_limit, scope="api-token",
                                       exempt_when=lambda: _calling_token() is None)

    @app.before_request
    def _api_gate():
        if not request.path.startswith(PREFIX + "/") or request.endpoint in (None, "swagger_ui_asset") \
                or request.endpoint.startswith("api-docs."):
            return None
        if _has_nul():
            return error_response(422, "请求中含有空字符（NUL），无法处理")
        bad_token = "Authorization" in request.headers and not current_user.is_authenticated
        if bad_token:
            return error_response(401, "API 令牌无效、已吊销或已过期")
        if request.method in _UNSAFE and current_user.is_authenticated and g.get("api_token") is None:
            from flask_wtf.csrf import CSRFError, validate_csrf

            try:
                validate_csrf(request.headers.get("X-CSRFToken"))
            except CSRFError:
                return error_response(400, "浏览器会话的写操作须带 X-CSRFToken")
            except Exception:  # flask-wtf raises ValidationError subclasses for missing/expired tokens
                return error_response(400, "浏览器会话的写操作须带有效的 X-CSRFToken")
        return None

    for blueprint in app.blueprints.values():
        if blueprint.url_prefix and blueprint.url_prefix.startswith(PREFIX):
            token_limit(blueprint)

    @app.errorhandler(429)
    def _too_many(exc):
        if request.path.startswith(PREFIX):
            return error_response(429, f"请求过于频繁（{exc.description}），请稍后再试")
        return exc


def _has_nul() -> bool:
    """NUL in the query or a JSON body: PostgreSQL cannot store or compare it, so refuse it up front.
    (Uploaded files may hold NUL bytes; the importers read those.)"""
    if b"\x00" in request.query_string or b"%00" in request.query_string:
        return True
    body = request.get_data(as_text=True) if request.is_json else ""
    return "\x00" in body or "\\u0000" in body.lower()


def _calling_token():
    """The token of this call, if it came with one; asking for the user is what loads it (the limiter
    runs before any view has looked at ``current_user``)."""
    current_user.is_authenticated  # noqa: B018  (loads the user, and with it g.api_token)
    return g.get("api_token")


def _token_user(token: str):
    """The token's user, loaded into the request's session; the lookup and the last-use mark run in
    short sessions of their own, before the request's (which may hold SQLite's write lock) begins."""
    from registry.accounts.models import ApiToken, User
    from registry.accounts.tokens import user_for_token
    from registry.app import request_session, runtime
    from registry.core.db import unit_of_work, utcnow
    from registry.core.localtime import aware

    with unit_of_work(runtime().sessions, write=False) as session:
        found = user_for_token(runtime().context(session), token)
        if found is None:
            return None
        user_id, token_id, last_used = found[0].id, found[1].id, found[1].last_used_at
    if last_used is None or utcnow() - aware(last_used) > LAST_USED_RESOLUTION:
        with unit_of_work(runtime().sessions) as session:
            session.get(ApiToken, token_id).last_used_at = utcnow()
    session = request_session()
    g.api_token = session.get(ApiToken, token_id)
    return session.get(User, user_id)
