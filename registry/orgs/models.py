"""Organisations: the city, its counties, their departments and internal units."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.db import Base, utcnow
from registry.core.enums import LabelledEnum, enum_column
from registry.core.i18n import N_


class OrgLevel(LabelledEnum):
    CITY = ("city", N_("市级"))
    COUNTY = ("county", N_("县（区）级"))
    DEPARTMENT = ("department", N_("部门"))
    UNIT = ("unit", N_("内设机构"))


#: Which level may sit directly below which: the hierarchy the regulations describe.
ALLOWED_PARENT_LEVELS: dict[OrgLevel, tuple[OrgLevel | None, ...]] = {
    OrgLevel.CITY: (None,),
    OrgLevel.COUNTY: (OrgLevel.CITY,),
    OrgLevel.DEPARTMENT: (OrgLevel.CITY, OrgLevel.COUNTY),
    OrgLevel.UNIT: (OrgLevel.DEPARTMENT,),
}


class Organisation(Base):
    """机构：编目、提供或审核政务数据资源的单位。"""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("(level = 'city') = (parent_id IS NULL)", name="root_is_city"),
        {"comment": "机构（市、县区、部门、内设机构）"},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    code: Mapped[str] = mapped_column(
        String(32), unique=True, comment="机构代码：统一社会信用代码、组织机构代码或行政区划代码"
    )
    name: Mapped[str] = mapped_column(String(200), comment="机构全称")
    short_name: Mapped[str | None] = mapped_column(String(60), comment="机构简称")
    level: Mapped[OrgLevel] = mapped_column(enum_column(OrgLevel, "org_level"), comment="层级：市/县区/部门/内设机构")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True, comment="上级机构"
    )
    region_code: Mapped[str | None] = mapped_column(String(6), comment="行政区划代码（GB/T 2260）")
    catalog_code: Mapped[str | None] = mapped_column(
        String(12), comment="目录编码中的提供方段（细目），部门目录资源代码用"
    )
    contact_name: Mapped[str | None] = mapped_column(String(60), comment="数据管理员姓名")
    contact_phone: Mapped[str | None] = mapped_column(String(40), comment="数据管理员电话")
    contact_email: Mapped[str | None] = mapped_column(String(120), comment="数据管理员电子邮箱")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="创建时间")

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organisation]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Organisation {self.code} {self.name}>"

    @property
    def ancestors(self) -> list[Organisation]:
        """Parents up to the city, nearest first."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def department(self) -> Organisation:
        """The department an internal unit belongs to (itself for a department)."""
        return self.parent if self.level is OrgLevel.UNIT and self.parent else self
