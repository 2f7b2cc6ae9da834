"""审计日志 at ``/admin/audit/``: the audit administrator's search, CSV export and chain check.

The audit administrator reads and exports; nothing here changes an event.
Their own searches, exports and checks are audited like any other action.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext, lazy_gettext

from registry.accounts.models import Role
from registry.accounts.permissions import require
from registry.app import request_context, runtime
from registry.audit.export import csv_chunks
from registry.audit.operations import record_event
from registry.audit.present import data_lines, local_day_start
from registry.audit.queries import (
    PAGE_SIZE,
    AuditFilter,
    check_chain,
    day_after,
    iter_events,
    known_tags,
    search_events,
)
from registry.audit.tags import tag_label
from registry.core.context import Context
from registry.core.db import unit_of_work, utcnow
from registry.core.localtime import local_time
from registry.office.admin import OfficeView

#: How many of the chain's problems a check lists on screen (the count is always given).
SHOWN_PROBLEMS = 20


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _audit_filter() -> tuple[AuditFilter, dict[str, str]]:
    """The criteria from the query string, and the form values to show again."""
    args = request.args
    since, until = _day(args.get("since")), _day(args.get("until"))
    form = {k: (args.get(k) or "").strip()[:64] for k in ("since", "until", "actor", "tag", "object_id")}
    flt = AuditFilter(
        since=local_day_start(since) if since else None,
        until=day_after(local_day_start(until)) if until else None,  # the whole of the last day
        actor=form["actor"], tag=form["tag"], object_id=form["object_id"],
    )
    return flt, form


def _record_read(ctx: Context, tag: str, data: dict) -> None:
    """Audit a read in a write transaction of its own (the request's began as a reader)."""
    with unit_of_work(runtime().sessions) as session:
        record_event(replace(ctx, session=session), tag, "audit_event", None, data)


def _csv_stream(ctx: Context, flt: AuditFilter, sessions) -> Iterator[bytes]:
    """The export, read in a session of its own that lives as long as the stream (the request's closes first)."""
    with unit_of_work(sessions, write=False) as session:
        for chunk in csv_chunks(iter_events(replace(ctx, session=session), flt)):
            yield chunk.encode("utf-8")


class AuditLogView(OfficeView):
    """审计日志: only the audit administrator (三员分立) sees it."""

    roles = (Role.AUDIT_ADMIN,)
    templates_dir = str(Path(__file__).with_name("templates"))

    @expose("/")
    def index(self):
        self.require_role()
        ctx = request_context()
        flt, form = _audit_filter()
        page = max(1, request.args.get("page", 1, type=int))
        events, total = search_events(ctx, flt, page)
        if not flt.is_empty():
            _record_read(ctx, "audit:search", {"filter": flt.as_dict(), "page": page, "found": total})
        query = {k: v for k, v in form.items() if v}
        return self.render(
            "audit/log.html", events=events, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
            form=form, tags=known_tags(ctx), tag_label=tag_label, data_lines=data_lines,
            export_url=url_for(".export", **query), page_url=lambda p: url_for(".index", **query, page=p),
        )

    @expose("/export.csv")
    def export(self):
        self.require_role()
        ctx = request_context()
        flt, _ = _audit_filter()
        require(ctx.actor, "audit:read")  # now: the rows are read only once the response streams
        _record_read(ctx, "audit:export", {"filter": flt.as_dict()})
        name = f"audit-{local_time(utcnow()).strftime('%Y%m%d-%H%M%S')}.csv"
        return Response(_csv_stream(ctx, flt, runtime().sessions), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}"})

    @expose("/verify", methods=("POST",))
    def verify(self):
        self.require_role()
        ctx = request_context()
        problems = check_chain(ctx)
        record_event(ctx, "audit:verify", "audit_event", None, {"intact": not problems, "problems": problems[:SHOWN_PROBLEMS]})
        ctx.session.commit()
        if not problems:
            flash(gettext("哈希链完整：审计日志未被篡改、插入或删除"), "info")
        else:
            flash(gettext("哈希链校验发现 %(n)d 处问题", n=len(problems)), "error")
            for problem in problems[:SHOWN_PROBLEMS]:
                flash(problem, "error")
        return redirect(url_for(".index"))


def register(admin) -> None:
    admin.add_view(AuditLogView(name=lazy_gettext("审计日志"), endpoint="audit", url="/admin/audit"))
