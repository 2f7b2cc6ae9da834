"""E-mail of notices: the settings, one message per mailbox, and a server that asks for a password."""
from __future__ import annotations

import logging

import pytest
from review.people import PASSWORD, make_people
from world import TEST_TYPE, notices_of, smtp_env, smtp_server

from registry.accounts.operations import create_user
from registry.core.config import load_settings
from registry.core.errors import ConfigError
from registry.notifications import mail
from registry.notifications.mail import (
    deliver,
    plan_batches,
    queued_notices,
    record_delivery,
)
from registry.requests.engine import open_request

DEPT_MAILBOX = "shuju@scjgj.example.gov.cn"


def test_mail_settings_are_read_checked_and_the_password_never_shown(tmp_path):
    quiet = load_settings({}, instance_path=tmp_path)
    assert not quiet.sends_email and quiet.smtp_port == 25
    settings = load_settings({**smtp_env(2525), "MULU_SMTP_USER": "mulu", "MULU_SMTP_PASSWORD": "Mima#2026",
                              "MULU_SMTP_STARTTLS": "yes"}, instance_path=tmp_path)
    assert settings.sends_email and settings.smtp_port == 2525 and settings.smtp_starttls
    assert "Mima#2026" not in repr(settings)
    for bad, message in (({"MULU_SMTP_HOST": "mail.example.gov.cn"}, "MULU_SMTP_FROM"),
                         ({**smtp_env(25), "MULU_SMTP_PORT": "70000"}, "端口"),
                         ({**smtp_env(25), "MULU_SMTP_FROM": "mulu"}, "电子邮箱"),
                         ({**smtp_env(25), "MULU_SMTP_USER": "mulu"}, "MULU_SMTP_PASSWORD"),
                         ({**smtp_env(465), "MULU_SMTP_SSL": "1", "MULU_SMTP_STARTTLS": "1"}, "只能选一个"),
                         # In production a password never crosses the network in the clear.
                         ({**smtp_env(25), "MULU_SMTP_USER": "mulu", "MULU_SMTP_PASSWORD": "Mima#2026",
                           "MULU_ENV": "production", "MULU_SECRET_KEY": "x" * 40}, "须加密")):
        with pytest.raises(ConfigError, match=message):
            load_settings(bad, instance_path=tmp_path)


@pytest.fixture()
def queued(ctx):
    """Two compilers of one department (one in its internal unit) told of the same request, queued for e-mail."""
    people = make_people(ctx)
    people.orgs.dept.contact_email = DEPT_MAILBOX  # the unit has no address of its own: its department's is used
    create_user(ctx, "unit_compiler", "compiler", people.orgs.unit.code, PASSWORD)
    open_request(ctx, TEST_TYPE, organisation=people.orgs.dept, title="企业登记信息共享申请")
    ctx.session.commit()
    return notices_of(ctx.session)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the test server has no certificate
def test_one_message_per_mailbox_to_a_server_that_asks_for_a_password(ctx, queued, tmp_path, caplog, monkeypatch):
    assert {(n.user.username, n.email_state) for n in queued} == {("compiler", "pending"), ("unit_compiler", "pending")}
    [batch] = plan_batches(queued_notices(ctx.session), "https://mulu.example.gov.cn/")
    assert batch.address == DEPT_MAILBOX and len(batch.notices) == 2
    assert batch.organisations == ("南阳市市场监督管理局", "登记注册科")
    assert batch.subject == "【政务数据资源目录】1 条待办提醒"
    assert batch.body.count("企业登记信息共享申请") == 1
    assert "https://mulu.example.gov.cn/admin/notifications/" in batch.body

    # After refusing PLAIN, smtplib retries with AUTH LOGIN and an initial response, which aiosmtpd
    # answers only when the client gives up: do not wait the full production timeout for that.
    monkeypatch.setattr(mail, "SMTP_TIMEOUT", 1)
    with smtp_server(login=("mulu", "Mima#2026")) as mailbox:
        env = {**smtp_env(mailbox.port), "MULU_SMTP_USER": "mulu"}
        with caplog.at_level(logging.WARNING):
            refused = deliver(load_settings({**env, "MULU_SMTP_PASSWORD": "Cuowu#2026"}, instance_path=tmp_path), [batch])
        assert refused.failed == [batch] and not refused.sent and "无法连接邮件服务器" in refused.errors[0]
        assert "Cuowu#2026" not in caplog.text + " ".join(refused.errors)
        sent = deliver(load_settings({**env, "MULU_SMTP_PASSWORD": "Mima#2026"}, instance_path=tmp_path), [batch])
    assert sent.sent == [batch] and mailbox.to(DEPT_MAILBOX)[0]["Subject"] == batch.subject
    record_delivery(ctx.session, sent)
    ctx.session.expire_all()
    assert {n.email_state for n in notices_of(ctx.session)} == {"sent"}
    assert queued_notices(ctx.session) == []
