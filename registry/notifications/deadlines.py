"""The periodic deadline check: remind whoever must act of requests nearly due or overdue, once per due date."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from registry.core.context import Context
from registry.core.localtime import local_today
from registry.notifications import messages
from registry.notifications.models import DUE_KINDS, Notification
from registry.notifications.operations import add_notices
from registry.notifications.recipients import acting_users, audience_for
from registry.requests.engine import REQUEST_TYPES, due_soon_limit, due_status
from registry.requests.models import Request

_MESSAGES = {"due_soon": messages.due_soon_message, "overdue": messages.overdue_message}


@dataclass
class TypeTally:
    """One request type's count in a run: how many requests are overdue or nearly due, how many notices were written."""

    label: str
    overdue: int = 0
    due_soon: int = 0
    notified: int = 0
    emailed: int = 0


@dataclass
class DeadlineRun:
    today: date
    tallies: dict[str, TypeTally] = field(default_factory=dict)
    notices: list[Notification] = field(default_factory=list)

    def tally(self, type_name: str) -> TypeTally:
        if type_name not in self.tallies:
            request_type = REQUEST_TYPES.get(type_name)
            self.tallies[type_name] = TypeTally(request_type.label if request_type else type_name)
        return self.tallies[type_name]


def due_requests(ctx: Context, today: date) -> list[Request]:
    """Open requests due by the end of the nearly-due window (the overdue ones included), most urgent first."""
    return list(ctx.session.scalars(
        select(Request).where(Request.state == "open", Request.due_at.is_not(None),
                              Request.due_at <= due_soon_limit(ctx, today))
        .order_by(Request.type, Request.due_at, Request.id)
    ))


def _reminded(ctx: Context, requests: list[Request]) -> set[tuple[int, int, str, date]]:
    """(user, request, kind, due date) of the reminders already written for ``requests``."""
    if not requests:
        return set()
    rows = ctx.session.execute(select(Notification.user_id, Notification.request_id, Notification.kind, Notification.due_at)
                               .where(Notification.request_id.in_([r.id for r in requests]),
                                      Notification.kind.in_(DUE_KINDS)))
    return {tuple(row) for row in rows}


def _acting(ctx: Context, request: Request, cache: dict[tuple[str, int], list]) -> list:
    """Who must act, worked out once per run for each named audience and organisation (thousands of due
    requests share a few hundred); a domain's own audience function may look at more, so it is asked each time."""
    audience = audience_for(request)
    if not isinstance(audience, str) or audience == "requester":
        return acting_users(ctx.session, request)
    key = (audience, request.organisation_id)
    if key not in cache:
        cache[key] = acting_users(ctx.session, request)
    return cache[key]


def check_deadlines(ctx: Context, today: date | None = None, *, email: bool = True) -> DeadlineRun:
    """Write a due-soon or overdue reminder for each user who must act on a request that is so ``today``; flushes.

    Idempotent: a user is reminded once per request, kind and due date, so the
    check may run as often as the scheduler likes; an extension (a new due date)
    reminds again. ``email`` queues the reminders for e-mail.
    """
    today = today or local_today()
    run = DeadlineRun(today)
    requests = due_requests(ctx, today)
    done = _reminded(ctx, requests)
    audiences: dict[tuple[str, int], list] = {}
    for request in requests:
        status = due_status(ctx, request, today)
        if status not in DUE_KINDS:
            continue
        tally = run.tally(request.type)
        setattr(tally, status, getattr(tally, status) + 1)
        users = [u for u in _acting(ctx, request, audiences) if (u.id, request.id, status, request.due_at) not in done]
        if users:
            notices = add_notices(ctx, request, status, users, _MESSAGES[status](request), due_at=request.due_at, email=email)
            tally.notified += len(notices)
            run.notices += notices
    ctx.session.flush()
    return run
