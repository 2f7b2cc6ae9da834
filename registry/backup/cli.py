"""``mulu backup -o FILE`` and ``mulu restore FILE``: one file holding the database and the uploads.

The search index is not archived but rebuilt on restore (see :mod:`registry.backup.archive`);
``connections.toml``, ``synonyms.txt`` and the ``MULU_*`` settings are the operator's
configuration and are backed up with it, separately. Exit codes: 0 done, 1 refused (a tampered
or newer archive, a non-empty target), 2 bad use.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from registry.app import Runtime
from registry.cli import handles_errors, pass_runtime
from registry.core.db import unit_of_work


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="备份文件路径（.zip）；已存在时覆盖")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出清单")
@pass_runtime
@handles_errors
def backup(rt: Runtime, output: Path, as_json: bool) -> None:
    """备份数据库与上传文件到一个文件（一致的快照；检索索引在恢复时重建）。"""
    from registry.audit.operations import record_event
    from registry.backup.archive import create_backup

    snapshot = create_backup(rt, output)
    manifest = snapshot.manifest
    # Audited after the snapshot: the event describes the file, so it cannot be inside it.
    with unit_of_work(rt.sessions) as session:
        record_event(rt.context(session), "backup:create", "backup", snapshot.path.name, {
            "sha256": snapshot.sha256, "alembic_revision": manifest["alembic_revision"], "counts": manifest["counts"],
        })
    if as_json:
        click.echo(json.dumps({"file": str(snapshot.path), "sha256": snapshot.sha256, "size": snapshot.path.stat().st_size,
                               **{k: v for k, v in manifest.items() if k != "members"},
                               "members": len(manifest["members"])}, ensure_ascii=False, indent=2))
        return
    counts = manifest["counts"]
    click.echo(f"已备份到 {snapshot.path}（{snapshot.path.stat().st_size:,} 字节，SHA-256 {snapshot.sha256}）：")
    click.echo(f"  数据库 {manifest['database_backend']}（版本 {manifest['alembic_revision']}）：{counts['items']:,} 个条目、"
               f"{counts['fields']:,} 个信息项、{counts['requests']:,} 个流程、{counts['audit_events']:,} 个审计事件；"
               f"上传文件 {counts['uploads']:,} 个")
    click.echo("  未含连接配置（connections.toml）与环境设置，请另行备份")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="目标数据库已有数据时仍然覆盖")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@pass_runtime
@handles_errors
def restore(rt: Runtime, archive: Path, force: bool, as_json: bool) -> None:
    """从备份文件恢复到本实例（先校验；目标须为空，除非 --force）；恢复后重建检索索引。请先停止 Web 服务。"""
    from registry.backup.restore import restore_backup

    done = restore_backup(rt, archive, force=force)
    manifest = done.manifest
    if as_json:
        click.echo(json.dumps({"file": str(archive), "created_at": manifest["created_at"],
                               "database_backend": manifest["database_backend"], "profile": manifest["profile"],
                               "revision_from": done.revision_from, "revision_to": done.revision_to,
                               "counts": manifest["counts"], "uploads": done.uploads, "indexed": done.indexed,
                               "replaced": done.replaced}, ensure_ascii=False, indent=2))
        return
    counts = manifest["counts"]
    upgraded = f"，并已升级到 {done.revision_to}" if done.revision_to != done.revision_from else ""
    click.echo(f"已从 {archive} 恢复 {manifest['created_at_local']} 的备份（数据库版本 {done.revision_from}{upgraded}）：")
    click.echo(f"  {counts['items']:,} 个条目、{counts['fields']:,} 个信息项、{counts['requests']:,} 个流程、"
               f"{counts['audit_events']:,} 个审计事件；上传文件 {done.uploads:,} 个；检索索引已重建（{done.indexed:,} 个条目）")
    if manifest["profile"] != rt.settings.profile:
        click.echo(f"注意：备份来自辖区配置 {manifest['profile']}，本实例为 {rt.settings.profile}；请确认 MULU_PROFILE", err=True)
