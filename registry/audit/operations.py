"""Recording audit events: called by every operation that writes."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, text

from registry.audit.models import AuditEvent
from registry.catalog.diff import jsonable
from registry.core.context import Context
from registry.core.db import utcnow

#: Key of the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 0x6D756C75  # "mulu"


def _utc_naive(at: datetime) -> datetime:
    # SQLite hands times back without a zone, PostgreSQL in the session's zone: hash one form.
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at


def event_hash(prev_hash: str | None, event: AuditEvent) -> str:
    """SHA-256 over the previous hash and the event's content, in canonical JSON."""
    body = {
        "prev": prev_hash,
        "at": _utc_naive(event.created_at).isoformat(),
        "actor": event.actor_name,
        "org": event.organisation_id,
        "tag": event.tag,
        "type": event.object_type,
        "id": event.object_id,
        "data": event.data,
        "ip": event.ip,
    }
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _lock_chain(ctx: Context) -> None:
    session = ctx.session
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        # Concurrent writers would otherwise read the same tail and fork the chain.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})


def chain_events(ctx: Context, events: list[tuple[str, str, object, dict[str, Any] | None]], at: datetime | None = None) -> list[dict[str, Any]]:
    """Rows for many events ``(tag, object_type, object_id, data)``, chained onto the current tail.

    The caller inserts the rows in order within the same transaction.
    """
    _lock_chain(ctx)
    ctx.session.flush()
    prev_hash = ctx.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    actor, at = ctx.actor, at or utcnow()
    rows = []
    for tag, object_type, object_id, data in events:
        event = AuditEvent(
            created_at=at,
            actor_id=actor.id if actor else None,
            actor_name=actor.username if actor else "system",
            organisation_id=actor.organisation_id if actor else None,
            tag=tag,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            data=jsonable(data or {}),
            ip=ctx.ip,
            prev_hash=prev_hash,
        )
        prev_hash = event.hash = event_hash(prev_hash, event)
        rows.append({c: getattr(event, c) for c in _EVENT_COLUMNS})
    return rows


_EVENT_COLUMNS = ("created_at", "actor_id", "actor_name", "organisation_id", "tag", "object_type", "object_id", "data", "ip", "prev_hash", "hash")


def record_event(ctx: Context, tag: str, object_type: str, object_id: object, data: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to the hash chain; ``tag`` is ``object:action``, e.g. ``item:update``."""
    row = chain_events(ctx, [(tag, object_type, object_id, data)])[0]
    event = AuditEvent(**row)
    ctx.session.add(event)
    ctx.session.flush()
    return event


#: The tag of a retention purge; its data anchors the chain where the purged events were (see retention.py).
PURGE_TAG = "audit:purge"


def verify_chain(session) -> list[str]:
    """Problems in the chain (an altered, inserted or deleted event); empty when intact.

    After a retention purge the chain starts from the latest purge's anchor (the last purged event's id and hash),
    which is itself a chained event, so altering it breaks the chain too.
    """
    problems: list[str] = []
    anchor = session.scalar(select(AuditEvent).where(AuditEvent.tag == PURGE_TAG).order_by(AuditEvent.id.desc()).limit(1))
    through_id = int(anchor.data.get("through_id") or 0) if anchor is not None else 0
    prev_hash: str | None = anchor.data.get("through_hash") if anchor is not None else None
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        if event.id <= through_id:
            problems.append(f"事件 {event.id} 在已清理的范围内却仍然存在")
            continue
        if event.prev_hash != prev_hash:
            problems.append(f"事件 {event.id} 之前的事件被删除或篡改")
        if event_hash(event.prev_hash, event) != event.hash:
            problems.append(f"事件 {event.id} 的内容被篡改")
        prev_hash = event.hash
    return problems
