"""Personal API tokens: shown once, stored as a SHA-256, revocable, acting with their user's rights."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from registry.accounts.models import ApiToken, User
from registry.accounts.permissions import can
from registry.audit.operations import record_event
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import FieldError, NotFound, PermissionDenied, ValidationError
from registry.core.localtime import aware

TOKEN_PREFIX = "mulu_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(ctx: Context, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user`` (themselves, or a system administrator for anyone); returns the row and the
    token, which is shown this once and never stored."""
    if not (ctx.actor is None or ctx.actor.id == user.id or can(ctx.actor, "user:manage")):
        raise PermissionDenied("只能为自己创建 API 令牌")
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationError(FieldError("name", "请填写令牌用途（60 字以内）", "用途"))
    if days is not None and not 1 <= days <= 3650:
        raise ValidationError(FieldError("days", "有效期为 1–3650 天", "有效期"))
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name, token_hash=_digest(token), prefix=token[:12], created_at=utcnow(),
                   expires_at=utcnow() + timedelta(days=days) if days else None)
    ctx.session.add(row)
    ctx.session.flush()
    record_event(ctx, "token:create", "token", row.id, {"user": user.username, "name": name, "prefix": row.prefix,
                                                        "expires_at": row.expires_at.isoformat() if row.expires_at else None})
    return row, token


def revoke_token(ctx: Context, token_id: int) -> ApiToken:
    row = ctx.session.get(ApiToken, token_id)
    if row is None or not (ctx.actor is None or ctx.actor.id == row.user_id or can(ctx.actor, "user:manage")):
        raise NotFound("没有这个 API 令牌")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        ctx.session.flush()
        record_event(ctx, "token:revoke", "token", row.id, {"user": row.user.username, "prefix": row.prefix})
    return row


def list_tokens(ctx: Context, user: User) -> list[ApiToken]:
    return list(ctx.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


def user_for_token(ctx: Context, token: str, now: datetime | None = None) -> tuple[User, ApiToken] | None:
    """The active user a presented token stands for, or ``None`` (unknown, revoked, expired, user disabled)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = ctx.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    now = now or utcnow()
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    if row.expires_at is not None and aware(row.expires_at) <= now:
        return None
    return row.user, row
