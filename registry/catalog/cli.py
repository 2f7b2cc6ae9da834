"""``mulu catalog …`` commands: templates and imports."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from registry.app import Runtime
from registry.cli import _progress, fail, handles_errors, pass_runtime
from registry.core.db import unit_of_work
from registry.core.errors import ValidationError


@click.group()
def catalog() -> None:
    """目录编制：模板与导入 (catalog templates and imports)."""


@catalog.command("template")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="输出的 .xlsx 文件")
@pass_runtime
def catalog_template(rt: Runtime, output: str) -> None:
    """生成当前辖区配置的目录填报模板（含下拉选项、填写说明和示例）。"""
    from importers.template import write_template

    write_template(rt.profile, output)
    click.echo(f"已生成模板 {output}（{rt.profile.label}）")


@catalog.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_code", help="导入到此机构（编目员默认为本单位）；文件中未填提供方时使用")
@click.option("--dry-run", is_flag=True, help="只检查，不写入")
@click.option("--report", type=click.Path(dir_okay=False), help="输出标注了问题的工作簿（.xlsx）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@click.option("--partial", is_flag=True, help="有问题时仍导入其余正确的条目")
@click.option("--create-orgs", is_flag=True, help="自动登记文件中未登记的提供方（须有有效的机构代码）")
@pass_runtime
@handles_errors
def catalog_import(rt: Runtime, file: str, org_code: str | None, dry_run: bool, report: str | None, as_json: bool,
                   partial: bool, create_orgs: bool) -> None:
    """导入目录工作簿。退出码：0 全部导入，1 有条目被拒绝，2 用法错误或文件无法读取。"""
    from importers.sources import ImportFileError
    from registry.imports.operations import commit_import, plan_import

    try:
        with unit_of_work(rt.sessions, write=not dry_run) as session:
            ctx = rt.context(session)
            plan = plan_import(ctx, file, Path(file).name, org_code=org_code, create_orgs=create_orgs)
            if not dry_run:
                commit_import(ctx, plan, partial=partial, progress=_progress("写入", plan.count("create")))
    except ImportFileError as exc:
        fail(str(exc), 2)
    except ValidationError as exc:  # the --org given does not exist or is not the user's: bad use
        fail(str(exc), 2)
    if report:
        from importers.report import write_report

        write_report(plan, file, report)
    written = not dry_run and (plan.clean or partial)
    _print_summary(plan, dry_run, written, as_json)
    sys.exit(0 if plan.clean else 1)


def _print_summary(plan, dry_run: bool, written: bool, as_json: bool) -> None:
    summary = plan.summary()  # for a dry run: what importing would do
    if not dry_run and not written:
        summary.update(created=0, updated=0)
    if as_json:
        click.echo(json.dumps({**summary, "dry_run": dry_run, "written": written}, ensure_ascii=False, indent=2))
        return
    verb = "试导入" if dry_run else ("已导入" if written else "未导入（有问题，未写入任何条目；可用 --partial 只导入正确的条目）")
    click.echo(f"{plan.filename}（{plan.layout}）{verb}：新建 {summary['created']}，更新 {summary['updated']}，"
               f"未变 {summary['unchanged']}，拒绝 {summary['rejected']}，信息项 {summary['fields']}")
    for note in plan.notes:
        click.echo(f"  提示：{note}", err=True)
    for problem in plan.problems[:200]:
        where = "·".join(str(x) for x in (problem.sheet, f"第{problem.row}行" if problem.row else None, f"{problem.column}列" if problem.column else None) if x)
        click.echo(f"  {where}：{problem.message}", err=True)
    if len(plan.problems) > 200:
        click.echo(f"  ……另有 {len(plan.problems) - 200} 个问题（用 --report 输出完整标注）", err=True)


@catalog.command("imports")
@click.option("--json", "as_json", is_flag=True)
@pass_runtime
@handles_errors
def catalog_imports(rt: Runtime, as_json: bool) -> None:
    """列出最近的导入记录。"""
    from registry.imports.operations import list_imports

    with unit_of_work(rt.sessions, write=False) as session:
        rows = [
            {"id": b.id, "at": b.created_at.isoformat(), "by": b.actor_name, "file": b.filename, "sha256": b.file_hash,
             "outcome": b.outcome.value, "created": b.created, "updated": b.updated, "unchanged": b.unchanged,
             "rejected": b.rejected, "fields": b.fields}
            for b in list_imports(rt.context(session))
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(f"#{r['id']} {r['at'][:19]} {r['by']} {r['file']} {r['outcome']} 新建{r['created']} 更新{r['updated']} 未变{r['unchanged']} 拒绝{r['rejected']}")


@catalog.command("from-db")
@click.argument("source")
@click.option("--table", required=True, help="表名")
@click.option("--schema", help="模式（schema）；不填为连接的默认模式")
@click.option("--org", "org_code", help="提供方机构代码（--save 时必填）")
@click.option("--set", "assignments", multiple=True, metavar="KEY=VALUE",
              help="替换推荐值，可重复，如 --set update_cycle=每月 --set open_basis=…")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出推荐的条目")
@click.option("--save", is_flag=True, help="经正常校验保存为草稿（之后照常送审）")
@pass_runtime
@handles_errors
def catalog_from_db(rt: Runtime, source: str, table: str, schema: str | None, org_code: str | None,
                    assignments: tuple[str, ...], as_json: bool, save: bool) -> None:
    """反编目：读取数据库表结构，推荐一个目录条目及其信息项。

    SOURCE 是 SQLAlchemy URL（如 postgresql+psycopg://用户:口令@主机/库），或实例中配置的连接名。
    只读取表结构，不保存；--save 保存为草稿。退出码：0 成功，1 无法读取或校验未通过，2 用法错误。
    """
    from registry.core.errors import ConfigError
    from registry.mounts.connections import adhoc_connection
    from registry.mounts.operations import save_and_mount
    from registry.mounts.reflection import propose_from_table
    from registry.mounts.transactions import releasing
    from registry.mounts.sources import sources_for

    if save and not org_code:
        fail("--save 须同时用 --org 指定提供方", 2)
    overrides = _assignments(assignments)
    try:
        sources = sources_for(rt.settings)
    except ConfigError as exc:
        fail(str(exc), 2)
    connection = adhoc_connection(source) if "://" in source else sources.connections.get(source)
    proposal, saved, errors = None, None, []
    try:
        # Start as a reader: the live table is read with no transaction open, and --save writes afterwards.
        with unit_of_work(rt.sessions, write=False) as session:
            ctx = rt.context(session)
            proposal = propose_from_table(ctx, connection, table, schema, org_code, overrides,
                                          release=releasing(session, write=save))
            if save:  # a named connection's table is mounted too
                saved = save_and_mount(ctx, sources, proposal, release=releasing(session)).item.code
    except ValidationError as exc:
        if proposal is None:
            raise
        errors = exc.errors
    _print_proposal(proposal, saved, errors, as_json)
    sys.exit(1 if errors else 0)


def _assignments(assignments: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            fail(f"--set 应写成 KEY=VALUE，而不是“{assignment}”", 2)
        values[key.strip()] = value.strip()
    return values


def _print_proposal(proposal, saved: str | None, errors: list, as_json: bool) -> None:
    if as_json:
        body = {**proposal.as_dict(), "saved": saved}
        if errors:
            body["problems"] = [{"field": e.field, "label": e.label or e.field, "message": e.message} for e in errors]
        click.echo(json.dumps(body, ensure_ascii=False, indent=2, default=str))
    else:
        entry = proposal.entry
        click.echo(f"数据库：{proposal.source}  表：{proposal.table.qualified_name}")
        click.echo(f"推荐条目：{entry.get('name')}（提供方：{entry.get('provider') or '未指定'}）")
        click.echo(f"  摘要：{entry.get('summary')}")
        click.echo(f"  格式：{entry.get('format_class')} / {entry.get('format_type')}；共享：{entry.get('share_type')}；"
                   f"开放：{entry.get('open_type')}；更新周期：{entry.get('update_cycle')}")
        click.echo(f"信息项（{len(entry.get('fields', []))}）：序号 名称 英文名 数据类型 长度 主键")
        for index, field in enumerate(entry.get("fields", []), start=1):
            click.echo(f"  {index:>3} {field['name']} {field.get('technical_name', '')} {field.get('data_type', '')} "
                       f"{field.get('length') or '-'} {'是' if field.get('is_primary_key') else ''}".rstrip())
        for note in proposal.notes:
            click.echo(f"提示：{note}", err=True)
        if saved:
            click.echo(f"已保存为草稿：{saved}（请在后台核对后提交审核）")
    shown = errors or ([] if saved or not proposal.problems else proposal.problems)
    for error in shown:
        click.echo(f"{'错误' if errors else '须修改'}：{error}", err=True)
