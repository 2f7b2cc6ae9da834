"""Notices by e-mail: one plain-text message per mailbox and run, to the organisations' contact addresses.

Users have no e-mail address of their own; an organisation's data manager has
one (``Organisation.contact_email``, an internal unit's falling back to its
department's). Sending is three short steps — plan the messages in one read,
talk to the mail server holding no database transaction, record the outcome
in one write — so a slow or absent server never holds SQLite's write lock.
A failure is logged and counted, never raised: the notices are in the back
office whatever happens, and ``mulu deadlines check`` sends the failed ones again.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from registry.accounts.models import User
from registry.core.config import Settings
from registry.core.db import unit_of_work, utcnow
from registry.notifications.models import KIND_LABELS, Notification
from registry.orgs.models import Organisation

log = logging.getLogger(__name__)

#: A notice whose e-mail failed is sent again by later runs for this long, then left to the back office.
RETRY_FOR = timedelta(days=7)
#: Seconds to wait for the mail server before counting the message failed.
SMTP_TIMEOUT = 10


def address_of(org: Organisation | None) -> str | None:
    """Where an organisation's notices go: its contact address, or its department's."""
    for candidate in (org, org.department if org is not None else None):
        address = (candidate.contact_email or "").strip() if candidate is not None else ""
        if "@" in address:
            return address
    return None


@dataclass(frozen=True)
class MailBatch:
    """One message: every queued notice of one mailbox, with the request type of each (for the tallies)."""

    address: str
    organisations: tuple[str, ...]
    notices: tuple[tuple[int, str], ...]  # (notice id, request type)
    subject: str
    body: str


@dataclass
class MailOutcome:
    sent: list[MailBatch] = field(default_factory=list)
    failed: list[MailBatch] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def emailed_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for batch in self.sent:
            for _id, type_name in batch.notices:
                counts[type_name] = counts.get(type_name, 0) + 1
        return counts


# -- planning -----------------------------------------------------------------------

def queued_notices(session: Session, notice_ids: Iterable[int] | None = None, *,
                   now: datetime | None = None) -> list[Notification]:
    """The notices waiting for e-mail: ``notice_ids`` if given, else every pending or failed one still worth sending."""
    query = select(Notification).options(joinedload(Notification.user).joinedload(User.organisation))
    if notice_ids is not None:
        query = query.where(Notification.id.in_(list(notice_ids)), Notification.email_state == "pending")
    else:
        query = query.where(Notification.email_state.in_(("pending", "failed")),
                            Notification.created_at >= (now or utcnow()) - RETRY_FOR)
    return list(session.scalars(query.order_by(Notification.id)))


def plan_batches(notices: list[Notification], public_url: str) -> list[MailBatch]:
    """Group ``notices`` by mailbox; a notice several users of one office received is listed once."""
    grouped: dict[str, list[Notification]] = {}
    for notice in notices:
        address = address_of(notice.user.organisation)
        if address:
            grouped.setdefault(address.lower(), []).append(notice)
    return [_batch(group, public_url) for group in grouped.values()]


def _batch(notices: list[Notification], public_url: str) -> MailBatch:
    address = address_of(notices[0].user.organisation)
    organisations = tuple(dict.fromkeys(n.user.organisation.name for n in notices))
    lines = list(dict.fromkeys(f"【{KIND_LABELS[n.kind]}】{n.message}" for n in notices))
    overdue = sum(1 for line in lines if line.startswith(f"【{KIND_LABELS['overdue']}】"))
    subject = f"【政务数据资源目录】{len(lines)} 条待办提醒" + (f"（{overdue} 条已逾期）" if overdue else "")
    body = "\n".join([
        f"{'、'.join(organisations)}：",
        "",
        f"政务数据资源目录有 {len(lines)} 条提醒：",
        "",
        *(f"{number}. {line}" for number, line in enumerate(lines, 1)),
        "",
        f"请登录管理后台查看并办理：{public_url.rstrip('/')}/admin/notifications/",
        "",
        "（本邮件由系统自动发送，请勿直接回复。）",
    ])
    return MailBatch(address, organisations, tuple((n.id, n.request_type) for n in notices), subject, body + "\n")


# -- sending ------------------------------------------------------------------------

def _message(settings: Settings, batch: MailBatch) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = batch.subject
    message["From"] = formataddr(("政务数据资源目录", settings.smtp_from))
    message["To"] = batch.address
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2])
    message.set_content(batch.body, charset="utf-8")
    return message


def _connect(settings: Settings) -> smtplib.SMTP:
    if settings.smtp_ssl:
        smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    try:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def deliver(settings: Settings, batches: list[MailBatch]) -> MailOutcome:
    """Send each batch over one connection; failures are logged and counted, never raised."""
    outcome = MailOutcome()
    if not batches or not settings.sends_email:
        return outcome
    server = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        smtp = _connect(settings)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail server %s unreachable, %d message(s) not sent: %s", server, len(batches), exc)
        outcome.failed.extend(batches)
        outcome.errors.append(f"无法连接邮件服务器 {server}：{exc}")
        return outcome
    try:
        for batch in batches:
            try:
                smtp.send_message(_message(settings, batch))
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("mail to %s not sent: %s", batch.address, exc)
                outcome.failed.append(batch)
                outcome.errors.append(f"发往 {batch.address} 的邮件未送出：{exc}")
            else:
                outcome.sent.append(batch)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return outcome


def record_delivery(session: Session, outcome: MailOutcome) -> None:
    """Mark the notices of sent batches ``sent`` and of failed ones ``failed``; flushes."""
    for state, batches in (("sent", outcome.sent), ("failed", outcome.failed)):
        ids = [notice_id for batch in batches for notice_id, _type in batch.notices]
        if ids:
            session.execute(update(Notification).where(Notification.id.in_(ids)).values(email_state=state))
    session.flush()


def mail_notices(factory: Callable[[], Session], settings: Settings,
                 notice_ids: Iterable[int] | None = None) -> MailOutcome:
    """Send the queued notices (``notice_ids``, or all still worth sending): read, send, record — each on its own."""
    if not settings.sends_email:
        return MailOutcome()
    with unit_of_work(factory, write=False) as session:
        batches = plan_batches(queued_notices(session, notice_ids), settings.public_url)
    outcome = deliver(settings, batches)
    if batches:
        with unit_of_work(factory) as session:
            record_delivery(session, outcome)
    return outcome
