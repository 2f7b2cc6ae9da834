"""Catalog items (信息资源), their fields (信息项) and their change history.

Column names follow the 13 core elements of the national compiling guide
(发改高技〔2017〕1272号) plus the common provincial extensions. Vocabulary
columns store canonical codes (``conditional``); the active profile gives
their labels (有条件共享) and synonyms.

Invariants every profile shares live in CHECK constraints as the last line of
defence; the service layer (:mod:`registry.catalog.rules`) explains them in
Chinese, with the article that requires them, before the database would.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
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
from registry.core.enums import LabelledEnum, enum_column
from registry.core.i18n import N_
from registry.orgs.models import Organisation


class ShareType(LabelledEnum):
    UNCONDITIONAL = ("unconditional", "无条件共享")
    CONDITIONAL = ("conditional", "有条件共享")
    NOT_SHARED = ("not_shared", "不予共享")


class OpenType(LabelledEnum):
    UNCONDITIONAL = ("unconditional", "无条件开放")
    CONDITIONAL = ("conditional", "有条件开放")
    NOT_OPEN = ("not_open", "不予开放")


#: Openness order for the downgrade rule (binzhou §25): a lower rank is less open.
OPEN_RANK = {OpenType.UNCONDITIONAL: 2, OpenType.CONDITIONAL: 1, OpenType.NOT_OPEN: 0}


class ItemStatus(LabelledEnum):
    DRAFT = ("draft", N_("草稿"))
    SUBMITTED = ("submitted", N_("已提交"))
    IN_REVIEW = ("in_review", N_("审核中"))
    PUBLISHED = ("published", N_("已发布"))
    CHANGE_PENDING = ("change_pending", N_("变更待审"))
    RETIRED = ("retired", N_("已注销"))


class DataType(LabelledEnum):
    """信息项数据类型, the national guide's letter codes."""

    CHAR = ("C", "字符型")
    NUMBER = ("N", "数值型")
    CURRENCY = ("Y", "货币型")
    DATE = ("D", "日期型")
    DATETIME = ("T", "日期时间型")
    LOGICAL = ("L", "逻辑型")
    MEMO = ("M", "备注型")
    GENERAL = ("G", "通用型")
    DOUBLE = ("B", "双精度型")
    INTEGER = ("I", "整型")
    FLOAT = ("F", "浮点型")


class IdentifierKind(LabelledEnum):
    CITIZEN_ID = ("citizen_id", "公民身份号码")
    USCC = ("uscc", "统一社会信用代码")
    ORG_CODE = ("org_code", "组织机构代码")
    REGION_CODE = ("region_code", "行政区划代码")


class ChangeKind(LabelledEnum):
    CREATE = ("create", N_("新建"))
    UPDATE = ("update", N_("修改"))
    RETIRE = ("retire", N_("注销"))


class ChangeState(LabelledEnum):
    APPLIED = ("applied", N_("已生效"))
    PENDING = ("pending", N_("待审批"))
    REJECTED = ("rejected", N_("已驳回"))
    WITHDRAWN = ("withdrawn", N_("已撤回"))


def _filled(column: str) -> str:
    return f"({column} IS NOT NULL AND {column} <> '')"


class CatalogItem(Base):
    """信息资源目录条目。"""

    __tablename__ = "catalog_item"
    __table_args__ = (
        # 不予共享 always says why; conditional sharing states a condition or a basis.
        CheckConstraint(f"share_type <> 'not_shared' OR {_filled('share_basis')}", name="not_shared_has_basis"),
        CheckConstraint(
            f"share_type <> 'conditional' OR {_filled('share_condition')} OR {_filled('share_basis')}",
            name="conditional_share_explained",
        ),
        CheckConstraint(f"open_type <> 'conditional' OR {_filled('open_condition')}", name="conditional_open_has_condition"),
        CheckConstraint("class_code IN ('1', '2', '3')", name="class_code_known"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("(status = 'retired') = (retired_at IS NOT NULL)", name="retired_has_date"),
        UniqueConstraint("classification_code", "sequence", name="uq_catalog_item_classification_sequence"),
        # Serves lookups by provider and status, and covers the dashboard's one grouped count (no sort, no table read).
        Index("ix_catalog_item_provider_status_share_class", "provider_id", "status", "share_type", "class_code"),
        # The back office and the API list the latest changes first; without it that is a sort of the whole catalog.
        # Status and class ride along, so walking past the newest drafts to the published ones (the public's list)
        # reads no table rows: at 100,000 items with 10,000 drafts that was 9 ms a page.
        Index("ix_catalog_item_updated_status_class", "updated_at", "id", "status", "class_code"),
        # Lookups by status, and the counts of the public's lists by class: 8.6 → 0.9 ms at 100,000 items.
        Index("ix_catalog_item_status_class", "status", "class_code"),
        {"comment": "政务信息资源目录条目"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    code: Mapped[str] = mapped_column(String(64), unique=True, comment="信息资源代码：分类码/顺序码")
    class_code: Mapped[str] = mapped_column(String(1), comment="类：1 基础、2 主题、3 部门")
    item_code: Mapped[str] = mapped_column(String(2), comment="项（两位）")
    category_code: Mapped[str | None] = mapped_column(String(3), comment="目（三位）")
    subcategory_code: Mapped[str | None] = mapped_column(String(12), comment="细目（部门目录通常为提供方代码段）")
    classification_code: Mapped[str] = mapped_column(String(20), index=True, comment="分类码（类项目细目连写），即代码前段")
    sequence: Mapped[int] = mapped_column(Integer, comment="顺序码（分类内递增，永不复用）")

    name: Mapped[str] = mapped_column(String(200), index=True, comment="信息资源名称")
    summary: Mapped[str] = mapped_column(Text, comment="信息资源摘要")
    provider_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"), comment="信息资源提供方")
    provider_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), comment="提供方内部部门（下设机构）"
    )
    related_business: Mapped[str | None] = mapped_column(String(500), comment="关联业务事项")

    format_class: Mapped[str] = mapped_column(String(32), comment="信息资源格式分类（规范值，如 database）")
    format_type: Mapped[str | None] = mapped_column(String(64), comment="信息资源格式类型，如 oracle、xlsx")
    format_description: Mapped[str | None] = mapped_column(String(500), comment="其他类型资源格式描述")

    share_type: Mapped[ShareType] = mapped_column(enum_column(ShareType, "share_type"), comment="共享类型")
    share_condition: Mapped[str | None] = mapped_column(Text, comment="共享条件")
    share_basis: Mapped[str | None] = mapped_column(Text, comment="有条件/不予共享的法律法规或政策依据")
    share_method_class: Mapped[str | None] = mapped_column(String(32), comment="共享方式分类（规范值）")
    share_method_type: Mapped[str | None] = mapped_column(String(32), comment="共享方式类型（规范值）")

    open_type: Mapped[OpenType] = mapped_column(enum_column(OpenType, "open_type"), comment="开放类型（是否向社会开放）")
    open_condition: Mapped[str | None] = mapped_column(Text, comment="开放条件")
    open_basis: Mapped[str | None] = mapped_column(Text, comment="有条件/不予开放的依据")
    open_theme: Mapped[str | None] = mapped_column(String(60), comment="开放主题分类（数据领域）")

    update_cycle: Mapped[str] = mapped_column(String(20), comment="更新周期（规范值，如 monthly）")
    publish_date: Mapped[date | None] = mapped_column(Date, comment="发布日期")
    related_codes: Mapped[list[str]] = mapped_column(JSON, default=list, comment="关联资源代码")

    security_grade: Mapped[str | None] = mapped_column(String(16), comment="安全级别/数据分级（一般/重要/核心）")
    subject: Mapped[str | None] = mapped_column(String(20), comment="数据主体：自然人/法人/其他")
    has_personal_data: Mapped[bool] = mapped_column(Boolean, default=False, comment="是否涉及个人信息")
    source_system: Mapped[str | None] = mapped_column(String(200), comment="来源信息系统")
    is_purchased: Mapped[bool] = mapped_column(Boolean, default=False, comment="是否采购的第三方数据")
    purchase_source: Mapped[str | None] = mapped_column(String(200), comment="第三方数据来源单位")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, comment="标签")

    storage_total: Mapped[float | None] = mapped_column(Float, comment="数据存储总量（MB）")
    record_total: Mapped[int | None] = mapped_column(BigInteger, comment="结构化信息记录总数")
    shared_storage: Mapped[float | None] = mapped_column(Float, comment="已共享的数据存储量（MB）")
    shared_records: Mapped[int | None] = mapped_column(BigInteger, comment="已共享的结构化记录数")
    open_storage: Mapped[float | None] = mapped_column(Float, comment="已开放的数据存储量（MB）")
    open_records: Mapped[int | None] = mapped_column(BigInteger, comment="已开放的结构化记录数")
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, comment="辖区扩展元素（按配置）")

    status: Mapped[ItemStatus] = mapped_column(
        enum_column(ItemStatus, "item_status"), default=ItemStatus.DRAFT, comment="生命周期状态"
    )
    version: Mapped[int] = mapped_column(Integer, default=1, comment="版本号（每次生效的变更加一）")
    data_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="数据最近更新时间")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="创建时间")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, comment="元数据最近修改时间"
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="首次发布时间")
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="注销时间")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), comment="创建人"
    )

    provider: Mapped[Organisation] = relationship(foreign_keys=[provider_id])
    provider_unit: Mapped[Organisation | None] = relationship(foreign_keys=[provider_unit_id])
    fields: Mapped[list[Field]] = relationship(
        back_populates="item", order_by="Field.position", cascade="all, delete-orphan"
    )
    changes: Mapped[list[ItemChange]] = relationship(
        back_populates="item", order_by="ItemChange.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<CatalogItem {self.code} {self.name}>"


class Field(Base):
    """信息项：条目所描述数据的一个字段。"""

    __tablename__ = "catalog_field"
    __table_args__ = (
        UniqueConstraint("item_id", "position", name="uq_catalog_field_item_position"),
        UniqueConstraint("item_id", "name", name="uq_catalog_field_item_name"),
        CheckConstraint("data_type IS NULL OR data_type IN ('C','N','Y','D','T','L','M','G','B','I','F')", name="data_type_known"),
        CheckConstraint("length IS NULL OR length > 0", name="length_positive"),
        CheckConstraint(f"open_type IS NULL OR open_type <> 'conditional' OR {_filled('open_condition')}", name="conditional_open_has_condition"),
        {"comment": "信息项"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    # Indexed through uq (item_id, position); see migration 0001 on why fields carry no more indexes.
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id", ondelete="CASCADE"), comment="所属条目")
    position: Mapped[int] = mapped_column(Integer, comment="序号（从 1 起）")
    name: Mapped[str] = mapped_column(String(200), comment="信息项名称（中文）")
    technical_name: Mapped[str | None] = mapped_column(String(128), comment="信息项英文名/字段名")
    data_type: Mapped[str | None] = mapped_column(String(1), comment="数据类型代码 C N Y D T L M G B I F")
    length: Mapped[int | None] = mapped_column(Integer, comment="数据长度（字节）")
    description: Mapped[str | None] = mapped_column(Text, comment="信息项描述")
    share_type: Mapped[ShareType | None] = mapped_column(
        enum_column(ShareType, "field_share_type"), comment="信息项共享类型（空则同条目）"
    )
    share_condition: Mapped[str | None] = mapped_column(Text, comment="信息项共享条件")
    open_type: Mapped[OpenType | None] = mapped_column(
        enum_column(OpenType, "field_open_type"), comment="信息项开放类型（空则同条目）"
    )
    open_condition: Mapped[str | None] = mapped_column(Text, comment="信息项开放条件")
    is_sensitive: Mapped[bool] = mapped_column(Boolean, default=False, comment="是否敏感")
    is_secret: Mapped[bool] = mapped_column(Boolean, default=False, comment="是否涉密")
    is_primary_key: Mapped[bool] = mapped_column(Boolean, default=False, comment="是否主键")
    identifier_kind: Mapped[IdentifierKind | None] = mapped_column(
        enum_column(IdentifierKind, "identifier_kind"), comment="标识类型：公民身份号码、统一社会信用代码等"
    )
    example_value: Mapped[str | None] = mapped_column(String(200), comment="示例值（标识字段校验用）")

    item: Mapped[CatalogItem] = relationship(back_populates="fields")

    def __repr__(self) -> str:
        return f"<Field {self.position} {self.name}>"


class ItemChange(Base):
    """条目的一次变更：字段级差异、操作人、理由和审批状态。"""

    __tablename__ = "item_change"
    __table_args__ = (
        CheckConstraint(f"state <> 'rejected' OR {_filled('decision_reason')}", name="rejected_has_reason"),
        Index("ix_item_change_item_state", "item_id", "state"),
        {"comment": "条目变更历史（字段级差异）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id", ondelete="CASCADE"), comment="条目")
    kind: Mapped[ChangeKind] = mapped_column(enum_column(ChangeKind, "change_kind"), comment="变更类型")
    state: Mapped[ChangeState] = mapped_column(enum_column(ChangeState, "change_state"), comment="状态")
    base_version: Mapped[int] = mapped_column(Integer, comment="变更所基于的版本")
    diff: Mapped[dict[str, Any]] = mapped_column(JSON, comment="字段级差异 {item: {键: [旧, 新]}, fields: {...}}")
    proposal: Mapped[dict[str, Any] | None] = mapped_column(JSON, comment="待审批变更生效后的完整内容")
    reason: Mapped[str | None] = mapped_column(Text, comment="变更理由")
    requires_authority: Mapped[bool] = mapped_column(
        Boolean, default=False, comment="是否须数据主管部门批准（如开放属性降级）"
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), comment="提出人")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="提出时间")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), comment="审批人"
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="审批时间")
    decision_reason: Mapped[str | None] = mapped_column(Text, comment="审批意见（驳回必填）")

    item: Mapped[CatalogItem] = relationship(back_populates="changes")
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class CodeSequence(Base):
    """每个分类码已分配的最大顺序码，保证代码永不复用。"""

    __tablename__ = "code_sequence"
    __table_args__ = {"comment": "资源代码顺序号分配表"}

    classification_code: Mapped[str] = mapped_column(String(20), primary_key=True, comment="分类码")
    last_value: Mapped[int] = mapped_column(Integer, default=0, comment="已分配的最大顺序码")
