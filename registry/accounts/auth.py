"""Signing in: password check, lockout after repeated failures, and an audit event either way."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from registry.accounts.models import User
from registry.accounts.operations import verify_password
from registry.audit.operations import record_event
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import MuluError

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class AuthError(MuluError):
    """Sign-in refused; the message never tells whether the user name exists."""


def authenticate(ctx: Context, username: str, password: str) -> User:
    user = ctx.session.scalar(select(User).where(User.username == (username or "").strip()))
    now = utcnow()
    if user is not None and user.locked_until is not None and _aware(user.locked_until) > now:
        record_event(ctx, "auth:login_locked", "user", user.username, {})
        minutes = int((_aware(user.locked_until) - now).total_seconds() // 60) + 1
        raise AuthError(f"连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员")
    if user is None or not user.is_active or not verify_password(user, password or ""):
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until, user.failed_logins = now + LOCKOUT, 0
        record_event(ctx, "auth:login_failed", "user", (username or "")[:64], {})
        raise AuthError("用户名或口令错误")
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    ctx.actor = user
    record_event(ctx, "auth:login", "user", user.username, {})
    return user


def _aware(at):
    from datetime import timezone

    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)
