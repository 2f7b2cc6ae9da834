"""Designating the one source of data collected twice: every interface resolves findings through here."""
from __future__ import annotations

from registry.accounts.permissions import (
    CATALOG_ROLES,
    any_of,
    can,
    declare,
    is_authority,
    is_system,
    require,
    reviews_city,
)
from registry.audit.operations import record_event
from registry.core.context import Context
from registry.core.errors import FieldError, ValidationError
from registry.orgs.models import Organisation
from registry.sourcing.duplicates import OrgRef
from registry.sourcing.models import SourceDesignation
from registry.sourcing.report import ReportEntry, duplicate_report, report_entry

#: Longest note a designation keeps.
NOTE_MAX = 2000

declare("duplicates:view", any_of(is_system, lambda actor, org: actor is not None and actor.role in CATALOG_ROLES),
        "只有编目、审核人员和数据主管部门可以查看一数一源报告")
# The city's review designates the source (nanyang §24, binzhou §9, fuzhou_jx §11).
declare("duplicates:resolve", any_of(is_system, is_authority, reviews_city),
        "只有市级审核员或数据主管部门可以指定数据来源")


def may_view(ctx: Context) -> bool:
    return can(ctx.actor, "duplicates:view")


def may_resolve(ctx: Context) -> bool:
    return can(ctx.actor, "duplicates:resolve")


def list_findings(ctx: Context, status: str | None = None, org: Organisation | None = None) -> list[ReportEntry]:
    """The report (:func:`registry.sourcing.report.duplicate_report`) for those who may read it."""
    require(ctx.actor, "duplicates:view")
    return duplicate_report(ctx, status, org)


def get_finding(ctx: Context, key: str) -> ReportEntry:
    require(ctx.actor, "duplicates:view")
    return report_entry(ctx, key)


def resolve_finding(ctx: Context, key: str, source_code: str | None, note: str | None = None) -> SourceDesignation:
    """Mark the finding ``key`` resolved: ``source_code`` (one of its members' departments) collects the data.

    A finding may be designated again (the latest designation counts); the
    members are recorded as they are now, so a later change reopens it.
    """
    require(ctx.actor, "duplicates:resolve")
    entry = report_entry(ctx, key)
    source = _source(entry, source_code)
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise ValidationError(FieldError("note", f"不能超过 {NOTE_MAX} 字", "说明"))
    designation = SourceDesignation(finding_key=key, member_codes=list(entry.finding.member_codes), source_id=source.id,
                                    note=note, resolved_by_id=ctx.actor.id if ctx.actor else None)
    ctx.session.add(designation)
    ctx.session.flush()
    record_event(ctx, "duplicates:resolve", "duplicate_finding", key, {
        "source": source.code, "source_name": source.name, "members": list(entry.finding.member_codes), "note": note,
        "previous_source": _previous_source(entry),
    })
    return designation


def _source(entry: ReportEntry, code: str | None) -> OrgRef:
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError(FieldError("source", "请选择指定的数据来源部门", "数据来源"))
    source = next((p for p in entry.finding.providers if p.code == code), None)
    if source is None:
        names = "、".join(p.name for p in entry.finding.providers)
        raise ValidationError(FieldError("source", f"“{code}”不是该发现所涉条目的提供部门（应为{names}之一）", "数据来源"))
    return source


def _previous_source(entry: ReportEntry) -> str | None:
    return entry.designation.source.code if entry.designation is not None else None

