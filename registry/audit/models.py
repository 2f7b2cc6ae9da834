"""The audit trail: one append-only row per write, chained by hashes."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import Base, utcnow


class AuditEvent(Base):
    """审计事件：谁、何时、从哪里、对什么做了什么，以及字段级差异。"""

    __tablename__ = "audit_event"
    __table_args__ = {"comment": "审计日志（只追加，哈希链）"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键，亦为链上顺序")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True, comment="发生时间")
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True, comment="操作人（系统任务为空）"
    )
    actor_name: Mapped[str | None] = mapped_column(String(64), comment="操作人登录名（用户删除后仍可读）")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), comment="操作人所属机构"
    )
    tag: Mapped[str] = mapped_column(String(48), index=True, comment="动作标签，如 item:update")
    object_type: Mapped[str] = mapped_column(String(32), comment="对象类型")
    object_id: Mapped[str | None] = mapped_column(String(64), index=True, comment="对象标识")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, comment="结构化内容（字段级差异等）")
    ip: Mapped[str | None] = mapped_column(String(45), comment="来源 IP")
    prev_hash: Mapped[str | None] = mapped_column(String(64), comment="前一事件的哈希")
    hash: Mapped[str] = mapped_column(String(64), comment="本事件哈希（含前一哈希）")
