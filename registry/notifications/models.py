"""Notices: one row per user and event, read in the back office and, where configured, sent by e-mail."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import User
from registry.core.db import Base, utcnow
from registry.core.i18n import N_
from registry.requests.models import Request

#: What a notice is about → its label. ``due_soon`` and ``overdue`` come from ``mulu deadlines check``.
KIND_LABELS = {
    "new": N_("新事项"),
    "stage": N_("环节变化"),
    "decided": N_("已办结"),
    "due_soon": N_("即将到期"),
    "overdue": N_("已逾期"),
}
#: Reminders of a deadline: they name the due date they remind of, once per user and date.
DUE_KINDS = ("due_soon", "overdue")
#: ``email_state``: queued, delivered, or refused by the server (sent again by the next ``mulu deadlines check``).
EMAIL_STATES = ("pending", "sent", "failed")


class Notification(Base):
    """通知：某个用户应知道的一件事项动态（新事项、环节变化、办结、即将到期、逾期）。"""

    __tablename__ = "notification"
    __table_args__ = (
        # ``mulu deadlines check`` may run any number of times a day: one reminder per due date.
        # The other kinds leave due_at empty, and empty values never collide.
        UniqueConstraint("user_id", "request_id", "kind", "due_at"),
        CheckConstraint("kind IN ('new', 'stage', 'decided', 'due_soon', 'overdue')", name="known_kind"),
        CheckConstraint("kind NOT IN ('due_soon', 'overdue') OR due_at IS NOT NULL", name="reminder_has_due_date"),
        CheckConstraint("email_state IS NULL OR email_state IN ('pending', 'sent', 'failed')", name="known_email_state"),
        Index("ix_notification_request_id", "request_id"),
        Index("ix_notification_email_state", "email_state"),
        {"comment": "通知（后台提醒，可同时发送电子邮件）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), comment="收件用户")
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), comment="所涉流程事项")
    kind: Mapped[str] = mapped_column(
        String(16), comment="new 新事项 / stage 环节变化 / decided 已办结 / due_soon 即将到期 / overdue 已逾期"
    )
    request_type: Mapped[str] = mapped_column(String(32), comment="事项类型，如 review（决定链接到哪个页面）")
    title: Mapped[str] = mapped_column(String(300), comment="事项标题（通知时）")
    message: Mapped[str] = mapped_column(Text, comment="通知内容")
    due_at: Mapped[date | None] = mapped_column(Date, comment="所提醒的办理期限（仅即将到期、逾期提醒；用于去重）")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="通知时间")
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="阅读时间（未读为空）")
    email_state: Mapped[str | None] = mapped_column(
        String(8), comment="邮件：pending 待发 / sent 已发 / failed 发送失败；不发邮件为空"
    )

    user: Mapped[User] = relationship()
    request: Mapped[Request] = relationship()

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} request={self.request_id} user={self.user_id}>"
