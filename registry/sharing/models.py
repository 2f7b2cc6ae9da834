"""The log of each use of shared data (fuzhou §29), kept against the share request that allowed it.

A share request itself is a :class:`~registry.requests.models.Request` of type
``share_request``; what it asked and what was approved live in its ``data``.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import User
from registry.catalog.models import CatalogItem
from registry.core.db import Base, utcnow
from registry.core.errors import ConflictError
from registry.orgs.models import Organisation
from registry.requests.models import Request


class ShareUse(Base):
    """共享数据使用记录：用途、使用人员、批准人员、数据内容、获取时间、获取方式和介质类型（福州第二十九条）。"""

    __tablename__ = "share_use"
    __table_args__ = (
        CheckConstraint("purpose <> '' AND user_name <> '' AND medium <> ''", name="essentials_given"),
        # Lists per item and per using organisation, newest first, within a date range.
        Index("ix_share_use_item_id_used_at", "item_id", "used_at"),
        Index("ix_share_use_organisation_id_used_at", "organisation_id", "used_at"),
        {"comment": "共享数据使用记录（日志保存不少于6个月，不可删除）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    # RESTRICT: a request or item with uses cannot vanish and take its log with it (nanyang §33).
    request_id: Mapped[int] = mapped_column(
        ForeignKey("request.id", ondelete="RESTRICT"), index=True, comment="所依据的共享申请（已同意）"
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id", ondelete="RESTRICT"), comment="所用数据的目录条目")
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), comment="使用单位（申请方）"
    )
    purpose: Mapped[str] = mapped_column(Text, comment="具体用途")
    user_name: Mapped[str] = mapped_column(String(64), comment="使用人员")
    approver_name: Mapped[str | None] = mapped_column(String(64), comment="批准人员")
    fields: Mapped[list[str]] = mapped_column(JSON, default=list, comment="使用的信息项（名称）")
    content: Mapped[str | None] = mapped_column(Text, comment="数据内容说明（记录范围、条数等）")
    used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), comment="获取时间")
    method: Mapped[str] = mapped_column(String(32), comment="获取方式（共享方式类型的规范值，如 api）")
    medium: Mapped[str] = mapped_column(String(60), comment="介质类型（如 网络传输、光盘）")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="登记时间")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), comment="登记人"
    )

    request: Mapped[Request] = relationship()
    item: Mapped[CatalogItem] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ShareUse {self.id} request={self.request_id}>"


@event.listens_for(ShareUse, "before_delete")
def _never_delete(mapper, connection, use: ShareUse) -> None:
    # The log is evidence (nanyang §33 keeps it at least six months, fuzhou §29 records every use): no
    # code path of the application removes a row; retention is the database operator's business.
    raise ConflictError("共享数据使用记录不能删除")
