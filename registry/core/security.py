"""Security headers and session-cookie settings on every response (等保 2.0 level 3 practice).

Scripts run only from Mulu itself or inline with the response's nonce: an injected ``<script>`` or
``onclick=`` does not run. Inline ``style=`` attributes are allowed — they cannot carry a nonce, and
styles do not execute code. The Swagger UI page alone may run its own inline start-up script.
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask, g, request

from registry.core.config import Settings

#: The one page allowed an inline script without a nonce: flask-smorest's Swagger UI (static, no user data).
SWAGGER_UI_PATH = "/api/v1/docs"

_COMMON = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)

#: Features no page of Mulu uses; denied so that an injected frame or script cannot ask for them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone",
        "payment", "usb",
    )
)


def csp_nonce() -> str:
    """This request's script nonce (one per response, unguessable)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(path: str, nonce: str) -> str:
    scripts = "script-src 'self' 'unsafe-inline'" if path == SWAGGER_UI_PATH else f"script-src 'self' 'nonce-{nonce}'"
    return "; ".join((*_COMMON, scripts))


def install(app: Flask, settings: Settings) -> None:
    """Session lifetime and cookie flags, the admin's nonce, and the headers on every response."""
    production = settings.env == "production"
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,  # development runs on plain http://localhost
        # The app marks every session permanent and Flask re-signs the cookie on each request, so this is an
        # idle timeout: a cookie last refreshed longer ago is refused by its signature's age, even if replayed.
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.session_idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
    )
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    for admin in app.extensions.get("admin", []):
        admin.csp_nonce_generator = csp_nonce  # admin_csp_nonce_attribute in templates

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(request.path, csp_nonce())
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if production:  # only behind HTTPS; in development it would pin localhost to https
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response
