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
