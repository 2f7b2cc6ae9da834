"""Notices of what happens to requests: written after each commit, read and marked read by their users.

Every process runs on the request engine, which sends
:data:`registry.core.signals.requests_committed` once a transaction that
opened, moved or closed requests has committed. Importing this module (one of
:data:`registry.requests.PROCESS_MODULES`) subscribes :func:`_notify_after_commit`
to it: the notices are written in a session of their own, after the data
they describe is safe, and a failure here is logged, never raised to the
user whose action it follows. E-mail, where configured, is sent afterwards
(:mod:`registry.notifications.mail`).
"""
from __future__ import annotations

import logging
import threading
from functools import partial

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from registry.accounts.models import User
from registry.core.context import Context
from registry.core.db import unit_of_work, utcnow
from registry.core.errors import NotFound
from registry.core.signals import requests_committed
from registry.notifications import messages
from registry.notifications.mail import address_of, mail_notices
from registry.notifications.models import Notification
from registry.notifications.recipients import acting_users, asking_users, without
from registry.requests.engine import REQUEST_TYPES
from registry.requests.models import Request

log = logging.getLogger(__name__)


# -- writing notices ---------------------------------------------------------------

def add_notices(ctx: Context, request: Request, kind: str, users: list[User], message: str, *,
                due_at=None, email: bool = True) -> list[Notification]:
    """One notice per user; ``email`` queues it for the user's organisation's mailbox (when it has one)."""
    notices = [
        Notification(user=user, request=request, kind=kind, request_type=request.type, title=request.title[:300],
                     message=message, due_at=due_at, created_at=utcnow(),
                     email_state="pending" if email and address_of(user.organisation) else None)
        for user in {u.id: u for u in users}.values()
    ]
    ctx.session.add_all(notices)
    return notices


def _last_actor(request: Request) -> int | None:
    actions = [e for e in request.events if e.kind == "action"]
    return actions[-1].actor_id if actions else None


def _plan(ctx: Context, request: Request, what: str) -> tuple[str, list[User], str] | None:
    """The kind, recipients and text of the notice ``what`` calls for, or ``None``."""
    session = ctx.session
    if what == "opened":
        if request.state != "open":  # opened and settled in one go: nothing is left to do
            return None
        return "new", without(acting_users(session, request), request.created_by_id), messages.new_message(request)
    if what == "closed":
        if request.state == "open":  # closed, then reopened before the commit
            return None
        return "decided", without(asking_users(session, request), request.decided_by_id), messages.decided_message(request)
    if request.state != "open":
        return None
    if what == "extend":  # who asked learns the new date; who acts set it
        return "stage", without(asking_users(session, request), _last_actor(request)), messages.extended_message(request)
    return "stage", without(acting_users(session, request), _last_actor(request)), messages.stage_message(request)


def notify(ctx: Context, events: tuple[tuple[int, str], ...] | list[tuple[int, str]], *,
           email: bool = True) -> list[Notification]:
    """Write the notices the committed ``events`` (``(request id, what)``) call for; flushes.

    Several events of one request in one transaction give one notice of each kind.
    """
    notices: list[Notification] = []
    seen: set[tuple[int, str]] = set()
    for request_id, what in events:
        request = ctx.session.get(Request, request_id)
        if request is None or request.type not in REQUEST_TYPES:
            continue
        planned = _plan(ctx, request, what)
        if planned is None or (request_id, planned[0]) in seen:
            continue
        seen.add((request_id, planned[0]))
        kind, users, message = planned
        notices += add_notices(ctx, request, kind, users, message, email=email)
    ctx.session.flush()
    return notices


def _web_settings():
    """The settings of the web process this commit happened in; ``None`` elsewhere (CLI, jobs, tests)."""
    from flask import current_app, has_app_context

    if has_app_context() and "mulu" in current_app.extensions:
        return current_app.extensions["mulu"].settings
    return None


@requests_committed.connect
def _notify_after_commit(session: Session, events: tuple[tuple[int, str], ...]) -> None:
    """Write the notices of a commit in a session of their own, then e-mail them where configured.

    Outside the web (a CLI command, a job) the mail settings are not known here: the notices
    are queued and ``mulu deadlines check`` sends them.
    """
    try:
        settings = _web_settings()
        # A session bound to a connection already in a transaction (the tests') must only ever roll
        # back its own savepoint; bound to an engine, it is simply a new transaction.
        factory = partial(Session, bind=session.get_bind(), join_transaction_mode="create_savepoint")
        email = settings is None or settings.sends_email
        with unit_of_work(factory) as writer:
            notices = notify(Context(session=writer), events, email=email)
            queued = [n.id for n in notices if n.email_state == "pending"]
        if queued and settings is not None and settings.sends_email:
            # Off the request thread: a slow or unreachable mail server must not hold up the user's page.
            threading.Thread(target=_mail_quietly, args=(factory, settings, queued), daemon=True,
                             name="mulu-mail").start()
    except Exception:  # the user's own work is committed; never undo or fail it for a notice
        log.exception("could not write the notices of %s", events)


def _mail_quietly(factory, settings, queued: list[int]) -> None:
    try:
        mail_notices(factory, settings, queued)
    except Exception:  # unsent notices stay queued; `mulu deadlines check` retries them
        log.exception("could not e-mail notices %s", queued)


# -- reading and marking ------------------------------------------------------------

def _mine(ctx: Context):
    return select(Notification).where(Notification.user_id == (ctx.actor.id if ctx.actor else -1))


def list_notices(ctx: Context, *, unread: bool = False, page: int = 1, per_page: int = 50) -> tuple[list[Notification], int]:
    """The acting user's notices, newest first, and how many there are."""
    query = _mine(ctx)
    if unread:
        query = query.where(Notification.read_at.is_(None))
    total = ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = ctx.session.scalars(query.order_by(Notification.created_at.desc(), Notification.id.desc())
                               .limit(per_page).offset((max(page, 1) - 1) * per_page))
    return list(rows), total


def unread_count(ctx: Context) -> int:
    if ctx.actor is None:
        return 0
    return ctx.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == ctx.actor.id, Notification.read_at.is_(None))) or 0


def get_notice(ctx: Context, notice_id: int) -> Notification:
    """One of the acting user's notices; another's is as good as missing."""
    notice = ctx.session.scalar(_mine(ctx).where(Notification.id == notice_id))
    if notice is None:
        raise NotFound(f"没有编号为 {notice_id} 的通知")
    return notice


def mark_read(ctx: Context, notice_id: int) -> Notification:
    notice = get_notice(ctx, notice_id)
    if notice.read_at is None:
        notice.read_at = utcnow()
        ctx.session.flush()
    return notice


def mark_all_read(ctx: Context) -> int:
    """Mark every unread notice of the acting user read; returns how many were unread."""
    if ctx.actor is None:
        return 0
    result = ctx.session.execute(update(Notification).where(
        Notification.user_id == ctx.actor.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    ctx.session.flush()
    return result.rowcount or 0
