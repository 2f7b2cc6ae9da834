"""``mulu assessment``: run an assessment, export its workbook, write the annual reports."""
from __future__ import annotations

import json
from pathlib import Path

import click

from registry.app import Runtime
from registry.cli import handles_errors, pass_runtime
from registry.core.db import unit_of_work
from registry.core.errors import FieldError, ValidationError

_today = click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                      help="按这一天计算（默认今天，北京时间）；用于补算或演练")


def _day(today):
    return today.date() if today else None


@click.group("assessment")
def cli() -> None:
    """考核 (assessment of departments) 与年度报告."""


@cli.command("run")
@click.option("--period", required=True, help="考核期间：2026、2026-Q3、2026-09 或 2026-09-30")
@click.option("--org", "org_code", help="只考核一个部门（机构代码）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@_today
@pass_runtime
@handles_errors
def run(rt: Runtime, period: str, org_code: str | None, as_json: bool, today) -> None:
    """按期间计算各部门的考核指标、总分和等次。"""
    from .api import assessment_body
    from .operations import assess
    from .periods import parse_period

    with unit_of_work(rt.sessions, write=False) as session:
        result = assess(rt.context(session), parse_period(period), org_code, today=_day(today))
    if as_json:
        click.echo(json.dumps(assessment_body(result), ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{result.profile_label} 考核 {result.period.label}（计算截至 {result.as_of:%Y-%m-%d}）")
    for org in result.ranking():
        total = "—" if org.total is None else f"{org.total:g}"
        click.echo(f"{org.code}  {org.name}  总分 {total}  {org.grade_label}")
    counts = "，".join(f"{label} {n}" for _, label, n in result.grade_distribution())
    click.echo(f"共 {len(result.orgs)} 个部门：{counts}")


def _output(path: str, suffixes: tuple[str, ...]) -> Path:
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise ValidationError(FieldError("output", f"输出文件须以 {' 或 '.join(suffixes)} 结尾", "输出文件"))
    return target


@cli.command("report")
@click.option("--period", required=True, help="考核期间：2026、2026-Q3、2026-09 或 2026-09-30")
@click.option("--org", "org_code", help="只含一个部门（机构代码）")
@click.option("-o", "--output", required=True, help="输出的 Excel 文件（.xlsx）")
@_today
@pass_runtime
@handles_errors
def report(rt: Runtime, period: str, org_code: str | None, output: str, today) -> None:
    """导出考核报表（汇总与柱状图、指标明细、等次分布、说明）。"""
    from .operations import assess
    from .periods import parse_period
    from .report import assessment_workbook, workbook_bytes

    target = _output(output, (".xlsx",))
    with unit_of_work(rt.sessions, write=False) as session:
        result = assess(rt.context(session), parse_period(period), org_code, today=_day(today))
    target.write_bytes(workbook_bytes(assessment_workbook(result)))
    click.echo(f"已导出 {result.period.label} 的考核报表（{len(result.orgs)} 个部门）到 {target}")


@cli.command("annual")
@click.option("--year", help="报告年度（如 2026），默认上一年")
@click.option("--org", "org_code", help="部门的年度报告（机构代码）；不填为全市年度报告")
@click.option("-o", "--output", required=True, help="输出文件：.xlsx（Excel）或 .html（可打印的网页）")
@_today
@pass_runtime
@handles_errors
def annual(rt: Runtime, year: str | None, org_code: str | None, output: str, today) -> None:
    """生成年度报告（南阳第六十条：部门1月底前、数据主管部门2月底前报送上一年度情况）。"""
    from .annual import annual_report
    from .printable import render_annual_html
    from .report import annual_workbook, workbook_bytes

    target = _output(output, (".xlsx", ".html"))
    with unit_of_work(rt.sessions, write=False) as session:
        found = annual_report(rt.context(session), year, org_code, today=_day(today))
    if target.suffix.lower() == ".xlsx":
        target.write_bytes(workbook_bytes(annual_workbook(found)))
    else:
        target.write_text(render_annual_html(found), encoding="utf-8")
    click.echo(f"已生成《{found.title}》到 {target}（报送期限 {found.due:%Y-%m-%d}）")

