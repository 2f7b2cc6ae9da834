"""Named connections to the departments' databases, defined outside the catalog, opened read-only and time-limited.

The catalog stores a connection's *name* only. Its URL (with the password) is
read from the instance folder's ``connections.toml``::

    [connections.hr]
    url = "postgresql+psycopg://reader:secret@10.0.0.5/hr"
    label = "人事管理系统库"
    organisations = ["11411300MB0000001X"]   # the departments whose compilers may use it
    timeout = 10                             # optional: seconds, for connecting and for each statement

    [connections.open_data]
    url = "postgresql+psycopg://reader:secret@10.0.0.6/open"
    everyone = true                          # every department may use it

or from an environment variable ``MULU_CONNECTION_HR=<url>`` (which wins over
the file's URL), with ``MULU_CONNECTION_HR_ORGANISATIONS=<code>,<code>`` (or
``*`` for every department) saying who may use it.

A connection serves no department unless it says which (``organisations``)
or says ``everyone = true``: a department's database is not open to every
other department's compilers by default. A department's compilers list, read
and mount only the connections that serve it; the authority (数据主管部门)
and the system (the CLI) may list and read any, but a table is mounted on an
item only from a connection that serves the item's provider, and each check
asks again (a connection that stopped serving the provider is not read).

Every URL that is shown, logged, audited or put in an error is masked
(:func:`mask_url`), and errors never chain the driver's exception, whose text
or arguments might carry the credentials.

Sessions are read-only by design: Mulu only reflects tables and reads
``max(...)`` of a timestamp column. The database is asked to enforce it where
it can (PostgreSQL ``default_transaction_read_only``, MySQL ``SET SESSION
TRANSACTION READ ONLY``, SQLite ``PRAGMA query_only``); connections use
accounts that may only read, as the deployment notes say.
"""
from __future__ import annotations

import os
import re
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote, quote_plus

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.engine import Connection as DBConnection
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from registry.core.errors import ConfigError, MuluError

ENV_PREFIX = "MULU_CONNECTION_"
#: ``MULU_CONNECTION_<NAME>_ORGANISATIONS``: who may use an environment-defined connection (codes, or ``*``).
ENV_ORGANISATIONS_SUFFIX = "_ORGANISATIONS"
CONFIG_FILE = "connections.toml"
#: Seconds allowed for connecting and for each statement, unless a connection says otherwise.
DEFAULT_TIMEOUT = 15.0
_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")


class SourceError(MuluError):
    """A mounted source could not be read; the message is Chinese and carries no credentials."""


def mask_url(url: str | URL) -> str:
    """The URL as it may be shown anywhere: the password replaced by ``***``."""
    try:
        parsed = url if isinstance(url, URL) else make_url(str(url))
    except (ArgumentError, ValueError):
        return "（无法解析的连接地址）"
    return parsed.render_as_string(hide_password=True)


def scrub(text: str, url: str | URL | None) -> str:
    """``text`` with the URL's password removed wherever it appears (plain or URL-encoded)."""
    if not url:
        return text
    try:
        parsed = url if isinstance(url, URL) else make_url(str(url))
    except (ArgumentError, ValueError):
        return text
    secret = parsed.password
    if secret:
        for form in {str(secret), quote(str(secret), safe=""), quote_plus(str(secret))}:
            text = text.replace(form, "***")
    return text


@dataclass(frozen=True)
class Connection:
    """A named, configured source database. ``repr`` and ``str`` never show the password."""

    name: str
    url: str = field(repr=False)
    label: str = ""
    organisations: frozenset[str] = frozenset()
    timeout: float = DEFAULT_TIMEOUT
    #: Every department may use it (``everyone = true``); otherwise only ``organisations``.
    everyone: bool = False

    @property
    def masked_url(self) -> str:
        return mask_url(self.url)

    @property
    def dialect(self) -> str:
        return make_url(self.url).get_backend_name()

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_url}）"

    def serves(self, org_code: str | None) -> bool:
        """Whether a department may use it: the ones it names, or every one if it says ``everyone``; none otherwise."""
        return self.everyone or (org_code is not None and org_code.strip().upper() in self.organisations)

    @property
    def served(self) -> str:
        """Who may use it, as the CLI and the docs say it."""
        if self.everyone:
            return "所有单位可用"
        if self.organisations:
            return f"限 {'、'.join(sorted(self.organisations))} 使用"
        return "未指定可用单位：仅数据主管部门和系统可读取，不能挂接"


def adhoc_connection(url: str, timeout: float = DEFAULT_TIMEOUT) -> Connection:
    """A connection given by URL (the operator's CLI); refused if the URL cannot be read."""
    try:
        make_url(url)
    except (ArgumentError, ValueError):
        raise SourceError("连接地址无法解析；应为 SQLAlchemy URL，如 postgresql+psycopg://用户@主机/库") from None
    return Connection(name="", url=url, label="", timeout=timeout)


@dataclass(frozen=True)
class ConnectionRegistry:
    """The instance's named connections."""

    connections: dict[str, Connection]

    def names(self) -> list[str]:
        return sorted(self.connections)

    def get(self, name: str) -> Connection:
        found = self.connections.get((name or "").strip().lower())
        if found is None:
            raise SourceError(f"未配置名为“{name}”的连接（请在实例目录的 {CONFIG_FILE} 或环境变量 {ENV_PREFIX}<名称> 中配置）")
        return found

    def usable_by(self, org_code: str | None, everything: bool = False) -> list[Connection]:
        """The connections a department may use (``everything``: all of them, for the authority and the system)."""
        return [c for _, c in sorted(self.connections.items()) if everything or c.serves(org_code)]

    @classmethod
    def load(cls, instance_path: Path, environ: dict[str, str] | None = None) -> ConnectionRegistry:
        """Read ``connections.toml`` in the instance folder, then ``MULU_CONNECTION_*``; bad entries stop start-up."""
        env = dict(os.environ if environ is None else environ)
        found: dict[str, Connection] = {}
        path = Path(instance_path) / CONFIG_FILE
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path} 格式不正确：{exc}") from None
            for name, entry in (data.get("connections") or {}).items():
                found[_checked_name(name, str(path))] = _from_entry(name.lower(), entry, str(path))
        served: dict[str, tuple[str, str]] = {}
        for key, value in env.items():
            if not key.startswith(ENV_PREFIX) or not value.strip():
                continue
            if key.upper().endswith(ENV_ORGANISATIONS_SUFFIX):
                served[_checked_name(key[len(ENV_PREFIX):-len(ENV_ORGANISATIONS_SUFFIX)], key)] = (key, value)
                continue
            name = _checked_name(key[len(ENV_PREFIX):], key)
            base = found.get(name)
            found[name] = _from_entry(name, {"url": value.strip(), **({"label": base.label, "timeout": base.timeout,
                                                                      "organisations": sorted(base.organisations),
                                                                      "everyone": base.everyone} if base else {})}, key)
        for name, (key, value) in served.items():
            if name not in found:
                raise ConfigError(f"{key}：没有名为“{name}”的连接（应与 {ENV_PREFIX}{name.upper()} 或 {CONFIG_FILE} 中的连接同名）")
            codes = [code.strip() for code in value.split(",") if code.strip()]
            everyone = codes == ["*"]
            if not everyone and "*" in codes:
                raise ConfigError(f"{key}：应为以逗号分隔的机构代码，或单独一个 *（所有单位）")
            found[name] = replace(found[name], everyone=everyone,
                                  organisations=frozenset() if everyone else frozenset(c.upper() for c in codes))
        return cls(found)


def _checked_name(name: str, where: str) -> str:
    lowered = name.strip().lower()
    if not _NAME.match(lowered):
        raise ConfigError(f"{where}：连接名“{name}”只能由字母、数字、下划线和连字符组成（至多 64 个字符）")
    return lowered


def _from_entry(name: str, entry: object, where: str) -> Connection:
    if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
        raise ConfigError(f"{where}：连接“{name}”须有 url")
    url = entry["url"]
    try:
        make_url(url)
    except (ArgumentError, ValueError):
        raise ConfigError(f"{where}：连接“{name}”的 url 不是有效的 SQLAlchemy URL") from None
    timeout = entry.get("timeout", DEFAULT_TIMEOUT)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 < timeout <= 600:
        raise ConfigError(f"{where}：连接“{name}”的 timeout 应为 1–600 秒")
    orgs = entry.get("organisations", [])
    if not isinstance(orgs, list) or not all(isinstance(o, str) for o in orgs):
        raise ConfigError(f"{where}：连接“{name}”的 organisations 应为机构代码的列表")
    everyone = entry.get("everyone", False)
    if not isinstance(everyone, bool):
        raise ConfigError(f"{where}：连接“{name}”的 everyone 应为 true 或 false")
    if everyone and orgs:
        raise ConfigError(f"{where}：连接“{name}”不能同时写 everyone = true 和 organisations")
    return Connection(name=name, url=url, label=str(entry.get("label") or ""), organisations=frozenset(o.strip().upper() for o in orgs),
                      timeout=float(timeout), everyone=everyone)


# -- opening ---------------------------------------------------------------------------

def engine_options(url: str | URL, timeout: float) -> dict:
    """``create_engine`` keyword arguments that time-limit and (where the database can) enforce read-only sessions."""
    backend = make_url(url).get_backend_name() if not isinstance(url, URL) else url.get_backend_name()
    seconds = max(1, round(timeout))
    if backend == "postgresql":
        options = f"-c statement_timeout={seconds * 1000} -c lock_timeout={seconds * 1000} -c default_transaction_read_only=on"
        return {"connect_args": {"connect_timeout": seconds, "options": options}}
    if backend in ("mysql", "mariadb"):
        return {"connect_args": {"connect_timeout": seconds, "read_timeout": seconds, "write_timeout": seconds,
                                 "init_command": "SET SESSION TRANSACTION READ ONLY"}}
    if backend == "sqlite":
        return {"connect_args": {"timeout": float(timeout)}}
    if backend == "mssql":
        return {"connect_args": {"timeout": seconds, "login_timeout": seconds}}
    return {}


def _read_only_sqlite(url: str) -> str | URL:
    """An SQLite file is opened read-only (``mode=ro``): a mistyped path fails instead of creating an empty database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:" \
            or parsed.database.startswith("file:"):
        return url
    path = Path(parsed.database).resolve().as_posix()
    return parsed.set(database=f"file:{path}", query={**parsed.query, "mode": "ro", "uri": "true"})


def _sqlite_guard(engine: Engine, timeout: float) -> None:
    """SQLite has no statement timeout: a progress handler ends any statement running past it; no writes either."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA query_only = ON")

    @event.listens_for(engine, "before_cursor_execute")
    def _deadline(conn, cursor, statement, parameters, context, executemany) -> None:
        deadline = time.monotonic() + timeout
        conn.connection.dbapi_connection.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)


@contextmanager
def opened(connection: Connection) -> Iterator[DBConnection]:
    """A read-only, time-limited connection; any failure becomes a :class:`SourceError` with the URL masked."""
    url = connection.url
    try:
        engine = create_engine(_read_only_sqlite(url), poolclass=NullPool, **engine_options(url, connection.timeout))
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise SourceError(f"无法连接 {connection.masked_url}：不支持的数据库类型或缺少驱动（{scrub(type(exc).__name__ + ': ' + str(exc), url)}）") from None
    if engine.dialect.name == "sqlite":
        _sqlite_guard(engine, connection.timeout)
    try:
        try:
            with engine.connect() as conn:
                yield conn
                conn.rollback()  # nothing was written, and nothing may be
        except SQLAlchemyError as exc:
            raise SourceError(describe_failure(exc, connection)) from None
    finally:
        engine.dispose()


def describe_failure(exc: BaseException, connection: Connection) -> str:
    """A Chinese account of a database failure: the masked URL and the driver's own words, password removed."""
    original = getattr(exc, "orig", None) or exc
    detail = " ".join(str(original).split())
    detail = scrub(detail, connection.url)[:500]
    lowered = detail.lower()
    if "timeout" in lowered or "timed out" in lowered or "interrupted" in lowered or "canceling statement" in lowered:
        reason = "连接或查询超时"
    elif "password" in lowered or "authentication" in lowered or "access denied" in lowered:
        reason = "身份验证失败"
    elif "does not exist" in lowered or "unable to open" in lowered or "unknown database" in lowered:
        reason = "数据库不存在或无法打开"
    elif "could not connect" in lowered or "connection refused" in lowered or "connection to server" in lowered:
        reason = "无法连接数据库服务器"
    else:
        reason = "数据库返回错误"
    who = f"连接“{connection.name}”（{connection.masked_url}）" if connection.name else connection.masked_url
    return f"{who}：{reason}：{detail}"
