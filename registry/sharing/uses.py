"""Recording and exporting each use of shared data (fuzhou §29), only within what a share request approved.

Fuzhou §29 asks for the purpose, user, approver, content, time, method and
medium of every use; nanyang §33 keeps such logs at least six months. Rows are
only ever added: the application has no way to change or delete one.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from registry.accounts.permissions import require
from registry.audit.operations import record_event
from registry.core.cells import neutralise
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import ConflictError, FieldError, ValidationError
from registry.core.localtime import LOCAL_ZONE, aware, format_local
from registry.profiles import Profile
from registry.requests.models import Request
from registry.sharing.choices import method_of, subset_of
from registry.sharing.models import ShareUse
from registry.sharing.operations import SHARE_REQUEST, TYPE

LABELS = {"purpose": "具体用途", "user_name": "使用人员", "approver_name": "批准人员", "fields": "使用的信息项",
          "content": "数据内容", "used_at": "获取时间", "method": "获取方式", "medium": "介质类型"}
#: A clock a little ahead of the server's is not an error.
CLOCK_SLACK = timedelta(minutes=5)


def _error(key: str, message: str) -> FieldError:
    return FieldError(key, message, LABELS[key])


def _text(values: dict[str, Any], key: str, limit: int, errors: list[FieldError], required: bool = True) -> str | None:
    text = str(values.get(key) or "").strip()
    if not text:
        if required:
            errors.append(_error(key, "不能为空"))
        return None
    if len(text) > limit:
        errors.append(_error(key, f"不能超过 {limit} 字"))
    return text


def parse_used_at(raw: object) -> datetime | None:
    """A time as typed (``2026-10-12 09:30``, ISO, a bare date) or given; without a zone it is China's clock."""
    if isinstance(raw, datetime):
        at = raw
    elif isinstance(raw, date):
        at = datetime(raw.year, raw.month, raw.day)
    else:
        at = datetime.fromisoformat(str(raw).strip())
    return (at if at.tzinfo else at.replace(tzinfo=LOCAL_ZONE)).astimezone(UTC)


def _used_at(request: Request, raw: object, now: datetime, errors: list[FieldError]) -> datetime | None:
    if raw in (None, ""):
        return now
    try:
        at = parse_used_at(raw)
    except (ValueError, OverflowError):  # not a time, or one beyond the calendar's ends
        errors.append(_error("used_at", f"“{raw}”不是时间，请写成 2026-10-12 09:30 的形式"))
        return None
    until = (request.data or {}).get("use_until")
    if at > now + CLOCK_SLACK:
        errors.append(_error("used_at", "获取时间不能晚于现在"))
    elif request.closed_at is not None and at < aware(request.closed_at) - CLOCK_SLACK:
        errors.append(_error("used_at", f"获取时间早于申请获批时间（{format_local(request.closed_at)}）"))
    elif until and at.astimezone(LOCAL_ZONE).date() > date.fromisoformat(until):
        errors.append(_error("used_at", f"已超过批准的使用期限（至 {until}）"))
    return at


def _user(approval: dict[str, Any], values: dict[str, Any], errors: list[FieldError]) -> str | None:
    name = _text(values, "user_name", 64, errors)
    allowed = approval.get("users") or []
    if name and allowed and name not in allowed:
        errors.append(_error("user_name", f"“{name}”不在批准的使用人员中（{'、'.join(allowed)}）"))
    return name


def _method(profile: Profile, approval: dict[str, Any], raw: object, errors: list[FieldError]) -> str | None:
    if raw in (None, ""):
        return (approval.get("mode") or {}).get("type")
    method = method_of(profile, raw)
    if method is None:
        allowed = "、".join(profile.all_share_method_types().labels())
        errors.append(_error("method", f"“{raw}”不是本辖区的共享方式类型，可选：{allowed}"))
    return method


def record_use(ctx: Context, request: Request, values: dict[str, Any], *, now: datetime | None = None) -> ShareUse:
    """Log one use of the data a share request approved: only its approved fields, users, period.

    ``values``: ``purpose``, ``user_name``, ``fields`` (names or a text list), ``used_at`` (default now),
    ``method`` (default the approved mode), ``medium``, and optionally ``approver_name`` (default the
    approver of the request) and ``content``.
    """
    if request.type != TYPE:
        raise ConflictError("不是共享申请")
    require(ctx.actor, "share:record_use", request.requester)
    if request.state != "approved":
        raise ConflictError(f"只有已同意的共享申请可以登记使用（当前为“{SHARE_REQUEST.position_label(request)}”）")
    approval = (request.data or {}).get("approval") or {}
    errors: list[FieldError] = []
    fields, field_errors = subset_of(approval.get("fields") or [], values.get("fields"), key="fields",
                                     label=LABELS["fields"], outside="未获同意共享，不能登记使用")
    errors += field_errors
    row = {
        "fields": fields, "purpose": _text(values, "purpose", 2000, errors), "user_name": _user(approval, values, errors),
        "approver_name": _text(values, "approver_name", 64, errors, required=False) or approval.get("by"),
        "content": _text(values, "content", 4000, errors, required=False),
        "used_at": _used_at(request, values.get("used_at"), now or utcnow(), errors),
        "method": _method(ctx.profile, approval, values.get("method"), errors),
        "medium": _text(values, "medium", 60, errors),
    }
    if errors:
        raise ValidationError(errors)
    use = ShareUse(request=request, item=request.item, organisation=request.requester, created_at=utcnow(),
                   created_by_id=ctx.actor.id if ctx.actor else None, **row)
    ctx.session.add(use)
    ctx.session.flush()
    record_event(ctx, "share_use:record", "share_use", use.id, {
        "request": request.id, "item": request.item.code, "user": use.user_name, "fields": fields,
        "used_at": use.used_at.isoformat(), "method": use.method, "medium": use.medium})
    return use


# -- export ---------------------------------------------------------------------------

HEADER = ("编号", "共享申请", "资源代码", "资源名称", "使用单位", "使用人员", "批准人员", "具体用途", "使用的信息项",
          "数据内容", "获取时间", "获取方式", "介质类型", "登记时间")


def use_row(profile: Profile, use: ShareUse) -> list[object]:
    """One use as the CSV export and the screens show it (local times, labels for codes)."""
    return [
        use.id, use.request_id, use.item.code, use.item.name, use.organisation.name, use.user_name,
        use.approver_name or "", use.purpose, "、".join(use.fields or []), use.content or "",
        format_local(use.used_at), profile.all_share_method_types().label(use.method), use.medium,
        format_local(use.created_at),
    ]


def uses_csv(profile: Profile, uses: Iterable[ShareUse]) -> str:
    """The log as CSV for Excel: a BOM, the header, and cells that could run as formulas neutralised."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for use in uses:
        writer.writerow([neutralise("" if v is None else str(v)) for v in use_row(profile, use)])
    return buffer.getvalue()
