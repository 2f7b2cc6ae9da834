"""``mulu audit …``: checking the hash chain and purging events past their retention.

``mulu audit verify`` is meant for a scheduler as well as for an assessor: exit 0 when the chain is intact,
1 when an event was altered, inserted or deleted. ``mulu audit purge`` deletes only events older than
``MULU_AUDIT_RETENTION_MONTHS`` (at least 6) and leaves an anchor so the rest still verifies. Both are audited.
"""
from __future__ import annotations

import json
import sys

import click
from sqlalchemy import func, select

from registry.app import Runtime
from registry.cli import handles_errors, pass_runtime
from registry.core.db import unit_of_work

#: How many problems the JSON output lists (the count is always given).
LISTED_PROBLEMS = 100


@click.group("audit")
def cli() -> None:
    """审计日志 (audit log)."""


@cli.command("verify")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@pass_runtime
@handles_errors
def verify(rt: Runtime, as_json: bool) -> None:
    """校验审计日志哈希链。退出码：0 完整，1 发现篡改、插入或删除。"""
    from registry.audit.models import AuditEvent
    from registry.audit.operations import record_event
    from registry.audit.queries import check_chain

    with unit_of_work(rt.sessions) as session:
        ctx = rt.context(session)
        checked = session.scalar(select(func.count()).select_from(AuditEvent))
        problems = check_chain(ctx)
        record_event(ctx, "audit:verify", "audit_event", None, {"intact": not problems, "problems": problems[:20], "via": "cli"})
    if as_json:
        click.echo(json.dumps({"checked": checked, "intact": not problems, "problem_count": len(problems),
                               "problems": problems[:LISTED_PROBLEMS]}, ensure_ascii=False, indent=2))
    elif not problems:
        click.echo(f"已校验 {checked} 个审计事件：哈希链完整，未发现篡改、插入或删除。")
    else:
        click.echo(f"已校验 {checked} 个审计事件：发现 {len(problems)} 处问题。第一处：{problems[0]}")
    if problems:
        sys.exit(1)


@cli.command("purge")
@click.option("--dry-run", is_flag=True, help="只报告将删除哪些事件，不删除")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出结果")
@pass_runtime
@handles_errors
def purge(rt: Runtime, dry_run: bool, as_json: bool) -> None:
    """删除超过保存期限（MULU_AUDIT_RETENTION_MONTHS 个月）的审计事件，并留下校验锚点。"""
    from registry.audit.retention import plan_purge, purge_events

    months = rt.settings.audit_retention_months
    with unit_of_work(rt.sessions, write=not dry_run) as session:
        ctx = rt.context(session)
        plan = plan_purge(ctx, months) if dry_run else purge_events(ctx, months)
    if as_json:
        click.echo(json.dumps({
            "dry_run": dry_run, "retention_months": months, "cutoff": plan.cutoff.isoformat(), "purged": plan.count,
            "through_id": plan.through_id, "through_at": plan.through_at.isoformat() if plan.through_at else None,
        }, ensure_ascii=False, indent=2))
        return
    older = f"早于 {plan.cutoff:%Y-%m-%d %H:%M} (UTC，保存期限 {months} 个月)"
    if not plan.count:
        click.echo(f"没有{older}的审计事件，无需清理。")
    elif dry_run:
        click.echo(f"试运行：将删除{older}的 {plan.count} 个审计事件（至事件 {plan.through_id}）；未做任何更改。")
    else:
        click.echo(f"已删除{older}的 {plan.count} 个审计事件（至事件 {plan.through_id}），并记录校验锚点。")
