"""``mulu export FORMAT -o FILE [filters]`` and ``mulu export --list``."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import click

from exports.base import PUBLISHED, Selection
from exports.service import audit_export, load_formats, run_export
from registry.core.db import unit_of_work


@click.command("export")
@click.argument("name", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="输出文件")
@click.option("--list", "list_formats", is_flag=True, help="列出可用的导出格式")
@click.option("--org", "org_code", help="只导出此机构（及其内设机构）的条目")
@click.option("--status", "statuses", multiple=True, help="条目状态，可重复；默认已发布（published、change_pending）")
@click.option("--class", "class_code", type=click.Choice(["1", "2", "3"]), help="资源分类：1 基础、2 主题、3 部门")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果摘要")
@click.pass_obj
def export(rt, name: str | None, output: Path | None, list_formats: bool, org_code: str | None,
           statuses: tuple[str, ...], class_code: str | None, as_json: bool) -> None:
    """把目录导出为国家、省级、开放目录、DCAT 等格式（--list 列出全部）。"""
    from registry.cli import _progress, handles_errors

    formats = load_formats()
    if list_formats or not name:
        for fmt in sorted(formats.values(), key=lambda f: f.name):
            click.echo(f"{fmt.name:<22}{fmt.label}（{fmt.suffix}）  {fmt.description}")
        return
    if output is None:
        raise click.UsageError("请用 -o 指定输出文件")

    @handles_errors
    def run() -> None:
        selection = Selection(org_code=org_code, statuses=statuses or PUBLISHED, class_code=class_code)
        # Written beside the target and moved into place: an interrupted export leaves no half file.
        fd, partial = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent or Path("."))
        try:
            with unit_of_work(rt.sessions, write=False) as session, os.fdopen(fd, "wb") as out:
                result = run_export(rt.context(session), name, selection, out, progress_for=lambda total: _progress(f"导出 {name}", total))
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        with unit_of_work(rt.sessions) as session:
            audit_export(rt.context(session), name, selection, result)
        summary = {"format": name, "file": str(output), "items": result.items, "fields": result.fields, **result.extra}
        click.echo(json.dumps(summary, ensure_ascii=False) if as_json else
                   f"已导出 {result.items} 个条目、{result.fields} 个信息项到 {output}")

    run()
