"""``mulu deadlines check`` as a scheduler runs it, against a fresh database, with a real SMTP server.

The request is opened on 2026-09-30 under binzhou (share_request_answer: 2 working days). By the 2026
schedule the State Council published, 10-01…10-07 are National Day holidays and Saturday 10-10 is a
make-up working day, so it is due on Friday 2026-10-09: nearly due from Thursday 10-08, overdue on
Saturday 10-10.
"""
from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from review.people import make_people
from sqlalchemy import select
from world import TEST_TYPE, free_port, notices_of, smtp_env, smtp_server

from registry.app import Runtime
from registry.cli import main
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.notifications.models import Notification
from registry.requests.engine import due_status, open_request
from registry.requests.models import Request

DUE = date(2026, 10, 9)


def mulu(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def office(cli_env, monkeypatch):
    """A fresh binzhou instance with everyone, and one request from the county asked of a city department."""
    monkeypatch.setenv("MULU_PROFILE", "binzhou")
    assert mulu("db", "upgrade").exit_code == 0
    runtime = Runtime(load_settings())
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        people = make_people(ctx)
        people.orgs.dept.contact_email = "shuju@scjgj.example.gov.cn"
        req = open_request(people.as_(ctx, "county_compiler"), TEST_TYPE, organisation=people.orgs.dept,
                           requester=people.orgs.county_dept, title="企业登记信息共享申请", today=date(2026, 9, 30))
        assert req.due_at == DUE
        request_id = req.id
    yield runtime, request_id
    runtime.engine.dispose()


def _reminders(runtime) -> list[tuple[str, str, date, str | None]]:
    with unit_of_work(runtime.sessions, write=False) as session:
        return [(n.user.username, n.kind, n.due_at, n.email_state) for n in notices_of(session, "due_soon", "overdue")]


def _check(*args: str) -> tuple[int, dict]:
    result = mulu("deadlines", "check", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_reminds_once_when_nearly_due_then_once_when_overdue(office):
    runtime, request_id = office
    code, report = _check("--today", "2026-09-30")
    assert code == 0 and report["types"] == [] and _reminders(runtime) == []

    code, report = _check("--today", "2026-10-08")
    assert code == 0 and report["today"] == "2026-10-08"
    assert report["types"] == [{"type": TEST_TYPE, "label": "测试共享申请", "overdue": 0, "due_soon": 1, "notified": 1, "emailed": 0}]
    assert report["email"] == {"configured": False, "sent": 0, "failed": 0, "errors": []}
    assert _reminders(runtime) == [("compiler", "due_soon", DUE, None)]  # who must act; no e-mail configured

    code, report = _check("--today", "2026-10-09")  # still nearly due, same due date: nothing new
    assert code == 0 and report["types"][0]["due_soon"] == 1 and report["totals"]["notified"] == 0

    result = mulu("deadlines", "check", "--today", "2026-10-10")  # the make-up Saturday is a working day
    assert result.exit_code == 0, result.output
    assert "期限检查：2026年10月10日" in result.output
    assert "测试共享申请：已逾期 1 件，即将到期 0 件；新提醒 1 条" in result.output
    assert "未配置邮件服务器" in result.output
    assert mulu("deadlines", "check", "--today", "2026-10-12").exit_code == 0  # run again: idempotent
    assert _reminders(runtime) == [("compiler", "due_soon", DUE, None), ("compiler", "overdue", DUE, None)]
    with unit_of_work(runtime.sessions, write=False) as session:
        overdue = session.scalar(select(Notification).where(Notification.kind == "overdue"))
        assert overdue.message == "测试共享申请“企业登记信息共享申请”的办理期限（2026年10月9日）已过，已逾期，请尽快办理。"
        assert due_status(runtime.context(session), session.get(Request, request_id), today=date(2026, 10, 10)) == "overdue"


def test_reminders_are_e_mailed_to_the_department_in_chinese(office, monkeypatch):
    runtime, _ = office
    with smtp_server() as mailbox:
        for key, value in smtp_env(mailbox.port).items():
            monkeypatch.setenv(key, value)
        code, report = _check("--today", "2026-10-10")
    assert code == 0 and report["email"] == {"configured": True, "sent": 1, "failed": 0, "errors": []}
    assert report["types"][0]["emailed"] == 2  # the reminder and the opening notice, in one message
    # The request's opening was queued as the CLI's seed committed it (no mail settings known then): sent now too.
    [message] = mailbox.to("shuju@scjgj.example.gov.cn")
    assert message["Subject"] == "【政务数据资源目录】2 条待办提醒（1 条已逾期）"
    assert message["From"].addresses[0].addr_spec == "mulu@sjj.example.gov.cn"
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert body.startswith("南阳市市场监督管理局：")
    assert "【已逾期】测试共享申请“企业登记信息共享申请”的办理期限（2026年10月9日）已过" in body
    assert "【新事项】新的测试共享申请“企业登记信息共享申请”（提出方：南召县市场监督管理局）待您办理，请于2026年10月9日前办理。" in body
    assert "/admin/notifications/" in body
    assert {state for *_, state in _reminders(runtime)} == {"sent"}


def test_smtp_down_records_the_reminders_fails_and_sends_them_next_time(office, monkeypatch):
    runtime, _ = office
    for key, value in smtp_env(free_port()).items():  # nobody listens there
        monkeypatch.setenv(key, value)
    result = mulu("deadlines", "check", "--today", "2026-10-12")
    assert result.exit_code == 1
    assert "邮件：已发送 0 封，失败 1 封" in result.stdout
    assert "无法连接邮件服务器 127.0.0.1" in result.stderr and "提醒已记录在管理后台" in result.stderr
    assert _reminders(runtime) == [("compiler", "overdue", DUE, "failed")]  # recorded all the same

    with smtp_server() as mailbox:
        for key, value in smtp_env(mailbox.port).items():
            monkeypatch.setenv(key, value)
        code, report = _check("--today", "2026-10-12")
    assert code == 0 and report["totals"]["notified"] == 0 and report["email"]["sent"] == 1
    assert len(mailbox.messages) == 1 and "【已逾期】" in mailbox.messages[0].get_content()
    assert _reminders(runtime) == [("compiler", "overdue", DUE, "sent")]
