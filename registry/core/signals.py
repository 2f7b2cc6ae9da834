"""Side effects after commit: operations note what changed; subscribers hear it once the data is safe.

Operations call :func:`note_item_changed` while they work; nothing is sent
then, because the transaction may still roll back. When the session commits,
:data:`items_committed` is sent once with every code the transaction touched.
Indexing, notifications and deadline tracking subscribe to it, so a failing
subscriber can never undo or lose the database write it follows.
"""
from __future__ import annotations

import logging

from blinker import Namespace
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

signals = Namespace()

#: Sent after a commit with ``codes`` (set of item codes created, changed or retired in it).
items_committed = signals.signal("items-committed")

#: Sent inside the transaction with ``ctx`` and ``change`` when an edit or a retirement of a
#: published entry awaits approval; the review workflow opens its first step on it, so the
#: step and the change commit or roll back together.
change_proposed = signals.signal("change-proposed")

#: Sent inside the transaction with ``ctx`` and ``item`` when a pending change is withdrawn without a
#: new one taking its place; the review workflow cancels the change's open step.
change_withdrawn = signals.signal("change-withdrawn")

#: Sent after a commit with ``events``: a tuple of ``(request id, what happened)`` — ``opened``,
#: ``closed``, ``extend`` or the name of an action that kept the request open. Notifications subscribe.
requests_committed = signals.signal("requests-committed")

_PENDING_KEY = "mulu.changed_item_codes"
_PENDING_REQUESTS_KEY = "mulu.request_events"


def note_item_changed(session: Session, code: str) -> None:
    session.info.setdefault(_PENDING_KEY, set()).add(code)


def has_uncommitted_item_changes(session: Session) -> bool:
    """Whether this transaction has changed catalog items not yet committed (and indexed)."""
    return bool(session.info.get(_PENDING_KEY))


def note_request_event(session: Session, request_id: int, what: str) -> None:
    session.info.setdefault(_PENDING_REQUESTS_KEY, []).append((request_id, what))


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: nothing is committed yet
    codes = session.info.pop(_PENDING_KEY, None)
    if codes:
        _send(items_committed, session, codes=frozenset(codes))
    events = session.info.pop(_PENDING_REQUESTS_KEY, None)
    if events:
        _send(requests_committed, session, events=tuple(events))


def _send(signal, session: Session, **payload) -> None:
    for receiver in signal.receivers_for(session):
        try:
            receiver(session, **payload)
        except Exception:  # the data is committed; a subscriber's failure is its own (see `mulu search check`)
            log.exception("subscriber %r of %s failed after commit", receiver, signal.name)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_PENDING_REQUESTS_KEY, None)
