"""What a request looks like on a page or in a response: its position, due state and timeline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from registry.core.context import Context
from registry.requests.engine import REQUEST_TYPES, due_status
from registry.requests.models import Request


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    actor: str
    kind: str  # opened, action, comment
    what: str
    target: str | None
    text: str | None


def timeline(request: Request) -> list[TimelineRow]:
    """The request's history, oldest first: its opening, then every action and comment."""
    request_type = REQUEST_TYPES[request.type]
    rows = [TimelineRow(request.created_at, _creator(request), "opened", f"提出{request_type.label}", None, None)]
    for event in request.events:
        if event.kind == "comment":
            what = "意见"
        elif event.action == "extend":
            what = "延期"
        else:
            action = request_type.actions.get(event.action or "")
            what = action.label if action else (event.action or "")
        rows.append(TimelineRow(event.created_at, event.actor_name or "系统", event.kind, what, event.target, event.text))
    return rows


def _creator(request: Request) -> str:
    """The organisation that asked, or the member of the public staff recorded it for."""
    if request.requester is not None:
        return request.requester.name
    return (request.data or {}).get("requester_name") or "系统"


def summary(ctx: Context, request: Request) -> dict:
    """The fields every process shows of a request, in one shape for pages and the API."""
    request_type = REQUEST_TYPES[request.type]
    return {
        "id": request.id,
        "type": request.type,
        "type_label": request_type.label,
        "state": request.state,
        "state_label": request_type.state_label(request.state),
        "stage": request.stage if request.state == "open" else None,
        "stage_label": request_type.stages.get(request.stage or "") if request.state == "open" else None,
        "position_label": request_type.position_label(request),
        "title": request.title,
        "organisation": _org(request.organisation),
        "requester": _org(request.requester),
        "item_code": request.item.code if request.item is not None else None,
        "data": request.data or {},
        "due_at": request.due_at,
        "due_status": due_status(ctx, request),
        "created_at": request.created_at,
        "closed_at": request.closed_at,
        "decision_reason": request.decision_reason,
    }


def _org(org) -> dict | None:
    return None if org is None else {"id": org.id, "code": org.code, "name": org.name}
