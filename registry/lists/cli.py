"""``mulu lists …``: the responsibility list as a file or as JSON, for the data authority's scripts."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from registry.app import Runtime
from registry.cli import fail, handles_errors, pass_runtime
from registry.core.db import unit_of_work


@click.group("lists")
def cli() -> None:
    """责任清单与需求清单 (responsibility and demand lists)."""


@cli.command("responsibility")
@click.option("--org", "org_code", help="机构代码：部门（含内设机构），或县（区）、市（其下全部部门）；不填为全市")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="输出文件：.xlsx 或 .csv")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（有 -o 时只输出摘要）")
@pass_runtime
@handles_errors
def responsibility(rt: Runtime, org_code: str | None, output: str | None, as_json: bool) -> None:
    """导出责任清单：由已发布目录分解形成，目录变化后重新导出即为最新。"""
    from registry.lists.responsibility import scope_for

    if not output and not as_json:
        fail("请用 -o 指定输出文件（.xlsx 或 .csv），或用 --json 输出到屏幕", 2)
    suffix = Path(output).suffix.lower() if output else ""
    if output and suffix not in (".xlsx", ".csv"):
        fail(f"输出文件应为 .xlsx 或 .csv，而不是“{suffix or Path(output).name}”", 2)
    with unit_of_work(rt.sessions, write=False) as session:
        ctx = rt.context(session)
        scope = scope_for(ctx, org_code)
        if output:
            written = _write(ctx, scope, output, suffix)
            if as_json:
                click.echo(json.dumps({**written, "as_of": _iso(written["as_of"]), "file": output}, ensure_ascii=False, indent=2))
            else:
                who = scope.org.name if scope.org is not None else "全市"
                click.echo(f"已导出{who}责任清单 {output}：条目 {written['items']}，信息项 {written['fields']}，"
                           f"版本 {written['version']}")
            return
        _dump_json(ctx, scope)


def _write(ctx, scope, output: str, suffix: str) -> dict:
    from registry.lists.responsibility_export import write_csv, write_xlsx

    if suffix == ".xlsx":
        return write_xlsx(ctx, scope, output)
    with open(output, "w", encoding="utf-8-sig", newline="") as handle:  # with a BOM, so Excel reads it as UTF-8
        return write_csv(ctx, scope, handle)


def _dump_json(ctx, scope) -> None:
    """The whole list as one JSON document (the API's shape, without paging), written as it is read."""
    from registry.lists.responsibility import (
        contacts,
        duty_body,
        iter_duties,
        labels,
        stamp,
    )

    meta = stamp(ctx, scope)
    head = {"org": _org(scope), "as_of": _iso(meta.as_of), "version": meta.version, "total": meta.items}
    out = sys.stdout
    out.write(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "items": [')
    label, people = labels(ctx), {}
    for n, duty in enumerate(iter_duties(ctx, scope)):
        if duty.department_id not in people:
            people.update(contacts(ctx, {duty.department_id}))
        out.write(("," if n else "") + "\n    " + json.dumps(duty_body(ctx, duty, people, label), ensure_ascii=False))
    out.write("\n  ]\n}\n")


def _org(scope) -> dict | None:
    org = scope.org
    return None if org is None else {"code": org.code, "name": org.name, "contact_name": org.contact_name,
                                     "contact_phone": org.contact_phone, "contact_email": org.contact_email}


def _iso(at) -> str | None:
    return at.isoformat() if at is not None else None
