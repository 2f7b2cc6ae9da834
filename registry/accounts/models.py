"""Users and their roles.

A user works for one organisation in one role; the three separated
administrators (三员分立) are roles of their own and cannot be combined with
catalog work, as level-3 protection assessments require.
"""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.core.db import Base, utcnow
from registry.core.enums import LabelledEnum, enum_column
from registry.core.i18n import N_
from registry.orgs.models import Organisation


class Role(LabelledEnum):
    COMPILER = ("compiler", N_("编目员"))
    COUNTY_REVIEWER = ("county_reviewer", N_("县级审核员"))
    CITY_REVIEWER = ("city_reviewer", N_("市级审核员"))
    AUTHORITY_ADMIN = ("authority_admin", N_("数据主管部门管理员"))
    SYSTEM_ADMIN = ("system_admin", N_("系统管理员"))
    SECURITY_ADMIN = ("security_admin", N_("安全管理员"))
    AUDIT_ADMIN = ("audit_admin", N_("审计管理员"))


class User(UserMixin, Base):
    """用户：一个机构中的一个角色。"""

    __tablename__ = "user_account"
    __table_args__ = {"comment": "用户账号"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    username: Mapped[str] = mapped_column(String(64), unique=True, comment="登录名")
    display_name: Mapped[str | None] = mapped_column(String(60), comment="姓名")
    password_hash: Mapped[str] = mapped_column(String(255), comment="口令散列（scrypt，含盐）")
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"), comment="角色")
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True, comment="所属机构"
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, comment="是否启用")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, comment="连续登录失败次数")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="锁定至")
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="最近登录时间")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="创建时间")

    organisation: Mapped[Organisation] = relationship()

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role.value}>"


class ApiToken(Base):
    """个人 API 令牌：只存散列；权限与其用户的角色和机构相同。"""

    __tablename__ = "api_token"
    __table_args__ = {"comment": "个人 API 令牌"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, comment="主键")
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True, comment="所属用户")
    name: Mapped[str] = mapped_column(String(60), comment="用途说明")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="令牌的 SHA-256（令牌本身不保存）")
    prefix: Mapped[str] = mapped_column(String(16), comment="令牌开头几位，便于辨认")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, comment="创建时间")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="过期时间（空为不过期）")
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="最近使用时间")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), comment="吊销时间")

    user: Mapped[User] = relationship()
