"""Signing in: password check, lockout after repeated failures, and an audit event either way.

Every refusal reads the same and takes about as long, so sign-in never
tells whether a user name exists or is locked.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from registry.accounts.models import User
from registry.accounts.operations import hash_password, verify_password
from registry.audit.operations import record_event
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import MuluError
from registry.core.localtime import aware

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
REFUSAL = f"用户名或口令错误（连续失败{MAX_FAILURES}次，账号将锁定{int(LOCKOUT.total_seconds() // 60)}分钟）"
# Checked when the user does not exist, so a miss costs the same scrypt time as a wrong password.
_DUMMY_HASH = hash_password("mulu-no-such-user-Aa1!")


class AuthError(MuluError):
    """Sign-in refused; the message is the same whatever the reason."""


def authenticate(ctx: Context, username: str, password: str) -> User:
    user = ctx.session.scalar(select(User).where(User.username == (username or "").strip()))
    now = utcnow()
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        record_event(ctx, "auth:login_failed", "user", (username or "")[:64], {})
        raise AuthError(REFUSAL)
    password_ok = verify_password(user, password or "")
    if user.locked_until is not None and aware(user.locked_until) > now:
        record_event(ctx, "auth:login_locked", "user", user.username, {})
        raise AuthError(REFUSAL)
    if not password_ok or not user.is_active:
        _count_failure(ctx, user, now)
        record_event(ctx, "auth:login_failed", "user", user.username, {})
        raise AuthError(REFUSAL)
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    ctx.actor = user
    record_event(ctx, "auth:login", "user", user.username, {})
    return user


def _count_failure(ctx: Context, user: User, now: datetime) -> None:
    """Count in the database, not in Python: parallel guesses must each count (and lock at the fifth)."""
    failures = ctx.session.scalar(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1).returning(User.failed_logins)
    )
    if failures >= MAX_FAILURES:
        ctx.session.execute(update(User).where(User.id == user.id).values(failed_logins=0, locked_until=now + LOCKOUT))
    ctx.session.expire(user, ["failed_logins", "locked_until"])

