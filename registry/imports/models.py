"""The record of each catalog import: who uploaded which file, and what came of it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import Base, utcnow
from registry.core.enums import LabelledEnum, enum_column
from registry.core.i18n import N_


class ImportOutcome(LabelledEnum):
    COMMITTED = ("committed", N_("已导入"))
    PARTIAL = ("partial", N_("部分导入"))
    REJECTED = ("rejected", N_("未导入"))


class ImportBatch(Base):
    """一次目录导入：文件、操作人、结果计数。"""

    __tablename__ = "import_batch"
    __table_args__ = {"comment": "目录导入记录"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True, comment="导入时间")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), comment="操作人")
    actor_name: Mapped[str] = mapped_column(String(64), comment="操作人登录名")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True, comment="限定的机构（编目员导入为本单位）"
    )
    filename: Mapped[str] = mapped_column(String(255), comment="上传文件名")
    file_hash: Mapped[str] = mapped_column(String(64), index=True, comment="文件 SHA-256")
    layout: Mapped[str] = mapped_column(String(32), comment="识别出的版式")
    outcome: Mapped[ImportOutcome] = mapped_column(enum_column(ImportOutcome, "import_outcome"), comment="结果")
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False, comment="是否仅试导入")
    created: Mapped[int] = mapped_column(Integer, default=0, comment="新建条目数")
    updated: Mapped[int] = mapped_column(Integer, default=0, comment="更新条目数（含待审变更）")
    unchanged: Mapped[int] = mapped_column(Integer, default=0, comment="未变条目数")
    rejected: Mapped[int] = mapped_column(Integer, default=0, comment="被拒条目数")
    fields: Mapped[int] = mapped_column(Integer, default=0, comment="信息项数")
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, comment="问题清单（前 1000 条）")
