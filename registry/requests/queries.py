"""Lists of requests of one type, filtered the way every process screen and endpoint filters them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import selectinload

from registry.core.context import Context
from registry.core.errors import FieldError, ValidationError
from registry.core.localtime import local_today
from registry.requests.engine import due_soon_limit
from registry.requests.models import Request

STATES = ("open", "closed", "all")
DUES = ("overdue", "due_soon")


def request_query(ctx: Context, type_name: str, where: ColumnElement[bool] | None = None, *, state: str | None = "open",
                  due: str | None = None, org_id: int | None = None, stage: str | None = None,
                  today: date | None = None) -> Select:
    """Requests of ``type_name`` the caller may see (``where``), open ones first and the most urgent on top.

    ``state`` is ``open`` (default), ``closed``, ``all`` or one of the type's states; ``due`` is
    ``overdue`` or ``due_soon`` (open requests only).
    """
    today = today or local_today()
    # Lists and pages show each request's parties, item and timeline: load them per page, not per row.
    query = (select(Request).where(Request.type == type_name)
             .options(selectinload(Request.organisation), selectinload(Request.requester),
                      selectinload(Request.item), selectinload(Request.events)))
    if where is not None:
        query = query.where(where)
    if state == "open":
        query = query.where(Request.state == "open")
    elif state == "closed":
        query = query.where(Request.state != "open")
    elif state and state != "all":
        query = query.where(Request.state == state)
    if stage:
        query = query.where(Request.stage == stage)
    if due == "overdue":
        query = query.where(Request.state == "open", Request.due_at < today)
    elif due == "due_soon":
        query = query.where(Request.state == "open", Request.due_at >= today, Request.due_at <= due_soon_limit(ctx, today))
    elif due:
        raise ValidationError(FieldError("due", "期限筛选只能是 overdue（已逾期）或 due_soon（即将到期）", "期限"))
    if org_id is not None:
        query = query.where((Request.organisation_id == org_id) | (Request.requester_id == org_id))
    return query.order_by(case((Request.state == "open", 0), else_=1), Request.due_at.is_(None), Request.due_at,
                          Request.id.desc())


def count(ctx: Context, query: Select) -> int:
    return ctx.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def page(ctx: Context, query: Select, number: int, size: int) -> tuple[list, int]:
    """One page of ``query`` and the total."""
    rows = list(ctx.session.scalars(query.limit(size).offset((max(number, 1) - 1) * size)))
    return rows, count(ctx, query)
