"""The notifications tests' world: a request type of their own, a real SMTP server, and reading notices back."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.notifications.models import Notification
from registry.requests.engine import Action, RequestType, register

#: A two-stage request with a refusal that can be taken to the authority, like a share request.
TEST_TYPE = "notifications_test_share"

register(RequestType(
    TEST_TYPE, "测试共享申请",
    states={"open": "办理中", "approved": "已同意", "refused": "已拒绝"},
    actions={
        "answer": Action("answer", "答复", frozenset({"open"}), "open", stages=frozenset({"answer"}),
                         next_stage="deliver", deadline_key="demand_available"),
        "approve": Action("approve", "同意", frozenset({"open"}), "approved"),
        "refuse": Action("refuse", "拒绝", frozenset({"open"}), "refused", needs_reason=True),
        "escalate": Action("escalate", "提请协调", frozenset({"refused"}), "open", next_stage="coordination",
                           deadline_key="share_request_answer"),
    },
    deadline_key="share_request_answer",
    stages={"answer": "待答复", "deliver": "待提供", "coordination": "主管部门协调"},
    first_stage="answer",
))


def notices_of(session: Session, *kinds: str) -> list[Notification]:
    query = select(Notification).order_by(Notification.id)
    if kinds:
        query = query.where(Notification.kind.in_(kinds))
    return list(session.scalars(query))


def recipients(session: Session, request_id: int, kind: str) -> set[str]:
    """Usernames notified of ``kind`` about the request."""
    return {n.user.username for n in notices_of(session, kind) if n.request_id == request_id}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    """What a real SMTP server received: one parsed message per delivery."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"

    def to(self, address: str, wait: float = 0) -> list[EmailMessage]:
        """What reached ``address``; with ``wait``, up to that many seconds for something to arrive."""
        deadline = time.monotonic() + wait
        while True:
            found = [m for m, rcpt in zip(self.messages, self.recipients) if address in rcpt]
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[Mailbox]:
    """An SMTP server (aiosmtpd) on a free loopback port, collecting what it receives; with ``login``,
    it requires that user and password (over plain SMTP: the test has no certificate)."""
    mailbox = Mailbox(free_port())
    options = {}
    if login:
        def authenticate(server, session, envelope, mechanism, auth_data):
            given = (auth_data.login.decode(), auth_data.password.decode())
            return AuthResult(success=given == login)

        options = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port, **options)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def smtp_env(port: int) -> dict[str, str]:
    return {"MULU_SMTP_HOST": "127.0.0.1", "MULU_SMTP_PORT": str(port), "MULU_SMTP_FROM": "mulu@sjj.example.gov.cn"}
