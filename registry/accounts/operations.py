"""Creating users, with the password policy level-3 protection asks for."""
from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.accounts.models import Role, User
from registry.accounts.permissions import require
from registry.audit.operations import record_event
from registry.core.context import Context
from registry.core.errors import FieldError, ValidationError
from registry.orgs.models import Organisation

_USERNAME = re.compile(r"^[A-Za-z0-9_.\-@]{2,64}$")
_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"\d"), re.compile(r"[^A-Za-z0-9]"))


def password_problem(password: str) -> str | None:
    """Why a password is too weak (length ≥ 8 and three character classes), or ``None``."""
    if len(password) < 8:
        return "口令长度至少8位"
    if sum(bool(c.search(password)) for c in _CLASSES) < 3:
        return "口令须包含大写字母、小写字母、数字、特殊字符中的至少三类"
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(user: User, password: str) -> bool:
    return check_password_hash(user.password_hash, password)


def create_user(ctx: Context, username: str, role: str, org_code: str, password: str, display_name: str | None = None) -> User:
    require(ctx.actor, "user:manage")
    errors: list[FieldError] = []
    username = (username or "").strip()
    if not _USERNAME.match(username):
        errors.append(FieldError("username", "登录名为2–64位字母、数字或 _ . - @", "登录名"))
    elif ctx.session.scalar(select(User.id).where(User.username == username)):
        errors.append(FieldError("username", f"登录名“{username}”已被使用", "登录名"))
    try:
        role_value = Role(role)
    except ValueError:
        role_value = None
        errors.append(FieldError("role", f"未知角色“{role}”；可选：{', '.join(r.value for r in Role)}", "角色"))
    org = ctx.session.scalar(select(Organisation).where(Organisation.code == (org_code or "").strip().upper()))
    if org is None:
        errors.append(FieldError("org", f"找不到机构“{org_code}”", "所属机构"))
    problem = password_problem(password or "")
    if problem:
        errors.append(FieldError("password", problem, "口令"))
    if errors:
        raise ValidationError(errors)
    user = User(username=username, role=role_value, organisation=org, password_hash=hash_password(password), display_name=display_name)
    ctx.session.add(user)
    ctx.session.flush()
    record_event(ctx, "user:create", "user", username, {"role": role_value.value, "org": org.code})
    return user
