"""``mulu deadlines check``: the scheduler's daily reminder of requests nearly due or overdue."""
from __future__ import annotations

import json
import sys
from datetime import datetime

import click

from registry.app import Runtime
from registry.cli import handles_errors, pass_runtime
from registry.core.db import unit_of_work
from registry.notifications.deadlines import DeadlineRun, TypeTally, check_deadlines
from registry.notifications.mail import MailOutcome, mail_notices
from registry.notifications.messages import chinese_date


@click.group("deadlines")
def cli() -> None:
    """办理期限：mulu deadlines check（供定时任务每天运行）。"""


@cli.command("check")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="按这一天检查（默认今天，北京时间）；用于补跑或演练")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出各类事项的统计")
@pass_runtime
@handles_errors
def check(rt: Runtime, today: datetime | None, as_json: bool) -> None:
    """检查办理期限：提醒即将到期、已逾期在办事项的办理人，并按配置发送邮件。

    每个事项、每个办理期限只提醒一次，可以反复运行；设置了 MULU_SMTP_HOST 时，
    提醒按机构汇总成一封邮件发往机构的联系邮箱，此前发送失败的邮件也一并重发。

    供定时任务每天运行，例如 cron（每天 8:30，环境变量写在 mulu.env 中）：

    \b
      30 8 * * *  . /etc/mulu/mulu.env && /srv/mulu/.venv/bin/mulu deadlines check >>/var/log/mulu/deadlines.log 2>&1

    或 systemd 定时器（OnCalendar=*-*-* 08:30）。退出码：0 正常；1 有邮件未能发出
    （提醒已记录在管理后台，下次运行时重发）；2 配置或数据库错误。
    """
    settings = rt.settings
    with unit_of_work(rt.sessions) as session:
        run = check_deadlines(rt.context(session), today.date() if today else None, email=settings.sends_email)
    outcome = mail_notices(rt.sessions, settings)
    for type_name, count in outcome.emailed_by_type().items():
        run.tally(type_name).emailed = count
    if as_json:
        click.echo(json.dumps(_as_json(run, outcome, settings.sends_email), ensure_ascii=False, indent=2))
    else:
        _print(run, outcome, settings.sends_email)
    if outcome.failed:
        click.echo(f"错误：{len(outcome.failed)} 封邮件未能发出（{'；'.join(outcome.errors)}）；"
                   "提醒已记录在管理后台，下次检查时重发", err=True)
        sys.exit(1)


def _total(run: DeadlineRun) -> TypeTally:
    total = TypeTally("合计")
    for tally in run.tallies.values():
        for name in ("overdue", "due_soon", "notified", "emailed"):
            setattr(total, name, getattr(total, name) + getattr(tally, name))
    return total


def _line(tally: TypeTally) -> str:
    return (f"{tally.label}：已逾期 {tally.overdue} 件，即将到期 {tally.due_soon} 件；"
            f"新提醒 {tally.notified} 条，邮件送达 {tally.emailed} 条")


def _print(run: DeadlineRun, outcome: MailOutcome, configured: bool) -> None:
    click.echo(f"期限检查：{chinese_date(run.today)}")
    if not run.tallies:
        click.echo("没有即将到期或已逾期的事项")
    for tally in run.tallies.values():
        click.echo(_line(tally))
    if len(run.tallies) > 1:
        click.echo(_line(_total(run)))
    if not configured:
        click.echo("邮件：未配置邮件服务器（MULU_SMTP_HOST），提醒只在管理后台显示")
    else:
        click.echo(f"邮件：已发送 {len(outcome.sent)} 封，失败 {len(outcome.failed)} 封")


def _counts(tally: TypeTally) -> dict[str, int]:
    return {"overdue": tally.overdue, "due_soon": tally.due_soon, "notified": tally.notified, "emailed": tally.emailed}


def _as_json(run: DeadlineRun, outcome: MailOutcome, configured: bool) -> dict:
    return {
        "today": run.today.isoformat(),
        "types": [{"type": name, "label": tally.label, **_counts(tally)} for name, tally in run.tallies.items()],
        "totals": _counts(_total(run)),
        "email": {"configured": configured, "sent": len(outcome.sent), "failed": len(outcome.failed),
                  "errors": outcome.errors},
        "ok": not outcome.failed,
    }
