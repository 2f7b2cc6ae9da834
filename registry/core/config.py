"""Mulu's settings: one place, each documented, read from ``MULU_*`` variables.

Every interface (web app, CLI, tests) builds its configuration with
:func:`load_settings`, so a bad value stops start-up with one clear message
instead of failing later somewhere deep inside a request.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from registry.core.errors import ConfigError

#: The development secret; refused when ``MULU_ENV`` is ``production``.
DEV_SECRET_KEY = "mulu-development-only-secret"

SEARCH_BACKENDS = ("whoosh", "postgres")


@dataclass(frozen=True)
class Settings:
    """The validated settings of one Mulu process."""

    #: ``MULU_INSTANCE_PATH``: folder holding the SQLite database, the search index and uploads.
    instance_path: Path
    #: ``MULU_DATABASE_URL``: SQLAlchemy URL; SQLite under the instance folder by default. Kept out of the
    #: settings' repr (so out of logs and tracebacks): it may hold the database password.
    database_url: str = field(repr=False)
    #: ``MULU_PROFILE``: the jurisdiction profile (vocabularies, rules, deadlines).
    profile: str = "national"
    #: ``MULU_SEARCH_BACKEND``: ``whoosh`` (embedded) or ``postgres`` (several app servers).
    search_backend: str = "whoosh"
    #: ``MULU_SECRET_KEY``: signs sessions; required when ``MULU_ENV=production``. Never shown (not in the repr).
    secret_key: str = field(default=DEV_SECRET_KEY, repr=False)
    #: ``MULU_ENV``: ``development`` (default) or ``production``.
    env: str = "development"
    #: ``MULU_SQL_ECHO``: log every SQL statement (debugging only).
    sql_echo: bool = False
    #: ``MULU_PUBLIC_URL``: the address the public reaches Mulu at; names the catalog's IRIs (DCAT) when an
    #: export runs outside a web request (the CLI). Inside a request the request's own address is used.
    public_url: str = "http://localhost/"
    #: ``MULU_API_RATE_LIMIT``: requests per token, e.g. ``600 per minute`` (Flask-Limiter notation).
    api_rate_limit: str = "600 per minute"
    #: ``MULU_RATE_LIMIT_STORAGE``: where the counts live: ``memory://`` per process; a shared store
    #: (``redis://…``) counts across app servers.
    rate_limit_storage: str = "memory://"
    #: ``MULU_SMTP_HOST``: the mail server that carries notices to organisations' contact addresses;
    #: unset (the default) sends no e-mail, and notices stay in the back office only.
    smtp_host: str | None = None
    #: ``MULU_SMTP_PORT``: its port (25 by default; usually 587 with STARTTLS).
    smtp_port: int = 25
    #: ``MULU_SMTP_USER`` / ``MULU_SMTP_PASSWORD``: sign-in to the server, when it asks for one. The
    #: password is never shown (kept out of the settings' repr, so out of logs and tracebacks).
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    #: ``MULU_SMTP_FROM``: the sender address; required with ``MULU_SMTP_HOST``.
    smtp_from: str | None = None
    #: ``MULU_SMTP_STARTTLS``: upgrade the connection with STARTTLS before signing in.
    smtp_starttls: bool = False
    #: ``MULU_SMTP_SSL``: connect with TLS from the start (SMTPS, usually port 465).
    smtp_ssl: bool = False
    #: ``MULU_AUDIT_RETENTION_MONTHS``: how long audit events are kept before ``mulu audit purge`` may
    #: delete them; at least 6 (nanyang §33: logs of data provided and obtained are kept six months or more).
    audit_retention_months: int = 36
    #: ``MULU_SESSION_IDLE_MINUTES``: a back-office session unused this long must sign in again.
    session_idle_minutes: int = 30
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sends_email(self) -> bool:
        return bool(self.smtp_host)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _port(value: str | None) -> int:
    if not (value or "").strip():
        return 25
    if not value.strip().isdigit() or not 0 < int(value) < 65536:
        raise ConfigError(f"MULU_SMTP_PORT={value!r} 不是有效的端口号（1–65535）")
    return int(value)


def _whole(name: str, value: str | None, default: int) -> int:
    if not (value or "").strip():
        return default
    if not value.strip().isdigit() or int(value) < 1:
        raise ConfigError(f"{name}={value!r} 须为正整数")
    return int(value)


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Read and validate the settings from ``environ`` (default: the process environment).

    Keyword ``overrides`` win over the environment; tests use them.
    """
    env = dict(os.environ if environ is None else environ)
    instance = Path(str(overrides.pop("instance_path", None) or env.get("MULU_INSTANCE_PATH") or "instance")).resolve()
    values: dict[str, object] = {
        "instance_path": instance,
        "database_url": env.get("MULU_DATABASE_URL") or f"sqlite:///{instance / 'mulu.db'}",
        "profile": env.get("MULU_PROFILE") or "national",
        "search_backend": env.get("MULU_SEARCH_BACKEND") or "whoosh",
        "secret_key": env.get("MULU_SECRET_KEY") or DEV_SECRET_KEY,
        "env": env.get("MULU_ENV") or "development",
        "sql_echo": _flag(env.get("MULU_SQL_ECHO")),
        "public_url": env.get("MULU_PUBLIC_URL") or "http://localhost/",
        "api_rate_limit": env.get("MULU_API_RATE_LIMIT") or "600 per minute",
        "rate_limit_storage": env.get("MULU_RATE_LIMIT_STORAGE") or "memory://",
        "smtp_host": (env.get("MULU_SMTP_HOST") or "").strip() or None,
        "smtp_port": _port(env.get("MULU_SMTP_PORT")),
        "smtp_user": env.get("MULU_SMTP_USER") or None,
        "smtp_password": env.get("MULU_SMTP_PASSWORD") or None,
        "smtp_from": (env.get("MULU_SMTP_FROM") or "").strip() or None,
        "smtp_starttls": _flag(env.get("MULU_SMTP_STARTTLS")),
        "smtp_ssl": _flag(env.get("MULU_SMTP_SSL")),
        "audit_retention_months": _whole("MULU_AUDIT_RETENTION_MONTHS", env.get("MULU_AUDIT_RETENTION_MONTHS"), 36),
        "session_idle_minutes": _whole("MULU_SESSION_IDLE_MINUTES", env.get("MULU_SESSION_IDLE_MINUTES"), 30),
    }
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    _validate(settings)
    return settings


def _validate(settings: Settings) -> None:
    # Imported here: the profile loader reads YAML and must not run at import time.
    from registry.profiles import available_profiles

    if settings.profile not in available_profiles():
        raise ConfigError(
            f"未知的辖区配置 MULU_PROFILE={settings.profile!r}；可选：{', '.join(available_profiles())}"
            f" (unknown profile; choose one of these)"
        )
    if settings.search_backend not in SEARCH_BACKENDS:
        raise ConfigError(
            f"未知的检索后端 MULU_SEARCH_BACKEND={settings.search_backend!r}；可选：{', '.join(SEARCH_BACKENDS)}"
        )
    if settings.search_backend == "postgres" and settings.is_sqlite:
        raise ConfigError("MULU_SEARCH_BACKEND=postgres 需要 PostgreSQL 数据库（MULU_DATABASE_URL）")
    try:
        from limits import parse_many

        parse_many(settings.api_rate_limit)
    except ValueError:
        raise ConfigError(f"MULU_API_RATE_LIMIT={settings.api_rate_limit!r} 不是有效的频率限制，例如 600 per minute") from None
    if settings.env not in {"development", "production"}:
        raise ConfigError(f"MULU_ENV 只能是 development 或 production，而不是 {settings.env!r}")
    if settings.smtp_host and not settings.smtp_from:
        raise ConfigError("设置了 MULU_SMTP_HOST 时必须设置发件人地址 MULU_SMTP_FROM")
    if settings.smtp_from and "@" not in settings.smtp_from:
        raise ConfigError(f"MULU_SMTP_FROM={settings.smtp_from!r} 不是有效的电子邮箱地址")
    if bool(settings.smtp_user) != bool(settings.smtp_password):
        raise ConfigError("MULU_SMTP_USER 与 MULU_SMTP_PASSWORD 须同时设置")
    if settings.smtp_ssl and settings.smtp_starttls:
        raise ConfigError("MULU_SMTP_SSL 与 MULU_SMTP_STARTTLS 只能选一个")
    if settings.env == "production" and settings.smtp_user and not (settings.smtp_ssl or settings.smtp_starttls):
        # The password would cross the network in the clear.
        raise ConfigError("生产环境登录邮件服务器须加密：请设置 MULU_SMTP_STARTTLS=1 或 MULU_SMTP_SSL=1")
    if settings.audit_retention_months < 6:
        raise ConfigError(
            f"MULU_AUDIT_RETENTION_MONTHS={settings.audit_retention_months} 过短：审计日志须至少保存 6 个月"
        )
    if settings.session_idle_minutes < 1:
        raise ConfigError("MULU_SESSION_IDLE_MINUTES 须至少为 1 分钟")
    if settings.env == "production" and settings.secret_key == DEV_SECRET_KEY:
        raise ConfigError("生产环境必须设置 MULU_SECRET_KEY (MULU_SECRET_KEY is required in production)")
