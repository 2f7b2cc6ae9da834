"""资源挂接: the real resources behind a catalog item — a database table, an HTTP API or a file.

A table mount names a *connection* defined outside the database (the instance's
``connections.toml`` or ``MULU_CONNECTION_<NAME>``), never its URL: the catalog
holds no credentials. The latest check of each mount (drift of the declared
fields against the live table, format agreement, freshness of the source) is
kept on the mount, so the item's page and the per-organisation report show it
without reconnecting.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.catalog.models import CatalogItem
from registry.core.db import Base, utcnow
from registry.core.enums import LabelledEnum, enum_column
from registry.core.i18n import N_


class MountKind(LabelledEnum):
    TABLE = ("table", N_("数据库表"))
    API = ("api", N_("接口"))
    FILE = ("file", N_("文件"))


class CheckStatus(LabelledEnum):
    OK = ("ok", N_("一致"))
    DRIFT = ("drift", N_("不一致"))
    ERROR = ("error", N_("检查失败"))


#: HTTP methods an API mount may declare.
API_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _filled(column: str) -> str:
    return f"({column} IS NOT NULL AND {column} <> '')"


class ResourceMount(Base):
    """条目挂接的一项资源（库表、接口或文件）及其最近一次检查结果。"""

    __tablename__ = "resource_mount"
    __table_args__ = (
        CheckConstraint(f"kind <> 'table' OR ({_filled('connection')} AND {_filled('table_name')})", name="table_has_source"),
        CheckConstraint(f"kind <> 'api' OR {_filled('url')}", name="api_has_url"),
        CheckConstraint(f"kind <> 'file' OR {_filled('url')} OR {_filled('file_path')}", name="file_has_content"),
        CheckConstraint("method IS NULL OR method IN ('GET', 'POST', 'PUT', 'PATCH', 'DELETE')", name="method_known"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="validity_ordered"),
        CheckConstraint("file_size IS NULL OR file_size >= 0", name="file_size_positive"),
        {"comment": "资源挂接（条目对应的库表、接口、文件）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    item_id: Mapped[int] = mapped_column(ForeignKey("catalog_item.id", ondelete="CASCADE"), index=True, comment="所属条目")
    kind: Mapped[MountKind] = mapped_column(enum_column(MountKind, "mount_kind"), comment="挂接类型：table 库表、api 接口、file 文件")
    note: Mapped[str | None] = mapped_column(String(500), comment="说明")

    connection: Mapped[str | None] = mapped_column(String(64), comment="库表：连接名（连接地址与口令在实例配置中，不入库）")
    schema_name: Mapped[str | None] = mapped_column(String(128), comment="库表：模式（schema）")
    table_name: Mapped[str | None] = mapped_column(String(128), comment="库表：表名")
    timestamp_column: Mapped[str | None] = mapped_column(String(128), comment="库表：标示数据更新时间的列")

    url: Mapped[str | None] = mapped_column(String(2000), comment="接口地址，或文件的下载地址")
    method: Mapped[str | None] = mapped_column(String(10), comment="接口：请求方法")
    doc_url: Mapped[str | None] = mapped_column(String(2000), comment="接口：文档地址")
    valid_from: Mapped[date | None] = mapped_column(Date, comment="接口：有效期起")
    valid_to: Mapped[date | None] = mapped_column(Date, comment="接口：有效期止")

    file_name: Mapped[str | None] = mapped_column(String(255), comment="文件：文件名")
    file_path: Mapped[str | None] = mapped_column(String(500), comment="文件：上传文件在实例上传目录中的相对路径")
    file_size: Mapped[int | None] = mapped_column(BigInteger, comment="文件：大小（字节）")
    sha256: Mapped[str | None] = mapped_column(String(64), comment="文件：SHA-256 校验值")

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="挂接时间")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), comment="挂接人")

    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="最近检查时间")
    status: Mapped[CheckStatus | None] = mapped_column(enum_column(CheckStatus, "mount_check_status"), comment="最近检查结果：ok 一致、drift 不一致、error 失败")
    differences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, comment="最近检查发现的差异（缺少、多出、类型或长度变化、格式不符）")
    error: Mapped[str | None] = mapped_column(Text, comment="最近检查的错误（连接地址已隐去口令）")
    source_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="源数据最近更新时间（时间列最大值、文件修改时间）")

    item: Mapped[CatalogItem] = relationship()

    @property
    def uploaded(self) -> bool:
        return self.file_path is not None

    def __repr__(self) -> str:
        return f"<ResourceMount {self.id} {self.kind.value}>"
