"""Audit retention: deleting events older than ``MULU_AUDIT_RETENTION_MONTHS`` without breaking the chain.

Only the oldest stretch of the chain is purged, and only if the chain is intact (a purge must not hide
tampering). The purge then appends an ``audit:purge`` event carrying the anchor — the last purged event's id,
hash and time — from which :func:`verify_chain` starts, so any later alteration or deletion is still found.
"""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select

from registry.accounts.permissions import require
from registry.audit.models import AuditEvent
from registry.audit.operations import PURGE_TAG, _lock_chain, record_event, verify_chain
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import MuluError


@dataclass(frozen=True)
class PurgePlan:
    """What a purge deletes: every event up to ``through_id`` (``count`` of them), all older than ``cutoff``."""

    cutoff: datetime
    count: int
    through_id: int | None
    through_hash: str | None
    through_at: datetime | None


def months_before(at: datetime, months: int) -> datetime:
    """``at`` moved back by whole calendar months (the 31st becomes the month's last day)."""
    year, month = divmod(at.year * 12 + at.month - 1 - months, 12)
    month += 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return at.replace(year=year, month=month, day=min(at.day, days[month - 1]))


def plan_purge(ctx: Context, months: int, now: datetime | None = None) -> PurgePlan:
    """The oldest unbroken stretch of events older than ``months`` months (never a younger one)."""
    require(ctx.actor, "audit:read")
    cutoff = months_before(now or utcnow(), months)
    session = ctx.session
    first_young = session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.created_at >= cutoff))
    old = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
    if first_young is not None:  # stop before the first young event, even if an older one follows it
        old = old.where(AuditEvent.id < first_young)
    last = session.scalar(old)
    if last is None:
        return PurgePlan(cutoff, 0, None, None, None)
    count = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= last.id))
    return PurgePlan(cutoff, count, last.id, last.hash, last.created_at)


def purge_events(ctx: Context, months: int, now: datetime | None = None) -> PurgePlan:
    """Delete the planned events and append the anchoring ``audit:purge`` event; flushes, never commits.

    Refuses when the chain already has problems: they would be deleted along with the evidence.
    """
    _lock_chain(ctx)  # no event is appended between the plan and the anchor
    problems = verify_chain(ctx.session)
    if problems:
        raise MuluError(f"哈希链校验发现 {len(problems)} 处问题，拒绝清理（第一处：{problems[0]}）；请先运行 mulu audit verify 查明")
    plan = plan_purge(ctx, months, now)
    if not plan.count:
        return plan
    ctx.session.execute(delete(AuditEvent).where(AuditEvent.id <= plan.through_id))
    record_event(ctx, PURGE_TAG, "audit_event", plan.through_id, {
        "through_id": plan.through_id, "through_hash": plan.through_hash, "through_at": plan.through_at,
        "purged": plan.count, "cutoff": plan.cutoff, "retention_months": months, "operator": _operator(),
    })
    return plan


def _operator() -> str | None:
    """Who ran the purge on the server (the CLI has no signed-in user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return None
