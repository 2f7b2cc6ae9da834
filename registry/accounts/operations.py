"""Creating and changing users, with the password policy level-3 protection asks for,
and what the security administrator needs to see of sign-in failures."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from registry.accounts.models import Role, User
from registry.accounts.permissions import require
from registry.audit.models import AuditEvent
from registry.audit.operations import record_event
from registry.catalog.diff import jsonable
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import ConflictError, FieldError, NotFound, ValidationError
from registry.core.localtime import aware
from registry.orgs.models import Organisation

_USERNAME = re.compile(r"^[A-Za-z0-9_.\-@]{2,64}$")
_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"\d"), re.compile(r"[^A-Za-z0-9]"))


PASSWORD_MIN_LENGTH = 8
PASSWORD_MIN_CLASSES = 3


def password_problem(password: str) -> str | None:
    """Why a password is too weak (length ≥ 8 and three character classes), or ``None``."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"口令长度至少{PASSWORD_MIN_LENGTH}位"
    if sum(bool(c.search(password)) for c in _CLASSES) < PASSWORD_MIN_CLASSES:
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


# -- changing users (the system administrator's screens) ------------------------


def _active_system_admins(ctx: Context, excluding: User) -> int:
    return ctx.session.scalar(
        select(func.count()).select_from(User).where(
            User.role == Role.SYSTEM_ADMIN, User.is_active.is_(True), User.id != excluding.id)
    )


def update_user(ctx: Context, user: User, *, display_name: str | None = None, role: str | None = None,
                org_code: str | None = None, is_active: bool | None = None) -> dict[str, list]:
    """Change what is given (``None`` leaves a value as it is; ``display_name=""`` clears it); returns the diff.

    A system administrator can neither deactivate nor demote themselves, and
    the last active system administrator stays one: someone must be able to
    manage users afterwards.
    """
    require(ctx.actor, "user:manage")
    errors: list[FieldError] = []
    new: dict[str, object] = {}
    if display_name is not None:
        name = display_name.strip() or None
        if name and len(name) > 60:
            errors.append(FieldError("display_name", "姓名不超过60个字符", "姓名"))
        new["display_name"] = name
    if role is not None:
        try:
            new["role"] = Role(role)
        except ValueError:
            errors.append(FieldError("role", f"未知角色“{role}”", "角色"))
    if org_code is not None:
        org = ctx.session.scalar(select(Organisation).where(Organisation.code == org_code.strip().upper()))
        if org is None:
            errors.append(FieldError("org", f"找不到机构“{org_code}”", "所属机构"))
        new["organisation"] = org
    if is_active is not None:
        new["is_active"] = bool(is_active)
    myself = ctx.actor is not None and ctx.actor.id == user.id
    if myself and new.get("is_active") is False:
        errors.append(FieldError("is_active", "不能停用自己的账号", "启用"))
    if myself and new.get("role", user.role) is not Role.SYSTEM_ADMIN:
        errors.append(FieldError("role", "不能取消自己的系统管理员角色", "角色"))
    stops_being_admin = user.role is Role.SYSTEM_ADMIN and user.is_active and (
        new.get("role", user.role) is not Role.SYSTEM_ADMIN or new.get("is_active") is False)
    if stops_being_admin and not myself and not _active_system_admins(ctx, user):
        errors.append(FieldError("role", "须至少保留一名启用的系统管理员", "角色"))
    if errors:
        raise ValidationError(errors)
    diff = {key: [jsonable(getattr(user, key)), jsonable(value)] for key, value in new.items() if getattr(user, key) != value}
    if not diff:
        return {}
    for key in diff:
        setattr(user, key, new[key])
    ctx.session.flush()
    record_event(ctx, "user:update", "user", user.username, {"diff": diff})
    return diff


def reset_password(ctx: Context, user: User, new_password: str) -> None:
    """Set a new password (under the policy); the password itself is never logged.

    A lockout stays: lifting it is the security administrator's (三员分立), see :func:`unlock_user`.
    """
    require(ctx.actor, "user:manage")
    problem = password_problem(new_password or "")
    if problem:
        raise ValidationError(FieldError("password", problem, "新口令"))
    user.password_hash = hash_password(new_password)
    ctx.session.flush()
    record_event(ctx, "user:reset_password", "user", user.username, {"locked": is_locked(user)})


def unlock_user(ctx: Context, user: User) -> None:
    """Lift a lockout before it runs out (the security administrator's call) and clear the failure count."""
    require(ctx.actor, "account:unlock")
    if user.locked_until is None and not user.failed_logins:
        raise ConflictError(f"账号“{user.username}”未被锁定")
    locked_until = user.locked_until
    user.failed_logins, user.locked_until = 0, None
    ctx.session.flush()
    record_event(ctx, "user:unlock", "user", user.username, {"locked_until": locked_until})


def get_user(ctx: Context, user_id: int) -> User:
    user = ctx.session.get(User, user_id)
    if user is None:
        raise NotFound(f"没有编号为 {user_id} 的用户")
    return user


@dataclass(frozen=True)
class UserFilter:
    """What the user list is narrowed to; empty values mean any."""

    role: Role | None = None
    org_id: int | None = None
    active: bool | None = None
    text: str = ""
    page: int = 1


USERS_PER_PAGE = 50


def list_users(ctx: Context, flt: UserFilter = UserFilter()) -> tuple[list[User], int]:
    """One page of users matching ``flt`` (by organisation, then user name) and the total count."""
    require(ctx.actor, "user:manage")
    query = select(User)
    if flt.role is not None:
        query = query.where(User.role == flt.role)
    if flt.org_id is not None:
        query = query.where(User.organisation_id == flt.org_id)
    if flt.active is not None:
        query = query.where(User.is_active.is_(flt.active))
    if flt.text:
        pattern = f"%{flt.text}%"
        query = query.where(or_(User.username.ilike(pattern), User.display_name.ilike(pattern)))
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery()))
    page = max(1, flt.page)
    users = ctx.session.scalars(
        query.order_by(User.organisation_id, User.username).offset((page - 1) * USERS_PER_PAGE).limit(USERS_PER_PAGE))
    return list(users), total


# -- what the security administrator watches --------------------------------------

#: Audit tags of refused sign-ins (a wrong password or unknown user; an attempt on a locked account).
FAILED_LOGIN_TAGS = ("auth:login_failed", "auth:login_locked")


def locked_users(ctx: Context) -> list[User]:
    """Accounts locked now, or on their way there (failures counted since the last success)."""
    require(ctx.actor, "account:unlock")
    now = utcnow()
    users = ctx.session.scalars(
        select(User).where(or_(User.locked_until.is_not(None), User.failed_logins > 0)).order_by(User.username))
    return [u for u in users if u.failed_logins or aware(u.locked_until) > now]


def is_locked(user: User) -> bool:
    return user.locked_until is not None and aware(user.locked_until) > utcnow()


def recent_failed_logins(ctx: Context, limit: int = 100) -> list[AuditEvent]:
    """The latest refused sign-ins, newest first, from the audit trail."""
    require(ctx.actor, "account:unlock")
    return list(ctx.session.scalars(
        select(AuditEvent).where(AuditEvent.tag.in_(FAILED_LOGIN_TAGS)).order_by(AuditEvent.id.desc()).limit(limit)))

