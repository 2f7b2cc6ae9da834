"""The request engine: declared types, guarded transitions, a timeline, and deadlines in working days.

A domain declares a :class:`RequestType` (states, actions, the profile
deadline that sets ``due_at``) and calls :func:`open_request`,
:func:`transition` and :func:`add_comment`. Who may act is the domain's
decision (its permissions depend on what the request is about); the engine
guarantees the state machine, the required reasons, the timeline and the audit.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from registry.audit.operations import record_event
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import ConflictError, FieldError, ValidationError
from registry.core.localtime import local_today
from registry.core.signals import note_request_event
from registry.orgs.models import Organisation
from registry.requests.models import Request, RequestEvent

#: A step due within this many working days is "nearly due".
DUE_SOON_WORKDAYS = 1


@dataclass(frozen=True)
class Action:
    """A step of a request type.

    ``sources`` are the states it starts from; while a request is ``open`` it may
    sit in a stage (answer first, then deliver), and ``stages`` limits the action
    to some of them. An action that keeps the request open may move it to
    ``next_stage`` and restart the clock from the profile's ``deadline_key``.
    """

    name: str
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False
    stages: frozenset[str] | None = None
    next_stage: str | None = None
    deadline_key: str | None = None

    def applies_to(self, request: Request) -> bool:
        if request.state not in self.sources:
            return False
        return self.stages is None or request.state != "open" or request.stage in self.stages


@dataclass(frozen=True)
class RequestType:
    name: str
    label: str
    states: dict[str, str]  # state → label; "open" is the initial state
    actions: dict[str, Action] = field(default_factory=dict)
    deadline_key: str | None = None  # the profile deadline that sets due_at
    stages: dict[str, str] = field(default_factory=dict)  # stage → label, for open requests
    first_stage: str | None = None

    def state_label(self, state: str) -> str:
        return self.states.get(state, state)

    def position_label(self, request: Request) -> str:
        """“办理中 · 待答复”: the state, and the stage of an open request."""
        label = self.state_label(request.state)
        if request.state == "open" and request.stage in self.stages:
            return f"{label} · {self.stages[request.stage]}"
        return label

    def available_actions(self, request: Request) -> list[Action]:
        return [a for a in self.actions.values() if a.applies_to(request)]


REQUEST_TYPES: dict[str, RequestType] = {}


def register(request_type: RequestType) -> RequestType:
    REQUEST_TYPES[request_type.name] = request_type
    return request_type


def _audit(ctx: Context, request: Request, action: str, data: dict) -> None:
    record_event(ctx, f"{request.type}:{action}", "request", request.id, {"title": request.title, **data})


def deadline_from(ctx: Context, key: str | None, start: date | None = None) -> date | None:
    """The due date ``key``'s working days after ``start`` (today); ``None`` when the profile sets no such deadline."""
    deadline = ctx.profile.deadline(key) if key else None
    return ctx.calendar.add_workdays(start or local_today(), deadline.days) if deadline else None


def open_request(ctx: Context, type_name: str, *, organisation: Organisation, title: str, item=None,
                 change=None, level: str | None = None, round: int = 1, data: dict | None = None,
                 requester: Organisation | None = None, deadline_key: str | None = None,
                 today: date | None = None, due_at: date | None = None) -> Request:
    """Open a request; its ``due_at`` is the profile's deadline for the type (or ``deadline_key``), in working days from today.

    ``organisation`` is who must act (the provider); ``requester`` who asked.
    ``today`` is the day the clock starts (the calendar day the request arrived); ``due_at`` a due date
    the process fixes itself (a notice falls due when the announced change takes effect).
    """
    request_type = REQUEST_TYPES[type_name]
    request = Request(
        type=type_name, state="open", stage=request_type.first_stage, level=level, round=round, title=title[:300],
        organisation=organisation, requester=requester, item=item, change=change, data=data or {}, created_at=utcnow(),
        created_by_id=ctx.actor.id if ctx.actor else None,
        due_at=due_at or deadline_from(ctx, deadline_key or request_type.deadline_key, today),
    )
    ctx.session.add(request)
    ctx.session.flush()
    _audit(ctx, request, "open", {"level": level, "round": round, "due_at": request.due_at.isoformat() if request.due_at else None})
    note_request_event(ctx.session, request.id, "opened")
    return request


def transition(ctx: Context, request: Request, action_name: str, reason: str | None = None, *,
               today: date | None = None) -> Request:
    """Carry out an action: checks the state, stage and reason, closes the request or moves it on, records it."""
    request_type = REQUEST_TYPES[request.type]
    action = request_type.actions.get(action_name)
    if action is None:
        raise ConflictError(f"“{request_type.label}”没有“{action_name}”这一操作")
    if not action.applies_to(request):
        raise ConflictError(f"该事项当前为“{request_type.position_label(request)}”，不能{action.label}")
    reason = (reason or "").strip() or None
    if action.needs_reason and not reason:
        raise ValidationError(FieldError("reason", f"{action.label}必须填写理由", "理由"))
    request.state = action.target
    request.decision_reason = reason
    if action.target != "open":
        request.closed_at = utcnow()
        request.decided_by_id = ctx.actor.id if ctx.actor else None
    else:
        request.closed_at = None  # reopened (e.g. a refusal taken to the authority)
        if action.next_stage:
            request.stage = action.next_stage
        if action.deadline_key:  # a new stage has its own clock, from the day it starts
            request.due_at = deadline_from(ctx, action.deadline_key, today)
    _event(ctx, request, "action", action=action.name, text=reason)
    ctx.session.flush()
    _audit(ctx, request, action.name, {"reason": reason, "state": request.state, "stage": request.stage,
                                       "due_at": request.due_at.isoformat() if request.due_at else None})
    note_request_event(ctx.session, request.id, "closed" if request.state != "open" else action.name)
    return request


def extend_due(ctx: Context, request: Request, deadline_key: str, reason: str | None, *, times: int = 1) -> Request:
    """Push an open request's due date back by the profile's ``deadline_key`` working days, at most ``times`` times.

    Extensions need a reason (nanyang §46: once, by at most 10 working days).
    """
    if request.state != "open" or request.due_at is None:
        raise ConflictError("只有办理中且有期限的事项可以延期")
    deadline = ctx.profile.deadline(deadline_key)
    if deadline is None:
        raise ConflictError("本辖区没有规定可以延期")
    done = sum(1 for e in request.events if e.kind == "action" and e.action == "extend")
    if done >= times:
        raise ConflictError(f"该事项已延期{done}次，不能再延期")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(FieldError("reason", "延期必须说明理由", "理由"))
    old = request.due_at
    request.due_at = ctx.calendar.add_workdays(old, deadline.days)
    _event(ctx, request, "action", action="extend", text=reason)
    ctx.session.flush()
    _audit(ctx, request, "extend", {"reason": reason, "from": old.isoformat(), "due_at": request.due_at.isoformat()})
    note_request_event(ctx.session, request.id, "extend")
    return request


def add_comment(ctx: Context, request: Request, text: str, target: str | None = None) -> RequestEvent:
    """A remark on the request, optionally about one element or field (逐项意见)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(FieldError("text", "意见不能为空", "意见"))
    event = _event(ctx, request, "comment", text=text[:4000], target=(target or None) and target[:240])
    ctx.session.flush()
    _audit(ctx, request, "comment", {"target": event.target, "text": event.text})
    return event


def _event(ctx: Context, request: Request, kind: str, *, action: str | None = None, text: str | None = None,
           target: str | None = None) -> RequestEvent:
    actor = ctx.actor
    event = RequestEvent(
        request=request, kind=kind, action=action, text=text, target=target, created_at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_name=(actor.display_name or actor.username) if actor else "系统",
    )
    ctx.session.add(event)
    return event


# -- deadlines ------------------------------------------------------------------

def due_status(ctx: Context, request: Request, today: date | None = None) -> str | None:
    """``overdue``, ``due_soon`` or ``on_time`` for an open request with a deadline; else ``None``."""
    if request.state != "open" or request.due_at is None:
        return None
    today = today or local_today()
    if request.due_at < today:
        return "overdue"
    if ctx.calendar.workdays_between(today, request.due_at) <= DUE_SOON_WORKDAYS:
        return "due_soon"
    return "on_time"


def due_soon_limit(ctx: Context, today: date | None = None) -> date:
    """The last due date that still counts as nearly due today."""
    return ctx.calendar.add_workdays(today or local_today(), DUE_SOON_WORKDAYS)


def count_overdue(ctx: Context, type_name: str | None = None, today: date | None = None) -> int:
    query = select(func.count()).select_from(Request).where(Request.state == "open", Request.due_at < (today or local_today()))
    if type_name:
        query = query.where(Request.type == type_name)
    return ctx.session.scalar(query) or 0
