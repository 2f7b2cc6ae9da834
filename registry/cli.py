"""The ``mulu`` command: thin shells over the same operations the web uses.

Exit codes: 0 success, 1 the input was refused (validation, conflicts), 2 bad
use or bad configuration.
"""
from __future__ import annotations

import functools
import json
import os
import sys
import time
from datetime import date

import click

from registry.app import Runtime
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from sqlalchemy.exc import DBAPIError

from registry.core.errors import ConfigError, MuluError, ValidationError


def fail(message: str, code: int = 1) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def handles_errors(command):
    """Show service errors as Chinese messages with the right exit code, not tracebacks."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ValidationError as exc:
            for error in exc.errors:
                click.echo(f"错误：{error}", err=True)
            sys.exit(1)
        except MuluError as exc:
            fail(str(exc), 1)
        except DBAPIError as exc:  # no server, or a database never migrated
            fail(f"数据库不可用或尚未初始化（请先运行 mulu db upgrade）：{exc.orig}", 2)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """Mulu 政务数据资源目录 — government data catalog and metadata registry."""
    try:
        ctx.obj = Runtime(load_settings())
    except ConfigError as exc:
        fail(str(exc), 2)


pass_runtime = click.make_pass_decorator(Runtime)


# -- db ---------------------------------------------------------------------

@main.group()
def db() -> None:
    """数据库迁移 (database migrations)."""


@db.command("upgrade")
@pass_runtime
def db_upgrade(rt: Runtime) -> None:
    """升级数据库到最新版本，并载入工作日历。"""
    from registry.core import migrate
    from registry.core.calendar import CalendarYear, seed_calendar

    migrate.upgrade(rt.engine)
    with unit_of_work(rt.sessions) as session:
        seeded = seed_calendar(session) if session.query(CalendarYear).count() == 0 else 0
    click.echo(f"数据库已升级到 {migrate.current_revision(rt.engine)}" + (f"；已载入 {seeded} 个节假日/调休日" if seeded else ""))
    _rebuild_outdated_index(rt)


def _rebuild_outdated_index(rt: Runtime) -> None:
    """An index written by an older version may hold what this one hides (the public matching sensitive
    fields), or be dropped by a migration that changed its format; an upgrade rebuilds it rather than
    leave that to someone reading ``search check``."""
    from registry.search.backends import backend_for

    backend = backend_for(rt.settings, rt.profile)
    with rt.sessions() as session:
        drift = backend.check(session)
    if drift.outdated:
        click.echo(f"检索索引中有 {drift.outdated:,} 个条目是旧格式，正在重建……")
    elif drift.items and not drift.indexed:
        click.echo(f"检索索引为空（{drift.items:,} 个条目），正在重建……")
    else:
        return
    items = backend.reindex(rt.engine, procs=1, progress=None)
    click.echo(f"已重建检索索引：{items:,} 个条目")


@db.command("check")
@pass_runtime
def db_check(rt: Runtime) -> None:
    """检查数据库与模型、迁移脚本是否一致（不一致时退出码为 1）。"""
    from registry.core import migrate

    problems = migrate.check(rt.engine)
    for problem in problems:
        click.echo(f"错误：{problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"数据库与模型一致（版本 {migrate.current_revision(rt.engine)}）")


# -- demo -------------------------------------------------------------------

@main.group()
def demo() -> None:
    """演示数据 (demo data)."""


@demo.command("load")
@click.option("--items", default=2000, show_default=True, type=click.IntRange(1, 5_000_000), help="条目数")
@click.option("--seed", default=1, show_default=True, type=int, help="随机种子（同一种子生成同样的目录）")
@click.option("--if-empty", is_flag=True, help="目录已有条目时什么也不做（供 make run 反复执行）")
@pass_runtime
@handles_errors
def demo_load(rt: Runtime, items: int, seed: int, if_empty: bool) -> None:
    """载入一个逼真的演示目录：一个市、若干县区和部门，以及 N 个条目。"""
    from sqlalchemy import select

    from registry.catalog.models import CatalogItem
    from registry.demo.loader import load_demo

    started = time.perf_counter()
    with unit_of_work(rt.sessions) as session:
        if if_empty and session.scalar(select(CatalogItem.id).limit(1)) is not None:
            click.echo("目录中已有条目，跳过演示数据载入")
            return
        stats = load_demo(rt.context(session), items=items, seed=seed, progress=_progress("载入演示目录", items))
    click.echo(f"\n已载入 {stats.organisations} 个机构、{stats.items} 个条目、{stats.fields} 个信息项，用时 {time.perf_counter() - started:.1f} 秒")
    from registry.demo.loader import DEMO_PASSWORD

    click.echo(f"演示账号（口令均为 {DEMO_PASSWORD}）：{'、'.join(stats.users)}；管理后台 /admin/")


def _progress(label: str, total: int):
    """A progress callback printing to stderr: a bar on a terminal, quiet otherwise,
    one line per step with ``MULU_PROGRESS=lines`` (for logs and wrapping tools)."""
    state = {"last": 0.0}
    terminal = sys.stderr.isatty()
    lines = os.environ.get("MULU_PROGRESS") == "lines"

    def report(done: int) -> None:
        now = time.perf_counter()
        if not (terminal or lines) or (now - state["last"] < 0.2 and done < total):
            return
        state["last"] = now
        text = f"{label}：{done}/{total} ({done * 100 // max(total, 1)}%)"
        click.echo(text if lines else f"\r{text}", err=True, nl=lines)

    return report


# -- organisations ------------------------------------------------------------

@main.group()
def org() -> None:
    """机构 (organisations)."""


@org.command("list")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@pass_runtime
@handles_errors
def org_list(rt: Runtime, as_json: bool) -> None:
    """列出全部机构（上级在前）。"""
    from registry.orgs.operations import list_orgs

    with unit_of_work(rt.sessions, write=False) as session:
        orgs = list_orgs(rt.context(session))
        rows = [
            {"code": o.code, "name": o.name, "level": o.level.value, "parent": o.parent.code if o.parent else None,
             "region_code": o.region_code, "depth": len(o.ancestors)}
            for o in orgs
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{'  ' * row['depth']}{row['code']}  {row['name']}")


@org.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--level", required=True, type=click.Choice(["city", "county", "department", "unit"]))
@click.option("--parent", help="上级机构代码")
@click.option("--catalog-code", help="部门目录编码段（细目）")
@pass_runtime
@handles_errors
def org_create(rt: Runtime, code: str, name: str, level: str, parent: str | None, catalog_code: str | None) -> None:
    """登记一个机构。"""
    from registry.orgs.operations import create_org

    with unit_of_work(rt.sessions) as session:
        created = create_org(rt.context(session), {"code": code, "name": name, "level": level, "parent": parent, "catalog_code": catalog_code})
        click.echo(f"已登记机构 {created.code} {created.name}")


# -- users --------------------------------------------------------------------

ROLE_NAMES = ["compiler", "county_reviewer", "city_reviewer", "authority_admin", "system_admin", "security_admin", "audit_admin"]


@main.group()
def user() -> None:
    """用户 (users)."""


@user.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLE_NAMES))
@click.option("--org", "org_code", required=True, help="所属机构代码")
@click.option("--password", help="口令；不给出时交互输入")
@click.option("--display-name", help="姓名")
@pass_runtime
@handles_errors
def user_create(rt: Runtime, name: str, role: str, org_code: str, password: str | None, display_name: str | None) -> None:
    """创建用户。口令至少8位，包含三类字符。"""
    from registry.accounts.operations import create_user

    if password is None:
        password = click.prompt("口令", hide_input=True, confirmation_prompt="再次输入口令")
    with unit_of_work(rt.sessions) as session:
        created = create_user(rt.context(session), name, role, org_code, password, display_name)
        click.echo(f"已创建用户 {created.username}（{created.role.label}，{created.organisation.name}）")


# -- API tokens ---------------------------------------------------------------

@main.group()
def token() -> None:
    """API 令牌 (personal API tokens)."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="命令行创建", show_default=True, help="用途说明")
@click.option("--days", type=click.IntRange(1, 3650), help="有效天数；不给出为长期有效")
@pass_runtime
@handles_errors
def token_create(rt: Runtime, username: str, name: str, days: int | None) -> None:
    """为用户创建 API 令牌并打印出来（令牌只显示这一次，库中只存其散列）。"""
    from sqlalchemy import select

    from registry.accounts.models import User
    from registry.accounts.tokens import create_token
    from registry.core.errors import NotFound

    with unit_of_work(rt.sessions) as session:
        user = session.scalar(select(User).where(User.username == username.strip()))
        if user is None or not user.is_active:
            raise NotFound(f"没有启用中的用户“{username}”")
        _, plain = create_token(rt.context(session), user, name, days)
    click.echo(plain)


# -- calendar -----------------------------------------------------------------

@main.group()
def calendar() -> None:
    """工作日历 (working-day calendar)."""


@calendar.command("seed")
@pass_runtime
def calendar_seed(rt: Runtime) -> None:
    """从 chinese-calendar 包重新载入节假日（保留手工录入）。"""
    from registry.core.calendar import seed_calendar

    with unit_of_work(rt.sessions) as session:
        click.echo(f"已载入 {seed_calendar(session)} 个节假日/调休日")


@calendar.command("set")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--holiday/--workday", required=True, help="放假或调休上班")
@click.option("--name", help="节日名称")
@pass_runtime
def calendar_set(rt: Runtime, day, holiday: bool, name: str | None) -> None:
    """录入国务院公布的节假日或调休上班日。"""
    from registry.core.calendar import set_calendar_day

    with unit_of_work(rt.sessions) as session:
        set_calendar_day(rt.context(session), day.date(), not holiday, name)
    click.echo(f"{day.date()} 已记为{'节假日' if holiday else '调休上班日'}")


@calendar.command("add-workdays")
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("days", type=int)
@pass_runtime
def calendar_add(rt: Runtime, start, days: int) -> None:
    """计算期限：START 之后第 DAYS 个工作日。"""
    from registry.core.calendar import load_calendar

    with unit_of_work(rt.sessions, write=False) as session:
        cal = load_calendar(session)
    due: date = cal.add_workdays(start.date(), days)
    click.echo(due.isoformat())
    warning = cal.coverage_warning(start.date(), until=due)
    if warning:
        click.echo(f"注意：{warning}", err=True)


# -- serve ------------------------------------------------------------------

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_runtime
def serve(rt: Runtime, host: str, port: int) -> None:
    """启动 Web 服务（开发与单机使用；生产环境请用 gunicorn wsgi:app）。"""
    from registry.app import create_app

    create_app(rt.settings).run(host=host, port=port, threaded=True)


# Domain command groups live beside their domains.
from exports.cli import export  # noqa: E402
from registry.catalog.cli import catalog  # noqa: E402
from registry.search.cli import search  # noqa: E402
from registry.lists.cli import cli as lists_cli  # noqa: E402
from registry.assessment.cli import cli as assessment_cli  # noqa: E402
from registry.notifications.cli import cli as deadlines_cli  # noqa: E402
from registry.mounts.cli import cli as mounts_cli  # noqa: E402
from registry.audit.cli import cli as audit_cli  # noqa: E402
from registry.backup.cli import backup, restore  # noqa: E402

main.add_command(catalog)
main.add_command(search)
main.add_command(export)
main.add_command(lists_cli)
main.add_command(assessment_cli)
main.add_command(deadlines_cli)
main.add_command(mounts_cli)
main.add_command(audit_cli)
main.add_command(backup)
main.add_command(restore)
