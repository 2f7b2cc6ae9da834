"""The designated source of data found collected twice (一数一源): one row per decision."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.accounts.models import User
from registry.core.db import Base, utcnow
from registry.orgs.models import Organisation


class SourceDesignation(Base):
    """一数一源指定：市级审核为一组重复采集的数据指定唯一的采集来源。

    A finding is known by its key (:func:`registry.sourcing.duplicates.finding_key`);
    the member codes record what the reviewer saw, so a finding whose members have
    changed since is shown open again. Decisions are kept, the latest one counts.
    """

    __tablename__ = "source_designation"
    __table_args__ = (
        CheckConstraint("finding_key <> ''", name="finding_key_not_empty"),
        {"comment": "一数一源：重复采集数据的指定来源"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    finding_key: Mapped[str] = mapped_column(String(32), index=True, comment="重复采集发现的键（由成员条目代码导出）")
    member_codes: Mapped[list[str]] = mapped_column(JSON, comment="指定时该发现所含的条目代码")
    source_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True, comment="指定的数据来源部门（须为成员条目的提供方之一）"
    )
    note: Mapped[str | None] = mapped_column(Text, comment="指定说明")
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), comment="指定人（市级审核员或数据主管部门）"
    )
    resolved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="指定时间")

    source: Mapped[Organisation] = relationship(foreign_keys=[source_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    def __repr__(self) -> str:
        return f"<SourceDesignation {self.finding_key} → {self.source_id}>"
