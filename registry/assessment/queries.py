"""The counts behind the indicators: a few grouped queries over the whole catalog, one row per department.

Every query groups by department in the database (an internal unit's rows count
for its department), so assessing a province's thousand departments and hundred
thousand items is a handful of statements, not a loop.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    func,
    literal_column,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.functions import FunctionElement

from registry.catalog.models import CatalogItem, Field, OpenType, ShareType
from registry.core.context import Context
from registry.monitoring.freshness import staleness_by_org
from registry.mounts.queries import mount_rate_by_org
from registry.orgs.models import Organisation, OrgLevel
from registry.profiles import Profile
from registry.requests.models import Request

from .periods import Period

#: Request types that a department answers: someone asked, and the regulation sets the answer's deadline.
ANSWER_TYPES = ("share_request", "demand", "open_request", "objection", "correction", "catalog_update")
#: Request types addressed to a department but decided by reviewers or the authority: not the department's deadlines.
DECIDED_ELSEWHERE = ("review", "emergency_filing")
#: Stages of a department's request in which reviewers or the authority act (coordination, review):
#: a request that is, or ended, there is judged on their clock, not the department's.
STAGES_DECIDED_ELSEWHERE = (("share_request", "coordination"), ("open_request", "review"), ("objection", "review"),
                            ("catalog_update", "county"), ("catalog_update", "review"), ("demand", "county"),
                            ("demand", "city"))
#: Closed states that are nobody's answer (the asker withdrew): neither on time nor late.
NEUTRAL_STATES = ("cancelled", "withdrawn")

Counts = dict[int, dict[str, int]]


class local_date(FunctionElement):
    """The local (China) calendar day of a stored UTC time, computed by the database."""

    type = Date()
    inherit_cache = True


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(local_date)
def _local_date_postgres(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'Asia/Shanghai') AS DATE)"


@dataclass(frozen=True)
class ByDepartment:
    """How to count rows keyed by an organisation column for departments: a unit's rows count for its department."""

    org_id: ColumnElement[int]

    @cached_property
    def org(self):
        return Organisation.__table__.alias("assessed_org")

    @property
    def dept(self) -> ColumnElement[int]:
        # A literal, not a bound parameter: PostgreSQL matches the grouped expression to the selected one by its text.
        unit = literal_column(f"'{OrgLevel.UNIT.value}'")
        return case((self.org.c.level == unit, self.org.c.parent_id), else_=self.org.c.id)

    def joined(self, query: Select) -> Select:
        return query.join(self.org, self.org.c.id == self.org_id)

    def within(self, org_ids: list[int]) -> ColumnElement[bool]:
        """Rows of these departments; the key column's own test lets the database use its index."""
        return and_(self.org_id.in_(organisations_of(org_ids)), self.dept.in_(org_ids))


def organisations_of(org_ids: list[int]) -> Select:
    """The ids of these departments and of their internal units."""
    return select(Organisation.id).where(or_(Organisation.id.in_(org_ids), and_(
        Organisation.parent_id.in_(org_ids), Organisation.level == OrgLevel.UNIT)))


def _sum(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _blank(column) -> ColumnElement[bool]:
    return or_(column.is_(None), func.trim(column) == "")


def _grouped(ctx: Context, columns: dict[str, ColumnElement], base, by: ByDepartment, where: Iterable,
             org_ids: list[int] | None) -> Counts:
    query = by.joined(select(by.dept.label("dept"), *(c.label(k) for k, c in columns.items())).select_from(base))
    for condition in where:
        query = query.where(condition)
    if org_ids is not None:
        query = query.where(by.within(org_ids))
    out: Counts = {}
    for row in ctx.session.execute(query.group_by(by.dept)).mappings():
        out[row["dept"]] = {k: int(row[k] or 0) for k in columns}
    return out


# -- the catalog -------------------------------------------------------------------

#: The entry rules SQL can check over the whole catalog. Rules needing code (identifier check digits,
#: identifier fields guessed from their names) are left to the entry form and the import; typed fields
#: of structured formats have their own indicator.
CHECKED_RULES = ("share_basis_required", "not_shared_basis_required", "share_condition_required",
                 "base_items_unconditional", "share_method_required", "open_basis_required", "open_condition_required",
                 "not_shared_not_open", "update_cycle_at_least_monthly", "purchased_data_cataloged")


def quality_rules(profile: Profile) -> list[str]:
    """The rules of :data:`CHECKED_RULES` that the profile's regulation imposes."""
    return [rule_id for rule_id in CHECKED_RULES if profile.applies(rule_id)]


def _field_summary(org_ids: list[int] | None):
    """Per item (of these departments), in one pass over the fields: how many, how many untyped, how many open
    conditionally without a condition."""
    query = select(Field.item_id.label("item_id"), func.count().label("fields"),
                   _sum(_blank(Field.data_type)).label("untyped"),
                   _sum(and_(Field.open_type == OpenType.CONDITIONAL, _blank(Field.open_condition))).label("unexplained"))
    if org_ids is not None:
        query = query.where(Field.item_id.in_(select(CatalogItem.id).where(
            CatalogItem.provider_id.in_(organisations_of(org_ids)))))
    return query.group_by(Field.item_id).subquery("field_summary")


def _quality_checks(profile: Profile, unexplained_fields: ColumnElement[int]) -> dict[str, ColumnElement[bool]]:
    """rule id → "this item breaks it", for the profile's :func:`quality_rules`."""
    item = CatalogItem
    restricted = item.share_type.in_((ShareType.CONDITIONAL, ShareType.NOT_SHARED))
    slow_cycles = [t.value for t in profile.vocab("update_cycle").terms
                   if t.attrs.get("max_days") is None or t.attrs["max_days"] > 31]
    checks = {
        "share_basis_required": and_(restricted, _blank(item.share_basis)),
        "not_shared_basis_required": and_(item.share_type == ShareType.NOT_SHARED, _blank(item.share_basis)),
        "share_condition_required": and_(item.share_type == ShareType.CONDITIONAL, _blank(item.share_condition)),
        "base_items_unconditional": and_(item.class_code == "1", item.share_type != ShareType.UNCONDITIONAL),
        "share_method_required": and_(item.share_type.in_((ShareType.UNCONDITIONAL, ShareType.CONDITIONAL)),
                                      or_(_blank(item.share_method_class), _blank(item.share_method_type))),
        "open_basis_required": and_(item.open_type.in_((OpenType.CONDITIONAL, OpenType.NOT_OPEN)), _blank(item.open_basis)),
        "open_condition_required": or_(and_(item.open_type == OpenType.CONDITIONAL, _blank(item.open_condition)),
                                       unexplained_fields > 0),
        "not_shared_not_open": and_(item.share_type == ShareType.NOT_SHARED, item.open_type != OpenType.NOT_OPEN),
        "update_cycle_at_least_monthly": item.update_cycle.in_(slow_cycles),
        "purchased_data_cataloged": and_(item.is_purchased.is_(True), _blank(item.purchase_source)),
    }
    return {rule_id: checks[rule_id] for rule_id in quality_rules(profile)}


def catalog_counts(ctx: Context, period: Period, org_ids: list[int] | None) -> Counts:
    """Per department, the catalog as it stood at the period's end: items, published, open, structured, flawed…

    An item counts if it was created before the period ended and not retired by then;
    it counts as published if it was first published by then. Its elements are the
    ones recorded now (the catalog keeps element history as diffs, not as snapshots).
    """
    item, fields = CatalogItem, _field_summary(org_ids)
    end = period.utc_end
    published = and_(item.published_at.is_not(None), item.published_at < end)
    structured = [t.value for t in ctx.profile.vocab("format_class").terms if t.attrs.get("structured")]
    is_structured = and_(published, item.format_class.in_(structured))
    typed = and_(func.coalesce(fields.c.fields, 0) > 0, func.coalesce(fields.c.untyped, 0) == 0)
    checks = _quality_checks(ctx.profile, func.coalesce(fields.c.unexplained, 0))
    columns: dict[str, ColumnElement] = {
        "items": _sum(item.id.is_not(None)),
        "published": _sum(published),
        "open": _sum(and_(published, item.open_type != OpenType.NOT_OPEN)),
        "structured": _sum(is_structured),
        "structured_typed": _sum(and_(is_structured, typed)),
        "flawed": _sum(and_(published, or_(*checks.values()))) if checks else _sum(item.id.is_(None)),
        **{f"rule:{rule_id}": _sum(and_(published, check)) for rule_id, check in checks.items()},
    }
    where = (item.created_at < end, or_(item.retired_at.is_(None), item.retired_at >= end))
    base = item.__table__.outerjoin(fields, fields.c.item_id == item.id)
    return _grouped(ctx, columns, base, ByDepartment(item.provider_id), where, org_ids)


# -- requests ----------------------------------------------------------------------

def _departments_clock() -> ColumnElement[bool]:
    return not_(or_(*(and_(Request.type == t, Request.stage == s) for t, s in STAGES_DECIDED_ELSEWHERE)))


def _timeliness(today: date) -> dict[str, ColumnElement]:
    closed = and_(Request.state != "open", Request.closed_at.is_not(None))
    return {
        "on_time": _sum(and_(closed, local_date(Request.closed_at) <= Request.due_at)),
        "late": _sum(and_(closed, local_date(Request.closed_at) > Request.due_at)),
        "open_overdue": _sum(and_(Request.state == "open", Request.due_at < today)),
        "pending": _sum(and_(Request.state == "open", Request.due_at >= today)),
    }


def deadline_counts(ctx: Context, period: Period, org_ids: list[int] | None, today: date) -> Counts:
    """Per department, the deadlines that fell in the period: met, missed (closed late) or still open and overdue.

    Every request type the department itself must act on counts; review steps (the
    reviewers' deadlines) and requests withdrawn by the asker do not.
    """
    where = (Request.type.not_in(DECIDED_ELSEWHERE), Request.state.not_in(NEUTRAL_STATES), _departments_clock(),
             Request.due_at.is_not(None), Request.due_at >= period.start, Request.due_at <= period.end)
    return _grouped(ctx, _timeliness(today), Request.__table__, ByDepartment(Request.organisation_id), where, org_ids)


def answer_counts(ctx: Context, period: Period, org_ids: list[int] | None, today: date) -> Counts:
    """Per department and per type, the requests received in the period that it must answer, by timeliness.

    Keys are ``<type>:<on_time|late|open_overdue|pending>`` plus the totals without the type prefix.
    """
    by = ByDepartment(Request.organisation_id)
    timeliness = _timeliness(today)
    query = (by.joined(select(by.dept.label("dept"), Request.type, *(c.label(k) for k, c in timeliness.items()))
                       .select_from(Request.__table__))
             .where(Request.type.in_(ANSWER_TYPES), Request.state.not_in(NEUTRAL_STATES), _departments_clock(),
                    Request.due_at.is_not(None),
                    Request.created_at >= period.utc_start, Request.created_at < period.utc_end))
    if org_ids is not None:
        query = query.where(by.within(org_ids))
    out: Counts = defaultdict(lambda: defaultdict(int))
    for row in ctx.session.execute(query.group_by(by.dept, Request.type)).mappings():
        for key in timeliness:
            out[row["dept"]][f"{row['type']}:{key}"] += int(row[key] or 0)
            out[row["dept"]][key] += int(row[key] or 0)
    return {k: dict(v) for k, v in out.items()}


def review_counts(ctx: Context, period: Period, org_ids: list[int] | None) -> Counts:
    """Per department, its entries' review steps decided in the period: passed or returned for rework."""
    columns = {"approved": _sum(Request.state == "approved"), "returned": _sum(Request.state == "returned")}
    where = (Request.type == "review", Request.closed_at >= period.utc_start, Request.closed_at < period.utc_end)
    return _grouped(ctx, columns, Request.__table__, ByDepartment(Request.organisation_id), where, org_ids)


def freshness_counts(ctx: Context, as_of: date, org_ids: list[int] | None) -> Counts:
    """Per department, published items whose update cycle is monitored, and how many are stale on ``as_of``.

    From update-cycle monitoring, which judges the entries published now.
    """
    found = staleness_by_org(ctx, as_of, set(org_ids) if org_ids is not None else None)
    return {org_id: {"monitored": f.monitored, "stale": f.stale} for org_id, f in found.items()}


def mount_counts(ctx: Context, org_ids: list[int] | None) -> Counts:
    """Per provider, its published entries and how many have the real resource mounted (as things stand now)."""
    found = mount_rate_by_org(ctx)
    wanted = set(org_ids) if org_ids is not None else None
    return {org_id: {"published": published, "mounted": mounted} for org_id, (published, mounted) in found.items()
            if wanted is None or org_id in wanted}


def departments(ctx: Context, org_ids: list[int] | None) -> list[Organisation]:
    """The departments assessed (city and county departments), by code."""
    query = (select(Organisation).options(selectinload(Organisation.parent))
             .where(Organisation.level == OrgLevel.DEPARTMENT).order_by(Organisation.code))
    if org_ids is not None:
        query = query.where(Organisation.id.in_(org_ids))
    return list(ctx.session.scalars(query))
