"""Reading the audit trail: the audit administrator's search, the CSV export and the chain check."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select

from registry.accounts.permissions import require
from registry.audit.models import AuditEvent
from registry.audit.operations import verify_chain
from registry.core.context import Context

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    """Search criteria; ``until`` is inclusive of its whole day when given as a date."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str = ""
    tag: str = ""
    object_id: str = ""

    def is_empty(self) -> bool:
        return not any(asdict(self).values())

    def as_dict(self) -> dict[str, str]:
        """The criteria as they are recorded in the audit event of a search or an export."""
        return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in asdict(self).items() if v}


def _query(flt: AuditFilter) -> Select:
    query = select(AuditEvent)
    if flt.since is not None:
        query = query.where(AuditEvent.created_at >= flt.since)
    if flt.until is not None:
        query = query.where(AuditEvent.created_at < flt.until)
    if flt.actor:
        query = query.where(AuditEvent.actor_name == flt.actor)
    if flt.tag:
        # "item:" finds every item action; "item:update" that one.
        query = query.where(AuditEvent.tag.startswith(flt.tag, autoescape=True) if flt.tag.endswith(":")
                            else AuditEvent.tag == flt.tag)
    if flt.object_id:
        query = query.where(AuditEvent.object_id == flt.object_id)
    return query


def search_events(ctx: Context, flt: AuditFilter, page: int = 1) -> tuple[list[AuditEvent], int]:
    """One page of matching events, newest first, and how many match in all."""
    require(ctx.actor, "audit:read")
    query = _query(flt)
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery()))
    events = ctx.session.scalars(query.order_by(AuditEvent.id.desc()).offset((max(1, page) - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(events), total


def iter_events(ctx: Context, flt: AuditFilter, batch: int = 1000) -> Iterator[AuditEvent]:
    """Every matching event, oldest first, read in batches (for the export).

    Not a generator itself: the permission is checked when called, before a response starts streaming.
    """
    require(ctx.actor, "audit:read")
    return iter(ctx.session.scalars(_query(flt).order_by(AuditEvent.id).execution_options(yield_per=batch)))


def known_tags(ctx: Context) -> list[str]:
    require(ctx.actor, "audit:read")
    return list(ctx.session.scalars(select(AuditEvent.tag).distinct().order_by(AuditEvent.tag)))


def check_chain(ctx: Context) -> list[str]:
    """The chain's problems (empty when intact); see :func:`verify_chain`."""
    require(ctx.actor, "audit:read")
    return verify_chain(ctx.session)


def day_after(at: datetime) -> datetime:
    return at + timedelta(days=1)
