"""The PostgreSQL backend's index: one row per catalog item, kept beside the catalog.

The table exists on every database so the schema is the same everywhere
(``mulu db check`` compares one set of models); only the PostgreSQL backend
fills it. ``words`` is a ``tsvector`` on PostgreSQL holding jieba words and
character bigrams, each prefixed by the letter of the text group it came from
(A name, B field names, C other metadata, D summary and descriptions).
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
        Text().with_variant(TSVECTOR(), "postgresql"), comment="词语与二元字组（前缀为文本组字母的 tsvector）"
    )
    field_names: Mapped[str] = mapped_column(Text, comment="规范化的信息项名称，每行一个（信息项模糊检索用）")
    doc: Mapped[dict[str, Any]] = mapped_column(JSON, comment="结果展示与高亮用的条目快照")
    indexed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="索引时间")


class SearchGeneration(Base):
    """检索版本：公众可见的检索结果可能变化时换一个标记（PostgreSQL 检索后端据此缓存公众检索）。"""

    __tablename__ = "search_generation"
    __table_args__ = ({"comment": "检索版本（公众检索结果缓存的失效标记）"},)

    name: Mapped[str] = mapped_column(String(16), primary_key=True, comment="范围：public 为公众可见的条目")
    token: Mapped[str] = mapped_column(String(32), comment="版本标记：每次变化换一个随机值，不同数据库间也不重复")


class SearchCache(Base):
    """公众检索结果缓存：检索版本未变时，相同的检索直接取用（各应用服务器共用）。"""

    __tablename__ = "search_cache"
    __table_args__ = ({"comment": "公众检索结果缓存（PostgreSQL 检索后端使用）"},)

    key: Mapped[str] = mapped_column(String(64), primary_key=True, comment="检索版本与检索条件的 SHA-256")
    result: Mapped[dict[str, Any]] = mapped_column(JSON, comment="检索结果：总数、本页文档、分面计数")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True,
                                                 comment="写入时间（一小时后清除）")
