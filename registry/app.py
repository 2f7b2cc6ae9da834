"""The application factory and the per-process runtime (settings, engine, sessions)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from flask import Flask, g
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from registry.core.config import Settings, load_settings
from registry.core.context import Context
from registry.core.db import make_engine, make_session_factory
from registry.profiles import Profile, load_profile


@dataclass
class Runtime:
    """What one process needs to talk to its database under its profile."""

    settings: Settings

    def __post_init__(self) -> None:
        from registry.search import install

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
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.env == "production",
    )
    app.extensions["mulu"] = runtime

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()

    from registry.imports.views import bp as imports_bp
    from registry.web.views import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(imports_bp)
    return app


def runtime() -> Runtime:
    from flask import current_app

    return current_app.extensions["mulu"]


def request_session() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db_session" not in g:
        g.db_session = runtime().sessions()
    return g.db_session
