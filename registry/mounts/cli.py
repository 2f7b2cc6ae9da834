"""``mulu mounts …``: the scheduled drift check and the configured connections.

``mulu mounts check`` is meant for a scheduler (cron, systemd timer): it
checks every mount, stores each result for the back office, and exits 0 when
everything matches, 1 when drift was found or a source could not be read
(the last line says which), 2 on bad use. The sources are read with no
transaction open on the catalog's database; the results are written after, in
one short transaction. (The back office's “check all” checks a few at a time;
this is the command that checks the whole instance.)
"""
from __future__ import annotations

import json
import sys

import click

from registry.app import Runtime
from registry.cli import fail, handles_errors, pass_runtime
from registry.core.db import unit_of_work


@click.group("mounts")
def cli() -> None:
    """资源挂接：检查挂接的库表、接口和文件是否与目录一致 (resource mounts and drift checks)."""


def _sources(rt: Runtime):
    from registry.core.errors import ConfigError
    from registry.mounts.sources import sources_for

    try:
        return sources_for(rt.settings)
    except ConfigError as exc:
        fail(str(exc), 2)


def _target(mount) -> str:
    if mount.kind.value == "table":
        return f"{mount.connection}:{mount.schema_name + '.' if mount.schema_name else ''}{mount.table_name}"
    return mount.url or mount.file_name or ""


def mount_row(mount) -> dict:
    return {
        "id": mount.id, "item_code": mount.item.code, "item_name": mount.item.name, "kind": mount.kind.value,
        "target": _target(mount), "status": mount.status.value if mount.status else None,
        "checked_at": mount.checked_at.isoformat() if mount.checked_at else None,
        "source_updated_at": mount.source_updated_at.isoformat() if mount.source_updated_at else None,
        "differences": mount.differences or [], "error": mount.error,
    }


@cli.command("check")
@click.option("--org", "org_code", help="只检查此机构（及其内设机构）的条目")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@pass_runtime
@handles_errors
def check(rt: Runtime, org_code: str | None, as_json: bool) -> None:
    """检查全部挂接：表结构漂移、格式是否相符、源数据更新时间。退出码：0 全部一致，1 有不一致或连接失败，2 用法错误。"""
    from registry.accounts.permissions import subtree_ids
    from registry.core.errors import NotFound
    from registry.mounts.checks import check_mounts
    from registry.mounts.transactions import releasing
    from registry.orgs.operations import get_org

    sources = _sources(rt)
    with unit_of_work(rt.sessions, write=False) as session:  # reads first; the write lock is taken after the looks
        ctx = rt.context(session)
        org_ids = None
        if org_code:
            try:
                org_ids = subtree_ids(session, get_org(ctx, org_code).id)
            except NotFound as exc:
                fail(str(exc), 2)
        results = check_mounts(ctx, sources, org_ids, release=releasing(session))
        rows = [mount_row(mount) for mount, _ in results]
    counts = {status: sum(1 for r in rows if r["status"] == status) for status in ("ok", "drift", "error")}
    if as_json:
        click.echo(json.dumps({"checked": len(rows), **counts, "mounts": rows}, ensure_ascii=False, indent=2))
    else:
        _print_rows(rows)
    verdict = f"共检查 {len(rows)} 项挂接：一致 {counts['ok']}，不一致 {counts['drift']}，检查失败 {counts['error']}"
    if counts["drift"] or counts["error"]:
        problems = [f"发现不一致 {counts['drift']} 项" if counts["drift"] else "", f"连接或读取失败 {counts['error']} 项" if counts["error"] else ""]
        click.echo(f"{verdict}。{'；'.join(p for p in problems if p)}", err=True)
        sys.exit(1)
    if not as_json:
        click.echo(verdict)


_LABELS = {"ok": "一致", "drift": "不一致", "error": "检查失败", None: "未检查"}


def _print_rows(rows: list[dict]) -> None:
    for row in rows:
        click.echo(f"#{row['id']} {row['item_code']} {row['item_name']}（{row['target']}）：{_LABELS[row['status']]}")
        if row["error"]:
            click.echo(f"    {row['error']}")
        for difference in row["differences"]:
            click.echo(f"    - {difference['message']}")


@cli.command("connections")
@click.option("--json", "as_json", is_flag=True)
@pass_runtime
@handles_errors
def connections(rt: Runtime, as_json: bool) -> None:
    """列出实例配置的连接（connections.toml 与 MULU_CONNECTION_*），口令已隐去，及可使用的单位。

    连接须写明可使用的单位：organisations = [机构代码…] 或 everyone = true（环境变量定义的连接用
    MULU_CONNECTION_<名称>_ORGANISATIONS=代码,代码 或 *）；都未写的连接只有数据主管部门和系统可读取，不能挂接。
    """
    found = _sources(rt).connections
    rows = [{"name": c.name, "label": c.label, "url": c.masked_url, "timeout": c.timeout,
             "organisations": sorted(c.organisations), "everyone": c.everyone, "served": c.served}
            for c in found.connections.values()]
    rows.sort(key=lambda r: r["name"])
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("没有配置连接（见实例目录的 connections.toml 或环境变量 MULU_CONNECTION_<名称>）")
    for row in rows:
        click.echo(f"{row['name']}  {row['label']}  {row['url']}（超时 {row['timeout']:g} 秒；{row['served']}）")

