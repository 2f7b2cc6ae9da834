"""Requests and their timeline."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import User
from registry.catalog.models import CatalogItem, ItemChange
from registry.core.db import Base, utcnow
from registry.orgs.models import Organisation


class Request(Base):
    """流程事项：一次审核、一条需求、一次共享申请……都有状态、办理时限和处理记录。"""

    __tablename__ = "request"
    __table_args__ = (
        # A refusal, a return or a declined demand always says why; the service explains it first, in Chinese.
        CheckConstraint(
            "state NOT IN ('returned', 'refused', 'declined', 'unmatched') "
            "OR (decision_reason IS NOT NULL AND decision_reason <> '')",
            name="refusal_has_reason",
        ),
        CheckConstraint("(closed_at IS NULL) = (state = 'open')", name="closed_iff_not_open"),
        Index("ix_request_type_state_due", "type", "state", "due_at"),
        Index("ix_request_item_id", "item_id"),
        {"comment": "流程事项（审核、需求、共享申请、纠错等）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    type: Mapped[str] = mapped_column(String(32), comment="事项类型，如 review")
    state: Mapped[str] = mapped_column(String(20), default="open", comment="状态（由事项类型定义）")
    stage: Mapped[str | None] = mapped_column(String(20), comment="办理中事项所处的环节（如先答复、后提供），各有时限")
    level: Mapped[str | None] = mapped_column(String(16), comment="审核层级：county / city / authority")
    round: Mapped[int] = mapped_column(Integer, default=1, comment="第几次提交（退回后重新提交加一）")
    title: Mapped[str] = mapped_column(String(300), comment="标题")
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True, comment="所涉机构（如目录提供方）"
    )
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True, comment="提出方机构（需求方、申请方；社会公众为空）"
    )
    item_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_item.id", ondelete="CASCADE"), comment="所涉目录条目")
    change_id: Mapped[int | None] = mapped_column(
        ForeignKey("item_change.id", ondelete="CASCADE"), comment="所审的条目变更（新编目为空）"
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, comment="事项类型自有的内容")
    due_at: Mapped[date | None] = mapped_column(Date, comment="办理期限（按工作日计算）")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="发起时间")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), comment="发起人")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="办结时间")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), comment="办理人")
    decision_reason: Mapped[str | None] = mapped_column(Text, comment="办理意见（退回、拒绝必填）")

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    requester: Mapped[Organisation | None] = relationship(foreign_keys=[requester_id])
    item: Mapped[CatalogItem | None] = relationship()
    change: Mapped[ItemChange | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Request {self.id} {self.type} {self.state}>"


class RequestEvent(Base):
    """事项的处理记录：一次动作或一条意见（可针对某个元素或信息项）。"""

    __tablename__ = "request_event"
    __table_args__ = (
        Index("ix_request_event_request_id", "request_id"),
        {"comment": "流程事项处理记录（动作与意见）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), comment="事项")
    kind: Mapped[str] = mapped_column(String(16), comment="action 动作 / comment 意见")
    action: Mapped[str | None] = mapped_column(String(32), comment="动作名，如 approve")
    target: Mapped[str | None] = mapped_column(String(240), comment="意见所针对的元素（如 share_basis、信息项:姓名）")
    text: Mapped[str | None] = mapped_column(Text, comment="意见或理由")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), comment="操作人")
    actor_name: Mapped[str | None] = mapped_column(String(64), comment="操作人姓名（用户删除后仍可读）")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="时间")

    request: Mapped[Request] = relationship(back_populates="events")
