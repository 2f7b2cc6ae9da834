"""The application factory and the per-process runtime (settings, engine, sessions)."""
from __future__ import annotations

import logging

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from flask import Flask, g
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.routing import IntegerConverter

from registry.core.config import Settings, load_settings
from registry.core.context import Context
from registry.core.db import make_engine, make_session_factory
from registry.profiles import Profile, load_profile



class RowId(IntegerConverter):
    """``<int:…>`` in every route: a non-negative id that fits the INTEGER primary keys (PostgreSQL's
    32 bits), so a larger one is a 404 rather than a database error."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed: bool = False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=2**31 - 1 if max is None else max, signed=signed)


@dataclass
class Runtime:
    """What one process needs to talk to its database under its profile."""

    settings: Settings

    def __post_init__(self) -> None:
        from registry.requests import load_processes
        from registry.search import install

        load_processes()  # request types register and workflows subscribe on import
        install(self)  # side effects subscribe once per process, for the web and the CLI alike

    @cached_property
    def engine(self) -> Engine:
        if self.settings.is_sqlite:
            self.settings.instance_path.mkdir(parents=True, exist_ok=True)
        return make_engine(self.settings.database_url, echo=self.settings.sql_echo)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_session_factory(self.engine)

    @property
    def profile(self) -> Profile:
        return load_profile(self.settings.profile)

    def context(self, session: Session, actor=None, ip: str | None = None) -> Context:
        return Context(session=session, profile=self.profile, actor=actor, ip=ip)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web application; raises :class:`ConfigError` on bad settings."""
    settings = settings or load_settings()
    runtime = Runtime(settings)
    app = Flask(__name__, instance_path=str(settings.instance_path), template_folder="web/templates")
    app.url_map.converters["int"] = RowId  # before any route: ids beyond the columns' range are simply not found
    app.config.update(
        SECRET_KEY=settings.secret_key,  # cookie flags and the idle timeout: registry.core.security
        MAX_CONTENT_LENGTH=200 * 1024 * 1024,  # uploads larger than a provincial catalog are refused
        WTF_CSRF_TIME_LIMIT=None,  # the session's own lifetime bounds the token
    )
    app.extensions["mulu"] = runtime
    _install_babel(app)
    _install_login(app)
    _install_error_pages(app)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        from sqlalchemy.exc import DBAPIError

        session = g.pop("db_session", None)
        if session is None:
            return
        try:
            session.close()
        except DBAPIError:
            # The connection died under the request (a database restart) and cannot even roll back: drop it.
            # Raising here would replace the answer already made (a clear 503) with the server's bare 500.
            logging.getLogger(__name__).warning("dropping a database connection that failed to roll back", exc_info=True)
            session.invalidate()

    from exports.web import bp as catalog_rdf_bp
    from registry.accounts.views import bp as accounts_bp
    from registry.api import init_api
    from registry.office import bp as office_bp
    from registry.office.admin import init_admin
    from registry.web.views import bp as public_bp

    for blueprint in (public_bp, office_bp, accounts_bp, catalog_rdf_bp):
        app.register_blueprint(blueprint)
    init_admin(app)
    init_api(app)
    from registry.ckan import register as register_ckan

    register_ckan(app)
    from registry.core.security import install as install_security

    install_security(app, settings)  # last: the admin exists to take its nonce generator
    return app


def _install_babel(app: Flask) -> None:
    """Chinese unless the user chose English: ``?lang=en``/``?lang=zh`` sets a cookie that is remembered."""
    from flask import request
    from flask_babel import Babel

    from registry.core import i18n
    from registry.core.localtime import format_local

    i18n.compile_translations()  # a missing or stale .mo is rebuilt from the .po (fast; no binary in git)
    Babel(app, locale_selector=lambda: i18n.LOCALES[i18n.current_lang()])

    @app.before_request
    def _choose_language() -> None:
        wanted = request.args.get("lang")
        if wanted in i18n.LOCALES:
            g.mulu_lang_chosen = wanted

    @app.after_request
    def _remember_language(response):
        chosen = g.get("mulu_lang_chosen")
        if chosen and request.cookies.get(i18n.LANG_COOKIE) != chosen:
            response.set_cookie(i18n.LANG_COOKIE, chosen, max_age=i18n.LANG_COOKIE_MAX_AGE,
                                httponly=True, samesite="Lax", secure=app.config["SESSION_COOKIE_SECURE"])
        if response.mimetype == "text/html" and not response.is_streamed and not response.direct_passthrough:
            # Flask-Admin's base template writes a bare <html> with no block to override: give it the language.
            body = response.get_data()
            if b"<html>" in body[:200]:
                lang = i18n.HTML_LANG[i18n.current_lang()].encode()
                response.set_data(body.replace(b"<html>", b'<html lang="' + lang + b'">', 1))
        return response

    def lang_url(lang: str) -> str:
        """The current page in another language (a GET of the same URL with ``lang`` set)."""
        args = request.args.to_dict(flat=False)
        args["lang"] = [lang]
        return request.path + "?" + urlencode([(k, v) for k, values in args.items() for v in values])

    app.add_template_filter(i18n.translate, "tr")
    app.add_template_filter(format_local, "local")
    app.jinja_env.globals.update(lang_url=lang_url, current_lang=i18n.current_lang, html_lang=lambda: i18n.HTML_LANG[i18n.current_lang()])


#: SQLSTATEs of a lost or refused connection: class 08, a shutdown (57P01–57P03), too many connections.
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")


def _database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database could not be reached or dropped the connection (a restart, a
    network cut, SQLite's lock timeout) — worth a retry — rather than a bug (a missing table, bad SQL)."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None)
    if state:
        return state.startswith(_UNAVAILABLE_STATES)
    message = str(exc.orig).lower()  # no SQLSTATE: a failed connect (psycopg) or SQLite's lock
    return "database is locked" in message or "connection" in message


def _install_error_pages(app: Flask) -> None:
    """Server errors as a short Chinese page (or the API's JSON error), never Werkzeug's English one;
    a database that cannot be reached is a 503 the user may retry, not a 500.

    The page is plain HTML on purpose: rendering the site's layout may touch the
    database (the signed-in user), which is what may have just failed.
    """
    from flask_babel import gettext
    from markupsafe import escape
    from werkzeug.exceptions import InternalServerError

    from registry.api.errors import _is_api, error_response
    from registry.core import i18n

    def page(status: int, title: str, message: str):
        lang = i18n.HTML_LANG[i18n.current_lang()]
        body = (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
                f"<body><h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>")
        return body, status, {"Content-Type": "text/html; charset=utf-8"}

    @app.errorhandler(InternalServerError)
    def _server_error(exc: InternalServerError):
        # Flask has logged the original exception with its traceback; the user gets a message, not the traceback.
        if exc.original_exception is not None and _database_unavailable(exc.original_exception):
            message = gettext("数据库暂时不可用，请稍后重试；如果一直如此，请联系系统管理员。")
            if _is_api():
                response = error_response(503, message)
            else:
                response = app.make_response(page(503, gettext("服务暂时不可用"), message))
            response.headers["Retry-After"] = "5"
            return response
        if _is_api():
            return error_response(500)
        return page(500, gettext("服务器内部错误"), gettext("处理您的请求时出错，已记录下来；请稍后重试，或联系系统管理员。"))


def _install_login(app: Flask) -> None:
    from flask_babel import lazy_gettext
    from flask_login import LoginManager
    from flask_wtf.csrf import CSRFProtect

    from registry.accounts.models import User

    CSRFProtect(app)
    manager = LoginManager(app)
    manager.login_view = "accounts.login"
    manager.login_message = lazy_gettext("请先登录")
    manager.session_protection = "strong"

    @manager.user_loader
    def _load(user_id: str):
        user = request_session().get(User, int(user_id))
        return user if user is not None and user.is_active else None

    @app.before_request
    def _refresh_session() -> None:
        from flask import request, session

        if "Authorization" in request.headers:
            return  # an API client with a token: no session, so no cookie
        session.permanent = True


def runtime() -> Runtime:
    from flask import current_app

    return current_app.extensions["mulu"]


def request_context() -> Context:
    """The context of a signed-in user's request (views that allow anonymous use never write)."""
    from flask import request
    from flask_login import current_user

    if not current_user.is_authenticated:
        raise RuntimeError("request_context() needs a signed-in user; use @login_required")
    return runtime().context(request_session(), actor=current_user._get_current_object(), ip=request.remote_addr)


def request_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        from flask import request

        from registry.core.db import declare_write

        g.db_session = runtime().sessions()
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            declare_write(g.db_session)  # a form post writes: queue for the write lock up front
    return g.db_session
