"""The PostgreSQL backend's index: one row per catalog item, kept beside the catalog.

The table exists on every database so the schema is the same everywhere
(``mulu db check`` compares one set of models); only the PostgreSQL backend
fills it. ``words`` is a ``tsvector`` on PostgreSQL holding jieba words and
character bigrams, each weighted by the text group it came from (A name,
B field names, C other metadata, D summary and descriptions).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from registry.core.db import Base, utcnow


class SearchDocument(Base):
    """检索文档：条目的分词、二元字组与展示快照。"""

    __tablename__ = "search_document"
    __table_args__ = (
        Index("ix_search_document_words", "words", postgresql_using="gin"),
        Index("ix_search_document_field_names", "field_names", postgresql_using="gin",
              postgresql_ops={"field_names": "gin_trgm_ops"}),
        {"comment": "检索文档（PostgreSQL 检索后端使用）"},
    )

    item_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_item.id", ondelete="CASCADE"), primary_key=True, comment="条目"
    )
    stamp: Mapped[str] = mapped_column(String(48), comment="索引时条目的版本戳（版本号@修改时间）")
    words: Mapped[str | None] = mapped_column(
        Text().with_variant(TSVECTOR(), "postgresql"), comment="词语与二元字组（按文本组加权的 tsvector）"
    )
    field_names: Mapped[str] = mapped_column(Text, comment="规范化的信息项名称，每行一个（信息项模糊检索用）")
    doc: Mapped[dict[str, Any]] = mapped_column(JSON, comment="结果展示与高亮用的条目快照")
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="索引时间")
